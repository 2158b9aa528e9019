"""The DALO block of the pilotage page (``{% bloc_dalo periode %}``): households recognised by a decision of the
period, rehoused within their deadline or after, obligations lifted, still waiting, past their deadline — cut by
what the user follows (``attrib.dalo.selectors.chiffres``). Shown to those who may open the follow-up board."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from attrib.dalo import permissions, selectors
from attrib.organisations.acteurs import acteur_de

register = template.Library()


@register.inclusion_tag("dalo/_pilotage.html", takes_context=True)
def bloc_dalo(context: dict[str, Any], periode: Any) -> dict[str, Any]:
    request = context.get("request")
    user = acteur_de(getattr(request, "user", None))
    if periode is None or not permissions.peut_voir_suivi(user):
        return {"visible": False}
    return {
        "visible": True,
        "periode": periode,
        "c": selectors.chiffres(user, periode.debut, periode.fin, timezone.localdate()),
    }
