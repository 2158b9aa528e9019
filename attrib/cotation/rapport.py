"""The simulation report for the CIL (conférence intercommunale du logement), as a PDF rendered offline.

WeasyPrint may open only the Marianne font files shipped with django-dsfr: the charts are inline SVG,
nothing is fetched from the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from attrib.cotation.simulation import Simulation
from attrib.demandes.attestation import POLICES

GABARIT = "cotation/pdf/simulation.html"


class _PolicesSeulement(URLFetcher):
    """Opens the local font files of django-dsfr and nothing else."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file://"):
            chemin = Path(url.removeprefix("file://")).resolve()
            if chemin.is_relative_to(POLICES) and chemin.suffix == ".woff":
                return super().fetch(url, headers)
        raise ValueError(f"Ressource refusée lors de la génération du rapport : {url}")


def simulation_pdf(simulation: Simulation) -> bytes:
    """The simulation (figures, chart, tables) as an A4 PDF."""
    html = render_to_string(GABARIT, {"s": simulation, "edite_le": timezone.localdate(), "polices": POLICES.as_uri()})
    document = HTML(
        string=html, base_url=POLICES.as_uri() + "/", url_fetcher=_PolicesSeulement(allowed_protocols=("file",))
    )
    pdf: bytes = document.write_pdf(font_config=FontConfiguration())
    return pdf
