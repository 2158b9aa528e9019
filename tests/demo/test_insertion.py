"""Rows inserted by columns (COPY on PostgreSQL) are the rows ``bulk_create`` writes: same values, same
defaults, same journal entries with the same context."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.models import Demande, Personne
from attrib.demo.insertion import InsertionErreur, inserer_colonnes
from attrib.journal.contexte import contexte_journal
from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import acteur_de
from tests.factories import creer_demande, guichet, membre, territoire_minimal

pytestmark = pytest.mark.django_db

PERSONNES = [
    {
        "role": enums.RolePersonne.CODEMANDEUR,
        "lien": enums.LienParente.CONJOINT,
        "nom": "Garcia",
        "prenoms": "José",
        "nom_normalise": "GARCIA JOSE",
        "date_naissance": date(1988, 2, 29),
        "salaires": Decimal("1834.56"),
        "adresse": "3 rue des Écoles",
        "a_charge": False,
        "handicap": False,
    },
    {
        "role": enums.RolePersonne.PERSONNE_A_LOGER,
        "lien": enums.LienParente.ENFANT,
        "nom": "Garcia",
        "prenoms": "Inès",
        "nom_normalise": "GARCIA INES",
        "date_naissance": date(2015, 7, 1),
        "salaires": Decimal("0"),
        "adresse": "",
        "a_charge": True,
        "handicap": True,
    },
]


def _sans(valeurs: dict[str, Any], *cles: str) -> dict[str, Any]:
    return {k: v for k, v in valeurs.items() if k not in cles}


def _journal(table: str, ids: list[int]) -> list[tuple[Any, ...]]:
    entrees = EntreeJournal.objects.filter(table_objet=table, objet_id__in=[str(i) for i in ids]).order_by("id")
    return [
        (e.operation, _sans(e.apres, "id", "demande_id"), e.auteur_id, e.auteur_libelle, e.organisation_id, e.origine)
        for e in entrees
    ]


def test_des_personnes_inserees_par_colonnes_sont_celles_de_bulk_create():
    territoire_minimal()
    g = guichet()
    agent = membre(g, first_name="Inès", last_name="Roux")
    a, b = creer_demande(guichet_org=g), creer_demande(guichet_org=g)
    with contexte_journal(origine="essai", auteur=acteur_de(agent)):
        Personne.objects.bulk_create(Personne(demande=a, **p) for p in PERSONNES)
        colonnes = {cle: [p[cle] for p in PERSONNES] for cle in PERSONNES[0]}
        colonnes["demande_id"] = [b.pk, b.pk]
        assert inserer_colonnes(Personne, colonnes) == 2

    ordre = ("role", "id")
    par_orm = list(
        Personne.objects.filter(demande=a, role__in=[p["role"] for p in PERSONNES]).order_by(*ordre).values()
    )
    par_colonnes = list(
        Personne.objects.filter(demande=b, role__in=[p["role"] for p in PERSONNES]).order_by(*ordre).values()
    )
    assert [_sans(v, "id", "demande_id") for v in par_colonnes] == [_sans(v, "id", "demande_id") for v in par_orm]
    # Defaults filled as the ORM fills them: amounts at 0, empty texts, False.
    assert par_colonnes[0]["pensions_retraite"] == Decimal("0") and par_colonnes[0]["email"] == ""
    # The journal has one creation per row, with the same values and the same author and origin.
    journal_orm = _journal("demandes.personne", [v["id"] for v in par_orm])
    journal_colonnes = _journal("demandes.personne", [v["id"] for v in par_colonnes])
    assert len(journal_colonnes) == 2 and journal_colonnes == journal_orm
    assert journal_colonnes[0][2:] == (agent.pk, "Inès Roux", g.pk, "essai")
    assert "nom_normalise" not in journal_colonnes[0][1]


def test_un_evenement_insere_par_colonnes_recoit_les_valeurs_par_defaut():
    territoire_minimal()
    demande = creer_demande(guichet_org=guichet())
    cible = ContentType.objects.get_for_model(Demande)
    avant = timezone.now()
    hier = avant - timedelta(days=1)
    inserer_colonnes(
        Evenement,
        {
            "cible_type_id": [cible.pk, cible.pk],
            "cible_id": [str(demande.pk)] * 2,
            "action": ["essai_defauts", "essai_donnes"],
            "resume": ["sans détails", "avec détails"],
            "details": [{}, {"échéance": "2027-03-15", "n": 2}],
            "horodatage": [avant, hier],
        },
    )
    inserer_colonnes(
        Evenement,
        {"cible_type_id": [cible.pk], "cible_id": [str(demande.pk)], "action": ["essai_maintenant"], "resume": ["x"]},
    )
    evenements = {e.action: e for e in Evenement.objects.filter(action__startswith="essai_")}
    assert evenements["essai_donnes"].details == {"échéance": "2027-03-15", "n": 2}
    assert evenements["essai_donnes"].horodatage == hier
    # Left out: the JSON default (an empty object), the auto_now_add time, the boolean default.
    maintenant = evenements["essai_maintenant"]
    assert maintenant.details == {} and avant <= maintenant.horodatage <= timezone.now()
    assert maintenant.visible_demandeur == Evenement._meta.get_field("visible_demandeur").get_default()
    assert maintenant.auteur_id is None


def test_des_colonnes_qui_ne_vont_pas_au_modele_sont_refusees():
    with pytest.raises(InsertionErreur, match="colonnes inconnues"):
        inserer_colonnes(Evenement, {"action": ["a"], "inconnue": [1]})
    with pytest.raises(InsertionErreur, match="longueurs différentes"):
        inserer_colonnes(Evenement, {"action": ["a", "b"], "resume": ["x"]})
    assert inserer_colonnes(Evenement, {"action": []}) == 0
