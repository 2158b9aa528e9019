"""The DALO follow-up on the pilotage's hand-built world (``tests/pilotage/conftest.py``): Alogea, the State
(Préfecture de l'Aude, perimeter Narbonne and Gruissan), Action Logement, the desk; the households of leases 1 and 9
were recognised DALO on 10/01/2024 and rehoused in 2026 (after their deadline of 10/04/2024); « Figue » refused an
adapted offer (LGT-REFUS, loyer) on 06/07/2026, « Prune » left the next one unanswered.

On top (:class:`MondeDalo`): State, EPCI and bailleur agents, and three households of Narbonne recognised by the
COMED of the Aude: one within its deadline, one near it, one past it (dates relative to today)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from attrib.dalo.enums import SensDecision
from attrib.dalo.models import DecisionDalo
from attrib.dalo.services import decision_dalo_enregistrer
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, Role, TypeOrganisation
from tests.factories import GRUISSAN, NARBONNE, creer_demande, membre, personne
from tests.pilotage.conftest import Monde, construire_monde, seuils_essai  # noqa: F401

SYSTEME = acteur_systeme("test")
COMED = "COMED de l'Aude"


@dataclass
class MondeDalo:
    base: Monde
    agent_etat: Any
    lecteur_etat: Any
    agent_epci: Any
    agent_bailleur: Any
    agent_action: Any
    dans_le_delai: Demande
    proche: Demande
    depasse: Demande

    @property
    def etat(self) -> Organisation:
        return self.base.etat


def reconnaitre(demande: Demande, jour: date, sens: str = SensDecision.FAVORABLE, auteur: Any = None) -> DecisionDalo:
    return decision_dalo_enregistrer(
        demande=demande,
        auteur=SYSTEME if auteur is None else acteur_de(auteur),
        sens=sens,
        date_decision=jour,
        commission=COMED,
    )


@pytest.fixture
def monde_dalo(db: None, seuils_essai: Path) -> MondeDalo:  # noqa: F811
    base = construire_monde()
    epci = Organisation.objects.create(
        nom="Grand Narbonne", type=TypeOrganisation.EPCI, categorie_reservataire=CategorieReservataire.EPCI
    )
    epci.perimetre.set([NARBONNE, GRUISSAN])
    base.action_logement.perimetre.set([NARBONNE, GRUISSAN])
    aujourd_hui = timezone.localdate()
    agent_etat = membre(base.etat, username="prefecture")
    demandes = {}
    for nom, anciennete in (("Delai", 20), ("Proche", 80), ("Depasse", 120)):
        demande = creer_demande(guichet_org=base.desk, personnes=[personne(nom=nom)])
        # Recorded by the State, which holds the right to validate the DALO label: the label is validated.
        reconnaitre(demande, aujourd_hui - timedelta(days=anciennete), auteur=agent_etat)
        demandes[nom] = demande
    return MondeDalo(
        base=base,
        agent_etat=agent_etat,
        lecteur_etat=membre(base.etat, role=Role.CONSULTATION, username="prefecture_lecture"),
        agent_epci=membre(epci, username="epci"),
        agent_bailleur=base.gestionnaire,
        agent_action=membre(base.action_logement, username="action"),
        dans_le_delai=demandes["Delai"],
        proche=demandes["Proche"],
        depasse=demandes["Depasse"],
    )
