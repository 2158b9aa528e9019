"""The demonstration campaign: closed, seeded, with the two MEL figures (~70 % of dwellings rated by
both parties, ~20 % of the residences rated by both divergent) and a few agreed notes."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError

from attrib.demo.qualification import MOTIF_DEMO, campagne_demo_creer
from attrib.qualification import selectors
from attrib.qualification.models import Campagne, Notation, NoteHarmonisee
from attrib.qualification.parametres import parametres
from tests.factories import COURSAN, GRUISSAN, NARBONNE
from tests.qualification.conftest import Territoire, creer_residence

pytestmark = pytest.mark.django_db


@pytest.fixture
def parc(territoire: Territoire) -> Territoire:
    """150 more residences of 1 to 40 dwellings in the three communes, owned by the two bailleurs."""
    tirage = random.Random(7)
    for i in range(150):
        commune = tirage.choice([NARBONNE, NARBONNE, NARBONNE, GRUISSAN, COURSAN])
        bailleur = tirage.choice([territoire.alogea, territoire.domitia])
        creer_residence(f"P{i:03d}", commune, bailleur, tirage.randint(1, 40))
    return territoire


def _creer(t: Territoire, annee: int, graine: int = 2026) -> Campagne:
    return campagne_demo_creer(
        epci_org=t.epci,
        communes_orgs=[t.narbonne, t.gruissan],
        bailleurs_orgs=[t.alogea, t.domitia],
        annee=annee,
        graine=graine,
    )


def test_la_campagne_de_demo_reproduit_les_chiffres_de_la_mel(parc: Territoire) -> None:
    campagne = _creer(parc, 2025)

    assert campagne.est_close and campagne.annee == 2025
    t = selectors.indicateurs(campagne).territoire
    plus_grande = 40
    assert 0.70 <= t.part_logements_notes_deux_parties <= 0.70 + plus_grande / t.logements
    assert t.part_residences_divergentes == pytest.approx(0.20, abs=0.5 / t.residences_notees_deux_parties)
    statuts = selectors.comptes_par_statut(campagne)
    assert statuts["concordant"] > 0 and statuts["divergent"] > 0 and statuts["une_seule_partie"] > 0
    harmonisees = NoteHarmonisee.objects.filter(campagne=campagne)
    assert harmonisees.count() == parametres().demo.residences_harmonisees
    assert {h.motif for h in harmonisees} == {MOTIF_DEMO}
    premieres = [r.residence_id for r in selectors.agenda(campagne)[: harmonisees.count()]]
    assert sorted(premieres) == sorted(harmonisees.values_list("residence_id", flat=True))
    # Only the rater of each side gives notes: Coursan has no commune organisation.
    assert not Notation.objects.filter(campagne=campagne, partie="commune", residence__commune_id=COURSAN).exists()


def test_meme_graine_memes_notes_et_second_appel_sans_ecriture(parc: Territoire) -> None:
    premiere = _creer(parc, 2024)
    seconde = _creer(parc, 2025)

    def notes(c: Campagne) -> list[tuple[int, str, int]]:
        return list(
            Notation.objects.filter(campagne=c)
            .order_by("residence_id", "partie")
            .values_list("residence_id", "partie", "note")
        )

    assert notes(premiere) == notes(seconde)
    nb = Notation.objects.count()
    assert _creer(parc, 2025).pk == seconde.pk
    assert Notation.objects.count() == nb


def test_une_campagne_ouverte_de_la_meme_annee_n_est_pas_remplacee(parc: Territoire) -> None:
    ouverte = parc.ouvrir(annee=2026)
    with pytest.raises(ValidationError):
        _creer(parc, 2026)
    assert Campagne.objects.get().pk == ouverte.pk
