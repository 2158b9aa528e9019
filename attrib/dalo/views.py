"""Screens of the DALO follow-up (``/dalo/``): the board of the recognised households ranked by deadline, its Excel
export, a decision's page (offers, refusals and their reasons, designations, outcome) and the State's actions
(designate to a bailleur, lift the obligation after the refusal of an adapted offer, date a litigation).

Who: the State writes; the EPCI reads; a bailleur reads the households designated to it. Anything refused answers
404, like a missing page; every write goes through ``attrib.dalo.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from attrib.common import tableurs
from attrib.common.forms import resume_erreurs
from attrib.common.limites import limite_debit
from attrib.common.services import export_journaliser
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs, reponse_fichier
from attrib.dalo import permissions, selectors, services
from attrib.dalo.forms import DesignationForm, FiltresForm, LeveeForm, RecoursForm
from attrib.dalo.models import DecisionDalo
from attrib.organisations.acteurs import Acteur, Refus, acteur_de
from attrib.patrimoine.models import Logement


def _acteur(request: HttpRequest) -> Acteur:
    acteur = acteur_de(request.user)
    exiger(permissions.peut_voir_suivi(acteur))
    return acteur


def _filtres(request: HttpRequest, acteur: Acteur) -> tuple[FiltresForm, dict[str, Any]]:
    form = FiltresForm(request.GET or None, choix=selectors.choix_filtres(acteur))
    valeurs = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, {k: v for k, v in valeurs.items() if v}


@require_GET
def tableau(request: HttpRequest) -> HttpResponse:
    acteur = _acteur(request)
    jour = timezone.localdate()
    form, filtres = _filtres(request, acteur)
    rangees = selectors.tableau(acteur, jour, filtres)
    return render(
        request,
        "dalo/tableau.html",
        {
            "form": form,
            "lignes": rangees,
            "compteurs": selectors.compteurs(selectors.tableau(acteur, jour)),
            "jour": jour,
            "requete": request.GET.urlencode(),
            "alertes": selectors.alertes(acteur) if permissions.peut_lire_alertes(acteur) else [],
            "peut_gerer": permissions.peut_gerer_suivi(acteur),
        },
    )


ENTETE_EXPORT = (
    "Demande",
    "Ménage",
    "Communes souhaitées",
    "Commission de médiation",
    "Date de la décision",
    "Délai (mois)",
    "Date limite de l'offre",
    "Jours restants",
    "Situation",
    "Offres faites",
    "Refus et motifs",
    "Désignations du préfet",
    "Bail signé le",
    "Obligation levée le",
    "Motif de la levée",
    "Recours le",
)


@require_GET
@limite_debit("export")
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The board (same filters) in a workbook, through the product's one spreadsheet writer."""
    acteur = _acteur(request)
    jour = timezone.localdate()
    _, filtres = _filtres(request, acteur)
    rangees = selectors.tableau(acteur, jour, filtres)
    classeur = tableurs.Classeur()
    feuille = classeur.feuille("Suivi DALO")
    feuille.ajouter(ENTETE_EXPORT, gras=True)
    for r in rangees:
        d = r.decision
        feuille.ajouter(
            (
                d.demande.numero_unique,
                r.menage,
                ", ".join(r.communes),
                d.commission,
                d.date_decision,
                d.delai_mois,
                d.date_limite_relogement,
                r.jours_restants if r.echeance else None,
                r.statut_libelle,
                "\n".join(o.texte for o in r.offres),
                "\n".join(o.texte for o in r.refus),
                "\n".join(x.texte for x in r.designations),
                r.bail_le,
                d.obligation_levee_le,
                d.motif_levee,
                d.recours_le,
            )
        )
    feuille.largeurs((22, 28, 28, 28, 14, 10, 14, 12, 18, 48, 48, 48, 14, 14, 40, 14))
    export_journaliser(
        objet=DecisionDalo,
        export="du suivi DALO",
        format_fichier="xlsx",
        lignes=len(rangees),
        auteur=request.user,
        perimetre="ménages DALO suivis",
        donnees_personnelles=True,
        details={"filtres": {k: str(v) for k, v in filtres.items()}},
    )
    return reponse_fichier(classeur.octets(), f"suivi-dalo-{jour:%Y%m%d}.xlsx", tableurs.TYPE_XLSX)


