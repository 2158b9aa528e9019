"""``{% acces_en_ligne demande %}``: on the staff page of a demand, the accounts linked to it and the letters of
linking codes the desk prints."""

from __future__ import annotations

from typing import Any

from django import template

from attrib.demandeurs.models import CanalCode, CodeLiaison, Liaison
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.permissions import peut_modifier_demande

register = template.Library()


@register.inclusion_tag("demandeurs/guichet/_acces_en_ligne.html", takes_context=True)
def acces_en_ligne(context: Any, demande: Any) -> dict[str, Any]:
    request = context.get("request")
    acteur = acteur_de(getattr(request, "user", None))
    return {
        "demande": demande,
        "liaisons": list(
            Liaison.objects.filter(demande=demande, retiree_le__isnull=True)
            .order_by("creee_le")
            .only("qualite", "creee_le")
        ),
        "courriers": list(
            CodeLiaison.objects.filter(demande=demande, canal=CanalCode.COURRIER).order_by("-emis_le")[:5]
        ),
        "peut_emettre": peut_modifier_demande(acteur, demande),
        "csrf_token": context.get("csrf_token"),
    }
