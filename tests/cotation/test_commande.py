"""``recoter``: the nightly re-scoring of time-based criteria, with a progress line per step."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from attrib.cotation import services
from attrib.cotation.models import Cotation, TacheCotation
from attrib.organisations.acteurs import acteur_systeme
from tests.cotation.conftest import Territoire, importer, mois_avant

pytestmark = pytest.mark.django_db


def _recoter(*arguments: str) -> str:
    sortie = io.StringIO()
    call_command("recoter", *arguments, stdout=sortie, stderr=io.StringIO())
    return sortie.getvalue()


def test_recotation_de_l_anciennete(territoire: Territoire) -> None:
    demande = territoire.demande(mois=4)
    aujourd_hui = timezone.localdate()
    services.version_publier(
        version=importer(territoire), jour=mois_avant(aujourd_hui, 1), auteur=acteur_systeme("test")
    )
    assert Cotation.objects.get(demande=demande).score == 30  # three months a month ago

    sortie = _recoter()
    assert Cotation.objects.get(demande=demande).score == 40
    assert "CA Le Grand Narbonne : étape 1/3, lecture des demandes : 1/1" in sortie
    assert "étape 3/3, enregistrement des cotations : 1/1" in sortie
    assert f"CA Le Grand Narbonne : 1 demande cotée au {aujourd_hui:%d/%m/%Y}" in sortie

    # Run again the same day: nothing to do, unless asked.
    assert "déjà calculées" in _recoter() and TacheCotation.objects.count() == 2
    assert "1 demande cotée" in _recoter("--toutes") and TacheCotation.objects.count() == 3
    plus_tard = mois_avant(aujourd_hui, -2)
    _recoter("--date", plus_tard.isoformat(), "--epci", "241100593")
    assert Cotation.objects.get(demande=demande).date_reference == plus_tard
    assert Cotation.objects.get(demande=demande).score == 60


def test_arguments_invalides(territoire: Territoire) -> None:
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        _recoter("--date", "22/11/2026")
    assert "Aucun EPCI n'a publié de grille de cotation" in _recoter()
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))
    with pytest.raises(CommandError, match="Aucun EPCI de SIREN 200035715"):
        _recoter("--epci", "200035715")
