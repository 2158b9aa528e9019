"""Staff pages of the reception places (``/siad/``): the places of one's organisations, their description and
hours, the agenda of slots and bookings, slot series, cancelling or marking a booking, and the place's journal.
The managers of the organisation that runs a place write; its read-only members read; anybody else gets 404."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs
from attrib.journal.lisible import lignes_lisibles
from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import Acteur, Refus, acteur_de
from attrib.organisations.models import Organisation
from attrib.siad import permissions, selectors, services
from attrib.siad.forms import HorairesForm, LieuForm, SerieForm
from attrib.siad.horaires import ExceptionSaisie, ecrire_exceptions, ecrire_plages
from attrib.siad.models import Creneau, ExceptionHoraire, LieuAccueil, RendezVous
from attrib.territoires.models import Commune


def _acteur(request: HttpRequest) -> Acteur:
    return acteur_de(request.user)


def _lieu(request: HttpRequest, pk: int, *, ecriture: bool = False) -> LieuAccueil:
    acteur = _acteur(request)
    lieu = LieuAccueil.objects.select_related("commune", "organisation", "epci").filter(pk=pk).first()
    exiger(lieu is not None and permissions.peut_voir_lieu(acteur, lieu.organisation_id))
    assert lieu is not None
    if ecriture:
        exiger(permissions.peut_gerer_lieu(acteur, lieu.organisation_id))
    return lieu


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def lieux(request: HttpRequest) -> HttpResponse:
    acteur = _acteur(request)
    exiger(permissions.peut_acceder(acteur))
    return render(
        request,
        "siad/gestion/lieux.html",
        {
            "lieux": LieuAccueil.objects.visible_to(acteur).select_related("commune", "organisation"),
            "peut_creer": bool(permissions.organisations_accueil(acteur, ecriture=True)) or acteur.voit_tout,
        },
    )


def _organisations(acteur: Acteur) -> Any:
    if acteur.voit_tout:
        return Organisation.objects.filter(Q(type="epci") | ~Q(code_guichet=""))
    return Organisation.objects.filter(pk__in=permissions.organisations_accueil(acteur, ecriture=True))


def _communes(acteur: Acteur) -> Any:
    organisations = _organisations(acteur)
    epcis = set(organisations.exclude(epci__isnull=True).values_list("epci_id", flat=True))
    perimetres = Commune.objects.filter(organisations__in=organisations).values("epci_id")
    return Commune.objects.filter(Q(epci_id__in=epcis) | Q(epci_id__in=perimetres)).order_by("nom")


def _donnees_lieu(lieu: LieuAccueil) -> dict[str, Any]:
    return {
        "organisation": lieu.organisation_id,
        "nom": lieu.nom,
        "adresse": lieu.adresse,
        "complement": lieu.complement,
        "code_postal": lieu.code_postal,
        "commune": lieu.commune_id,
        "telephone": lieu.telephone,
        "courriel": lieu.courriel,
        "services": lieu.services,
        "accessibilite": lieu.accessibilite,
        "informations": lieu.informations,
        "rendez_vous_en_ligne": lieu.rendez_vous_en_ligne,
        "actif": lieu.actif,
    }


def _formulaire_lieu(request: HttpRequest, lieu: LieuAccueil | None) -> HttpResponse:
    acteur = _acteur(request)
    initial = _donnees_lieu(lieu) if lieu else {"rendez_vous_en_ligne": True, "actif": True}
    form = LieuForm(
        donnees_postees(request), initial=initial, organisations=_organisations(acteur), communes=_communes(acteur)
    )
    if request.method == "POST" and form.is_valid():
        try:
            lieu = services.lieu_enregistrer(lieu=lieu, donnees=form.cleaned_data, auteur=acteur)
        except ValidationError as exc:
            placer_erreurs(exc, form)
        except Refus as exc:
            form.add_error("organisation", str(exc))
        else:
            messages.success(request, "Le lieu d'accueil est enregistré.")
            return redirect("siad_gestion:agenda", lieu.pk)
    return render(
        request, "siad/gestion/lieu_form.html", {"form": form, "lieu": lieu, "erreurs": resume_erreurs([form])}
    )


@require_http_methods(["GET", "POST"])
def lieu_nouveau(request: HttpRequest) -> HttpResponse:
    acteur = _acteur(request)
    exiger(acteur.voit_tout or bool(permissions.organisations_accueil(acteur, ecriture=True)))
    return _formulaire_lieu(request, None)


@require_http_methods(["GET", "POST"])
def lieu_modifier(request: HttpRequest, pk: int) -> HttpResponse:
    return _formulaire_lieu(request, _lieu(request, pk, ecriture=True))


@require_http_methods(["GET", "POST"])
def horaires(request: HttpRequest, pk: int) -> HttpResponse:
    lieu = _lieu(request, pk, ecriture=True)
    jour = timezone.localdate()
    plages = selectors.plages_par_jour(lieu)
    a_venir: dict[date, list[ExceptionHoraire]] = {}
    for e in ExceptionHoraire.objects.filter(lieu=lieu, date__gte=jour).order_by("date", "debut"):
        a_venir.setdefault(e.date, []).append(e)
    initial: dict[str, Any] = {f"horaires_{j}": ecrire_plages(p) for j, p in plages.items()}
    initial["exceptions"] = ecrire_exceptions(
        [
            ExceptionSaisie(
                d,
                tuple((e.debut, e.fin) for e in liste if e.debut is not None and e.fin is not None),
                next((e.motif for e in liste if e.motif), ""),
            )
            for d, liste in a_venir.items()
        ]
    )
    form = HorairesForm(donnees_postees(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.horaires_enregistrer(
                lieu=lieu,
                plages=form.cleaned_data["plages"],
                exceptions=form.cleaned_data["exceptions_lues"],
                auteur=_acteur(request),
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(request, "Les horaires sont enregistrés.")
            return redirect("siad_gestion:agenda", lieu.pk)
    return render(
        request, "siad/gestion/horaires.html", {"form": form, "lieu": lieu, "erreurs": resume_erreurs([form])}
    )


def _debut_agenda(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("debut", ""))
    except ValueError:
        return timezone.localdate()


def _page_agenda(request: HttpRequest, lieu: LieuAccueil, serie: SerieForm, statut: int = 200) -> HttpResponse:
    acteur = _acteur(request)
    debut = _debut_agenda(request)
    return render(
        request,
        "siad/gestion/agenda.html",
        {
            "lieu": lieu,
            "jours": selectors.agenda(lieu, debut),
            "debut": debut,
            "precedent": debut - timedelta(days=14),
            "suivant": debut + timedelta(days=14),
            "semaine": selectors.semaine(lieu),
            "gere": permissions.peut_gerer_lieu(acteur, lieu.organisation_id),
            "serie": serie,
            "erreurs": resume_erreurs([serie]),
            "maintenant": timezone.now(),
        },
        status=statut,
    )


@require_GET
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    lieu = _lieu(request, pk)
    jour = timezone.localdate()
    serie = SerieForm(
        initial={"premier_jour": jour + timedelta(days=1), "dernier_jour": jour + timedelta(days=28), "capacite": 1}
    )
    return _page_agenda(request, lieu, serie)


@require_POST
def serie(request: HttpRequest, pk: int) -> HttpResponse:
    lieu = _lieu(request, pk, ecriture=True)
    form = SerieForm(request.POST)
    if form.is_valid():
        try:
            resultat = services.creneaux_creer_serie(lieu=lieu, auteur=_acteur(request), **form.cleaned_data)
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            texte = f"{len(resultat.creneaux)} créneau(x) ouvert(s)."
            if resultat.deja_existants:
                texte += f" {resultat.deja_existants} existai(en)t déjà."
            if resultat.jours_fermes:
                texte += (
                    " Jours fermés laissés de côté : " + ", ".join(f"{d:%d/%m/%Y}" for d in resultat.jours_fermes) + "."
                )
            if resultat.deja_commences:
                texte += f" {resultat.deja_commences} créneau(x) déjà commencé(s) laissé(s) de côté."
            messages.success(request, texte)
            return redirect(
                f"{reverse('siad_gestion:agenda', args=[lieu.pk])}?debut={form.cleaned_data['premier_jour']}"
            )
    return _page_agenda(request, lieu, form, statut=400)


@require_POST
def creneau_supprimer(request: HttpRequest, pk: int) -> HttpResponse:
    creneau = Creneau.objects.select_related("lieu").filter(pk=pk).first()
    exiger(creneau is not None)
    assert creneau is not None
    lieu = _lieu(request, creneau.lieu_id, ecriture=True)
    try:
        services.creneau_supprimer(creneau=creneau, auteur=_acteur(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Le créneau est supprimé.")
    return redirect(_retour_agenda(lieu, creneau.debut))


def _retour_agenda(lieu: LieuAccueil, debut: datetime) -> str:
    return f"{reverse('siad_gestion:agenda', args=[lieu.pk])}?debut={timezone.localtime(debut).date()}"


def _rendez_vous(request: HttpRequest, pk: int) -> RendezVous:
    rdv = RendezVous.objects.visible_to(_acteur(request)).select_related("creneau__lieu").filter(pk=pk).first()
    exiger(rdv is not None)
    assert rdv is not None
    _lieu(request, rdv.creneau.lieu_id, ecriture=True)
    return rdv


@require_POST
def rendez_vous_annuler(request: HttpRequest, pk: int) -> HttpResponse:
    rdv = _rendez_vous(request, pk)
    acteur = _acteur(request)
    try:
        services.rendez_vous_annuler(rendez_vous=rdv, auteur=acteur)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        if services.rendez_vous_prevenir_annulation(rendez_vous=rdv, adresse_site=_site(request), auteur=acteur):
            messages.success(request, "Le rendez-vous est annulé ; le ménage en est prévenu par courriel.")
        else:
            messages.warning(
                request,
                "Le rendez-vous est annulé. Aucun courriel n'a pu être envoyé : prévenez le ménage par téléphone.",
            )
    return redirect(_retour_agenda(rdv.creneau.lieu, rdv.creneau.debut))


@require_POST
def rendez_vous_honore(request: HttpRequest, pk: int) -> HttpResponse:
    rdv = _rendez_vous(request, pk)
    try:
        services.rendez_vous_marquer_honore(rendez_vous=rdv, auteur=_acteur(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "Le rendez-vous est marqué honoré.")
    return redirect(_retour_agenda(rdv.creneau.lieu, rdv.creneau.debut))


@require_GET
def journal(request: HttpRequest, pk: int) -> HttpResponse:
    lieu = _lieu(request, pk)
    creneaux = Creneau.objects.filter(lieu=lieu).annotate(texte=Cast("pk", CharField())).values("texte")
    entrees = EntreeJournal.objects.filter(
        Q(racine_table="siad.lieuaccueil", racine_id=str(lieu.pk))
        | Q(racine_table="siad.creneau", racine_id__in=creneaux)
    )
    page = Paginator(entrees.select_related("organisation").order_by("-horodatage", "-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "journal/objet.html",
        {
            "titre": f"Journal des modifications du lieu d'accueil « {lieu.nom} »",
            "objet": f"le lieu d'accueil « {lieu.nom} »",
            "retour": reverse("siad_gestion:agenda", args=[lieu.pk]),
            "page": page,
            "lignes": lignes_lisibles(list(page.object_list), voit_sensible=False),
        },
    )
