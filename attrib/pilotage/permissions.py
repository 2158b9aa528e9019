"""Who sees which attributions in the objectives dashboard (pilotage).

- **EPCI staff** (a member of an organisation of type EPCI) see the attributions of the communes of their
  EPCI and of their perimeter;
- **a commune** sees the attributions of the communes of its perimeter (its own commune);
- **a bailleur** sees its own leases;
- **a réservataire** sees the attributions charged to its contingent (the flux orientation of the lease);
  the **State** (réservataire of category État) sees every attribution of its perimeter;
- the system and superusers see everything; anybody else gets 404, like a missing page.

An actor with several memberships sees the union. The rule is ``Bail.objects.visible_to(acteur)`` (leases)
and ``Offre.objects.du_perimetre(acteur)`` (offers, for the refusal indicators) in
``attrib.commissions.models``, so that every page, export and figure is cut by the same rule.
"""

from __future__ import annotations

from attrib.commissions.models import voit_le_territoire, voit_son_contingent
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import TypeOrganisation


def peut_acceder(acteur: Acteur) -> bool:
    """The pilotage section: EPCI, communes, bailleurs, réservataires (State included), the system and
    superusers. (The menu of ``common`` still passes its ``User``: it is read as its actor.)"""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    return any(
        voit_le_territoire(a) or voit_son_contingent(a) or a.type == TypeOrganisation.BAILLEUR
        for a in acteur.appartenances
    )
