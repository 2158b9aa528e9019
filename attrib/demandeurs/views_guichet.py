"""The desk's side of linking: issue the letter of a one-time code from the demand's page, print it (the PDF
frozen at its issue, served as stored)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from attrib.common.view_helpers import exiger
from attrib.demandes.models import Demande
from attrib.demandeurs.models import CanalCode, CodeLiaison
from attrib.demandeurs.services import code_emettre
from attrib.documents.models import NatureDocument
from attrib.documents.selectors import derniere
from attrib.organisations.acteurs import Refus, acteur_de
from attrib.organisations.permissions import peut_modifier_demande


def _demande(request: HttpRequest, pk: int) -> Demande:
    acteur = acteur_de(request.user)
    demande = Demande.objects.visible_to(acteur).filter(pk=pk).first()
    if demande is None:
        raise Http404("Page introuvable.")
    return demande


@require_POST
def courrier_emettre(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande(request, pk)
    acteur = acteur_de(request.user)
    exiger(peut_modifier_demande(acteur, demande))
    try:
        emis = code_emettre(demande=demande, canal=CanalCode.COURRIER, auteur=acteur)
    except (ValidationError, Refus) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return redirect("demandes:detail", demande.pk)
    messages.success(
        request,
        "Le courrier du code d'accès est prêt : imprimez-le depuis la section « Suivi en ligne par le ménage ». "
        "Les codes émis auparavant pour cette demande ne sont plus valables.",
    )
    return redirect("demandeurs_guichet:courrier", emis.code_liaison.pk)


def courrier(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = acteur_de(request.user)
    code = CodeLiaison.objects.filter(pk=pk, canal=CanalCode.COURRIER).select_related("demande").first()
    if code is None or not Demande.objects.visible_to(acteur).filter(pk=code.demande_id).exists():
        raise Http404("Page introuvable.")
    exiger(peut_modifier_demande(acteur, code.demande))
    document = derniere(code, NatureDocument.COURRIER_CODE_LIAISON)
    if document is None:
        raise Http404("Courrier introuvable.")
    reponse = HttpResponse(document.octets, content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="{document.nom_fichier}"'
    return reponse
