"""The simulation report for the CIL (conférence intercommunale du logement), as a PDF rendered offline.

WeasyPrint may open only the Marianne font files shipped with django-dsfr: the charts are inline SVG,
nothing is fetched from the network.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from attrib.common.pdf import pdf_depuis_html, uri_polices
from attrib.cotation.simulation import Simulation

GABARIT = "cotation/pdf/simulation.html"


def simulation_pdf(simulation: Simulation) -> bytes:
    """The simulation (figures, chart, tables) as an A4 PDF."""
    html = render_to_string(GABARIT, {"s": simulation, "edite_le": timezone.localdate(), "polices": uri_polices()})
    return pdf_depuis_html(html, document="du rapport")
