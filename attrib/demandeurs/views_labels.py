"""The household's priority labels in its space: it reads them in plain French, asks for the recognition of a
situation with a document (``label_proposer``, the household as author), and gives or withdraws its consent to
share its file with the partners' committee (``consentement_recueillir`` / ``consentement_retirer``). Only the
household itself (its « titulaire » link) acts; a page it may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import donnees_postees, placer_erreurs
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.demandeurs import selectors
from attrib.demandeurs.models import Qualite
from attrib.demandeurs.views import espace_demandeur
from attrib.labellisation import selectors as labels
from attrib.labellisation import services as labels_services
from attrib.labellisation.enums import ModeConsentement, ObjetConsentement
from attrib.labellisation.forms import PropositionMenageForm
from attrib.organisations.acteurs import Refus


def _demande_du_titulaire(request: HttpRequest, pk: int) -> Demande:
    acteur = request.acteur  # type: ignore[attr-defined]
    objet = selectors.demande_de(acteur, pk)
    if objet is None:
        raise Http404("Page introuvable.")
    liaison = selectors.liaison_de(acteur, objet)
    if liaison is None or liaison.qualite != Qualite.TITULAIRE:
        raise Http404("Page introuvable.")
    return objet


def _retour(objet: Demande) -> HttpResponse:
    return redirect(reverse("demandeurs:demande", args=[objet.pk]) + "#labels-titre")


@espace_demandeur
@require_http_methods(["GET", "POST"])
def label_proposer(request: HttpRequest, pk: int) -> HttpResponse:
    objet = _demande_du_titulaire(request, pk)
    if objet.statut != StatutDemande.ACTIVE:
        raise Http404("Page introuvable.")
    jour = timezone.localdate()
    form = PropositionMenageForm(donnees_postees(request), request.FILES or None, prefix="label", jour=jour)
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                labels_services.label_proposer(
                    demande=objet,
                    type_label=form.cleaned_data["type_label"],
                    motif=form.cleaned_data["motif"],
                    pieces=[form.cleaned_data["piece"]],
                    auteur=request.acteur,  # type: ignore[attr-defined]
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "pieces" in exc.error_dict:
                    exc = ValidationError({"piece": exc.message_dict["pieces"]})
                placer_erreurs(exc, form)
            except Refus:
                form.add_error("type_label", "Cette situation est reconnue à la demande de votre guichet.")
            else:
                messages.success(
                    request,
                    "Votre demande est bien reçue : l'organisme qui reconnaît cette situation va l'examiner. "
                    "Vous verrez ici sa décision.",
                )
                return _retour(objet)
        statut = 400
    return render(
        request,
        "demandeurs/labels/proposer.html",
        {"demande": objet, "form": form, "erreurs": resume_erreurs([form])},
        status=statut,
    )


@espace_demandeur
@require_POST
def partage_donner(request: HttpRequest, pk: int) -> HttpResponse:
    objet = _demande_du_titulaire(request, pk)
    try:
        labels_services.consentement_recueillir(
            demande=objet,
            objet=ObjetConsentement.PARTAGE_PARTENAIRES,
            auteur=request.acteur,  # type: ignore[attr-defined]
            mode=ModeConsentement.EN_LIGNE,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Votre accord est enregistré. Vous pouvez le retirer à tout moment.")
    return _retour(objet)


@espace_demandeur
@require_POST
def partage_retirer(request: HttpRequest, pk: int) -> HttpResponse:
    objet = _demande_du_titulaire(request, pk)
    consentement = labels.consentement_en_vigueur(objet, ObjetConsentement.PARTAGE_PARTENAIRES, timezone.localdate())
    if consentement is None:
        messages.error(request, "Vous n'avez pas donné cet accord.")
        return _retour(objet)
    labels_services.consentement_retirer(consentement=consentement, auteur=request.acteur)  # type: ignore[attr-defined]
    messages.success(request, "Votre accord est retiré : votre situation n'est plus présentée aux partenaires.")
    return _retour(objet)
