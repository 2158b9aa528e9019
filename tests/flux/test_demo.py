"""Demonstration data: agreements of the demo bailleurs and one simulated past year, oriented by the engine."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from attrib.demo.flux import flux_demo_creer
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation
from attrib.flux.moteur import taux_mobilite_bailleur
from attrib.patrimoine.models import Logement
from tests.factories import GRUISSAN, NARBONNE
from tests.flux.conftest import Monde


def _creer(monde: Monde, annee: int, graine: int = 7):  # type: ignore[no-untyped-def]
    return flux_demo_creer(
        bailleurs=[monde.alogea],
        etat=monde.etat,
        action_logement=monde.action_logement,
        ville=monde.ville,
        epci=monde.epci,
        annee=annee,
        graine=graine,
    )


def test_la_demo_cree_les_conventions_et_une_annee_orientee(monde: Monde) -> None:
    annee = timezone.localdate().year - 1
    resume = _creer(monde, annee)
    conventions = {c.categorie: c for c in ConventionReservation.objects.filter(bailleur=monde.alogea)}
    assert set(conventions) == {"etat", "etat_agents", "action_logement", "commune", "epci"}
    assert conventions["etat"].part + conventions["etat_agents"].part == 25 and conventions["etat_agents"].part == 5
    assert list(conventions["commune"].territoire.values_list("code_insee", flat=True)) == [NARBONNE]
    assert {NARBONNE, GRUISSAN} <= set(conventions["epci"].territoire.values_list("code_insee", flat=True))
    parc = Logement.objects.filter(residence__bailleur=monde.alogea).count()
    attendu = round(parc * float(taux_mobilite_bailleur(monde.alogea).valeur))
    assert resume.logements_liberes == attendu == LogementLibere.objects.filter(date_liberation__year=annee).count()
    assert resume.orientations + resume.exclus == resume.logements_liberes
    assert Orientation.objects.filter(actuelle=True).count() == resume.orientations
    assert resume.texte().startswith(f"Flux {annee} de démonstration : 5 conventions")
    # Every sequence (zone × period) stays within one dwelling, overrides aside.
    sequences: dict[tuple[str, object], list[Orientation]] = defaultdict(list)
    for o in Orientation.objects.decomptees().order_by("rang"):
        sequences[(o.zone, o.periode_debut)].append(o)
    for orientations in sequences.values():
        if any(o.force for o in orientations):
            continue
        recus: dict[str, int] = defaultdict(int)
        for t, o in enumerate(orientations, start=1):
            recus[o.reservataire_cle] += 1
            assert all(abs(recus[cle] - Fraction(p) * t) < 1 for cle, p in o.parts.items())


def test_la_demo_ne_s_ecrit_qu_une_fois(monde: Monde) -> None:
    annee = timezone.localdate().year - 1
    premier = _creer(monde, annee)
    second = _creer(monde, annee, graine=8)
    assert second.deja_present and second.logements_liberes == premier.logements_liberes
    assert "déjà présent" in second.texte()
    assert ConventionReservation.objects.count() == 5


def test_la_demo_refuse_une_annee_non_passee_ou_un_mauvais_reservataire(monde: Monde) -> None:
    with pytest.raises(ValidationError) as exc:
        _creer(monde, timezone.localdate().year)
    assert "doit être passée" in exc.value.message_dict["annee"][0]
    with pytest.raises(ValidationError):
        flux_demo_creer(
            bailleurs=[monde.alogea],
            etat=monde.action_logement,
            action_logement=monde.action_logement,
            ville=monde.ville,
            epci=monde.epci,
            annee=timezone.localdate().year - 1,
            graine=1,
        )
    assert ConventionReservation.objects.count() == 0
