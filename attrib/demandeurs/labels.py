"""What the demand's page of the applicant space shows of the household's priority labels and of its consent to
share its file with the partners (read only; the acts are in ``attrib.demandeurs.views_labels``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.demandeurs import selectors
from attrib.demandeurs.models import Liaison, Qualite
from attrib.labellisation import selectors as labels
from attrib.labellisation.enums import ObjetConsentement


def contexte_labels(demande: Demande, liaison: Liaison | None) -> dict[str, Any]:
    """What the demand's page of the space shows of the labels and of the consent to share."""
    jour = timezone.localdate()
    titulaire = liaison is not None and liaison.qualite == Qualite.TITULAIRE
    return {
        "labels_menage": labels.labels_affiches(demande, selectors.voit_sensible(liaison), jour),
        "partage": labels.consentement_en_vigueur(demande, ObjetConsentement.PARTAGE_PARTENAIRES, jour),
        "peut_agir_labels": titulaire and demande.statut == StatutDemande.ACTIVE,
    }
