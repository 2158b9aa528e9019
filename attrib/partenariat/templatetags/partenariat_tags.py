"""The saisine button of a demand's page: the partner committees its reader may bring the demand to."""

from __future__ import annotations

from typing import Any

from django import template

from attrib.organisations.acteurs import acteur_de

register = template.Library()


@register.simple_tag(takes_context=True)
def commissions_saisissables(context: Any, demande: Any) -> list[Any]:
    from attrib.partenariat.views import commissions_saisissables as possibles

    request = context.get("request")
    if request is None or demande.statut != "active":
        return []
    return [c for c, _ in possibles(acteur_de(request.user), demande)]
