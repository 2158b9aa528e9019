"""Private helpers shared by the screens of the gestion en flux: the year a page shows, the communes a
bailleur's forms offer."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from attrib.flux.models import ConventionReservation
from attrib.flux.moteur import ConventionsBailleur
from attrib.organisations.models import Organisation
from attrib.territoires.models import Commune


def _annee(request: HttpRequest, annees: list[int] | None = None) -> int:
    """The year asked for; by default the current one, or the latest with freed dwellings when the
    current year has none yet (``annees``: years with data, latest first)."""
    brut = request.GET.get("annee", "")
    if brut.isascii() and brut.isdigit() and len(brut) == 4 and 2000 <= int(brut) <= 2100:
        return int(brut)
    courante = timezone.localdate().year
    if annees and courante not in annees:
        passees = [a for a in annees if a < courante]
        if passees:
            return passees[0]
    return courante


def _communes_du_bailleur(
    bailleurs: list[Organisation], convention: ConventionReservation | None = None
) -> list[Commune]:
    codes: set[str] = set()
    for b in bailleurs:
        codes |= ConventionsBailleur(b, []).communes_du_parc()
        if b.epci_id:
            codes |= set(Commune.objects.filter(epci_id=b.epci_id).values_list("code_insee", flat=True))
    if convention is not None:
        codes |= set(convention.territoire.values_list("code_insee", flat=True))
    return list(Commune.objects.filter(code_insee__in=codes).order_by("nom"))
