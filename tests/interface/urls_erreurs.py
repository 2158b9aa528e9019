"""The product's URLs plus views failing on purpose, for the error pages test."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _refus(request):
    raise PermissionDenied("You do not have permission: internal reason, see attrib/secret.py")


def _absent(request):
    raise Http404("No Demande matches the given query.")


def _panne(request):
    raise RuntimeError("Traceback secret: Paramètre « validite » non renseigné")


def _suspect(request):
    raise SuspiciousOperation("Invalid HTTP_HOST header")


urlpatterns = [
    path("essai/refus/", _refus),
    path("essai/absent/", _absent),
    path("essai/panne/", _panne),
    path("essai/suspect/", _suspect),
    *urlpatterns,
]
