"""Private helpers shared by the topic modules of the flux services: the day and time of a write (a past day
may be replayed), the user recorded in the ``…_par`` fields, the lock on a bailleur and the check that the actor
manages it."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from attrib.flux import permissions
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation, User


def _aujourd_hui(aujourd_hui: date | None) -> date:
    return aujourd_hui or timezone.localdate()


def _horodatage(aujourd_hui: date | None) -> datetime:
    """Now, or the same time of ``aujourd_hui`` when a past day is replayed (demonstration, tests)."""
    maintenant = timezone.now()
    if aujourd_hui is None or aujourd_hui >= timezone.localdate():
        return maintenant
    return timezone.make_aware(datetime.combine(aujourd_hui, timezone.localtime(maintenant).time()))


def _utilisateur(auteur: Acteur) -> User | None:
    """The user recorded in the ``…_par`` fields (none for the system)."""
    return auteur.utilisateur


def _verrouiller(bailleur: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=bailleur.pk)


def _exiger_gestion(auteur: Acteur, bailleur: Organisation) -> None:
    auteur.exiger(permissions.peut_gerer(auteur, bailleur.pk), permissions.refus_gestion(bailleur))
