"""The minutes (procès-verbal) of a CALEOL session as a PDF (WeasyPrint): the commission, the date, the
members present in the room or remotely and the absent ones, the quorum, and for each dwelling the
candidates examined with the decision, its rank, the tally of the votes and the reasons.

Rendering never fetches a network resource: the only URLs WeasyPrint may open are the Marianne font files
shipped with django-dsfr."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from attrib.commissions import parametres, selectors
from attrib.commissions.enums import ModePresence
from attrib.commissions.models import Seance
from attrib.demandes.attestation import POLICES

GABARIT = "commissions/pdf/proces_verbal.html"


class _PolicesSeulement(URLFetcher):
    """Opens the local font files of django-dsfr and nothing else."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file://"):
            chemin = Path(url.removeprefix("file://")).resolve()
            if chemin.is_relative_to(POLICES) and chemin.suffix == ".woff":
                return super().fetch(url, headers)
        raise ValueError(f"Ressource refusée lors de la génération du procès-verbal : {url}")


def nom_fichier(seance: Seance) -> str:
    return f"proces-verbal-caleol-{seance.commission_id}-{seance.date:%Y-%m-%d}.pdf"


def contexte(seance: Seance, *, voit_sensible: bool) -> dict[str, Any]:
    membres = list(seance.commission.membres.select_related("organisation"))
    presences = selectors.presences(seance)
    return {
        "seance": seance,
        "commission": seance.commission,
        "en_seance": [m for m in membres if m.pk in presences and presences[m.pk].mode == ModePresence.SEANCE],
        "a_distance": [m for m in membres if m.pk in presences and presences[m.pk].mode == ModePresence.DISTANCE],
        "absents": [m for m in membres if m.pk not in presences],
        "quorum": selectors.quorum(seance),
        "points": selectors.ordre_du_jour(seance, voit_sensible=voit_sensible),
        "exceptions": parametres.exceptions_candidats(seance.date),
        "edite_le": timezone.localtime(),
        "polices": POLICES.as_uri(),
    }


def pdf(seance: Seance, *, voit_sensible: bool) -> bytes:
    html = render_to_string(GABARIT, contexte(seance, voit_sensible=voit_sensible))
    document = HTML(
        string=html, base_url=POLICES.as_uri() + "/", url_fetcher=_PolicesSeulement(allowed_protocols=("file",))
    )
    resultat: bytes = document.write_pdf(font_config=FontConfiguration())
    return resultat
