"""The read paths at a region's size (issue 12, point 5; decision 0018): what is computed once, what reads an
index instead of the whole file. Shown by query counts and, on PostgreSQL, by the planner's plans."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from unittest.mock import patch

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attrib.demandes import quartile
from attrib.demandes.colonnes import personnes_frame
from attrib.demandes.comptes import compter
from attrib.demandes.models import Demande, Personne
from attrib.demandes.selectors import demandes_liste, lignes_de_page
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Organisation
from attrib.rapprochement.moteur import signature
from attrib.territoires.models import EPCI
from tests.factories import COURSAN, GRUISSAN, NARBONNE, creer_demande, guichet, membre, personne, territoire_minimal
from tests.menages import conjoint, enfant

pytestmark = pytest.mark.django_db

GRAND_NARBONNE = "241100593"
AVANT = date(2025, 6, 1)  # registered before 31 December 2025: counted in the 2026 threshold
SUR_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="plan du planificateur PostgreSQL")


@pytest.fixture
def territoire(horloge: Any) -> Iterator[tuple[EPCI, Organisation]]:
    epci = territoire_minimal()
    quartile.vider_cache()
    yield epci, guichet(communes=(NARBONNE, GRUISSAN))
    quartile.vider_cache()


def _adulte_seul(g: Organisation, salaires: int) -> Demande:
    return creer_demande(guichet_org=g, personnes=[personne(salaires=salaires)], aujourd_hui=AVANT)


def test_le_seuil_calcule_est_garde_jusqu_a_ce_que_le_fichier_change(
    territoire: tuple[EPCI, Organisation], django_assert_max_num_queries: Any
) -> None:
    _, g = territoire
    demandes = [_adulte_seul(g, s) for s in (1000, 2000, 3000, 4000)]
    # 4 single adults (1 UC): 12 000, 24 000, 36 000, 48 000 € → ⌈4/4⌉ = 1st = 12 000 €.
    assert quartile.seuil_q1(epci_siren=GRAND_NARBONNE, annee=2026).valeur == 12000.0

    # Read again: one query (the state of the demand file), never the households.
    with django_assert_max_num_queries(1):
        assert quartile.seuil_q1(epci_siren=GRAND_NARBONNE, annee=2026).valeur == 12000.0

    # Any writer moves the state, even a bulk update outside the services: the threshold follows.
    Personne.objects.filter(demande=demandes[0]).update(salaires=500)
    assert quartile.seuil_q1(epci_siren=GRAND_NARBONNE, annee=2026).valeur == 6000.0
    _adulte_seul(g, 250)
    seuil = quartile.seuil_q1(epci_siren=GRAND_NARBONNE, annee=2026)
    assert seuil.valeur == 6000.0  # 5 demands: ⌈5/4⌉ = 2nd of 3 000, 6 000, …
    assert "5 demandes actives au 31/12/2025" in seuil.source


def test_un_seul_fichier_de_seuil_par_epci_et_annee_remplace_a_chaque_etat(
    territoire: tuple[EPCI, Organisation], settings: Any, tmp_path: Any
) -> None:
    """The thresholds kept on disk for the other processes: one file per EPCI and year, replaced when the demand
    file changes, the leftovers of the earlier format (one file per state, never removed) purged (review
    finding: the folder grew by one file per state)."""
    _, g = territoire
    settings.VAR_DIR = tmp_path
    dossier = tmp_path / "cache" / "quartile"
    dossier.mkdir(parents=True)
    ancien = dossier / "0123456789abcdef0123456789abcdef.json"  # a file of the earlier format
    ancien.write_text('{"epci": "241100593", "annee": 2026, "valeur": 1.0}', encoding="utf-8")
    for salaires in (1000, 2000, 3000, 4000):
        _adulte_seul(g, salaires)
    assert quartile.seuil_q1(epci_siren=GRAND_NARBONNE, annee=2026).valeur == 12000.0
    for salaires in (250, 250):
        _adulte_seul(g, salaires)
        quartile.seuil_q1(epci_siren=GRAND_NARBONNE, annee=2026)
    quartile.seuil_q1(epci_siren=GRAND_NARBONNE, annee=2025)
    fichiers = sorted(dossier.iterdir())
    assert len(fichiers) == 2, fichiers  # 2026 and 2025, whatever the number of states
    assert not ancien.exists()
    # Another process (nothing in memory) reads the kept value of the current state, not an older one.
    with quartile._VERROU:
        quartile._CALCULES.clear()
    assert quartile.seuil_q1(epci_siren=GRAND_NARBONNE, annee=2026).valeur == 3000.0  # ⌈6/4⌉ = 2nd: 3 000
    assert len(list(dossier.iterdir())) == 2


def test_le_calcul_en_colonnes_donne_la_mesure_de_chaque_menage(territoire: tuple[EPCI, Organisation]) -> None:
    _, g = territoire
    _adulte_seul(g, 1500)
    famille = creer_demande(
        guichet_org=g,
        personnes=[
            personne(salaires=900, pension_alimentaire_versee=100),
            conjoint(salaires=600),
            enfant(),
            enfant(prenoms="Jo", date_naissance=date(2008, 3, 3)),
        ],
        aujourd_hui=AVANT,
    )
    reference = date(2025, 12, 31)
    calcul, valeurs = quartile.calcul_quartile_valeurs(epci_siren=GRAND_NARBONNE, date_reference=reference)
    attendues = [quartile.ressources_par_uc_demande(d, jour=reference) for d in Demande.objects.order_by("pk")]
    assert valeurs == attendues
    # The family: (900 − 100 + 600) × 12 / (1 + 0.5 + 0.5 + 0.3) UC.
    assert quartile.ressources_par_uc_demande(famille, jour=reference) == pytest.approx(1400 * 12 / 2.3)
    assert (calcul.demandes, calcul.ecartees) == (2, 0)


def _plan(sql: str, params: Any, *reglages: str) -> str:
    with connection.cursor() as curseur:
        for reglage in reglages:
            curseur.execute(f"SET LOCAL {reglage}")
        curseur.execute(f"EXPLAIN {sql}", params)
        return "\n".join(ligne[0] for ligne in curseur.fetchall())


@SUR_POSTGRESQL
def test_la_fraicheur_de_l_index_de_preselection_se_lit_dans_des_index(territoire: tuple[EPCI, Organisation]) -> None:
    epci, g = territoire
    _adulte_seul(g, 1000)
    with CaptureQueriesContext(connection) as requetes:
        signature(epci)
    assert len(requetes) <= 4
    for requete in requetes.captured_queries:
        plan = _plan(requete["sql"], None, "enable_seqscan = off", "enable_sort = off")
        # One step back along an index under a LIMIT, never an aggregate over a table (sorting off: on the test's
        # few rows the planner would rather sort one row than walk the index backwards, whatever the test order).
        assert plan.startswith("Limit"), plan
        assert "Index" in plan and "Backward" in plan, plan
        assert "Aggregate" not in plan, plan


@SUR_POSTGRESQL
def test_le_perimetre_est_une_semi_jointure_non_correlee(territoire: tuple[EPCI, Organisation]) -> None:
    _, g = territoire
    _adulte_seul(g, 1000)
    agent = acteur_de(membre(g))
    sql, params = Demande.objects.visible_to(agent).values("pk").query.sql_with_params()
    plan = _plan(sql, params)
    # The demands wishing a commune of the perimeter are read once and hashed: no subquery run per demand.
    filtres = [ligne for ligne in plan.splitlines() if "Filter:" in ligne and "SubPlan" in ligne]
    assert filtres, plan
    for filtre in filtres:
        assert "alternatives" not in filtre, plan
        assert filtre.count("SubPlan") == filtre.count("hashed SubPlan"), plan


@SUR_POSTGRESQL
def test_la_premiere_page_de_la_liste_suit_un_index_sans_trier(territoire: tuple[EPCI, Organisation]) -> None:
    _, g = territoire
    _adulte_seul(g, 1000)
    for utilisateur in (acteur_de(membre(g)), acteur_systeme("test")):
        qs = demandes_liste(user=utilisateur)[:50]
        sql, params = qs.query.sql_with_params()
        plan = _plan(sql, params, "enable_sort = off")
        assert "demande_ordre_liste_idx" in plan, plan
        assert "Sort" not in plan.split("SubPlan")[0], plan


def test_une_page_de_la_liste_n_annote_que_ses_lignes_dans_l_ordre_de_la_liste(
    territoire: tuple[EPCI, Organisation], django_assert_num_queries: Any
) -> None:
    _, g = territoire
    for mois in (1, 2, 3, 4):
        creer_demande(guichet_org=g, date_depot=date(2025, mois, 1), aujourd_hui=AVANT)
    demandes = demandes_liste(user=acteur_systeme("test"))
    attendues = [d.pk for d in demandes[1:3]]
    with django_assert_num_queries(2):  # the page's ids, then those rows with their annotations
        lignes = lignes_de_page(demandes, demandes[1:3])
    assert [d.pk for d in lignes] == attendues
    assert [d.date_depot_initiale for d in lignes] == [date(2025, 3, 1), date(2025, 2, 1)]
    assert all(d.demandeur_nom == "Martin" and d.nb_personnes == 1 for d in lignes)  # type: ignore[attr-defined]
    premiere = [d.pk for d in demandes[0:2]]
    with django_assert_num_queries(1):  # the first page skips nothing: read as it is
        assert [d.pk for d in lignes_de_page(demandes, demandes[0:2])] == premiere


@SUR_POSTGRESQL
def test_une_demande_lue_par_son_id_ne_hache_pas_tout_le_perimetre(territoire: tuple[EPCI, Organisation]) -> None:
    """Its page reads one demand: its own wished communes are looked up, the perimeter is not hashed whatever the
    planner's statistics (decision 0023); over many demands (above) the perimeter is still read once and hashed."""
    _, g = territoire
    d = _adulte_seul(g, 1000)
    agent = acteur_de(membre(g))
    visibles = Demande.objects.visible_to(agent, par_ligne=True)
    assert sorted(visibles.values_list("pk", flat=True)) == sorted(
        Demande.objects.visible_to(agent).values_list("pk", flat=True)
    )
    sql, params = visibles.filter(pk=d.pk).values("pk").query.sql_with_params()
    plan = _plan(sql, params)
    assert "SubPlan" in plan and "hashed SubPlan" not in plan, plan


