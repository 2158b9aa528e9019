"""Staff screens of the priority labels: the labels of a demand (propose with a proof, examine for the holder of
the right, history), the queue « Labels à examiner » of a validating organisation, and the social service's home
« Ménages accompagnés » (the households it follows with their consent, the criteria waiting for its assessment).

A page the actor may not see answers 404; every write goes through ``attrib.labellisation.services``."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs
from attrib.demandes.models import Demande
from attrib.labellisation import parametres, permissions, selectors, services
from attrib.labellisation.forms import CritereForm, ExamenForm, PropositionForm
from attrib.labellisation.models import Label
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.permissions import peut_voir_situations_sensibles


def _acteur(request: HttpRequest) -> Acteur:
    return acteur_de(request.user)


def _erreur(exc: ValidationError | PermissionDenied, form: PropositionForm | ExamenForm | CritereForm) -> None:
    if isinstance(exc, ValidationError):
        placer_erreurs(exc, form)
    else:
        form.add_error(None, str(exc))


def _lignes(labels: list[Label], voit_sensible: bool, jour: object) -> list[dict[str, object]]:
    sensibles = parametres.types_sensibles()
    return [
        {
            "label": lab,
            "libelle": parametres.libelle(lab.type_label)
            if voit_sensible or lab.type_label not in sensibles
            else "Situation confidentielle",
            "confidentiel": not voit_sensible and lab.type_label in sensibles,
        }
        for lab in labels
    ]


@require_http_methods(["GET", "POST"])
def demande(request: HttpRequest, pk: int) -> HttpResponse:
    """« Labels de priorité » of a demand: in force, waiting, history; propose one."""
    acteur = _acteur(request)
    jour = timezone.localdate()
    d = get_object_or_404(Demande, pk=pk)
    exiger(Demande.objects.visible_to(acteur).filter(pk=pk).exists() or selectors.suit_le_menage(acteur, d, jour))
    form = PropositionForm(donnees_postees(request), request.FILES or None, prefix="proposition")
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            piece = form.cleaned_data.get("piece")
            try:
                services.label_proposer(
                    demande=d,
                    type_label=form.cleaned_data["type_label"],
                    motif=form.cleaned_data["motif"],
                    pieces=[piece] if piece else [],
                    auteur=acteur,
                )
            except (ValidationError, PermissionDenied) as exc:
                _erreur(exc, form)
            else:
                messages.success(request, "Le label est proposé : l'organisation qui le valide en est saisie.")
                return redirect("labellisation:demande", pk=d.pk)
        statut = 400
    labels = list(Label.objects.filter(demande=d).select_related("organisation", "validateur").order_by("-id"))
    voit = peut_voir_situations_sensibles(acteur)
    return render(
        request,
        "labellisation/demande.html",
        {
            "demande": d,
            "lignes": _lignes(labels, voit, jour),
            "form": form,
            "examinables": {
                lab.pk
                for lab in labels
                if lab.statut == "propose" and selectors.peut_valider(acteur, d, lab.type_label, jour)
            },
            "erreurs": resume_erreurs([form]),
        },
        status=statut,
    )


@require_POST
def examiner(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    label = get_object_or_404(Label.objects.visible_to(acteur).select_related("demande"), pk=pk)
    jour = timezone.localdate()
    exiger(selectors.peut_valider(acteur, label.demande, label.type_label, jour))
    form = ExamenForm(request.POST, prefix=f"examen-{label.pk}")
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "valider":
                services.label_valider(label=label, auteur=acteur, commentaire=form.cleaned_data["texte"])
                messages.success(request, "Le label est validé ; le score de la demande est recalculé.")
            else:
                services.label_refuser(label=label, auteur=acteur, motif=form.cleaned_data["texte"])
                messages.success(request, "Le label est refusé ; le ménage est informé du motif.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Choisissez de valider ou de refuser le label.")
    suivante = request.POST.get("retour")
    if suivante == "file":
        return redirect("labellisation:a_examiner")
    return redirect("labellisation:demande", pk=label.demande_id)


def a_examiner(request: HttpRequest) -> HttpResponse:
    """« Labels à examiner »: the proposals the actor's organisations hold the right to decide."""
    acteur = _acteur(request)
    exiger(acteur.est_agent or acteur.voit_tout)
    jour = timezone.localdate()
    labels = selectors.labels_a_examiner(acteur, jour)
    return render(
        request,
        "labellisation/a_examiner.html",
        {"lignes": _lignes(labels, peut_voir_situations_sensibles(acteur), jour), "form": ExamenForm()},
    )


def accompagnes(request: HttpRequest) -> HttpResponse:
    """The social service's home: the households it follows (with consent), the criteria waiting for it."""
    acteur = _acteur(request)
    exiger(permissions.est_service_social(acteur) or acteur.voit_tout)
    jour = timezone.localdate()
    suivis = selectors.accompagnements_en_cours(acteur, jour)
    ids = [a.demande_id for a in suivis]
    en_vigueur = selectors.labels_en_vigueur(ids, jour)
    decisions = (
        Label.objects.filter(demande_id__in=ids, examine_le__gte=jour - timedelta(days=30))
        .exclude(statut="propose")
        .select_related("demande")
        .order_by("-examine_le")
    )
    lignes = [
        {
            "suivi": a,
            "criteres": [
                (cid, lib, CritereForm(prefix=f"critere-{a.demande_id}-{cid}"))
                for cid, lib in services.criteres_a_evaluer(a.demande)
            ],
            "labels": en_vigueur.get(a.demande_id, []),
        }
        for a in suivis
    ]
    return render(
        request,
        "labellisation/accompagnes.html",
        {"lignes": lignes, "decisions": _lignes(list(decisions), True, jour)},
    )


@require_POST
def critere(request: HttpRequest, pk: int, critere_id: str) -> HttpResponse:
    acteur = _acteur(request)
    d = get_object_or_404(Demande, pk=pk)
    jour = timezone.localdate()
    exiger(permissions.peut_valider_critere(acteur, d, jour))
    form = CritereForm(request.POST, request.FILES or None, prefix=f"critere-{pk}-{critere_id}")
    if form.is_valid():
        try:
            services.critere_valider(
                demande=d,
                critere_id=critere_id,
                evaluation=form.cleaned_data["evaluation"],
                fichier=form.cleaned_data.get("fichier"),
                auteur=acteur,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Critère validé : il compte désormais dans le score validé du ménage.")
    else:
        messages.error(request, "Résumez l'évaluation sociale qui fonde la validation.")
    return redirect("labellisation:accompagnes")
