"""Number formats of the cotation screens (French: thin spaces, decimal comma)."""

from __future__ import annotations

from typing import Any

from django import template

from attrib.cotation.lisible import nombre as _nombre

register = template.Library()


@register.filter
def nombre(valeur: Any, decimales: int = 0) -> str:
    """``1234.5|nombre:1`` → ``1 234,5``; empty for ``None``."""
    if valeur is None:
        return "—"
    if decimales and isinstance(valeur, (int, float)):
        return _nombre(round(float(valeur), int(decimales)))
    return _nombre(int(round(valeur)) if isinstance(valeur, float) else valeur)


@register.filter
def pourcent(part: Any) -> str:
    """``0.254`` → ``25,4 %``; ``—`` for ``None``."""
    if part is None:
        return "—"
    return f"{_nombre(round(100 * float(part), 1))}\u00a0%"


@register.filter
def signe(valeur: Any) -> str:
    """Points with their sign: ``+300``, ``−150``, ``0``."""
    if valeur is None:
        return "—"
    v = int(valeur)
    return f"+{_nombre(v)}" if v > 0 else _nombre(v)


@register.filter
def ordinal(valeur: Any) -> str:
    """``1`` → ``1er``, ``2`` → ``2e`` (rank in a sentence)."""
    n = int(valeur)
    return f"{_nombre(n)}{'er' if n == 1 else 'e'}"
