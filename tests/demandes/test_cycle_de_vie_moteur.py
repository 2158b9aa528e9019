"""The demand services ask the engine's life cycle before each write (attrib.engine.cycle_demande)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from attrib.demandes import enums
from attrib.demandes.services import demande_radier, demande_renouveler
from attrib.engine.cycle_demande import Statut
from attrib.organisations.acteurs import acteur_systeme
from tests.factories import NARBONNE, creer_demande, guichet, personne, territoire_minimal

pytestmark = pytest.mark.django_db


def test_les_statuts_du_modele_sont_ceux_du_moteur() -> None:
    assert set(enums.StatutDemande.values) == {s.value for s in Statut}


def test_une_demande_radiee_ne_peut_pas_etre_renouvelee_ni_radiee_de_nouveau() -> None:
    territoire_minimal()
    d = creer_demande(guichet_org=guichet(), communes=(NARBONNE,), personnes=[personne()])
    d = demande_radier(demande=d, auteur=acteur_systeme("test"), motif=enums.MotifRadiation.RENONCIATION)
    with pytest.raises(ValidationError) as refus:
        demande_renouveler(demande=d, auteur=acteur_systeme("test"))
    assert refus.value.message_dict == {
        "statut": [f"La demande {d.numero_unique} est radiée : une demande radiée ne peut pas être renouvelée."]
    }
    with pytest.raises(ValidationError) as refus:
        demande_radier(demande=d, auteur=acteur_systeme("test"), motif=enums.MotifRadiation.RENONCIATION)
    assert refus.value.message_dict == {
        "statut": [f"La demande {d.numero_unique} est déjà radiée : elle ne peut pas être radiée une seconde fois."]
    }
