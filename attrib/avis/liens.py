"""The link an email gives (``ATTRIB_URL_PUBLIQUE``; none without it): for the notice of an offer, the page where
the household answers it online (decision 0028); for the alert of a new advert of location voulue, the advert's page
in the applicant space, where it checks whether it may apply and applies (decision 0033); for every other notice,
the demand's page in the applicant space. They ask the household to log in, and answer 404 to an account not linked
to the demand."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from attrib.avis.models import Avis, Source
from attrib.common.models import Evenement

#: The notice of an offer made: its email links to the answer page.
NATURE_OFFRE = "offre_emise"


@dataclass(frozen=True)
class Liens:
    demande: str = ""
    reponse_offre: str = ""
    annonce: str = ""


def _offre_id(avis: Avis) -> int | None:
    if avis.nature != NATURE_OFFRE or avis.source != Source.EVENEMENT:
        return None
    details = Evenement.objects.filter(pk=avis.source_id).values_list("details", flat=True).first() or {}
    offre = details.get("offre") if isinstance(details, dict) else None
    return int(offre) if isinstance(offre, int) else None


def liens_de(avis: Avis) -> Liens:
    base = settings.ATTRIB_URL_PUBLIQUE
    if not base:
        return Liens()
    demande = base + reverse("demandeurs:demande", args=[avis.demande_id])
    offre = _offre_id(avis)
    reponse = base + reverse("demandeurs:offre", args=[avis.demande_id, offre]) if offre is not None else ""
    return Liens(demande=demande, reponse_offre=reponse, annonce=_annonce(avis, base))


def _annonce(avis: Avis, base: str) -> str:
    """The advert's page of the applicant space (``/mon-espace/annonces/<advert>/``) for an advert's alert; ``""``
    for another notice, or when the applicant pages of location voulue are not installed (the demand's link
    remains)."""
    if avis.source != Source.ANNONCE:
        return ""
    try:
        return base + reverse("annonces_demandeur:annonce", args=[avis.source_id])
    except NoReverseMatch:
        return ""
