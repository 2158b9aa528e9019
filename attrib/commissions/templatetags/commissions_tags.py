"""Template tags of the CALEOL: the « Suivi de l'attribution » block of the demand page."""

from __future__ import annotations

from typing import Any

from django import template

from attrib.commissions.selectors import Notification, notifications_de

register = template.Library()


@register.simple_tag
def suivi_attribution(demande: Any) -> list[Notification]:
    """The applicant's CALEOL notifications for this demand, oldest first."""
    return notifications_de(demande)
