"""Presentation filters shared by every template.

* ``source``: a stored source text as a reader cites it (``attrib.engine.sources.texte_source``): no
  reliability tag, no data-file name, no working note; « non publié à ce jour » when it only said what
  was missing.
* ``svg`` and ``svg_plus``: a number written into an SVG attribute. SVG needs a dot decimal and no
  thousands separator whatever the locale: a French ``12,5`` inside ``x="…"`` makes the browser (and
  WeasyPrint in a PDF) drop the shape, so SVG numbers never go through Django's localisation.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import template

from attrib.engine.sources import texte_source

register = template.Library()


@register.filter(name="source")
def source(valeur: Any) -> str:
    return texte_source(None if valeur is None else str(valeur))


def nombre_svg(valeur: Any) -> str:
    """``12.5`` → ``"12.5"``, ``1234.0`` → ``"1234"``, at most two decimals; ``None`` → ``"0"``."""
    if valeur is None or valeur == "":
        return "0"
    if isinstance(valeur, str):
        valeur = float(valeur.replace(",", ".").replace("\u202f", "").replace("\xa0", ""))
    if isinstance(valeur, (Decimal, Fraction)):
        valeur = float(valeur)
    nombre = float(valeur)
    if not math.isfinite(nombre):
        return "0"
    texte = f"{nombre:.2f}".rstrip("0").rstrip(".")
    return "0" if texte in ("-0", "") else texte


@register.filter(name="svg", is_safe=True)
def svg(valeur: Any) -> str:
    return nombre_svg(valeur)


@register.filter(name="svg_plus", is_safe=True)
def svg_plus(valeur: Any, decalage: Any) -> str:
    """``{{ g.position|svg_plus:4 }}``: the coordinate moved by ``decalage`` (negative to go back)."""
    return nombre_svg(float(nombre_svg(valeur)) + float(nombre_svg(decalage)))
