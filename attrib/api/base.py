"""What every API view of Attrib shares: French JSON parsing, limit/offset pagination."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import Throttled
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from attrib.api.parsers import JSONParserFr
from attrib.common.limites import Limite
from attrib.demandes.comptes import compter
from attrib.demandes.models import Demande
from attrib.journal.contexte import contexte_pour, definir
from attrib.organisations.acteurs import acteur_de


class Pagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500

    def __init__(self, compte: Callable[[], int] | None = None) -> None:
        self.compte = compte

    def get_count(self, queryset: Any) -> int:
        # The demands are counted once per state of the file (attrib.demandes.comptes): every page of a region's
        # list would count its whole perimeter again.
        if self.compte is not None:
            return self.compte()
        if isinstance(queryset, QuerySet) and queryset.model is Demande:
            return compter(queryset)
        return int(super().get_count(queryset))


# Base of the API classes: one class per URL, one method per operation. (A comment, not a docstring:
# docstrings of API classes are published as descriptions in the OpenAPI schema.)
class ApiView(APIView):
    parser_classes = [JSONParserFr]
    pagination_class = Pagination

    #: True for the views whose requests are searches by name or number (scope ``recherche``, as on the web list).
    recherche_nominative = False

    def get_throttles(self) -> list[Any]:
        # Every request counts for ``anon``/``user`` (settings); a search by name or number also for ``recherche``
        # (attrib.common.limites). Searches go by POST, never in the address (decision 0014).
        limites = list(super().get_throttles())
        if self.recherche_nominative:
            limites.append(Limite("recherche"))
        return limites

    def throttled(self, request: Request, wait: float | None) -> None:
        secondes = max(1, math.ceil(wait or 1))
        raise Throttled(
            wait=secondes,
            detail=(
                f"Trop de requêtes en peu de temps : réessayez dans {secondes} seconde(s). Espacez les appels de "
                "votre logiciel (l'en-tête Retry-After de la réponse indique le délai)."
            ),
        )

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # The token is read here, after the middleware: the change journal learns the API user now.
        definir(contexte_pour(acteur_de(request.user), origine=f"API {request.method} {request.path}"))


def reponse_paginee(
    *,
    queryset: QuerySet[Any],
    serializer_class: type[BaseSerializer[Any]],
    request: Request,
    view: APIView,
    context: dict[str, Any] | None = None,
    compte: Callable[[], int] | None = None,
) -> Response:
    """One page of ``queryset`` as ``{"count", "next", "previous", "results"}`` (``compte``: how the rows are
    counted, when not by counting ``queryset``)."""
    pagination = Pagination(compte)
    page = pagination.paginate_queryset(queryset, request, view=view)
    donnees = serializer_class(page, many=True, context={"request": request, **(context or {})}).data
    return pagination.get_paginated_response(donnees)
