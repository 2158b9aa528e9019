"""Location voulue in the pilotage (issue 14, point 6): for a year and a territory, the share of the attributions
made through an advert, the refusal rate of the offers of each route, the adverts published, closed, attributed,
without outcome and withdrawn, the applications per advert, and each objective of the CIA counted over each
route — on the page (table and chart) and in the CIL workbook.

The world, through the real services (``tests/annonces/parcours.py``), in 2026:

- advert A (PINS-2, the State's flux): dalo, famille and couple apply; at the session the first ranked refuses the
  offer, the second accepts; the lease is signed: one attribution through location voulue, two offers answered,
  one refused (50 %);
- the classic route (PINS-1, Alogea's own share): the bailleur designates modeste (first quartile: 1 200 € a month
  for 1.3 consumption units, 11 077 € a year per unit, under the test threshold of 12 000 €), recent and seul;
  modeste accepts: one attribution, one offer answered, none refused (0 %);
- advert B: published, then withdrawn; advert C: published, no application, closed without outcome.

Both dwellings are outside QPV: « Q1 hors QPV » counts 0 of 1 through location voulue (the household housed
earns too much), 1 of 1 through the classic route."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from attrib.annonces.enums import StatutAnnonce
from attrib.annonces.models import Annonce
from attrib.annonces.pilotage import offres_classiques, offres_par_annonce
from attrib.annonces.services import annonce_retirer
from attrib.commissions.enums import SensVote, StatutOffre, TypeDecision, Voix
from attrib.commissions.models import Offre
from attrib.commissions.services import (
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_suivante,
    presences_enregistrer,
    seance_creer,
    seance_ouvrir,
)
from attrib.demandes import quartile
from attrib.engine.rapprochement.objectifs import Q1_HORS_QPV
from attrib.organisations.acteurs import acteur_de
from attrib.pilotage import selectors
from attrib.pilotage.selectors import tableau_de_bord
from attrib.rapprochement.moteur import vider_cache
from tests.annonces.parcours import SYSTEME, MondeLV, monde_lv
from tests.factories import guichet, membre
from tests.rapprochement.conftest import SEUIL_TEST, seuil_connu
from tests.taches.outils import fichier_du_travail

pytestmark = pytest.mark.django_db

ANNEE_2026 = {"debut": "2026-01-01", "fin": "2026-12-31"}


#: The pilotage reads the official threshold of the year (a test file): the rapprochement's test threshold.
FICHIER_SEUILS = f"""
arretes:
  - annee: 2026
    intitule: "Arrêté d'essai fixant le seuil du premier quartile"
    date_arrete: 2026-01-02
    journal_officiel: "JORF d'essai"
    date_effet: 2026-01-01
    source: "fichier de test"
    fiabilite: V
    manque: ""
seuils:
  - epci: "241100593"
    nom: CA Le Grand Narbonne
    annee: 2026
    valeur: {SEUIL_TEST:.0f}
    source: "fichier de test"
    fiabilite: V
    manque: ""
