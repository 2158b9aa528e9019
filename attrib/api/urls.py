"""Routes of the API, version 1 (``/api/v1/``).

API views answer with DRF's own authentication (401/403 in JSON), never with the login-page
redirect of ``LoginRequiredMiddleware``: they are marked ``login_not_required`` and keep their
``IsAuthenticated`` permission. The HTML documentation page is a normal screen (login required).
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from attrib.api import demandes, referentiels
from attrib.api.documentation import SchemaApi, documentation


def api(vue: type[Any], **initkwargs: Any) -> Callable[..., Any]:
    return login_not_required(vue.as_view(**initkwargs))


urlpatterns = [
    path("v1/schema/", api(SchemaApi), name="api-schema"),
    path("v1/docs/", documentation, name="api-docs"),
    path("v1/demandes/", api(demandes.DemandeCollectionApi), name="api-demandes"),
    path("v1/demandes/recherche/", api(demandes.DemandeRechercheApi), name="api-demandes-recherche"),
    path("v1/demandes/<str:numero_unique>/", api(demandes.DemandeDetailApi), name="api-demande"),
    path(
        "v1/demandes/<str:numero_unique>/renouveler/",
        api(demandes.DemandeRenouvelerApi),
        name="api-demande-renouveler",
    ),
    path(
        "v1/demandes/<str:numero_unique>/decision-dalo/",
        api(demandes.DemandeDecisionDaloApi),
        name="api-demande-decision-dalo",
    ),
    path("v1/demandes/<str:numero_unique>/radier/", api(demandes.DemandeRadierApi), name="api-demande-radier"),
    path(
        "v1/demandes/<str:numero_unique>/historique/",
        api(demandes.DemandeHistoriqueApi),
        name="api-demande-historique",
    ),
    path("v1/communes/", api(referentiels.CommuneListApi), name="api-communes"),
    path("v1/epci/", api(referentiels.EpciListApi), name="api-epci"),
    path("v1/qpv/", api(referentiels.QpvListApi), name="api-qpv"),
    path("v1/priorites/", api(referentiels.PrioriteListApi), name="api-priorites"),
    path("v1/organisations/", api(referentiels.OrganisationListApi), name="api-organisations"),
]
