"""Shared helpers of the demand screens: perimeter checks, the acting organisation, the communes offered."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from attrib.demandes.models import Demande
from attrib.organisations import permissions
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation
from attrib.territoires.models import Commune

PAR_PAGE = 50


def _demande_visible(request: HttpRequest, pk: int) -> Demande:
    return get_object_or_404(Demande.objects.visible_to(acteur_de(request.user)).select_related("guichet"), pk=pk)


def _organisation_agissante(user: Any, demande: Demande | None = None) -> Organisation | None:
    """The organisation on whose behalf the user acts: the demand's desk if they belong to it,
    else their first registration desk, else their first organisation."""
    orgs = acteur_de(user).organisations()
    if demande is not None:
        for org in orgs:
            if org.pk == demande.guichet_id:
                return org
    guichets = permissions.guichets_de(user)
    if guichets:
        return guichets[0]
    return orgs[0] if orgs else None


def communes_proposees(organisations: Iterable[Organisation]) -> QuerySet[Commune]:
    """Communes of the EPCI(s) the organisations belong to, plus their own perimeter."""
    orgs = list(organisations)
    ids = [o.pk for o in orgs]
    epcis_perimetre = (
        Commune.objects.filter(Q(organisations__in=ids) | Q(organisations_siege__in=ids))
        .exclude(epci=None)
        .values("epci_id")
    )
    epcis_directs = [o.epci_id for o in orgs if o.epci_id]
    return (
        Commune.objects.filter(Q(epci_id__in=epcis_perimetre) | Q(epci_id__in=epcis_directs) | Q(organisations__in=ids))
        .distinct()
        .order_by("nom")
    )


def _choix_communes(qs: QuerySet[Commune]) -> list[tuple[str, str]]:
    return [(code, f"{nom} ({code})") for code, nom in qs.values_list("code_insee", "nom")]


def _communes_filtre(user: Any) -> list[tuple[str, str]]:
    acteur = acteur_de(user)
    orgs = acteur.organisations()
    if orgs:
        return _choix_communes(communes_proposees(orgs))
    if acteur.est_superutilisateur:
        return _choix_communes(
            Commune.objects.filter(organisations__isnull=False).distinct().order_by("nom")  # the deployed territory
        )
    return []


def _anciennete(depuis: date, jour: date) -> str:
    mois = (jour.year - depuis.year) * 12 + jour.month - depuis.month - (jour.day < depuis.day)
    if mois < 1:
        return "moins d'un mois"
    ans, reste = divmod(mois, 12)
    morceaux = []
    if ans:
        morceaux.append(f"{ans} an{'s' if ans > 1 else ''}")
    if reste:
        morceaux.append(f"{reste} mois")
    return " ".join(morceaux)


# --- List -----------------------------------------------------------------------------------