"""


@pytest.fixture
def lv(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, horloge: time_machine.Coordinates, tmp_path: Path
) -> Iterator[MondeLV]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seuils = tmp_path / "seuils_q1.yaml"
    seuils.write_text(FICHIER_SEUILS, encoding="utf-8")
    monkeypatch.setattr(quartile, "FICHIER", seuils)
    seuil_connu(monkeypatch)
    vider_cache()
    tableau_de_bord.vider()
    monde = monde_lv(horloge)
    _annee(monde)
    yield monde
    vider_cache()
    tableau_de_bord.vider()


def _classique(lv: MondeLV) -> None:
    """The bailleur designates three households for PINS-1 (its own share); the first accepts, the lease follows."""
    d = lv.d
    seance = seance_creer(auteur=SYSTEME, commission=lv.monde.commission, date_seance=lv.monde.jour)
    examens = examen_inscrire(
        auteur=SYSTEME,
        seance=seance,
        logement=lv.monde.ll_propre.logement,
        candidats=[d["modeste"], d["recent"], d["seul"]],
    )
    presences_enregistrer(
        auteur=SYSTEME, seance=seance, presences={m.pk: "seance" for m in lv.monde.commission.membres.all()}
    )
    seance_ouvrir(auteur=SYSTEME, seance=seance)
    votants = {m.pk: SensVote.POUR for m in lv.monde.commission.membres.filter(voix=Voix.DELIBERATIVE)}
    for e in examens:
        decision_enregistrer(
            auteur=SYSTEME,
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=e.rang_propose,
            votes=votants,
        )
    offre = offre_emettre(auteur=SYSTEME, logement=lv.monde.ll_propre.logement, envoyee_le=lv.monde.jour)
    assert offre.demande == d["modeste"]
    lv.signer(offre)


def _annee(lv: MondeLV) -> None:
    _classique(lv)
    a = lv.publier()
    lv.candidater(a, "dalo", "famille", "couple")
    b = lv.publier(lv.liberer())
    annonce_retirer(annonce=b, motif="Le logement a un dégât des eaux à réparer.", auteur=lv.bailleur)
    c = lv.publier(lv.liberer())
    lv.clore(c)  # no application: closed without outcome
    a = lv.clore(a)
    lv.commission(a)
    refusee = lv.refuser(lv.offre(a))
    lv.signer(offre_suivante(auteur=SYSTEME, offre=refusee))
    assert Annonce.objects.get(pk=a.pk).statut == StatutAnnonce.ATTRIBUEE
    assert Annonce.objects.get(pk=c.pk).statut == StatutAnnonce.SANS_SUITE


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_la_location_voulue_a_cote_de_la_voie_classique(lv: MondeLV) -> None:
    acteur = acteur_de(lv.monde.agent_epci)
    periode = selectors.Periode.annee(2026)
    t = selectors.tableau(acteur, periode, selectors.Perimetre())
    r = selectors.location_voulue(acteur, periode, selectors.Perimetre())

    assert (r.attributions, r.attributions_location_voulue, r.attributions_classiques) == (2, 1, 1)
    assert r.part_texte == "50\u00a0%"
    lv_refus, classique = r.refus_location_voulue, r.refus_classique
    assert (lv_refus.offres_repondues, lv_refus.acceptees, lv_refus.refusees, lv_refus.sans_reponse) == (2, 1, 1, 0)
    assert (classique.offres_repondues, classique.acceptees, classique.refusees) == (1, 1, 0)
    assert lv_refus.taux_texte == "50\u00a0%" and classique.taux_texte == "0\u00a0%"
    a = r.annonces
    assert (a.publiees, a.closes, a.attribuees, a.sans_suite, a.retirees) == (3, 2, 1, 1, 1)
    assert a.candidatures_par_annonce_texte == "1,5"  # 3 applications to A, none to C

    effets = {e.indicateur.code: e for e in r.objectifs}
    q1 = effets[Q1_HORS_QPV]
    assert (q1.location_voulue.attributions, q1.location_voulue.cibles) == (1, 0)
    assert (q1.classique.attributions, q1.classique.cibles) == (1, 1)
    assert q1.texte_location_voulue == "0\u00a0% (0 sur 1)" and q1.texte_classique == "100\u00a0% (1 sur 1)"
    # Every objective of the dashboard, counted over the two routes, adds up to the dashboard's count.
    tous = {i.code: i for i in (*t.indicateurs, t.travailleurs_essentiels, *t.par_reservataire)}
    assert set(effets) == set(tous)
    for code, e in effets.items():
        assert e.location_voulue + e.classique == tous[code].compte, code


def test_la_page_de_pilotage_et_son_graphique(lv: MondeLV) -> None:
    page = _client(lv.monde.agent_epci).get(reverse("pilotage:location_voulue"), ANNEE_2026)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="part-location-voulue" class="fr-h4">50\u00a0%</p>' in html
    refus = html.split('id="table-refus"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="row">Location voulue</th><td>2</td><td>1</td><td>1</td><td>0</td><td>50\u00a0%</td>' in refus
    assert '<th scope="row">Voie classique</th><td>1</td><td>1</td><td>0</td><td>0</td><td>0\u00a0%</td>' in refus
    annonces = html.split('id="table-annonces"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="row">Closes sans suite</th><td>1</td>' in annonces
    assert '<th scope="row">Candidatures reçues par annonce close (moyenne)</th><td>1,5</td>' in annonces
    objectifs = html.split('id="table-objectifs"', 1)[1].split("</table>", 1)[0]
    assert "<td>0\u00a0% (0 sur 1)</td><td>100\u00a0% (1 sur 1)</td><td>50\u00a0% (1 sur 2)</td>" in objectifs
    # The chart, with its text alternative and the table after it.
    assert 'id="graphique-objectifs-svg-desc"' in html and "Location voulue — Q1 hors QPV" in html
    # The dashboard links to it.
    tableau = _client(lv.monde.agent_epci).get(reverse("pilotage:tableau"), ANNEE_2026).content.decode()
    assert reverse("pilotage:location_voulue") in tableau


def test_la_page_suit_les_droits_du_pilotage(lv: MondeLV) -> None:
    """The same rule as the pilotage: the bailleur, the State, a réservataire see the page (cut to their
    perimeter); an actor of another kind (a desk only) gets 404, like a missing page."""
    for user in (lv.monde.gestionnaire_bailleur, lv.monde.gestionnaire_etat):
        assert _client(user).get(reverse("pilotage:location_voulue"), ANNEE_2026).status_code == 200
    # The State sees its whole territory; Action Logement the attributions of its flux: none here.
    etat = selectors.location_voulue(
        acteur_de(lv.monde.gestionnaire_etat), selectors.Periode.annee(2026), selectors.Perimetre()
    )
    assert (etat.attributions, etat.attributions_location_voulue) == (2, 1)
    action_logement = membre(lv.action_logement, username="action-logement")
    page = _client(action_logement).get(reverse("pilotage:location_voulue"), ANNEE_2026).content.decode()
    assert 'id="part-location-voulue" class="fr-h4">Aucune attribution</p>' in page
    agent_guichet = membre(guichet(nom="Guichet de Gruissan", code="GRU01"), username="agent-guichet")
    assert _client(agent_guichet).get(reverse("pilotage:location_voulue"), ANNEE_2026).status_code == 404


def test_le_classeur_de_la_cil_a_sa_feuille_location_voulue(lv: MondeLV) -> None:
    r = fichier_du_travail(_client(lv.monde.agent_epci).get(reverse("pilotage:export_xlsx"), ANNEE_2026))
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[-2:] == ["Location voulue", "Paramètres et sources"]
    lignes = [list(x) for x in wb["Location voulue"].iter_rows(values_only=True)]
    assert lignes[1][:3] == ["Par la location voulue", 1, 0.5]
    assert lignes[6] == ["Location voulue", 2, 1, 1, 0, 0.5, None, None]
    assert lignes[7][:6] == ["Voie classique", 1, 1, 0, 0, 0.0]
    par_objectif = {ligne[0]: ligne[1:] for ligne in lignes[18:]}
    assert par_objectif["Attributions hors QPV aux ménages du 1er quartile"][:6] == [1, 0, 0.0, 1, 1, 1.0]


def test_une_offre_compte_pour_la_voie_de_son_logement(lv: MondeLV) -> None:
    """An offer counts for location voulue when the household applied and was presented for that dwelling: an
    offer of the classic route to the same household, for another dwelling, stays classic."""
    offres = Offre.objects.filter(statut__in=(StatutOffre.REFUSEE, StatutOffre.ACCEPTEE))
    assert offres_par_annonce(offres).count() == 2
    assert set(offres_classiques(offres).values_list("logement__identifiant", flat=True)) == {"PINS-1"}