def test_un_compte_est_garde_jusqu_a_ce_qu_une_demande_change(
    territoire: tuple[EPCI, Organisation], django_assert_max_num_queries: Any
) -> None:
    _, g = territoire
    demandes = [_adulte_seul(g, s) for s in (1000, 2000, 3000)]
    agent = acteur_de(membre(g))
    assert compter(Demande.objects.visible_to(agent)) == 3
    with django_assert_max_num_queries(1):  # the states of the demand file and of the perimeters, not the count
        assert compter(Demande.objects.visible_to(agent)) == 3
    assert compter(Demande.objects.visible_to(agent), borne=2) == 3  # more than 2: not counted further
    assert compter(Demande.objects.visible_to(agent).filter(typologie_min__gte=5)) == 0
    Demande.objects.filter(pk=demandes[0].pk).update(typologie_min=5, typologie_max=5)  # outside the services
    assert compter(Demande.objects.visible_to(agent).filter(typologie_min__gte=5)) == 1
    _adulte_seul(g, 4000)
    assert compter(Demande.objects.visible_to(agent)) == 4


def test_changer_le_perimetre_d_une_organisation_change_le_compte_affiche_a_un_membre(
    territoire: tuple[EPCI, Organisation], client: Any
) -> None:
    """The perimeter is a subquery of the counted SQL, not a parameter: the counts kept per state must follow a
    change of perimeter, whatever its writer (review finding: the list kept the previous count)."""
    _, g = territoire
    for _ in range(2):
        creer_demande(guichet_org=g, communes=(GRUISSAN,), personnes=[personne(salaires=1000)], aujourd_hui=AVANT)
    commune = guichet(nom="Commune de Coursan", code="COU01", communes=(COURSAN,))
    client.force_login(membre(commune))

    def affiches() -> tuple[str, str]:
        liste = client.get("/demandes/").content.decode()
        accueil = client.get("/").content.decode()
        return re.search(r'<h2 id="resultats">([^<]*)</h2>', liste).group(1), re.search(  # type: ignore[union-attr]
            r'id="nb-actives">([^<]*)<', accueil
        ).group(1)  # type: ignore[union-attr]

    assert affiches() == ("0 demandes", "0")
    commune.perimetre.add(GRUISSAN)  # the ORM's many-to-many manager
    assert affiches() == ("2 demandes", "2")
    Organisation.perimetre.through.objects.filter(organisation=commune, commune_id=GRUISSAN).delete()  # in bulk
    assert affiches() == ("0 demandes", "0")


