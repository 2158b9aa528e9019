"""Simulation before adoption on a small file whose figures are computed by hand (see each comment)."""

from __future__ import annotations

from datetime import date

import pytest

from attrib.cotation import services, simulation
from attrib.cotation.models import Cotation
from attrib.cotation.rapport import simulation_pdf
from attrib.organisations.acteurs import acteur_systeme
from tests.cotation.conftest import Territoire, importer, mois_avant, un_adulte
from tests.factories import NARBONNE, creer_demande

pytestmark = pytest.mark.django_db
JOUR = date(2026, 6, 1)


def _demande(territoire: Territoire, mois: int, salaires: int, **kwargs: object) -> object:
    return creer_demande(
        guichet_org=territoire.guichet,
        communes=(NARBONNE,),
        date_depot=mois_avant(JOUR, mois),
        aujourd_hui=JOUR,
        personnes=un_adulte(salaires),
        **kwargs,
    )


@pytest.fixture
def fichier(territoire: Territoire) -> dict[str, object]:
    """Published grid: DALO 1000, l441_k 300, 10 points a month. Draft: 5 points a month.

    ===  =====  ======  =========  ===========  ==========  =================
    ..   mois   T       published  draft        revenu/UC   notes
    ===  =====  ======  =========  ===========  ==========  =================
    A    12     T2      1 120      1 060        12 000      DALO
    B    40     T2        400        200        18 000
    C     2     T2        320        310        24 000      l441_k
    D    20     T3        200        100        30 000
    ===  =====  ======  =========  ===========  ==========  =================
    """
    demandes = {
        "A": _demande(territoire, 12, 1000, dalo_reconnu=True, dalo_date_decision=date(2025, 1, 1)),
        "B": _demande(territoire, 40, 1500),
        "C": _demande(territoire, 2, 2000, priorites=("l441_k",)),
        "D": _demande(territoire, 20, 2500, typologie_min=3, typologie_max=3),
    }
    publiee = importer(territoire)
    services.version_publier(version=publiee, jour=JOUR, auteur=acteur_systeme("test"))
    brouillon = services.version_copier(version=publiee, auteur=acteur_systeme("test"))
    anciennete = {"id": "anciennete", "libelle": "Ancienneté de la demande", "base_legale": "PPGD"}
    anciennete["points"] = {"par_unite": 5, "valeur": "anciennete_mois", "plafond": 600, "unite": "mois"}
    brouillon = services.critere_enregistrer(
        version=brouillon,
        section_id="anciennete",
        critere_id="anciennete",
        donnees=anciennete,
        auteur=acteur_systeme("test"),
    )
    return {"publiee": publiee, "brouillon": brouillon, **demandes}


def test_simulation_calculee_a_la_main(fichier: dict) -> None:
    avant = list(Cotation.objects.values_list("demande_id", "score", "version_id"))
    s = simulation.simuler(fichier["brouillon"], jour=JOUR, top_n=1)
    assert list(Cotation.objects.values_list("demande_id", "score", "version_id")) == avant  # nothing written
    assert s.reference == fichier["publiee"] and s.effectif == 4
    r = s.resume
    assert (r.moyenne_reference, r.moyenne_projet) == (510.0, 417.5)
    assert (r.mediane_reference, r.mediane_projet) == (360.0, 255.0)
    # Within T2, B (400 → 200) and C (320 → 310) swap places 2 and 3; A and D keep theirs.
    assert (r.ecart_moyen, r.part_inchanges, r.part_plus_10) == (0.5, 0.5, 0.0)
    assert (r.taille_tete, r.entrants_tete) == (1, 0)
    deplacements = {d.numero_unique: (d.rang_reference, d.rang_projet, d.ecart) for d in s.deplacements}
    assert deplacements == {fichier["B"].numero_unique: (2, 3, -1), fichier["C"].numero_unique: (3, 2, 1)}
    # First quartile of 12 000, 18 000, 24 000, 30 000 € per UC by the arrêté's rank rule (the ⌈4/4⌉ = 1st
    # smallest): 12 000; only A is at most the threshold (no official value for the territory).
    assert (s.seuil_q1, s.seuil_q1_origine) == (12000.0, "calcule")
    parts = {p.libelle.split(" — ")[0]: p for p in s.parts}
    dalo = parts["Ménages reconnus DALO"]
    # Top 10 % = the first demand (A); top 1 per typology = A (T2) and D (T3).
    assert (dalo.effectif, dalo.population, dalo.tete_reference, dalo.tete_projet) == (1, 0.25, 1.0, 1.0)
    assert (dalo.top_n_reference, dalo.top_n_projet) == (0.5, 0.5)
    k = parts["Priorité k) L441-1"]
    assert (k.effectif, k.tete_projet, k.top_n_projet) == (1, 0.0, 0.0)
    q1 = next(p for p in s.parts if p.libelle.startswith("Ménages du premier quartile"))
    assert (q1.effectif, q1.tete_reference, q1.top_n_projet) == (1, 1.0, 0.5)
    t2, t3 = s.par_typologie
    assert (t2.typologie, t2.effectif, t2.dalo_reference, t2.dalo_projet, t2.q1_projet) == (2, 3, 1, 1, 1)
    assert (t3.typologie, t3.effectif, t3.dalo_projet, t3.priorites_projet, t3.q1_projet) == (3, 1, 0, 0, 0)
    # Only the seniority changes: mean 185 → 92.5 points.
    (moteur,) = s.moteurs
    assert (moteur.id, moteur.moyenne_reference, moteur.moyenne_projet, moteur.ecart) == (
        "anciennete",
        185.0,
        92.5,
        -92.5,
    )
    classes = {c.debut: (c.reference, c.projet) for c in s.histogramme.classes}
    assert classes[100] == (0, 1) and classes[200] == (1, 1) and classes[300] == (1, 1)
    assert classes[400] == (1, 0) and classes[1000] == (0, 1) and classes[1100] == (1, 0)
    assert sum(p for _, p in classes.values()) == 4 == sum(r for r, _ in classes.values())
    barres = [b for b in s.histogramme.barres if b.hauteur > 0]
    assert len(barres) == 8 and all("demande" in b.titre for b in barres)


def test_simulation_sans_version_publiee(territoire: Territoire) -> None:
    _demande(territoire, 12, 1000)
    version = importer(territoire)
    s = simulation.simuler(version, jour=JOUR, top_n=5)
    assert s.reference is None and s.deplacements == ()
    assert s.resume.moyenne_projet == 120.0 and s.resume.ecart_moyen is None
    assert all(p.tete_reference is None for p in s.parts)


def test_rapport_pdf(fichier: dict) -> None:
    pdf = simulation_pdf(simulation.simuler(fichier["brouillon"], jour=JOUR, top_n=1))
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
