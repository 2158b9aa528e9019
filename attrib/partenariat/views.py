"""Screens of the partner committee (``/commission-partenariale/``): the committees and their members, the sessions
and their agenda, the case page (redacted or full), the open cases ranked by deadline, the saisine from a demand.

Anything the actor may not see or do answers 404, like a missing page; every write goes through
``attrib.partenariat.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs, servir_fichier
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.partenariat import permissions, selectors, services
from attrib.partenariat.enums import StatutDossier, StatutSeance
from attrib.partenariat.forms import (
    AvisForm,
    ClotureForm,
    DecisionForm,
    EvaluationForm,
    InscriptionForm,
    MembreForm,
    PresencesForm,
    SaisineForm,
    SeanceForm,
)
from attrib.partenariat.models import CommissionPartenariale, Dossier, SeancePartenariale


def _acteur(request: HttpRequest) -> Acteur:
    return acteur_de(request.user)


def _erreur(exc: ValidationError | PermissionDenied, form: Any) -> None:
    if isinstance(exc, PermissionDenied):
        raise Http404("Page introuvable.") from exc
    placer_erreurs(exc, form)


# --- committees ----------------------------------------------------------------------------------------------------


@require_GET
def commissions(request: HttpRequest) -> HttpResponse:
    acteur = _acteur(request)
    liste = list(CommissionPartenariale.objects.visible_to(acteur).select_related("epci"))
    exiger(bool(liste))
    if len(liste) == 1:
        return redirect("partenariat:commission", pk=liste[0].pk)
    return render(request, "partenariat/commissions.html", {"commissions": liste})


def _page_commission(
    request: HttpRequest,
    commission: CommissionPartenariale,
    *,
    seance_form: SeanceForm | None = None,
    membre_form: MembreForm | None = None,
    statut: int = 200,
) -> HttpResponse:
    acteur = _acteur(request)
    gere = permissions.peut_gerer_commission(acteur, commission)
    membres = list(commission.membres.select_related("organisation"))
    deja = [m.organisation_id for m in membres]
    organisations = (
        Organisation.objects.filter(Q(epci_id=commission.epci_id) | Q(perimetre__epci_id=commission.epci_id))
        .exclude(pk__in=deja)
        .exclude(type=TypeOrganisation.GUICHET)
        .distinct()
        .order_by("nom")
    )
    seance_form = seance_form or SeanceForm(prefix="seance")
    membre_form = membre_form or MembreForm(prefix="membre", organisations=organisations)
    return render(
        request,
        "partenariat/commission.html",
        {
            "commission": commission,
            "membres": membres,
            "seances": list(commission.seances.all()),
            "nb_ouverts": commission.dossiers.filter(statut=StatutDossier.OUVERT).count(),
            "gere": gere,
            "seance_form": seance_form,
            "membre_form": membre_form,
            "erreurs": resume_erreurs([seance_form, membre_form]),
        },
        status=statut,
    )


@require_GET
def commission(request: HttpRequest, pk: int) -> HttpResponse:
    return _page_commission(request, selectors.commission_visible(_acteur(request), pk))


@require_POST
def seance_nouvelle(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = selectors.commission_visible(acteur, pk)
    exiger(permissions.peut_gerer_commission(acteur, objet))
    form = SeanceForm(request.POST, prefix="seance")
    if form.is_valid():
        try:
            seance = services.seance_creer(
                commission=objet,
                date_seance=form.cleaned_data["date_seance"],
                lieu=form.cleaned_data["lieu"],
                auteur=acteur,
            )
        except (ValidationError, PermissionDenied) as exc:
            _erreur(exc, form)
        else:
            messages.success(request, f"Séance du {seance.date:%d/%m/%Y} prévue.")
            return redirect("partenariat:seance", pk=seance.pk)
    return _page_commission(request, objet, seance_form=form, statut=400)


@require_POST
def membre_nouveau(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = selectors.commission_visible(acteur, pk)
    exiger(permissions.peut_gerer_commission(acteur, objet))
    form = MembreForm(request.POST, prefix="membre", organisations=Organisation.objects.all())
    if form.is_valid():
        try:
            membre = services.membre_ajouter(
                commission=objet,
                organisation=form.cleaned_data["organisation"],
                qualite=form.cleaned_data["qualite"],
                auteur=acteur,
            )
        except (ValidationError, PermissionDenied) as exc:
            _erreur(exc, form)
        else:
            messages.success(request, f"{membre.organisation.nom} siège désormais à la commission.")
            return redirect("partenariat:commission", pk=objet.pk)
    return _page_commission(request, objet, membre_form=form, statut=400)


@require_GET
def dossiers_ouverts(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = selectors.commission_visible(acteur, pk)
    jour = timezone.localdate()
    return render(
        request,
        "partenariat/dossiers_ouverts.html",
        {"commission": objet, "lignes": selectors.dossiers_ouverts(objet, jour), "jour": jour},
    )


# --- sessions ------------------------------------------------------------------------------------------------------


def _page_seance(
    request: HttpRequest, seance: SeancePartenariale, *, presences: PresencesForm | None = None, statut: int = 200
) -> HttpResponse:
    acteur = _acteur(request)
    membres = list(seance.commission.membres.select_related("organisation"))
    presents = set(seance.presences.values_list("membre_id", flat=True))
    presences = presences or PresencesForm(
        prefix="presences",
        membres=[(m.pk, f"{m.organisation.nom} ({m.get_qualite_display()})") for m in membres],
        initial={"membres": [str(p) for p in presents]},
    )
    points = [
        {
            "inscription": i,
            "expurgee": selectors.vue_expurgee(i.dossier),
            "decisions": list(i.dossier.decisions.filter(seance=seance)),
        }
        for i in seance.inscriptions.select_related("dossier__demande").order_by("rang")
    ]
    return render(
        request,
        "partenariat/seance.html",
        {
            "seance": seance,
            "commission": seance.commission,
            "points": points,
            "membres": membres,
            "presents": presents,
            "gere": permissions.peut_gerer_commission(acteur, seance.commission_id),
            "presences_form": presences,
            "erreurs": resume_erreurs([presences]),
            "peut_ouvrir": seance.statut == StatutSeance.PREVUE and seance.date <= timezone.localdate(),
        },
        status=statut,
    )


@require_GET
def seance(request: HttpRequest, pk: int) -> HttpResponse:
    return _page_seance(request, selectors.seance_visible(_acteur(request), pk))


def _action_seance(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    acteur = _acteur(request)
    objet = selectors.seance_visible(acteur, pk)
    exiger(permissions.peut_gerer_commission(acteur, objet.commission_id))
    try:
        if action == "ouvrir":
            services.seance_ouvrir(seance=objet, auteur=acteur)
            messages.success(request, "Séance ouverte : les avis et les décisions peuvent être enregistrés.")
        else:
            services.seance_clore(seance=objet, auteur=acteur)
            messages.success(request, "Séance close ; son compte rendu est figé.")
    except PermissionDenied as exc:
        raise Http404("Page introuvable.") from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("partenariat:seance", pk=objet.pk)


@require_POST
def seance_ouvrir(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_seance(request, pk, "ouvrir")


@require_POST
def seance_clore(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_seance(request, pk, "clore")


@require_POST
def seance_presences(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = selectors.seance_visible(acteur, pk)
    exiger(permissions.peut_gerer_commission(acteur, objet.commission_id))
    membres = list(objet.commission.membres.select_related("organisation"))
    form = PresencesForm(
        request.POST,
        prefix="presences",
        membres=[(m.pk, f"{m.organisation.nom} ({m.get_qualite_display()})") for m in membres],
    )
    if form.is_valid():
        try:
            services.presences_enregistrer(
                seance=objet, membres=[int(m) for m in form.cleaned_data["membres"]], auteur=acteur
            )
        except (ValidationError, PermissionDenied) as exc:
            _erreur(exc, form)
        else:
            messages.success(request, "Présences enregistrées.")
            return redirect("partenariat:seance", pk=objet.pk)
    return _page_seance(request, objet, presences=form, statut=400)


@require_GET
def compte_rendu(request: HttpRequest, pk: int) -> FileResponse:
    objet = selectors.seance_visible(_acteur(request), pk)
    exiger(objet.statut == StatutSeance.CLOSE and bool(objet.compte_rendu_pdf))
    from attrib.partenariat.compte_rendu import nom_fichier

    return servir_fichier(objet.compte_rendu_pdf, nom_fichier(objet))


# --- the case ------------------------------------------------------------------------------------------------------


def _organisations(membres: list[Any]) -> list[Organisation]:
    return [m.organisation for m in membres]


def _page_dossier(request: HttpRequest, dossier: Dossier, *, statut: int = 200, **formulaires: Any) -> HttpResponse:
    acteur = _acteur(request)
    jour = timezone.localdate()
    ouvert = dossier.statut == StatutDossier.OUVERT
    seances_ouvertes = SeancePartenariale.objects.filter(
        inscriptions__dossier=dossier, statut=StatutSeance.OUVERTE
    ).order_by("date")
    seance_en_cours = seances_ouvertes.first()
    gere = permissions.peut_gerer_commission(acteur, dossier.commission_id)
    membres_ecriture = permissions.membres_de(acteur, dossier.commission_id, ecriture=True)
    evaluatrices = permissions.organisations_evaluatrices(acteur, dossier)
    cibles = (
        Organisation.objects.filter(Q(type=TypeOrganisation.BAILLEUR) | ~Q(categorie_reservataire=""))
        .filter(Q(epci_id=dossier.commission.epci_id) | Q(perimetre__epci_id=dossier.commission.epci_id))
        .distinct()
    )
    f: dict[str, Any] = {
        "inscription": InscriptionForm(
            prefix="inscription",
            seances=dossier.commission.seances.exclude(statut=StatutSeance.CLOSE)
            .filter(date__gte=dossier.saisi_le)
            .exclude(inscriptions__dossier=dossier),
        )
        if ouvert and gere
        else None,
        "evaluation": EvaluationForm(prefix="evaluation", organisations=_organisations(evaluatrices))
        if ouvert and evaluatrices
        else None,
        "avis": AvisForm(prefix="avis", organisations=_organisations(membres_ecriture))
        if ouvert and seance_en_cours and membres_ecriture
        else None,
        "decision": DecisionForm(prefix="decision", cibles=cibles, jour=jour)
        if ouvert and seance_en_cours and permissions.peut_decider(acteur, dossier)
        else None,
        "cloture": ClotureForm(prefix="cloture") if ouvert and permissions.peut_clore(acteur, dossier) else None,
    }
    f.update(formulaires)
    return render(
        request,
        "partenariat/dossier.html",
        {
            "dossier": dossier,
            "commission": dossier.commission,
            "vue": selectors.vue_dossier(acteur, dossier, jour),
            "inscriptions": list(dossier.inscriptions.select_related("seance").order_by("seance__date")),
            "avis": list(dossier.avis.select_related("organisation", "seance")),
            "decisions": list(dossier.decisions.select_related("organisation_cible", "seance")),
            "suivi": selectors.suivi(dossier),
            "cloture": getattr(dossier, "cloture", None),
            "seance_en_cours": seance_en_cours,
            "formulaires": f,
            "erreurs": resume_erreurs([x for x in f.values() if x is not None]),
            "jour": jour,
        },
        status=statut,
    )


@require_GET
def dossier(request: HttpRequest, pk: int) -> HttpResponse:
    return _page_dossier(request, selectors.dossier_visible(_acteur(request), pk))


@require_POST
def dossier_inscrire(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = selectors.dossier_visible(acteur, pk)
    exiger(permissions.peut_gerer_commission(acteur, objet.commission_id))
    form = InscriptionForm(request.POST, prefix="inscription", seances=objet.commission.seances.all())
    if form.is_valid():
        try:
            services.dossier_inscrire(dossier=objet, seance=form.cleaned_data["seance"], auteur=acteur)
        except (ValidationError, PermissionDenied) as exc:
            _erreur(exc, form)
        else:
            messages.success(request, "Dossier inscrit à l'ordre du jour.")
            return redirect("partenariat:dossier", pk=objet.pk)
    return _page_dossier(request, objet, inscription=form, statut=400)


@require_POST
def evaluation_joindre(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = selectors.dossier_visible(acteur, pk)
    evaluatrices = permissions.organisations_evaluatrices(acteur, objet)
    exiger(bool(evaluatrices) or acteur.voit_tout)
    form = EvaluationForm(request.POST, request.FILES, prefix="evaluation", organisations=_organisations(evaluatrices))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.evaluation_joindre(
                dossier=objet,
                organisation=d["organisation"],
                texte=d["texte"],
                date_evaluation=d["date_evaluation"],
                fichier=d.get("fichier"),
                auteur=acteur,
            )
        except (ValidationError, PermissionDenied) as exc:
            _erreur(exc, form)
        else:
            messages.success(request, "Évaluation sociale jointe au dossier.")
            return redirect("partenariat:dossier", pk=objet.pk)
    return _page_dossier(request, objet, evaluation=form, statut=400)


@require_GET
def evaluation_fichier(request: HttpRequest, pk: int, evaluation_pk: int) -> FileResponse:
    from attrib.partenariat.enums import Rubrique

    acteur = _acteur(request)
    objet = selectors.dossier_visible(acteur, pk)
    exiger(Rubrique.EVALUATION in permissions.rubriques_visibles(acteur, objet, timezone.localdate()))
    evaluation = objet.evaluations.filter(pk=evaluation_pk).exclude(fichier="").first()
    exiger(evaluation is not None)
    assert evaluation is not None
    return servir_fichier(evaluation.fichier, evaluation.nom_fichier or "evaluation-sociale.pdf")


def _seance_en_cours(dossier: Dossier) -> SeancePartenariale:
    seance = (
        SeancePartenariale.objects.filter(inscriptions__dossier=dossier, statut=StatutSeance.OUVERTE)
        .order_by("date")
        .first()
    )
    exiger(seance is not None)
    assert seance is not None
    return seance


@require_POST
def avis_donner(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = selectors.dossier_visible(acteur, pk)
    membres = permissions.membres_de(acteur, objet.commission_id, ecriture=True)
    exiger(bool(membres) or acteur.voit_tout)
    seance = _seance_en_cours(objet)
    form = AvisForm(request.POST, prefix="avis", organisations=_organisations(membres))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.avis_donner(
                dossier=objet,
                seance=seance,
                organisation=d["organisation"],
                sens=d["sens"],
                texte=d["texte"],
                auteur=acteur,
            )
        except (ValidationError, PermissionDenied) as exc:
            _erreur(exc, form)
        else:
            messages.success(request, "Avis enregistré.")
            return redirect("partenariat:dossier", pk=objet.pk)
    return _page_dossier(request, objet, avis=form, statut=400)


@require_POST
def decision_prendre(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = selectors.dossier_visible(acteur, pk)
    exiger(permissions.peut_decider(acteur, objet))
    seance = _seance_en_cours(objet)
    cibles = Organisation.objects.filter(Q(type=TypeOrganisation.BAILLEUR) | ~Q(categorie_reservataire=""))
    form = DecisionForm(request.POST, prefix="decision", cibles=cibles, jour=seance.date)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.decision_prendre(
                dossier=objet,
                seance=seance,
                nature=d["nature"],
                motif=d["motif"],
                type_label=d["type_label"],
                valide_jusqu_au=d["valide_jusqu_au"],
                organisation_cible=d["organisation_cible"],
                echeance=d["echeance"],
                mesure=d["mesure"],
                operateur=d["operateur"],
                auteur=acteur,
            )
        except (ValidationError, PermissionDenied) as exc:
            _erreur(exc, form)
        else:
            messages.success(request, "Décision enregistrée.")
            return redirect("partenariat:dossier", pk=objet.pk)
    return _page_dossier(request, objet, decision=form, statut=400)


@require_POST
def dossier_clore(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    objet = selectors.dossier_visible(acteur, pk)
    exiger(permissions.peut_clore(acteur, objet))
    form = ClotureForm(request.POST, prefix="cloture")
    if form.is_valid():
        try:
            services.dossier_clore(
                dossier=objet, motif=form.cleaned_data["motif"], precision=form.cleaned_data["precision"], auteur=acteur
            )
        except (ValidationError, PermissionDenied) as exc:
            _erreur(exc, form)
        else:
            messages.success(request, "Dossier clos.")
            return redirect("partenariat:dossier", pk=objet.pk)
    return _page_dossier(request, objet, cloture=form, statut=400)


# --- saisine from a demand -----------------------------------------------------------------------------------------


def commissions_saisissables(
    acteur: Acteur, demande: Demande
) -> list[tuple[CommissionPartenariale, list[Organisation]]]:
    """The committees the actor may bring this demand to, with the organisations it may act for."""
    resultat = []
    for c in CommissionPartenariale.objects.visible_to(acteur).select_related("epci"):
        if acteur.voit_tout:
            orgs = [m.organisation for m in c.membres.select_related("organisation")]  # the system acts for any
        else:
            orgs = [m.organisation for m in permissions.organisations_saisissantes(acteur, c)]
        if orgs and permissions.peut_saisir(acteur, c, demande):
            resultat.append((c, orgs))
    return resultat


@require_http_methods(["GET", "POST"])
def saisir(request: HttpRequest, demande_pk: int, pk: int) -> HttpResponse:
    acteur = _acteur(request)
    demande = Demande.objects.visible_to(acteur).filter(pk=demande_pk).first()
    exiger(demande is not None)
    assert demande is not None
    objet = selectors.commission_visible(acteur, pk)
    possibles = dict(commissions_saisissables(acteur, demande))
    exiger(objet in possibles)
    form = SaisineForm(donnees_postees(request), prefix="saisine", organisations=possibles[objet])
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                dossier = services.dossier_saisir(
                    commission=objet,
                    demande=demande,
                    organisation=form.cleaned_data["organisation"],
                    motif=form.cleaned_data["motif"],
                    auteur=acteur,
                )
            except (ValidationError, PermissionDenied) as exc:
                _erreur(exc, form)
            else:
                messages.success(request, f"{objet.nom} saisie.")
                return redirect("partenariat:dossier", pk=dossier.pk)
        statut = 400
    return render(
        request,
        "partenariat/saisir.html",
        {"commission": objet, "demande": demande, "form": form, "erreurs": resume_erreurs([form])},
        status=statut,
    )
