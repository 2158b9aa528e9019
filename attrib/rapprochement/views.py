"""Screens of the rapprochement: the shortlist of a freed dwelling (with the designation of its candidates)
and the batch proposals of a period (run with progress, certificate, proposals, agenda)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs
from attrib.demandes.models import Demande
from attrib.engine.erreurs import ErreurMoteur
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation
from attrib.rapprochement import choix as choix_services
from attrib.rapprochement import cotisantes as cotisantes_services
from attrib.rapprochement import permissions, selectors, services, travaux
from attrib.rapprochement.forms import DesignationForm, FiltresForm, ImportCotisantesForm, LotForm
from attrib.rapprochement.models import EntrepriseCotisante, LotPropositions
from attrib.territoires.models import EPCI


def _veut_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


# --- shortlist ---------------------------------------------------------------------------------------------


@dataclass
class LigneSaisie:
    """One candidate of the shortlist as the réservataire filled it (rank and comment), with its errors."""

    numero: str
    rang: str = ""
    commentaire: str = ""
    erreurs_rang: list[str] = field(default_factory=list)
    erreurs_commentaire: list[str] = field(default_factory=list)


def _lignes_postees(request: HttpRequest) -> list[LigneSaisie]:
    """The candidates shown when the form was sent (hidden ``affiches``, in page order), with what was typed."""
    lignes = []
    for numero in dict.fromkeys(request.POST.getlist("affiches")):
        lignes.append(
            LigneSaisie(
                numero=numero,
                rang=request.POST.get(f"rang-{numero}", "").strip(),
                commentaire=request.POST.get(f"commentaire-{numero}", ""),
            )
        )
    return lignes


def _choisir(request: HttpRequest, ll: Any, form: DesignationForm, lignes: list[LigneSaisie]) -> Any:
    """Send the réservataire's choice; ``None`` and the errors placed on the form and the lines when refused."""
    remplies = [li for li in lignes if li.rang or li.commentaire.strip()]
    positions = {li.numero: i for i, li in enumerate(lignes)}
    remplies.sort(key=lambda li: (int(li.rang) if li.rang.isdigit() else 10_000, positions[li.numero]))
    demandes = {d.numero_unique: d for d in Demande.objects.filter(numero_unique__in=[li.numero for li in remplies])}
    gardees = [li for li in remplies if li.numero in demandes]
    candidats = [
        choix_services.CandidatChoisi(
            demande=demandes[li.numero],
            rang=int(li.rang) if li.rang.isdigit() and len(li.rang) < 4 else None,
            commentaire=li.commentaire,
        )
        for li in gardees
    ]
    try:
        return choix_services.choix_transmettre(
            logement_libere=ll,
            seance=form.cleaned_data["seance"],
            candidats=candidats,
            exception=form.cleaned_data.get("exception") or "",
            derogation_offre=form.cleaned_data.get("derogation_offre") or "",
            auteur=acteur_de(request.user),
        )
    except ValidationError as exc:
        autres: dict[str, list[str]] = {}
        for cle, messages_ in exc.message_dict.items():
            if cle.startswith("candidats[") and "]." in cle:
                i = int(cle[len("candidats[") : cle.index("]")])
                ligne = gardees[i]
                (ligne.erreurs_rang if cle.endswith(".rang") else ligne.erreurs_commentaire).extend(messages_)
            else:
                autres[cle] = messages_
        if autres:
            placer_erreurs(ValidationError(autres), form)
    except PermissionDenied:
        exiger(False)
    return None


def _resume_lignes(lignes: list[LigneSaisie]) -> list[dict[str, str]]:
    resume = []
    for li in lignes:
        for m in li.erreurs_rang:
            resume.append({"ancre": f"rang-{li.numero}", "libelle": f"Rang de la demande {li.numero}", "message": m})
        for m in li.erreurs_commentaire:
            resume.append(
                {
                    "ancre": f"commentaire-{li.numero}",
                    "libelle": f"Commentaire sur la demande {li.numero}",
                    "message": m,
                }
            )
    return resume