def _decision(request: HttpRequest, pk: int) -> tuple[Acteur, DecisionDalo]:
    acteur = _acteur(request)
    decision = selectors.decision_suivie(acteur, pk)
    exiger(decision is not None)
    assert decision is not None
    return acteur, decision


@require_GET
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    acteur, d = _decision(request, pk)
    jour = timezone.localdate()
    rangees = selectors.lignes([d], jour) if d.favorable and d.etat == "en_vigueur" else []
    return render(
        request,
        "dalo/decision.html",
        {
            "d": d,
            "ligne": rangees[0] if rangees else None,
            "peut_gerer": permissions.peut_gerer_suivi(acteur) and bool(rangees),
            "autres": DecisionDalo.objects.filter(demande_id=d.demande_id).exclude(pk=d.pk),
        },
    )


def _gestion(request: HttpRequest, pk: int) -> tuple[Acteur, DecisionDalo]:
    acteur, d = _decision(request, pk)
    exiger(permissions.peut_gerer_suivi(acteur) and d.favorable and d.etat == "en_vigueur")
    return acteur, d


def _formulaire(
    request: HttpRequest, d: DecisionDalo, form: Any, gabarit: str, titre: str, contexte: dict[str, Any] | None = None
) -> HttpResponse:
    return render(
        request,
        gabarit,
        {"d": d, "form": form, "erreurs": resume_erreurs([form]), "titre": titre, **(contexte or {})},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def designer(request: HttpRequest, pk: int) -> HttpResponse:
    acteur, d = _gestion(request, pk)
    form = DesignationForm(donnees_postees(request), prefix="designation")
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        logement = None
        if c["logement"]:
            logement = Logement.objects.filter(
                identifiant=c["logement"].strip(), residence__bailleur=c["bailleur"]
            ).first()
            if logement is None:
                form.add_error("logement", "Aucun logement de ce bailleur ne porte cet identifiant.")
        if not form.errors:
            try:
                services.designation_enregistrer(
                    decision=d,
                    auteur=acteur,
                    bailleur=c["bailleur"],
                    date_designation=c["date_designation"],
                    contingent=c["contingent"],
                    reservataire=c["reservataire"],
                    logement=logement,
                    motif=c["motif"],
                )
            except ValidationError as exc:
                placer_erreurs(exc, form)
            except Refus:
                exiger(False)
            else:
                messages.success(request, f"Désignation enregistrée pour la demande {d.demande.numero_unique}.")
                return redirect("dalo:decision", pk=d.pk)
    return _formulaire(request, d, form, "dalo/formulaire.html", "Désigner le ménage à un bailleur")


@require_http_methods(["GET", "POST"])
def lever(request: HttpRequest, pk: int) -> HttpResponse:
    acteur, d = _gestion(request, pk)
    offres = selectors.offres_refusees(d)
    form = LeveeForm(donnees_postees(request), offres=offres, prefix="levee")
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        try:
            services.obligation_lever(
                decision=d, auteur=acteur, offre=c["offre"], date_levee=c["date_levee"], motif=c["motif"]
            )
        except ValidationError as exc:
            placer_erreurs(exc, form)
        except Refus:
            exiger(False)
        else:
            messages.success(request, "L'obligation de relogement est levée.")
            return redirect("dalo:decision", pk=d.pk)
    return _formulaire(
        request,
        d,
        form,
        "dalo/formulaire.html",
        "Lever l'obligation de relogement",
        {"sans_offre": not offres},
    )


@require_http_methods(["GET", "POST"])
def recours(request: HttpRequest, pk: int) -> HttpResponse:
    acteur, d = _gestion(request, pk)
    form = RecoursForm(donnees_postees(request), prefix="recours")
    if form.is_bound and form.is_valid():
        try:
            services.recours_enregistrer(decision=d, auteur=acteur, date_recours=form.cleaned_data["date_recours"])
        except ValidationError as exc:
            placer_erreurs(exc, form)
        except Refus:
            exiger(False)
        else:
            messages.success(request, "Le recours est enregistré.")
            return redirect("dalo:decision", pk=d.pk)
    return _formulaire(request, d, form, "dalo/formulaire.html", "Enregistrer un recours")
