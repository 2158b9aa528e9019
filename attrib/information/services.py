"""Writes of the applicant's information: the snapshot of the positions shown (the nightly run)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from attrib.information.models import InstantanePosition
from attrib.information.selectors import bandes_actuelles
from attrib.organisations.acteurs import Acteur

REFUS_INSTANTANE = "Seul le traitement de nuit enregistre les positions des demandes."


def instantane_enregistrer(*, auteur: Acteur, jour: date | None = None) -> int:
    """Replace the snapshot by the positions shown on ``jour`` (today by default); returns the demands kept.
    A demand whose position is no longer shown leaves the snapshot."""
    auteur.exiger(auteur.voit_tout, REFUS_INSTANTANE)
    jour = jour or timezone.localdate()
    bandes = bandes_actuelles(jour=jour)
    with transaction.atomic():
        InstantanePosition.objects.all().delete()
        InstantanePosition.objects.bulk_create(
            (
                InstantanePosition(demande_id=d, debut=debut, fin=fin, effectif=effectif, pris_le=jour)
                for d, debut, fin, effectif in bandes.iter_rows()
            ),
            batch_size=5000,
        )
    return bandes.height
