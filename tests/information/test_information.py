"""What the applicant is told: score per criterion, position among similar demands and waiting range read from
the stored scores and leases, what would change the position, and the alerts when a position moves."""

from __future__ import annotations

import html
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string

from attrib.cotation.models import Cotation
from attrib.demandes import quartile
from attrib.engine.position import Attribution, charger_regles_information, fourchette_un, mois_entre
from attrib.information import selectors
from attrib.information.models import InstantanePosition
from attrib.information.services import instantane_enregistrer
from attrib.organisations.acteurs import acteur_systeme
from tests.factories import NARBONNE, creer_demande, guichet, personne, territoire_minimal
from tests.factories.modeles import coter_les_demandes, organisation_epci
from tests.pilotage.conftest import FICHIER_SEUILS, construire_monde

pytestmark = pytest.mark.django_db


def _rendu(gabarit: str, contexte: dict[str, Any]) -> str:
    return html.unescape(render_to_string(gabarit, contexte))


#: The day the eleven leases of the pilotage's world (20/01 to 30/06/2026, and 15/11/2025) are all in the window.
APRES_LES_BAUX = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def _cache_vide() -> Any:
    selectors.vider_cache()
    yield
    selectors.vider_cache()


@pytest.fixture
def seuils(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chemin = tmp_path / "seuils_q1.yaml"
    chemin.write_text(FICHIER_SEUILS, encoding="utf-8")
    monkeypatch.setattr(quartile, "FICHIER", chemin)


def _demandes(nombre: int, *, depot: date = date(2025, 1, 1)) -> list[Any]:
    territoire_minimal()
    desk = guichet(nom="Guichet essai", code="ESS01", communes=(NARBONNE,))
    return [
        creer_demande(guichet_org=desk, personnes=[personne(nom=f"Attente{n}")], aujourd_hui=depot, date_depot=depot)
        for n in range(nombre)
    ]


def test_position_et_fourchette_lues_des_cotations_et_des_baux(seuils: None) -> None:
    monde = construire_monde(avec_refus=False)
    actives = _demandes(12)
    coter_les_demandes(APRES_LES_BAUX)
    cotations = list(Cotation.objects.filter(demande__statut="active"))
    assert len(cotations) >= 12

    index = selectors.index_version(cotations[0].version, jour=APRES_LES_BAUX)
    # The ranks are the ranked lists' own (same grid, same typology, whole territory).
    for c in cotations:
        assert index.rang(c.demande_id) == (c.rang_territoire, c.effectif_territoire)

    situation = selectors.situation_de(demande=actives[5], jour=APRES_LES_BAUX)
    assert situation is not None
    assert situation.position is not None and situation.position.debut <= 6 + 2  # figurants are ranked too
    assert situation.lignes[0].libelle == "Ancienneté de la demande"
    assert situation.lignes[0].source == "Critère choisi par le territoire."
    # The waiting range: the eleven leases of the window, as the plain-record reference reads them.
    regles = charger_regles_information(APRES_LES_BAUX)
    baux = [*monde.baux, monde.hors_periode]
    attributions = [
        Attribution(
            organisation_epci().pk, b.demande.typologie_min, NARBONNE, b.demande.date_depot_initiale, b.date_signature
        )
        for b in baux
        if b is not None
    ]
    attendu, n = fourchette_un((organisation_epci().pk, 2), attributions, regles, APRES_LES_BAUX)
    assert n == 11 and attendu is not None
    assert situation.situation.fourchette == attendu
    assert attendu.mediane == sorted(mois_entre(a.date_depot, a.date_attribution) for a in attributions)[5]

    # The day before the last lease: ten leases, fewer than the minimum: no range, no count.
    veille = selectors.situation_de(demande=actives[5], jour=date(2026, 6, 29))
    assert veille is not None and veille.situation.fourchette is None and veille.situation.effectif_attente is None

    texte = _rendu("information/_situation.html", {"situation": situation})
    assert situation.position.texte in texte
    assert f"entre {attendu.premier_quartile} et {attendu.troisieme_quartile} mois" in texte
    assert "sur 11 demandes satisfaites" in texte
    for interne in ("typologie_min", "date_depot_initiale", "[K]", "[H]", ".yaml", "territoire,"):
        assert interne not in texte
    texte_veille = _rendu("information/_situation.html", {"situation": veille})
    assert "Moins de 11 demandes similaires ont été satisfaites" in texte_veille


def test_pas_de_position_parmi_trop_peu_de_demandes(horloge: Any) -> None:
    demandes = _demandes(4)
    coter_les_demandes(date(2026, 6, 15))
    situation = selectors.situation_de(demande=demandes[0], jour=date(2026, 6, 15))
    assert situation is not None
    assert situation.position is None and situation.situation.effectif is None
    texte = _rendu("information/_situation.html", {"situation": situation})
    assert "moins de 11 demandes similaires" in texte and "place sur" not in texte


def test_ce_qui_changerait_ma_position(horloge: Any) -> None:
    demandes = _demandes(15)
    desk = guichet(nom="Guichet essai 2", code="ESS02", communes=(NARBONNE,))
    violences = creer_demande(
        guichet_org=desk, personnes=[personne(nom="Victime")], priorites=("l441_g",), date_depot=date(2026, 1, 1)
    )
    coter_les_demandes(date(2026, 6, 15))
    simulations = selectors.simulations_de(demande=violences, jour=date(2026, 6, 15), voit_sensible=True)
    par_nature = {s.nature: s for s in simulations}
    # The social worker's attestation validates the 500 points already counted as provisional.
    piece = par_nature["piece"]
    assert piece.libelle.startswith("Fournir l'attestation d'un travailleur social")
    assert (piece.score_valide_avant, piece.score_valide_apres) == (
        piece.score_valide_avant,
        piece.score_valide_avant + 500,
    )
    # A one-person household asking a T2 may also accept a T1 (adapted to its size): it joins the T1 demands.
    typologie = par_nature["typologie"]
    assert typologie.typologie == 1 and "T1" in typologie.libelle
    assert typologie.apres.position is None  # no T1 demand yet: fewer than the minimum, nothing shown
    # The wished communes count neither in this grid's score nor in the similar demands.
    assert par_nature["communes"].sans_effet
    texte = _rendu("information/_simulations.html", {"simulations": simulations})
    assert "Fournir l'attestation d'un travailleur social" in texte and "Accepter aussi un T1" in texte
    assert "l441_g" not in texte and "violences" not in [s.critere for s in simulations if s.nature != "piece"]
    # A co-applicant or a social worker (decision 0031): the same action and effect, the situation not named.
    masquees = {s.nature: s for s in selectors.simulations_de(demande=violences, jour=date(2026, 6, 15))}
    assert masquees["piece"].libelle == "Faire confirmer votre situation particulière (confidentielle)"
    assert (masquees["piece"].score_valide_apres, masquees["piece"].apres) == (piece.score_valide_apres, piece.apres)
    texte_masque = _rendu("information/_simulations.html", {"simulations": list(masquees.values())})
    assert "violences" not in texte_masque.lower() and "travailleur social" not in texte_masque
    assert all(d.pk for d in demandes)


def test_les_positions_qui_bougent_et_la_commande_de_nuit(horloge: Any) -> None:
    demandes = _demandes(14)
    coter_les_demandes(date(2026, 6, 15))
    assert instantane_enregistrer(auteur=acteur_systeme("test"), jour=date(2026, 6, 15)) == 14
    assert selectors.positions_changees(jour=date(2026, 6, 15)) == []
    avant = {i.demande_id: (i.debut, i.fin) for i in InstantanePosition.objects.all()}

    # Six households with a DALO decision arrive ahead of everyone: every band moves down.
    desk = guichet(nom="Guichet essai 3", code="ESS03", communes=(NARBONNE,))
    for n in range(6):
        creer_demande(
            guichet_org=desk,
            personnes=[personne(nom=f"Dalo{n}")],
            dalo_reconnu=True,
            dalo_date_decision=date(2025, 1, 1),
        )
    coter_les_demandes(date(2026, 6, 15))
    changees = selectors.positions_changees(jour=date(2026, 6, 15))
    assert {c.demande_id for c in changees} == {d.pk for d in demandes if avant[d.pk][0] <= 10}
    assert all(c.apres.debut > c.avant.debut for c in changees)

    # The nightly command (run here; the notices it writes are tested in tests/avis/test_positions.py).
    sortie = StringIO()
    call_command("suivre_positions", "--date", "2026-06-15", "--maintenant", stdout=sortie)
    assert f"{len(changees)} demande(s) dont la position a bougé ;" in sortie.getvalue()
    assert "20 position(s) enregistrée(s) au 15/06/2026" in sortie.getvalue()
    assert selectors.positions_changees(jour=date(2026, 6, 15)) == []


def test_seul_le_systeme_enregistre_les_positions(horloge: Any) -> None:
    from attrib.organisations.acteurs import acteur_de
    from tests.factories import membre

    agent = membre(organisation_epci(), username="agent.epci")
    with pytest.raises(Exception, match="traitement de nuit"):
        instantane_enregistrer(auteur=acteur_de(agent))
