"""Who sees which attributions in the objectives dashboard (pilotage).

- **EPCI staff** (a member of an organisation of type EPCI) see the attributions of the communes of their
  EPCI and of their perimeter;
- **a commune** sees the attributions of the communes of its perimeter (its own commune);
- **a bailleur** sees its own leases;
- **a réservataire** sees the attributions charged to its contingent (the flux orientation of the lease);
  the **State** (réservataire of category État) sees every attribution of its perimeter;
- a superuser sees everything; anybody else gets 404, like a missing page.

A user with several memberships sees the union. The predicates return ``Q`` objects on ``Bail`` (leases)
and ``Offre`` (offers, for the refusal indicators), so that every page, export and figure is cut by the
same rule.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from attrib.commissions.enums import Contingent
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from attrib.organisations.permissions import memberships


def est_superutilisateur(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False))


def _communes(organisation: Organisation) -> set[str]:
    codes = set(organisation.perimetre.values_list("code_insee", flat=True))
    if organisation.type == TypeOrganisation.EPCI and organisation.epci_id:
        codes |= set(organisation.epci.communes.values_list("code_insee", flat=True))  # type: ignore[union-attr]
    if organisation.type == TypeOrganisation.COMMUNE and organisation.commune_id:
        codes.add(organisation.commune_id)
    return codes


def _voit_territoire(organisation: Organisation) -> bool:
    return organisation.type in (TypeOrganisation.EPCI, TypeOrganisation.COMMUNE) or (
        organisation.categorie_reservataire == CategorieReservataire.ETAT
    )


def _voit_contingent(organisation: Organisation) -> bool:
    return bool(organisation.categorie_reservataire)


def peut_acceder(user: Any) -> bool:
    """The pilotage section: EPCI, communes, bailleurs, réservataires (State included), superusers."""
    if est_superutilisateur(user):
        return True
    return any(
        _voit_territoire(m.organisation)
        or _voit_contingent(m.organisation)
        or m.organisation.type == TypeOrganisation.BAILLEUR
        for m in memberships(user)
    )


def _filtre(user: Any, *, commune: str, bailleur: str, reservataire: str | None) -> Q:
    if est_superutilisateur(user):
        return Q()
    filtre = Q(pk__in=[])
    for m in memberships(user):
        org = m.organisation
        if _voit_territoire(org):
            filtre |= Q(**{f"{commune}__in": sorted(_communes(org))})
        if org.type == TypeOrganisation.BAILLEUR:
            filtre |= Q(**{bailleur: org.pk})
        if reservataire is not None and _voit_contingent(org):
            # The contingent charged: an orientation that lapsed gave the dwelling back to the bailleur.
            filtre |= Q(**{reservataire: org.pk}) & ~Q(contingent=Contingent.NON_RESERVE)
    return filtre


def filtre_baux_visibles(user: Any) -> Q:
    """``Q`` on ``commissions.Bail``: the leases (attributions) in the user's perimeter."""
    return _filtre(
        user,
        commune="logement__residence__commune_id",
        bailleur="bailleur_id",
        reservataire="orientation__reservataire_id",
    )


def filtre_offres_visibles(user: Any) -> Q:
    """``Q`` on ``commissions.Offre``: the offers of dwellings in the user's perimeter. A réservataire sees
    the offers of the dwellings oriented to it (orientation in force of the dwelling's last release)."""
    from attrib.flux.models import Orientation

    if est_superutilisateur(user):
        return Q()
    filtre = _filtre(
        user,
        commune="logement__residence__commune_id",
        bailleur="logement__residence__bailleur_id",
        reservataire=None,
    )
    ids = [m.organisation_id for m in memberships(user) if _voit_contingent(m.organisation)]
    if ids:
        logements = Orientation.objects.filter(actuelle=True, reservataire_id__in=ids).values(
            "logement_libere__logement_id"
        )
        filtre |= Q(logement_id__in=logements)
    return filtre
