"""Public pages of location voulue (``/territoire/annonces/``), open without login like the territory's reception
pages (decision 0030): the outcome of each closed advert of a territory (applications received, the score band and
seniority of the household housed — nothing that identifies it), the published ranking data of each advert (a JSON
file) and how anyone replays a ranking from them with the documented command.

They render the same for every visitor (no name, no form, no session content) and may be kept by caches like the
reception pages."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from attrib.annonces import selectors, selectors_ecrans
from attrib.siad import selectors as siad_selectors
from attrib.siad.views import page_publique
from attrib.territoires.models import EPCI

#: The command that replays a published ranking (``attrib.engine.annonces.cli``).
COMMANDE = "python -m attrib.engine annonce-rejouer"


def _contexte(epci: EPCI, **autres: object) -> dict[str, object]:
    return {"territoire": epci, "rubrique": "annonces", **autres}


@page_publique()
def territoires(request: HttpRequest) -> HttpResponse:
    evitements = [{"link": "#content", "label": "Contenu"}, {"link": "#footer", "label": "Pied de page"}]
    return render(
        request,
        "annonces/publiques/territoires.html",
        {"territoires": siad_selectors.territoires(), "rubrique": "", "skiplinks": evitements},
    )


@page_publique()
def resultats(request: HttpRequest, siren: str) -> HttpResponse:
    epci = siad_selectors.territoire(siren)
    return render(
        request,
        "annonces/publiques/resultats.html",
        _contexte(epci, lignes=selectors_ecrans.resultats_publics(epci), commande=COMMANDE),
    )


@page_publique()
def classement(request: HttpRequest, siren: str, reference: str) -> HttpResponse:
    """The published ranking data of a closed advert of the territory, as a file to download."""
    epci = siad_selectors.territoire(siren)
    annonce = selectors_ecrans.annonce_publique(epci, reference)
    donnees = selectors.classement_publie(annonce) if annonce is not None else None
    if annonce is None or donnees is None:
        raise Http404("Classement introuvable.")
    reponse = HttpResponse(
        json.dumps(donnees, ensure_ascii=False, indent=2) + "\n", content_type="application/json; charset=utf-8"
    )
    reponse["Content-Disposition"] = f'attachment; filename="classement-{annonce.reference}.json"'
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse


@page_publique()
def verifier(request: HttpRequest, siren: str) -> HttpResponse:
    """How the ranking is made and how to replay it from the published data."""
    epci = siad_selectors.territoire(siren)
    return render(request, "annonces/publiques/verifier.html", _contexte(epci, commande=COMMANDE))
