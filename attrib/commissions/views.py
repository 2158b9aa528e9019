"""Screens of the CALEOL: commissions and their members, sessions (agenda by dwelling, attendance and
quorum, decisions and votes, remote voting, closing, minutes as PDF), offers (emission, answer, next
candidate) and the lease.

Views translate HTTP into calls: reads through ``selectors``, writes through ``services``. Anything outside
the user's rights answers 404, like a missing page."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from attrib.commissions import courrier, parametres, permissions, proces_verbal, selectors, services
from attrib.commissions.enums import DECISIONS_POSITIVES, StatutOffre, StatutSeance, Voix
from attrib.commissions.forms import (
    BailForm,
    CommissionForm,
    DecisionForm,
    EmettreOffreForm,
    MembresFormSet,
    PresencesForm,
    QuorumForm,
    ReponseForm,
    SeanceForm,
    VoteDistanceForm,
)
from attrib.commissions.models import Examen, Offre, Seance
from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs, reponse_fichier
from attrib.documents import selectors as documents
from attrib.documents.models import NatureDocument
from attrib.flux.permissions import bailleurs_geres
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.permissions import peut_voir_situations_sensibles

# --- commissions ------------------------------------------------------------------------------------


@require_GET
def liste(request: HttpRequest) -> HttpResponse:
    acteur = acteur_de(request.user)
    exiger(permissions.peut_acceder(acteur))
    commissions = list(selectors.commissions_visibles(acteur).prefetch_related("membres"))
    prochaines = {
        s.commission_id: s
        for s in Seance.objects.filter(
            commission__in=commissions, statut__in=(StatutSeance.PREVUE, StatutSeance.OUVERTE)
        ).order_by("-date")
    }
    return render(
        request,
        "commissions/liste.html",
        {
            "lignes": [(c, prochaines.get(c.pk), permissions.gere_commission(acteur, c)) for c in commissions],
            "peut_creer": permissions.peut_creer_commission(acteur),
            "peut_voir_offres": permissions.peut_voir_offres(acteur),
        },
    )


def _membres_saisis(formset: Any) -> list[dict[str, Any]]:
    membres = []
    for form in formset.forms:
        if form.vide:
            continue
        d = form.cleaned_data
        membres.append(
            {
                "nom": d.get("nom") or "",
                "qualite": d.get("qualite") or "",
                "voix": d.get("voix") or "",
                "organisation": d.get("organisation"),
                "utilisateur": d.get("identifiant"),
                "president": bool(d.get("president")),
                "_form": form,
            }
        )
    return membres


def _placer_erreurs_membres(exc: ValidationError, form: CommissionForm, membres: list[dict[str, Any]]) -> None:
    """``membres[3].voix`` goes on the field of the third member entered; other keys on the main form."""
    for cle, erreurs in exc.message_dict.items():
        for message in erreurs:
            if cle.startswith("membres[") and "]." in cle:
                rang, champ = cle.removeprefix("membres[").split("].", 1)
                cible = membres[int(rang) - 1]["_form"]
                cible.add_error(champ if champ in cible.fields else None, message)
            else:
                form.add_error(cle if cle in form.fields else None, message)


@require_http_methods(["GET", "POST"])
def nouvelle(request: HttpRequest) -> HttpResponse:
    acteur = acteur_de(request.user)
    exiger(permissions.peut_creer_commission(acteur))
    bailleurs = bailleurs_geres(acteur)
    form = CommissionForm(donnees_postees(request), bailleurs=bailleurs, prefix="commission")
    formset = MembresFormSet(donnees_postees(request), prefix="membres")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        membres = _membres_saisis(formset)
        try:
            commission = services.commission_creer(
                bailleur=form.cleaned_data["bailleur"],
                nom=form.cleaned_data["nom"],
                quorum=form.cleaned_data.get("quorum"),
                membres=[{k: v for k, v in m.items() if k != "_form"} for m in membres],
                auteur=acteur,
            )
        except ValidationError as exc:
            _placer_erreurs_membres(exc, form, membres)
        else:
            messages.success(request, f"Commission « {commission.nom} » créée.")
            return redirect("commissions:commission", commission.pk)
    return render(
        request,
        "commissions/nouvelle.html",
        {"form": form, "formset": formset, "erreurs": resume_erreurs([form, formset])},
    )


@require_http_methods(["GET", "POST"])
def commission(request: HttpRequest, pk: int) -> HttpResponse:
    acteur = acteur_de(request.user)
    c = selectors.commission_visible(acteur, pk)
    gere = permissions.gere_commission(acteur, c)
    seance_form = SeanceForm(prefix="seance")
    quorum_form = QuorumForm(prefix="quorum", initial={"quorum": c.quorum})
    if request.method == "POST":
        exiger(gere)
        if "seance-date" in request.POST:
            seance_form = SeanceForm(request.POST, prefix="seance")
            if seance_form.is_valid():
                seance = services.seance_creer(
                    commission=c,
                    date_seance=seance_form.cleaned_data["date"],
                    a_distance=seance_form.cleaned_data["a_distance"],
                    auteur=acteur,
                )
                messages.success(request, f"Séance du {seance.date:%d/%m/%Y} programmée.")
                return redirect("commissions:seance", seance.pk)
        else:
            quorum_form = QuorumForm(request.POST, prefix="quorum")
            if quorum_form.is_valid():
                try:
                    services.commission_quorum_fixer(
                        commission=c, quorum=quorum_form.cleaned_data.get("quorum"), auteur=acteur
                    )
                except ValidationError as exc:
                    placer_erreurs(exc, quorum_form)
                else:
                    messages.success(request, "Quorum du règlement intérieur enregistré.")
                    return redirect("commissions:commission", c.pk)
    requis, regle = selectors.quorum_requis(c, timezone.localdate())
    return render(
        request,
        "commissions/commission.html",
        {
            "commission": c,
            "membres": list(c.membres.select_related("organisation", "utilisateur")),
            "seances": list(c.seances.all()),
            "gere": gere,
            "seance_form": seance_form,
            "quorum_form": quorum_form,
            "quorum_requis": requis,
            "quorum_regle": regle,
            "erreurs": resume_erreurs([seance_form, quorum_form]),
        },
    )


# --- sessions ---------------------------------------------------------------------------------------


def _page_seance(
    request: HttpRequest,
    seance: Seance,
    *,
    presences_form: PresencesForm | None = None,
    decision_lie: DecisionForm | None = None,
    vote_lie: tuple[int, VoteDistanceForm] | None = None,
    erreur_seance: str = "",
) -> HttpResponse:
    acteur = acteur_de(request.user)
    commission = seance.commission
    gere = permissions.gere_commission(acteur, commission)
    membres = list(commission.membres.select_related("organisation"))
    presences = selectors.presences(seance)
    points = selectors.ordre_du_jour(seance, voit_sensible=peut_voir_situations_sensibles(acteur_de(request.user)))
    ouverte = seance.statut == StatutSeance.OUVERTE
    votant = permissions.membre_votant(acteur, seance) if permissions.peut_voter_a_distance(acteur, seance) else None
    formulaires: list[Any] = []
    if gere and seance.statut in (StatutSeance.PREVUE, StatutSeance.OUVERTE) and presences_form is None:
        presences_form = PresencesForm(
            membres=membres, actuelles=presences, a_distance=seance.a_distance, prefix="presences"
        )
    if presences_form is not None:
        formulaires.append(presences_form)
    for point in points:
        for cand in point.candidats:
            cand.form = None  # type: ignore[attr-defined]
            cand.vote_form = None  # type: ignore[attr-defined]
            cand.mon_vote = None  # type: ignore[attr-defined]
            if cand.decision is not None or not ouverte:
                continue
            if gere:
                deja = {v.presence.membre_id for v in cand.votes}
                votants = [p for p in presences.values() if p.voix == Voix.DELIBERATIVE and p.membre_id not in deja]
                if decision_lie is not None and decision_lie.prefix == f"examen-{cand.examen.pk}":
                    cand.form = decision_lie  # type: ignore[attr-defined]
                else:
                    cand.form = DecisionForm(  # type: ignore[attr-defined]
                        votants=votants,
                        examen_pk=cand.examen.pk,
                        rang_propose=cand.examen.rang_propose,
                        offre_en_cours=selectors.phrase_offre_en_cours(cand.offre_en_cours)
                        if cand.offre_en_cours
                        else "",
                    )
                cand.form.titre = f"Décision pour {cand.nom} ({point.logement.identifiant})"  # type: ignore[attr-defined]
                formulaires.append(cand.form)  # type: ignore[attr-defined]
            if votant is not None:
                cand.mon_vote = next((v for v in cand.votes if v.presence.membre_id == votant.pk), None)  # type: ignore[attr-defined]
                if vote_lie is not None and vote_lie[0] == cand.examen.pk:
                    cand.vote_form = vote_lie[1]  # type: ignore[attr-defined]
                else:
                    cand.vote_form = VoteDistanceForm(  # type: ignore[attr-defined]
                        prefix=f"vote-{cand.examen.pk}",
                        initial={"sens": cand.mon_vote.sens if cand.mon_vote else None},  # type: ignore[attr-defined]
                    )
                formulaires.append(cand.vote_form)  # type: ignore[attr-defined]
    etat = selectors.quorum(seance)
    return render(
        request,
        "commissions/seance.html",
        {
            "seance": seance,
            "commission": commission,
            "gere": gere,
            "membres": membres,
            "presences": presences,
            "presents": [presences[m.pk] for m in membres if m.pk in presences],
            "points": points,
            "quorum": etat,
            "presences_form": presences_form,
            "votant": votant,
            "minimum": parametres.candidats_minimum(seance.date),
            "erreur_seance": erreur_seance,
            "erreurs": resume_erreurs(formulaires),
            "peut_pv": seance.examens.exists(),
            "versions_pv": documents.versions(seance, NatureDocument.PROCES_VERBAL),
            "heure_courante": f"{timezone.localtime():%H:%M}" if seance.date == timezone.localdate() else "",
        },
        status=200,
    )


@require_GET
def seance(request: HttpRequest, pk: int) -> HttpResponse:
    return _page_seance(request, selectors.seance_visible(acteur_de(request.user), pk))


@require_POST
def presences(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.seance_visible(acteur_de(request.user), pk)
    exiger(permissions.gere_commission(acteur_de(request.user), s.commission))
    form = PresencesForm(
        request.POST,
        membres=list(s.commission.membres.all()),
        actuelles=selectors.presences(s),
        a_distance=s.a_distance,
        prefix="presences",
    )
    if form.is_valid():
        try:
            services.presences_enregistrer(seance=s, presences=form.presences(), auteur=acteur_de(request.user))
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(request, f"Présences enregistrées. {selectors.quorum(s).phrase}")
            return redirect("commissions:seance", s.pk)
    return _page_seance(request, s, presences_form=form)


def _heure(request: HttpRequest, jour: date | None, quoi: str) -> datetime | None:
    """The time typed in « heure » (HH:MM) on the day ``jour``; empty: ``None`` (the service decides)."""
    brut = (request.POST.get("heure") or "").strip()
    if not brut or jour is None:
        return None
    try:
        heure = time.fromisoformat(brut)
    except ValueError:
        raise ValidationError({"heure": [f"{quoi} : « {brut[:20]} » n'est pas une heure (format HH:MM)."]}) from None
    return timezone.make_aware(datetime.combine(jour, heure.replace(second=0, microsecond=0)))


@require_POST
def ouvrir(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.seance_visible(acteur_de(request.user), pk)
    exiger(permissions.gere_commission(acteur_de(request.user), s.commission))
    try:
        ouverte_le = _heure(request, s.date, "Heure d'ouverture")
        services.seance_ouvrir(seance=s, ouverte_le=ouverte_le, auteur=acteur_de(request.user))
    except ValidationError as exc:
        return _page_seance(request, s, erreur_seance=" ".join(exc.messages))
    messages.success(request, "Séance ouverte : la commission peut délibérer.")
    return redirect("commissions:seance", s.pk)


@require_POST
def cloturer(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.seance_visible(acteur_de(request.user), pk)
    exiger(permissions.gere_commission(acteur_de(request.user), s.commission))
    try:
        jour = timezone.localtime(s.ouverte_le).date() if s.ouverte_le else None
        close_le = _heure(request, jour, "Heure de clôture")
        services.seance_cloturer(seance=s, close_le=close_le, auteur=acteur_de(request.user))
    except ValidationError as exc:
        return _page_seance(request, s, erreur_seance=" ".join(exc.messages))
    messages.success(request, "Séance close : le procès-verbal est disponible.")
    return redirect("commissions:seance", s.pk)


def _examen(request: HttpRequest, pk: int) -> Examen:
    return selectors.examen_visible(acteur_de(request.user), pk)


@require_POST
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    examen = _examen(request, pk)
    s = examen.seance
    exiger(permissions.gere_commission(acteur_de(request.user), s.commission))
    exiger(s.statut == StatutSeance.OUVERTE and not hasattr(examen, "decision"))
    deja = set(examen.votes.values_list("presence__membre_id", flat=True))
    votants = [
        p for p in s.presences.select_related("membre").filter(voix=Voix.DELIBERATIVE) if p.membre_id not in deja
    ]
    tenue = selectors.offres_en_cours([examen.demande_id], sauf_logement=examen.logement_id).get(examen.demande_id)
    form = DecisionForm(
        request.POST,
        votants=votants,
        examen_pk=examen.pk,
        rang_propose=examen.rang_propose,
        offre_en_cours=selectors.phrase_offre_en_cours(tenue) if tenue else "",
    )
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.decision_enregistrer(
                examen=examen,
                type_decision=d["type_decision"],
                # The rank is prefilled with the proposed one: a refusal carries none.
                rang=d.get("rang") if d["type_decision"] in DECISIONS_POSITIVES else None,
                motif=d.get("motif") or "",
                piece_manquante=d.get("piece_manquante") or "",
                date_limite_piece=d.get("date_limite_piece"),
                votes=form.votes(),
                derogation_attribution=d.get("derogation_attribution") or "",
                auteur=acteur_de(request.user),
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(request, f"Décision enregistrée pour la demande {examen.demande.numero_unique}.")
            return redirect(f"{_url_seance(s)}#logement-{examen.logement_id}")
    return _page_seance(request, s, decision_lie=form)


def _url_seance(s: Seance) -> str:
    from django.urls import reverse

    return reverse("commissions:seance", args=[s.pk])


@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    examen = _examen(request, pk)
    s = examen.seance
    exiger(permissions.peut_voter_a_distance(acteur_de(request.user), s))
    membre = permissions.membre_votant(acteur_de(request.user), s)
    assert membre is not None
    form = VoteDistanceForm(request.POST, prefix=f"vote-{examen.pk}")
    if form.is_valid():
        try:
            services.vote_enregistrer(
                examen=examen,
                membre=membre,
                sens=form.cleaned_data["sens"],
                a_distance=True,
                auteur=acteur_de(request.user),
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        except PermissionDenied:
            exiger(False)
        else:
            messages.success(request, f"Votre vote sur la demande {examen.demande.numero_unique} est enregistré.")
            return redirect(f"{_url_seance(s)}#logement-{examen.logement_id}")
    return _page_seance(request, s, vote_lie=(examen.pk, form))


def _version_demandee(request: HttpRequest) -> int | None:
    brut = request.GET.get("version", "")
    if not brut:
        return None
    exiger(brut.isdigit() and 0 < int(brut) < 10_000)
    return int(brut)


@require_GET
def proces_verbal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as stored at the closing (``?version=N`` for an earlier version); a draft before."""
    s = selectors.seance_visible(acteur_de(request.user), pk)
    exiger(s.examens.exists())
    contenu, nom = proces_verbal.a_servir(s, _version_demandee(request))
    return reponse_fichier(contenu, nom, "application/pdf")


