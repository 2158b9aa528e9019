"""The desk's « Courriers à imprimer » (list, download, printed) and the demo's mailbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from attrib.avis import boite_demo, selectors, services
from attrib.organisations.acteurs import acteur_de


@require_GET
def courriers(request: HttpRequest) -> HttpResponse:
    acteur = acteur_de(request.user)
    guichets = selectors.guichets_imprimeurs(acteur)
    if not guichets:
        raise Http404("Page introuvable.")
    imprimes = request.GET.get("etat") == "imprimes"
    sections = [
        {"guichet": g, "courriers": list(selectors.courriers(acteur, guichet=g, imprimes=imprimes)[:200])}
        for g in guichets
    ]
    return render(request, "avis/courriers.html", {"sections": sections, "imprimes": imprimes})


@require_GET
def courrier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    envoi = selectors.courrier_visible(acteur_de(request.user), pk)
    document = envoi.document
    if document is None:
        raise Http404("Courrier introuvable.")
    reponse = HttpResponse(bytes(document.contenu), content_type=document.type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="{document.nom_fichier}"'
    return reponse


@require_POST
def courrier_imprime(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = acteur_de(request.user)
    envoi = selectors.courrier_visible(acteur, pk)
    services.courrier_marquer_imprime(envoi=envoi, auteur=acteur)
    messages.success(request, f"Courrier de la demande n° {envoi.avis.demande.numero_unique} marqué comme imprimé.")
    return redirect(reverse("avis:courriers"))


# --- the demo's mailbox (docs/demo.md): never on a real installation --------------------------------------------


def _exiger_demo() -> None:
    if not boite_demo.active():
        raise Http404("Page introuvable.")


@login_not_required
@require_GET
def demo_boite(request: HttpRequest) -> HttpResponse:
    _exiger_demo()
    return render(request, "avis/demo_boite.html", {"messages_recus": boite_demo.messages()})


@login_not_required
@require_GET
def demo_message(request: HttpRequest, cle: str) -> HttpResponse:
    _exiger_demo()
    message = boite_demo.message(cle)
    if message is None:
        raise Http404("Message introuvable.")
    return render(request, "avis/demo_message.html", {"message": message})
