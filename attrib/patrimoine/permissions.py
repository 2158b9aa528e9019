"""Who may see and change the housing stock.

- **Read** (``Residence.objects.visible_to``, in ``attrib.patrimoine.models``): the stock is shared within a
  territory. A member of an organisation sees every residence of the EPCIs its organisation belongs to (the organisation's EPCI, the EPCI of its own commune and of
  the communes of its perimeter), the residences of the communes of its perimeter, and the residences
  the organisation owns as bailleur, wherever they are. A superuser sees everything.
- **Write:** the bailleur of the residence (a manager or administrator of that organisation), or a
  superuser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.patrimoine.models import epcis_du_territoire, residences_visibles

__all__ = ["epcis_du_territoire", "peut_charger_referentiel", "peut_modifier_residence", "residences_visibles"]

if TYPE_CHECKING:
    from attrib.patrimoine.models import Residence


def peut_modifier_residence(acteur: Acteur, residence: Residence) -> bool:
    """Le patrimoine est tenu par son bailleur : seuls ses gestionnaires (ou un superutilisateur) le modifient."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or acteur.est_membre(residence.bailleur_id, ecriture=True)


def peut_charger_referentiel(acteur: Acteur) -> bool:
    """Reference data (RPLS stock, its reconstitution, occupancy indicators) is loaded by the product itself
    or an administrator of the installation."""
    return acteur_de(acteur).voit_tout


REFUS_REFERENTIEL = (
    "Les référentiels (territoires, patrimoine RPLS, indicateurs d'occupation) sont chargés par Attrib lui-même "
    "(commande, démonstration) ou par un administrateur de l'installation."
)
