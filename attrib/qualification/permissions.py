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

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.organisations.permissions import ROLES_ECRITURE, memberships, organisation_ids
from attrib.patrimoine.permissions import epcis_du_territoire
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


def est_membre(user: Any, organisation: Organisation | int, *, ecriture: bool = False) -> bool:
    pk = organisation if isinstance(organisation, int) else organisation.pk
    return any(m.organisation_id == pk and (not ecriture or m.role in ROLES_ECRITURE) for m in memberships(user))


def epcis_pilotables(user: Any) -> list[Organisation]:
    """The EPCI organisations on behalf of which the user may open a campaign."""
    return [
        m.organisation
        for m in memberships(user)
        if m.role in ROLES_ECRITURE and m.organisation.type == TypeOrganisation.EPCI
    ]


def peut_ouvrir_campagne(user: Any) -> bool:
    return bool(epcis_pilotables(user))


def peut_piloter(user: Any, campagne: Campagne) -> bool:
    """Close the campaign, record the agreed notes: the EPCI organisation that opened it."""
    return bool(getattr(user, "is_superuser", False)) or est_membre(user, campagne.organisation_id, ecriture=True)


def filtre_campagnes_visibles(user: Any) -> Q:
    """Q object selecting the campaigns of the user's territory."""
    from attrib.patrimoine.models import Residence
    from attrib.qualification.models import Campagne

    if getattr(user, "is_superuser", False):
        return Q()
    ids = organisation_ids(user)
    if not ids:
        return Q(pk__in=[])
    perimetre = Organisation.perimetre.through.objects.filter(organisation_id__in=ids).values("commune_id")
    sieges = Organisation.objects.filter(pk__in=ids, commune__isnull=False).values("commune_id")
    parc = Residence.objects.filter(bailleur_id__in=ids).values("commune_id")
    communes = Campagne.communes.through.objects.filter(campagne_id=OuterRef("pk")).filter(
        Q(commune__epci_id__in=sorted(epcis_du_territoire(user)))
        | Q(commune_id__in=perimetre)
        | Q(commune_id__in=sieges)
        | Q(commune_id__in=parc)
    )
    return Q(organisation_id__in=ids) | Q(Exists(communes))


def organisations_notatrices(user: Any, campagne: Campagne) -> list[Organisation]:
    """The user's organisations that rate residences in this campaign (any role)."""
    from attrib.qualification.selectors import residences_a_noter

    return [
        m.organisation
        for m in memberships(user)
        if partie_de(m.organisation) is not None and residences_a_noter(campagne, m.organisation).exists()
    ]


def peut_voir_notation(user: Any, organisation: Organisation) -> bool:
    """An organisation's own notes are read by its members only."""
    return est_membre(user, organisation)


def peut_noter(user: Any, campagne: Campagne, organisation: Organisation) -> bool:
    return (
        campagne.est_ouverte and partie_de(organisation) is not None and est_membre(user, organisation, ecriture=True)
    )


def peut_marquer_enjeu(user: Any, residence: Residence) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(
        communes_du_territoire_epci(org).filter(pk=residence.commune_id).exists() for org in epcis_pilotables(user)
    )