@require_POST
def proces_verbal_corriger(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.seance_visible(acteur_de(request.user), pk)
    exiger(permissions.gere_commission(acteur_de(request.user), s.commission))
    try:
        document = services.proces_verbal_corriger(
            seance=s, motif=request.POST.get("motif", ""), auteur=acteur_de(request.user)
        )
    except ValidationError as exc:
        return _page_seance(request, s, erreur_seance=" ".join(exc.messages))
    messages.success(request, f"Version {document.version} du procès-verbal enregistrée à côté des précédentes.")
    return redirect("commissions:seance", s.pk)


# --- offers ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def offre_emettre(request: HttpRequest, logement_pk: int) -> HttpResponse:
    logement = selectors.logement_du_bailleur(acteur_de(request.user), logement_pk)
    exiger(permissions.gere_bailleur(acteur_de(request.user), logement.residence.bailleur_id))
    form = EmettreOffreForm(donnees_postees(request), prefix="offre")
    if request.method == "POST" and form.is_valid():
        try:
            offre = services.offre_emettre(
                logement=logement, envoyee_le=form.cleaned_data["envoyee_le"], auteur=acteur_de(request.user)
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(
                request,
                f"Offre envoyée à la demande {offre.demande.numero_unique} : réponse attendue au plus tard le "
                f"{offre.date_limite:%d/%m/%Y}.",
            )
            return redirect("commissions:offre", offre.pk)
    candidat = services.prochaine_decision(logement)
    return render(
        request,
        "commissions/offre_emettre.html",
        {
            "logement": logement,
            "adresse": selectors.adresse(logement),
            "candidat": candidat,
            "form": form,
            "delai": parametres.valeur("delai_reponse_offre_jours", timezone.localdate()),
            "erreurs": resume_erreurs([form]),
        },
    )


@require_GET
def offres(request: HttpRequest) -> HttpResponse:
    exiger(permissions.peut_voir_offres(acteur_de(request.user)))
    statut = request.GET.get("statut", "")
    return render(
        request,
        "commissions/offres.html",
        {
            "offres": list(selectors.offres_filtrees(acteur_de(request.user), statut)[:500]),
            "statut": statut if statut in StatutOffre.values else "",
            "statuts": StatutOffre.choices,
            "aujourd_hui": timezone.localdate(),
        },
    )


def _offre(request: HttpRequest, pk: int) -> Offre:
    return selectors.offre_visible(acteur_de(request.user), pk)


def offre_courrier(request: HttpRequest, pk: int) -> HttpResponse:
    """The offer letter to the household (PDF), for the bailleur's staff who send it."""
    o = _offre(request, pk)
    exiger(permissions.gere_bailleur(acteur_de(request.user), o.logement.residence.bailleur_id))
    document = courrier.a_servir(o)
    return reponse_fichier(document.octets, document.nom_fichier, "application/pdf")


@require_http_methods(["GET", "POST"])
def offre(request: HttpRequest, pk: int) -> HttpResponse:
    o = _offre(request, pk)
    gere = permissions.gere_bailleur(acteur_de(request.user), o.logement.residence.bailleur_id)
    form = None
    if o.statut == StatutOffre.EN_ATTENTE and gere:
        form = ReponseForm(donnees_postees(request), prefix="reponse")
    if request.method == "POST":
        exiger(form is not None)
        assert form is not None
        if form.is_valid():
            try:
                services.offre_repondre(offre=o, auteur=acteur_de(request.user), **form.arguments())
            except ValidationError as exc:
                placer_erreurs(exc, form)
            else:
                messages.success(request, "Réponse du demandeur enregistrée.")
                return redirect("commissions:offre", o.pk)
    return render(
        request,
        "commissions/offre.html",
        {
            "offre": o,
            "adresse": selectors.adresse(o.logement),
            "gere": gere,
            "form": form,
            "suivante": gere and selectors.offre_suivante_possible(o),
            "prochain": services.prochaine_decision(o.logement) if gere else None,
            "bail": getattr(o, "bail", None),
            "reponse": selectors.reponse_de(o) if o.repondue_le else None,
            "aujourd_hui": timezone.localdate(),
            "historique": list(
                Offre.objects.filter(logement=o.logement).select_related("demande").order_by("envoyee_le", "pk")
            ),
            "erreurs": resume_erreurs([form] if form is not None else []),
        },
    )


@require_POST
def offre_suivante(request: HttpRequest, pk: int) -> HttpResponse:
    o = _offre(request, pk)
    exiger(permissions.gere_bailleur(acteur_de(request.user), o.logement.residence.bailleur_id))
    try:
        nouvelle_offre = services.offre_suivante(offre=o, auteur=acteur_de(request.user))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("commissions:offre", o.pk)
    messages.success(
        request,
        f"Offre envoyée au candidat suivant, demande {nouvelle_offre.demande.numero_unique} : réponse attendue au "
        f"plus tard le {nouvelle_offre.date_limite:%d/%m/%Y}.",
    )
    return redirect("commissions:offre", nouvelle_offre.pk)


@require_http_methods(["GET", "POST"])
def bail(request: HttpRequest, pk: int) -> HttpResponse:
    o = _offre(request, pk)
    exiger(permissions.gere_bailleur(acteur_de(request.user), o.logement.residence.bailleur_id))
    exiger(o.statut == StatutOffre.ACCEPTEE and not hasattr(o, "bail"))
    form = BailForm(donnees_postees(request), prefix="bail", initial={"date_signature": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.bail_signer(offre=o, auteur=acteur_de(request.user), **form.cleaned_data)
        except ValidationError as exc:
            placer_erreurs(exc, form)
        else:
            messages.success(
                request,
                f"Bail enregistré : la demande {o.demande.numero_unique} est radiée (attribution) et le logement "
                f"{o.logement.identifiant} est attribué.",
            )
            return redirect("commissions:offre", o.pk)
    return render(
        request,
        "commissions/bail.html",
        {"offre": o, "adresse": selectors.adresse(o.logement), "form": form, "erreurs": resume_erreurs([form])},
    )
