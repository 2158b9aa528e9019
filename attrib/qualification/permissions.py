"""Who may see and do what in the rating campaigns.

- **See a campaign** (list, dashboard, and after the close its results, agenda and exports): every
  member of an organisation of its territory — the EPCI organisation that opened it, and anyone whose
  territory (``attrib.patrimoine.permissions``: EPCIs of the organisation, communes of its perimeter,
  residences it owns) meets one commune of the campaign's perimeter. Outside: 404.
- **Open a campaign**: a manager or administrator of an EPCI organisation. **Close it, record the
  agreed notes**: a manager or administrator of the EPCI organisation that opened it.
- **Rate**: a manager or administrator of a rater organisation (a commune rates the residences located
  in its communes, a bailleur its own residences), while the campaign is open. Any member of the rater
  organisation (consultation included) reads its own notes.
- **Confidentiality**: before the close, nobody — not even the EPCI nor a superuser — reads a note
  given by another organisation; the selectors never return them. After the close, everyone who sees
  the campaign sees both sides.
- **Flag a residence "à enjeux prioritaires de mixité sociale"**: a manager or administrator of an EPCI
  organisation whose territory holds the residence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.qualification.enums import Partie

if TYPE_CHECKING:
    from attrib.patrimoine.models import Residence
    from attrib.qualification.models import Campagne
    from attrib.territoires.models import Commune


def partie_de(organisation: Organisation) -> Partie | None:
    """The side an organisation rates for: communes and bailleurs only."""
    if organisation.type == TypeOrganisation.COMMUNE:
        return Partie.COMMUNE
    if organisation.type == TypeOrganisation.BAILLEUR:
        return Partie.BAILLEUR
    return None


def communes_notees_par(organisation: Organisation) -> set[str]:
    """Codes of the communes whose residences a commune organisation rates: its own commune (seat) and
    the communes of its perimeter."""
    codes = set(organisation.perimetre.values_list("code_insee", flat=True))
    if organisation.commune_id:
        codes.add(organisation.commune_id)
    return codes


def communes_du_territoire_epci(organisation: Organisation) -> QuerySet[Commune]:
    """The communes an EPCI organisation may put in a campaign: those of its EPCI and of its perimeter."""
    from attrib.territoires.models import Commune

    condition = Q(code_insee__in=organisation.perimetre.values("code_insee"))
    if organisation.epci_id:
        condition |= Q(epci_id=organisation.epci_id)
    return Commune.objects.filter(condition).order_by("nom")


def est_membre(acteur: Acteur, organisation: Organisation | int, *, ecriture: bool = False) -> bool:
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return acteur_de(acteur).est_membre(pk, ecriture=ecriture)


def epcis_pilotables(acteur: Acteur) -> list[Organisation]:
    """The EPCI organisations on behalf of which the actor may open a campaign."""
    return acteur_de(acteur).organisations(ecriture=True, types=(TypeOrganisation.EPCI,))


def peut_ouvrir_campagne(acteur: Acteur) -> bool:
    return bool(epcis_pilotables(acteur))


def peut_piloter(acteur: Acteur, campagne: Campagne) -> bool:
    """Close the campaign, record the agreed notes: the EPCI organisation that opened it."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or acteur.est_membre(campagne.organisation_id, ecriture=True)


def peut_voir_notation(acteur: Acteur, organisation: Organisation) -> bool:
    """An organisation's own notes are read by its members only."""
    return est_membre(acteur, organisation)


def peut_noter(acteur: Acteur, campagne: Campagne, organisation: Organisation) -> bool:
    return (
        campagne.est_ouverte and partie_de(organisation) is not None and est_membre(acteur, organisation, ecriture=True)
    )


def peut_marquer_enjeu(acteur: Acteur, residence: Residence) -> bool:
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    return any(
        communes_du_territoire_epci(org).filter(pk=residence.commune_id).exists() for org in epcis_pilotables(acteur)
    )
