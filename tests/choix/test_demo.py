"""The demo's contributing companies: fictitious (said so), with right SIRET keys, imported through the service."""

from __future__ import annotations

import pytest

from attrib.demandes.models import Demande, Personne
from attrib.demo.choix import choix_demo_creer
from attrib.engine.siret import siret_valide
from attrib.rapprochement.models import EntrepriseCotisante
from tests.choix.conftest import MondeChoix

pytestmark = pytest.mark.django_db


def test_les_entreprises_de_demonstration_sont_fictives_et_valides(mc: MondeChoix) -> None:
    Personne.objects.filter(role="demandeur").update(situation_professionnelle="cdi")
    resultat = choix_demo_creer(action_logement=mc.al, demandes=Demande.objects.all(), jour=mc.monde.jour, graine=3)
    demo = EntrepriseCotisante.objects.filter(reservataire=mc.al, raison_sociale__contains="(démonstration")
    assert demo.count() == 8 == resultat.entreprises
    assert all(siret_valide(e.siret) and e.siret.startswith("999") for e in demo)
    assert demo.filter(fin__isnull=False).count() == 1
    salaries = Personne.objects.filter(employeur_siret__in=[e.siret for e in demo])
    assert salaries.count() == resultat.salaries
    assert all(p.employeur_nom.endswith(")") for p in salaries)
