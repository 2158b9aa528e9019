"""The household's consent to share its situation with the committee's partners, read from the labellisation
(``attrib.labellisation``: the consent is recorded there, once, for every use)."""

from __future__ import annotations

from datetime import date

from attrib.demandes.models import Demande
from attrib.labellisation.enums import ObjetConsentement
from attrib.labellisation.selectors import consentement_en_vigueur


def partage_consenti(demande: Demande | int, jour: date) -> bool:
    """Whether the household's consent ``PARTAGE_PARTENAIRES`` is in force on ``jour``."""
    return consentement_en_vigueur(demande, ObjetConsentement.PARTAGE_PARTENAIRES, jour) is not None
