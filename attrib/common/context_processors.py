from typing import Any

from django.http import HttpRequest

from attrib.organisations import permissions


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "nav_peut_enregistrer": permissions.peut_enregistrer_demande(user),
        "nav_memberships": permissions.memberships(user),
    }
