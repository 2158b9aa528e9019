"""A demand registered today has its score today, and every modification re-scores it at once, in the
same transaction (issue 10, rules 2 and 3): no waiting for the nightly run."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from attrib.common.models import Evenement
from attrib.cotation import calcul, selectors, services
from attrib.cotation.models import Cotation
from attrib.demandes import enums
from attrib.demandes.importexport import exporter_demandes_csv, importer_demandes
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_modifier, demande_radier, demandes_radier_non_renouvelees
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from tests.cotation.conftest import GRILLE, Territoire, importer, un_adulte
from tests.factories import COURSAN, NARBONNE

pytestmark = pytest.mark.django_db

#: The test grid plus 200 points for monthly resources under 1 000 €.
GRILLE_RESSOURCES = GRILLE.replace(
    "  - id: anciennete\n    libelle: Ancienneté\n",
    """  - id: ressources
    libelle: Ressources
    criteres:
      - id: faibles_ressources
        libelle: Ressources mensuelles inférieures à 1 000 €
        base_legale: PPGD (critère local)
        condition: {champ: revenus_mensuels, inf: 1000}
        points: 200
  - id: anciennete
    libelle: Ancienneté
""",
)


def _texte(reponse: object) -> str:
    return re.sub(r"\s+", " ", reponse.content.decode())  # type: ignore[attr-defined]


@pytest.fixture
def publiee(territoire: Territoire) -> None:
    services.version_publier(version=importer(territoire, GRILLE_RESSOURCES), auteur=acteur_systeme("test"))


def test_une_demande_enregistree_a_son_score_tout_de_suite(territoire: Territoire, publiee: None) -> None:
    ancienne = territoire.demande(mois=30, personnes=un_adulte(1500))
    nouvelle = territoire.demande(mois=7, personnes=un_adulte(900))
    cotation = Cotation.objects.get(demande=nouvelle)
    assert (cotation.score, cotation.rang, cotation.effectif) == (270, 2, 2)
    # The demand registered before it was ranked again with it (300 points for 30 months).
    assert (Cotation.objects.get(demande=ancienne).rang, Cotation.objects.get(demande=ancienne).effectif) == (1, 2)

    client = Client()
    client.force_login(territoire.agent_guichet)
    texte = _texte(client.get(reverse("demandes:detail", args=[nouvelle.pk])))
    assert "270 points" in texte and "2e sur 2 demandes de typologie T2" in texte
    assert "Ressources mensuelles inférieures à 1 000 €" in texte


def test_modifier_les_ressources_change_le_score_et_son_explication_aussitot(
    territoire: Territoire, publiee: None
) -> None:
    demande = territoire.demande(mois=7, personnes=un_adulte(1500))
    avant = Cotation.objects.get(demande=demande)
    assert avant.score == 70 and not any("Ressources" in phrase for phrase in avant.explication)

    demande_modifier(demande=demande, auteur=acteur_de(territoire.agent_guichet), personnes=un_adulte(800))
    apres = Cotation.objects.get(demande=demande)
    assert apres.score == 270
    assert any("Ressources mensuelles inférieures à 1 000 €" in phrase for phrase in apres.explication)
    assert list(demande.cotations_historique.values_list("score", flat=True)) == [270, 70]

    client = Client()
    client.force_login(territoire.agent_guichet)
    texte = _texte(client.get(reverse("demandes:detail", args=[demande.pk])))
    assert "270 points" in texte and "Ressources mensuelles inférieures à 1 000 €" in texte


def test_marquer_dalo_compte_les_points_dalo_aussitot(territoire: Territoire, publiee: None) -> None:
    demande = territoire.demande(mois=2)
    demande_modifier(
        demande=demande,
        auteur=acteur_de(territoire.agent_guichet),
        donnees={"dalo_reconnu": True, "dalo_date_decision": date(2026, 1, 5)},
    )
    cotation = Cotation.objects.get(demande=demande)
    assert (cotation.score_provisoire, cotation.score_valide) == (1020, 20)


def test_changer_de_commune_et_de_typologie_reclasse_les_deux_groupes(territoire: Territoire, publiee: None) -> None:
    a = territoire.demande(mois=10)
    b = territoire.demande(mois=5)
    assert Cotation.objects.get(demande=b).rang == 2
    demande_modifier(
        demande=a,
        auteur=acteur_de(territoire.agent_guichet),
        communes=[COURSAN],
        donnees={"typologie_min": 3, "typologie_max": 3},
    )
    cotation_a, cotation_b = Cotation.objects.get(demande=a), Cotation.objects.get(demande=b)
    assert (cotation_a.typologie, cotation_a.secteur_id, cotation_a.rang, cotation_a.effectif) == (3, COURSAN, 1, 1)
    assert (cotation_b.rang, cotation_b.effectif, cotation_b.rang_territoire, cotation_b.effectif_territoire) == (
        1,
        1,
        1,
        1,
    )


def test_une_demande_radiee_quitte_les_classements_aussitot(territoire: Territoire, publiee: None) -> None:
    a, b, c = (territoire.demande(mois=m) for m in (12, 8, 4))
    demande_radier(demande=a, auteur=acteur_de(territoire.agent_guichet), motif=enums.MotifRadiation.RENONCIATION)
    assert not Cotation.objects.filter(demande=a).exists()
    assert [(x.demande_id, x.rang) for x in Cotation.objects.order_by("rang")] == [(b.pk, 1), (c.pk, 2)]
    version = territoire.epci.grilles_cotation.get().version_publiee
    liste = selectors.classement(territoire.gestionnaire, version=version, typologie=2, secteur=NARBONNE)
    assert [x.demande_id for x in liste] == [b.pk, c.pk]


def test_la_radiation_automatique_retire_les_cotations(territoire: Territoire, publiee: None) -> None:
    a = territoire.demande(mois=14)  # expired two months ago
    b = territoire.demande(mois=3)
    assert Cotation.objects.filter(demande=a).exists()
    assert demandes_radier_non_renouvelees(auteur=acteur_systeme("test")) == 1
    assert list(Cotation.objects.values_list("demande_id", "rang", "effectif")) == [(b.pk, 1, 1)]


def test_une_demande_hors_de_tout_territoire_n_est_pas_cotee(territoire: Territoire, publiee: None) -> None:
    demande = territoire.demande(mois=3)
    demande_modifier(demande=demande, auteur=acteur_de(territoire.agent_guichet), communes=["11069"])  # Carcassonne
    assert not Cotation.objects.filter(demande=demande).exists()
    assert not Evenement.objects.filter(action="cotation_impossible").exists()


def test_un_import_cote_toutes_ses_demandes_en_une_fois(
    territoire: Territoire, publiee: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    modele = territoire.demande(mois=10)
    flux = io.StringIO()
    exporter_demandes_csv(
        demandes=Demande.objects.filter(pk=modele.pk), flux=flux, auteur=acteur_de(territoire.agent_guichet)
    )
    [ligne] = list(csv.DictReader(io.StringIO(flux.getvalue().removeprefix("\ufeff")), delimiter=";"))
    ligne["numero_unique"] = ""
    sortie = io.StringIO()
    ecrivain = csv.DictWriter(sortie, fieldnames=list(ligne), delimiter=";")
    ecrivain.writeheader()
    ecrivain.writerows([ligne] * 4)

    groupes_classes: list[tuple[int, int]] = []
    reclasser = calcul.reclasser_groupe

    def compter(version: object, typologie: int) -> int:
        groupes_classes.append((version.pk, typologie))  # type: ignore[attr-defined]
        return reclasser(version, typologie)  # type: ignore[arg-type]

    monkeypatch.setattr(calcul, "reclasser_groupe", compter)
    rapport = importer_demandes(
        fichier=sortie.getvalue().encode("utf-8"),
        guichet=territoire.guichet,
        auteur=acteur_de(territoire.agent_guichet),
        tout_ou_rien=False,
    )
    assert rapport.nb_creees == 4, rapport.erreurs
    assert len(groupes_classes) == 1  # one ranking for the whole file, not one per line
    cotations = Cotation.objects.order_by("rang")
    assert cotations.count() == 5 and [c.rang for c in cotations] == [1, 2, 3, 4, 5]
    assert {c.effectif for c in cotations} == {5} and cotations[0].demande_id == modele.pk


def test_une_grille_incalculable_n_empeche_pas_d_enregistrer(territoire: Territoire) -> None:
    # A grid reading the PLAI ceiling, computed on a day of 2016 (no ceiling sourced for that year).
    plafond = GRILLE.replace(
        "        condition: {champ: priorites, contient: l441_k}\n        points: 300",
        "        condition: {tous: [{champ: priorites, contient: l441_k}, {champ: eligible_plai, egal: true}]}\n"
        "        points: 300",
    )
    services.version_publier(version=importer(territoire, plafond), auteur=acteur_systeme("test"))
    ancienne = territoire.demande(mois=140)  # filed in 2015
    assert (
        services.cotations_actualiser(demandes=[ancienne], jour=date(2025, 6, 1), auteur=acteur_systeme("test")) == []
    )
    assert Cotation.objects.filter(demande=ancienne).exists()
    ecartees = services.cotations_actualiser(demandes=[ancienne], jour=date(2016, 6, 1), auteur=acteur_systeme("test"))
    assert [e.numero_unique for e in ecartees] == [ancienne.numero_unique]
    assert "Plafond PLAI 2016 non publié à ce jour" in ecartees[0].motif
    assert not Cotation.objects.filter(demande=ancienne).exists()  # cleared, not stale
    evenement = Evenement.objects.filter(action="cotation_impossible").latest("pk")
    assert evenement.cible_id == str(ancienne.pk) and "Plafond PLAI" in evenement.resume
