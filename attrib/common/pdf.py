"""The one PDF renderer of the product (WeasyPrint): CALEOL minutes, offer letters, registration attestations,
simulation reports, campaign results, flux reports all go through :func:`pdf_depuis_gabarit` or
:func:`pdf_depuis_html`.

Rendering never fetches a network resource: the only URLs WeasyPrint may open are the Marianne font files
shipped with django-dsfr (``POLICES``), served from the local disk. Templates name them through the
``polices`` context value (``POLICES.as_uri()``), relative URLs resolve against the same folder.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import dsfr
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

#: The DSFR fonts shipped with django-dsfr (the only files a PDF may load).
POLICES = Path(dsfr.__file__).resolve().parent / "static" / "dsfr" / "dist" / "fonts"


class PolicesSeulement(URLFetcher):
    """Opens the local font files of django-dsfr and nothing else (no network, no other file)."""

    def __init__(self, *args: Any, document: str = "du document", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document = document

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file://"):
            chemin = Path(url.removeprefix("file://")).resolve()
            if chemin.is_relative_to(POLICES) and chemin.suffix == ".woff":
                return super().fetch(url, headers)
        raise ValueError(f"Ressource refusée lors de la génération {self.document} : {url}")


def uri_polices() -> str:
    """What templates receive as ``polices`` to name the font files in their ``@font-face`` rules."""
    return POLICES.as_uri()


_LOCAL = threading.local()


def _polices_chargees() -> FontConfiguration:
    """The font configuration of this thread, created once: the Marianne faces of ``@font-face`` are decoded
    (WOFF → OpenType) and registered with Fontconfig at the first document only, and Pango's font caches
    serve every later one. Per thread, as Pango's font maps are not shared between threads. The documents
    are the same (same glyphs, same layout): only the time stamp inside the embedded font subset is that of
    the first document of the thread."""
    configuration: FontConfiguration | None = getattr(_LOCAL, "polices", None)
    if configuration is None:
        configuration = _LOCAL.polices = FontConfiguration()
    return configuration


def pdf_depuis_html(html: str, *, document: str = "du document") -> bytes:
    """Render ``html`` to PDF bytes offline. ``document`` names it in the refusal of a foreign resource
    (« du procès-verbal », « de l'attestation »…)."""
    rendu = HTML(
        string=html,
        base_url=POLICES.as_uri() + "/",
        url_fetcher=PolicesSeulement(allowed_protocols=("file",), document=document),
    )
    pdf: bytes = rendu.write_pdf(font_config=_polices_chargees())
    return pdf


def pdf_depuis_gabarit(gabarit: str, contexte: dict[str, Any], *, document: str = "du document") -> bytes:
    """Render the Django template ``gabarit`` with ``contexte`` (``polices`` added when absent) to PDF bytes."""
    return pdf_depuis_html(render_to_string(gabarit, {"polices": uri_polices(), **contexte}), document=document)
