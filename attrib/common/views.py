from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from attrib.organisations.permissions import memberships


def accueil(request: HttpRequest) -> HttpResponse:
    return render(request, "common/accueil.html", {"memberships": memberships(request.user)})
