"""API token authentication that locks an address after repeated wrong tokens.

DRF's throttles run after authentication, and a wrong token stops the request before them: the failures are
counted here (scope ``api_jeton``, :class:`attrib.common.limites.CompteurEchecs`). While the address is
locked every token is refused, the right one too, with a French JSON message and ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.request import Request

from attrib.common.limites import CompteurEchecs, adresse_client, minutes
from attrib.organisations.acteurs import acteur_de

PORTEE = "api_jeton"


class AdresseVerrouillee(exceptions.Throttled):
    def __init__(self, attente: int) -> None:
        super().__init__(
            wait=attente,
            detail=(
                "Trop de jetons d'authentification invalides ont été présentés depuis votre adresse : elle est "
                f"bloquée pour {minutes(attente)} minute(s). Vérifiez le jeton configuré dans votre logiciel "
                "(en-tête « Authorization: Token … »), puis réessayez après ce délai."
            ),
        )


class JetonAuthentification(TokenAuthentication):
    """``Authorization: Token <clé>``, refused from an address locked after too many wrong tokens."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if get_authorization_header(request).lower().split()[:1] != [self.keyword.lower().encode()]:
            return None  # no token presented: another authentication (session) or anonymous
        compteur = CompteurEchecs(PORTEE)
        adresse = adresse_client(request)
        if (attente := compteur.verrou(adresse)) is not None:
            raise AdresseVerrouillee(attente)
        try:
            resultat = super().authenticate(request)
        except exceptions.AuthenticationFailed:
            if (duree := compteur.echec(adresse)) is not None:
                raise AdresseVerrouillee(duree) from None
            raise
        if resultat is not None and acteur_de(resultat[0]).est_demandeur:
            # An applicant account reaches no staff route, the API included: 404 as for a missing page.
            raise exceptions.NotFound()
        return resultat