def test_la_liste_dit_plus_de_au_dela_de_sa_borne(territoire: tuple[EPCI, Organisation], client: Any) -> None:
    _, g = territoire
    for _ in range(3):
        _adulte_seul(g, 1000)
    client.force_login(membre(g))
    with patch("attrib.demandes.views.consultation.BORNE_LISTE", 2):
        page = client.get("/demandes/").content.decode()
    assert "Plus de 2 demandes" in page
    assert "3 demandes" in client.get("/demandes/").content.decode()


def test_quelques_demandes_dispersees_sont_lues_par_leurs_ids(territoire: tuple[EPCI, Organisation]) -> None:
    """The leases of a year are a few demands scattered over the file: read by their ids, not by every row between
    the first and the last (decision 0023)."""
    _, g = territoire
    demandes = [_adulte_seul(g, s) for s in range(1000, 1010)]
    choisies = sorted([demandes[0].pk, demandes[-1].pk])
    with CaptureQueriesContext(connection) as requetes:
        personnes = personnes_frame(choisies)
    assert sorted(set(personnes.get_column("demande_id").to_list())) == choisies
    lecture = next(q["sql"] for q in requetes.captured_queries if "demandes_personne" in q["sql"])
    assert " IN (" in lecture and ">=" not in lecture, lecture


@SUR_POSTGRESQL
def test_la_recherche_par_nom_lit_l_index_trigramme(territoire: tuple[EPCI, Organisation]) -> None:
    _, g = territoire
    _adulte_seul(g, 1000)
    qs = demandes_liste(user=acteur_de(membre(g)), recherche="Martin").values("pk")
    sql, params = qs.query.sql_with_params()
    # Sequential and plain index scans off: the planner must still be able to answer « nom LIKE '%MARTIN%' » from a
    # bitmap of an index, which only the trigram index can give (a B-tree serves a prefix, not a substring; with plain
    # index scans on, a full walk of another index filtered row by row is a legal but meaningless answer).
    plan = _plan(sql, params, "enable_seqscan = off", "enable_indexscan = off", "enable_indexonlyscan = off")
    assert "demandes_personne_noms_trgm_idx" in plan, plan
