"""Supporting documents of a demand: view, deposit, validate, refuse."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import exiger, servir_fichier
from attrib.demandes import enums, pieces
from attrib.demandes.forms import (
    PieceDepotForm,
    PieceRefusForm,
)
from attrib.demandes.models import Demande, PieceJustificative
from attrib.demandes.views.commun import _demande_visible, _organisation_agissante
from attrib.demandes.views.enregistrement import _erreurs_service
from attrib.organisations import permissions
from attrib.organisations.acteurs import acteur_de


def _piece(request: HttpRequest, pk: int, piece_pk: int) -> tuple[Demande, PieceJustificative]:
    demande = _demande_visible(request, pk)
    piece = get_object_or_404(PieceJustificative, pk=piece_pk, demande=demande)
    exiger(not piece.sensible or permissions.peut_voir_situations_sensibles(acteur_de(request.user)))
    return demande, piece


def piece_fichier(request: HttpRequest, pk: int, piece_pk: int) -> FileResponse:
    demande, piece = _piece(request, pk, piece_pk)
    exiger(
        bool(piece.fichier)
        and (
            permissions.peut_valider_pieces(acteur_de(request.user))
            or permissions.peut_modifier_demande(acteur_de(request.user), demande)
        )
    )
    return servir_fichier(piece.fichier, pieces.nom_telechargement(piece))


@require_http_methods(["GET", "POST"])
def piece_deposer(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    demande, piece = _piece(request, pk, piece_pk)
    exiger(
        demande.statut == enums.StatutDemande.ACTIVE
        and (
            permissions.peut_modifier_demande(acteur_de(request.user), demande)
            or permissions.peut_valider_pieces(acteur_de(request.user))
        )
    )
    form = PieceDepotForm(request.POST or None, request.FILES or None, prefix="piece")
    if request.method == "POST" and form.is_valid():
        try:
            pieces.piece_deposer(
                piece=piece,
                fichier=form.cleaned_data["fichier"],
                auteur=acteur_de(request.user),
                organisation=_organisation_agissante(request.user, demande),
            )
        except ValidationError as exc:
            _erreurs_service(exc, [form], form)
        else:
            messages.success(request, f"Pièce « {piece.libelle} » déposée : elle est à valider.")
            return redirect(reverse("demandes:detail", args=[demande.pk]) + "#pieces")
    return render(
        request,
        "demandes/piece_deposer.html",
        {"demande": demande, "piece": piece, "form": form, "erreurs": resume_erreurs([form])},
    )


@require_POST
def piece_valider(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    demande, piece = _piece(request, pk, piece_pk)
    exiger(demande.statut == enums.StatutDemande.ACTIVE and permissions.peut_valider_pieces(acteur_de(request.user)))
    try:
        pieces.piece_valider(
            piece=piece, auteur=acteur_de(request.user), organisation=_organisation_agissante(request.user, demande)
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Pièce « {piece.libelle} » validée.")
    return redirect(reverse("demandes:detail", args=[demande.pk]) + "#pieces")


@require_http_methods(["GET", "POST"])
def piece_refuser(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    demande, piece = _piece(request, pk, piece_pk)
    exiger(demande.statut == enums.StatutDemande.ACTIVE and permissions.peut_valider_pieces(acteur_de(request.user)))
    form = PieceRefusForm(request.POST or None, prefix="refus")
    if request.method == "POST" and form.is_valid():
        try:
            pieces.piece_refuser(
                piece=piece,
                auteur=acteur_de(request.user),
                motif=form.cleaned_data["motif"],
                organisation=_organisation_agissante(request.user, demande),
            )
        except ValidationError as exc:
            _erreurs_service(exc, [form], form)
        else:
            messages.success(request, f"Pièce « {piece.libelle} » refusée ; le demandeur devra la fournir à nouveau.")
            return redirect(reverse("demandes:detail", args=[demande.pk]) + "#pieces")
    return render(
        request,
        "demandes/piece_refuser.html",
        {"demande": demande, "piece": piece, "form": form, "erreurs": resume_erreurs([form])},
    )


# --- Duplicates -----------------------------------------------------------------------------