@require_http_methods(["GET", "POST"])
def preselection(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = acteur_de(request.user)
    ll = selectors.logement_libere_visible(acteur, pk)
    choisit = permissions.peut_choisir(acteur, ll)
    designe = permissions.peut_designer(acteur, ll)
    if request.method == "POST":
        exiger(designe)
    filtres = FiltresForm(request.GET or None, prefix="f")
    public, nombre, seulement_cotisantes = "tous", 10, False
    if filtres.is_valid():
        public = filtres.cleaned_data.get("public") or "tous"
        nombre = int(filtres.cleaned_data.get("nombre") or 10)
        seulement_cotisantes = bool(filtres.cleaned_data.get("cotisantes"))
    cotisantes_de = permissions.reservataires_avec_cotisantes(acteur)
    form = None
    coches: list[str] = []
    lignes: list[LigneSaisie] = []
    if designe:
        form = DesignationForm(
            donnees_postees(request), seances=selectors.seances_prevues(ll.bailleur_id), prefix="designation"
        )
    if choisit and form is not None:
        lignes = _lignes_postees(request) if request.method == "POST" else []
        if request.method == "POST" and form.is_valid():
            choix = _choisir(request, ll, form, lignes)
            if choix is not None:
                n = choix.lignes.count()
                messages.success(
                    request,
                    f"Choix transmis au bailleur : {n} candidat{'s' if n > 1 else ''} dans l'ordre de vos rangs, "
                    f"inscrit{'s' if n > 1 else ''} à l'ordre du jour de la séance du {choix.seance.date:%d/%m/%Y}.",
                )
                return redirect("rapprochement:preselection", pk=ll.pk)
    elif designe and form is not None:
        coches = request.POST.getlist("candidats") if request.method == "POST" else []
        if request.method == "POST" and form.is_valid():
            demandes = {d.numero_unique: d for d in Demande.objects.filter(numero_unique__in=coches)}
            try:
                examens = services.candidats_designer(
                    logement_libere=ll,
                    seance=form.cleaned_data["seance"],
                    demandes=[demandes[n] for n in coches if n in demandes],
                    exception=form.cleaned_data.get("exception") or "",
                    derogation_offre=form.cleaned_data.get("derogation_offre") or "",
                    auteur=acteur,
                )
            except ValidationError as exc:
                placer_erreurs(exc, form)
            except PermissionDenied:
                exiger(False)
            else:
                seance = form.cleaned_data["seance"]
                messages.success(
                    request,
                    f"{len(examens)} candidat{'s' if len(examens) > 1 else ''} inscrit{'s' if len(examens) > 1 else ''} "
                    f"à l'ordre du jour de la séance du {seance.date:%d/%m/%Y} ({seance.commission.nom}).",
                )
                return redirect("rapprochement:preselection", pk=ll.pk)
    contexte: dict[str, Any] = {
        "ll": ll,
        "orientation": ll.orientation,
        "filtres": filtres,
        "form": form,
        "peut_designer": designe and not choisit,
        "peut_choisir": choisit,
        "voit_cotisantes": bool(cotisantes_de),
        "coches": coches,
        "erreurs": (resume_erreurs([form]) if form is not None else []) + _resume_lignes(lignes),
        "inscrits": selectors.examens_du_logement(ll),
        "choix": choix_services.choix_du_logement(ll),
    }
    try:
        vue = selectors.preselection_logement(
            ll,
            acteur=acteur,
            nombre=nombre,
            public=public,
            cotisantes_de=cotisantes_de or None,
            seulement_cotisantes=seulement_cotisantes,
        )
    except (selectors.moteur.LogementNonEvaluable, ErreurMoteur) as exc:
        contexte["erreur_moteur"] = str(exc)
    else:
        contexte["vue"] = vue
        if not coches and request.method != "POST":
            # Households holding an offer are flagged, not ticked: designating them is an explicit choice.
            contexte["coches"] = [c.numero for c in vue.candidats if not c.offre_en_cours][:3]
        jour = timezone.localdate()
        ids = [c.demande_pk for c in vue.candidats]
        depots = dict(Demande.objects.filter(pk__in=ids).values_list("pk", "date_depot_initiale"))
        signaux = choix_services.signaux_menages(ids, jour)
        saisies = {li.numero: li for li in lignes}
        contexte["lignes"] = [
            {
                "c": c,
                "anciennete": choix_services.anciennete(depots[c.demande_pk], jour) if c.demande_pk in depots else "",
                "depot": depots.get(c.demande_pk),
                "signaux": signaux.get(c.demande_pk, choix_services.SignauxMenage()),
                "cotisantes": vue.cotisants.get(c.demande_pk, []),
                "saisie": saisies.get(c.numero, LigneSaisie(numero=c.numero)),
            }
            for c in vue.candidats
        ]
    return render(request, "rapprochement/preselection.html", contexte)


# --- batch proposals -----------------------------------------------------------------------------------------


def etat_lot(lot: LotPropositions | None) -> dict[str, Any]:
    if lot is None:
        return {"id": 0}
    return {
        "id": lot.pk,
        "statut": lot.statut,
        "statut_libelle": lot.get_statut_display(),
        "etape": lot.etape,
        "etapes": LotPropositions.ETAPES,
        "libelle_etape": lot.libelle_etape,
        "faites": lot.faites,
        "total": lot.total,
        "pourcentage": lot.pourcentage,
        "message": lot.message,
        "url": reverse("rapprochement:lot", args=[lot.pk]),
    }


@require_http_methods(["GET", "POST"])
def propositions(request: HttpRequest) -> HttpResponse:
    exiger(permissions.peut_acceder(acteur_de(request.user)))
    organisations = (
        list(Organisation.objects.order_by("nom"))
        if acteur_de(request.user).voit_tout
        else permissions.organisations_de(acteur_de(request.user))
    )
    epcis = EPCI.objects.filter(pk__in={e.pk for o in organisations for e in selectors.epcis_possibles(o)}).order_by(
        "nom"
    )
    form = LotForm(donnees_postees(request), organisations=organisations, epcis=epcis, prefix="lot")
    if request.method == "POST" and form.is_valid():
        # The worker computes; the job's page shows the progress, then links to the batch.
        travail = travaux.lot_lancer(
            organisation=form.cleaned_data["organisation"],
            epci=form.cleaned_data["epci"],
            debut=form.cleaned_data["debut"],
            fin=form.cleaned_data["fin"],
            user=request.user,
        )
        return redirect("taches:travail", pk=travail.pk)
    lots = selectors.lots_visibles(acteur_de(request.user))[:10]
    dernier = lots[0].pk if lots else 0
    return render(
        request,
        "rapprochement/propositions.html",
        {"form": form, "erreurs": resume_erreurs([form]), "lots": lots, "dernier": dernier},
    )


@require_GET
def progression(request: HttpRequest) -> JsonResponse:
    """The latest run visible to the user (the batch page polls it while its form is sent)."""
    exiger(permissions.peut_acceder(acteur_de(request.user)))
    return JsonResponse(etat_lot(selectors.lots_visibles(acteur_de(request.user)).first()))


@require_GET
def lot(request: HttpRequest, pk: int) -> HttpResponse:
    l_ = selectors.lot_visible(acteur_de(request.user), pk)
    lignes = l_.resultat.get("logements", []) if l_.resultat else []
    inscriptibles = set()
    from attrib.flux.models import LogementLibere

    for ll in LogementLibere.objects.filter(pk__in=[x["logement_libere"] for x in lignes]).prefetch_related(
        "orientations"
    ):
        if permissions.peut_designer(acteur_de(request.user), ll):
            inscriptibles.add(ll.pk)
    return render(
        request,
        "rapprochement/lot.html",
        {
            "lot": l_,
            "etat": etat_lot(l_),
            "r": l_.resultat,
            "inscriptibles": inscriptibles,
            "jour": timezone.localdate(),
        },
    )


@require_GET
def lot_etat(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(etat_lot(selectors.lot_visible(acteur_de(request.user), pk)))


@require_POST
def lot_inscrire(request: HttpRequest, pk: int) -> HttpResponse:
    l_ = selectors.lot_visible(acteur_de(request.user), pk)
    choisis = []
    for valeur in request.POST.getlist("logements"):
        if valeur.isdigit():
            choisis.append(int(valeur))
    try:
        inscrits, erreurs = services.lot_inscrire(lot=l_, logements=choisis, auteur=acteur_de(request.user))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rapprochement:lot", pk=l_.pk)
    if inscrits:
        messages.success(request, f"Inscrits à l'ordre du jour : {', '.join(inscrits)}.")
    for nom, motifs in erreurs.items():
        messages.error(request, f"Logement {nom} non inscrit : {' '.join(motifs)}")
    return redirect("rapprochement:lot", pk=l_.pk)


# --- contributing companies ----------------------------------------------------------------------------------------

#: A file up to this size is imported at once (a few hundred lines); a bigger one by the worker.
TAILLE_EN_DIRECT = 50_000


@require_http_methods(["GET", "POST"])
def cotisantes(request: HttpRequest) -> HttpResponse:
    """A réservataire's contributing companies: its members read the list, its managers import it."""
    acteur = acteur_de(request.user)
    membres = permissions.reservataires_de(acteur)
    exiger(bool(membres))
    gestion = [
        r for r in permissions.reservataires_de(acteur, ecriture=True) if permissions.peut_gerer_cotisantes(acteur, r)
    ]
    if request.method == "POST":
        exiger(bool(gestion))
    form = (
        ImportCotisantesForm(
            donnees_postees(request),
            request.FILES if request.method == "POST" else None,
            reservataires=gestion,
            prefix="import",
        )
        if gestion
        else None
    )
    rapport = None
    if request.method == "POST" and form is not None and form.is_valid():
        fichier = form.cleaned_data["fichier"]
        reservataire = form.cleaned_data["reservataire"]
        fichier.seek(0)
        if fichier.size > TAILLE_EN_DIRECT:
            travail = cotisantes_services.import_lancer(
                user=request.user, reservataire=reservataire, nom_fichier=fichier.name, contenu=fichier
            )
            return redirect("taches:travail", pk=travail.pk)
        try:
            rapport = cotisantes_services.cotisantes_importer(
                reservataire=reservataire, fichier=fichier.read(), nom_fichier=fichier.name, auteur=acteur
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        except PermissionDenied:
            exiger(False)
    jour = timezone.localdate()
    qs = EntrepriseCotisante.objects.visible_to(acteur).filter(reservataire__in=membres).select_related("reservataire")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "rapprochement/cotisantes.html",
        {
            "form": form,
            "erreurs": resume_erreurs([form]) if form is not None else [],
            "page": page,
            "jour": jour,
            "details": rapport.details() if rapport is not None else None,
            "en_vigueur": EntrepriseCotisante.objects.visible_to(acteur)
            .filter(reservataire__in=membres)
            .en_vigueur(jour)
            .count(),
        },
    )
