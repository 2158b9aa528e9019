"""Who may see and do what with the cotation grids and scores.

- **Published and archived versions** of every grid are public (L441-2-8 CCH: the grid is public):
  every signed-in user reads them, downloads them, and opens the ranked lists.
- **Ranked lists** show only the demands the user may see (``Demande.objects.visible_to``); the ranks
  are those of the whole sector.
- **Drafts, simulations, re-scoring runs**: the members of the EPCI organisation that owns the grid
  (any role), and superusers.
- **Import, edit, publish, re-score**: a manager or administrator of that EPCI organisation, or a
  superuser.
- **Detail of a score** on the demand page: whoever sees the demand; the criteria revealing a sensitive
  situation (violences, health…) are named only to those who may see sensitive situations
  (``peut_voir_situations_sensibles``).

Anything refused answers 404, like a missing page.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.territoires.models import Commune

REFUS_GERER = (
    "Seul un gestionnaire ou un administrateur de l'EPCI propriétaire de la grille peut l'importer, la modifier, "
    "la publier ou recoter les demandes."
)


def _pk(organisation: Organisation | int) -> int:
    return organisation if isinstance(organisation, int) else organisation.pk


def est_membre(acteur: Acteur, organisation: Organisation | int, *, ecriture: bool = False) -> bool:
    return acteur_de(acteur).est_membre(_pk(organisation), ecriture=ecriture)


def epcis_geres(acteur: Acteur) -> list[Organisation]:
    """EPCI organisations whose grids the actor manages."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return list(Organisation.objects.filter(type=TypeOrganisation.EPCI).order_by("nom"))
    return acteur.organisations(ecriture=True, types=(TypeOrganisation.EPCI,))


def peut_gerer(acteur: Acteur, organisation: Organisation | int) -> bool:
    """Import, edit, publish, re-score the grids of this EPCI organisation."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or acteur.est_membre(_pk(organisation), ecriture=True)


def peut_suivre(acteur: Acteur, organisation: Organisation | int) -> bool:
    """See the drafts, simulations and re-scoring runs of this EPCI organisation."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or acteur.est_membre(_pk(organisation))


def peut_actualiser_cotations(acteur: Acteur) -> bool:
    """A demand's score follows every write on it (registration, update, documents, offers, leases): whoever
    may write somewhere (a manager or administrator of an organisation), or the system, a superuser."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or bool(acteur.appartenances_filtrees(ecriture=True))


REFUS_ACTUALISER = "Seul un gestionnaire ou un administrateur d'une organisation peut faire recalculer une cotation."


def communes_du_territoire(organisation: Organisation) -> QuerySet[Commune]:
    """The communes an EPCI organisation scores: those of its EPCI and of its perimeter."""
    condition = Q(code_insee__in=organisation.perimetre.values("code_insee"))
    if organisation.epci_id:
        condition |= Q(epci_id=organisation.epci_id)
    return Commune.objects.filter(condition).order_by("nom")
