"""Screens of the objectives dashboard: the cards (value vs target), the charts with their tables, the
attributions counted (drill-down) and the exports for the CIL. Reads only (``selectors``); anything outside
the user's perimeter answers 404, like a missing page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from attrib.common import tableurs
from attrib.common.limites import limite_debit
from attrib.common.view_helpers import exiger
from attrib.engine.rapprochement.objectifs import NON_Q1_EN_QPV, Q1_HORS_QPV
from attrib.engine.rapprochement.texte import pourcentage
from attrib.labellisation.selectors import part_qualifiees
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.permissions import REFUS_DONNEES_PERSONNELLES, peut_exporter_donnees_personnelles
from attrib.pilotage import graphiques, permissions, selectors, travaux
from attrib.pilotage.forms import FiltreForm

TYPE_XLSX = tableurs.TYPE_XLSX


def _filtres(request: HttpRequest) -> tuple[FiltreForm, dict[str, list[tuple[Any, str]]]]:
    exiger(permissions.peut_acceder(acteur_de(request.user)))
    choix = selectors.choix_perimetre_garde(acteur_de(request.user))
    form = FiltreForm(request.GET, choix=choix, aujourd_hui=timezone.localdate())
    return form, choix


def resume_erreurs(form: FiltreForm) -> list[dict[str, str]]:
    """The filter errors, each with the field it concerns (anchor and label), for the error summary."""
    return [
        {
            "ancre": f"id_{nom}",
            "libelle": str(form.fields[nom].label) if nom in form.fields else "Filtres",
            "message": str(m),
        }
        for nom, messages in form.errors.items()
        for m in messages
    ]


def _requete(form: FiltreForm) -> str:
    d = form.cleaned_data
    return urlencode({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in d.items() if v})


@require_GET
def tableau(request: HttpRequest) -> HttpResponse:
    form, choix = _filtres(request)
    contexte: dict[str, Any] = {"form": form}
    if not form.is_valid():
        contexte["erreurs"] = resume_erreurs(form)
        return render(request, "pilotage/tableau.html", contexte)
    t = selectors.tableau(acteur_de(request.user), form.periode(), form.perimetre())
    prioritaires = t.parametres.prioritaires.taux
    contexte |= {
        "t": t,
        "requete": _requete(form),
        "perimetre": selectors.libelle_perimetre(form.perimetre(), choix),
        "peut_exporter_nominatif": peut_exporter_donnees_personnelles(acteur_de(request.user)),
        "generaux": t.indicateurs,
        "graphique_reservataires": graphiques.parts(
            "Part des attributions aux ménages DALO ou prioritaires, par réservataire",
            f"Barres horizontales, une par réservataire ; la ligne verticale marque l'objectif de "
            f"{pourcentage(prioritaires)}. Les valeurs sont dans le tableau qui suit.",
            [(i.code.partition(":")[2], i.part, i.atteint) for i in t.par_reservataire],
            cible=prioritaires,
        ),
        "graphique_mensuel": graphiques.effectifs(
            "Attributions par mois",
            "Barres horizontales, une par mois de la période. Les valeurs sont dans le tableau qui suit.",
            [(m.libelle, m.attributions) for m in t.mensuel],
        ),
        "delais": [("typologie", t.delais_typologie), ("commune", t.delais_commune)],
        "Q1_HORS_QPV": Q1_HORS_QPV,
        "NON_Q1_EN_QPV": NON_Q1_EN_QPV,
        "qualification": part_qualifiees(acteur_de(request.user), form.perimetre().commune),
    }
    return render(request, "pilotage/tableau.html", contexte)


@require_GET
def attributions(request: HttpRequest) -> HttpResponse:
    """The attributions of the period and scope; with ``objectif``, those in the objective's field, each
    saying whether it counts toward the target and why."""
    form, choix = _filtres(request)
    if not form.is_valid():
        return render(request, "pilotage/attributions.html", {"form": form, "erreurs": resume_erreurs(form)})
    t = selectors.tableau(acteur_de(request.user), form.periode(), form.perimetre())
    code = request.GET.get("objectif", "")
    indicateur = None
    lignes: list[tuple[selectors.LigneAttribution, bool | None]] = [(ligne, None) for ligne in t.lignes]
    if code:
        detail = selectors.detail_indicateur(t, code)
        exiger(detail is not None)
        assert detail is not None
        indicateur, lignes = detail
    return render(
        request,
        "pilotage/attributions.html",
        {
            "form": form,
            "t": t,
            "indicateur": indicateur,
            "lignes": lignes,
            "requete": _requete(form),
            "perimetre": selectors.libelle_perimetre(form.perimetre(), choix),
        },
    )


@require_GET
def location_voulue(request: HttpRequest) -> HttpResponse:
    """Location voulue beside the classic route: share of the attributions, refusal rates, the adverts, and the
    effect on each objective of the CIA (table and chart)."""
    form, choix = _filtres(request)
    contexte: dict[str, Any] = {"form": form}
    if not form.is_valid():
        contexte["erreurs"] = resume_erreurs(form)
        return render(request, "pilotage/location_voulue.html", contexte)
    acteur = acteur_de(request.user)
    lv = selectors.location_voulue(acteur, form.periode(), form.perimetre())
    contexte |= {
        "lv": lv,
        "requete": _requete(form),
        "perimetre": selectors.libelle_perimetre(form.perimetre(), choix),
        "refus": [("Location voulue", lv.refus_location_voulue), ("Voie classique", lv.refus_classique)],
        "graphique_voies": graphiques.effectifs(
            "Attributions par voie",
            "Barres horizontales : les attributions faites par la location voulue et par la voie classique. "
            "Les valeurs sont dans le tableau qui suit.",
            [
                ("Location voulue", lv.attributions_location_voulue),
                ("Voie classique", lv.attributions_classiques),
            ],
        ),
        "graphique_objectifs": graphiques.parts(
            "Part des attributions à la cible de chaque objectif, par voie",
            "Barres horizontales, deux par objectif : la location voulue puis la voie classique ; en vert un "
            "objectif atteint, en rouge non atteint, en bleu sans objectif chiffré ou sans attribution dans le "
            "champ. Les valeurs et les objectifs sont dans le tableau qui suit.",
            [
                ligne
                for e in lv.objectifs
                for ligne in (
                    (f"Location voulue — {e.nom_court}", e.location_voulue.part(), e.atteint(e.location_voulue)),
                    (f"Voie classique — {e.nom_court}", e.classique.part(), e.atteint(e.classique)),
                )
            ],
        ),
    }
    return render(request, "pilotage/location_voulue.html", contexte)


def _lancer_export(request: HttpRequest, format_fichier: str) -> HttpResponse:
    """The export is written by the worker; its page shows the progress, then the file to download."""
    form, _ = _filtres(request)
    if not form.is_valid():
        return render(request, "pilotage/tableau.html", {"form": form, "erreurs": resume_erreurs(form)}, status=400)
    if format_fichier == "csv" and not peut_exporter_donnees_personnelles(acteur_de(request.user)):
        raise PermissionDenied(REFUS_DONNEES_PERSONNELLES)
    parametres = {cle: request.GET.getlist(cle) for cle in request.GET}
    travail = travaux.export_lancer(user=request.user, format_fichier=format_fichier, parametres=parametres)
    return redirect("taches:travail", pk=travail.pk)


@require_GET
@limite_debit("export")
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The workbook for the CIL; the list of the attributions only for a role allowed to export personal data."""
    return _lancer_export(request, "xlsx")


@require_GET
@limite_debit("export")
def export_csv(request: HttpRequest) -> HttpResponse:
    """The attributions one by one (demand numbers, resources): personal data (French 403 otherwise)."""
    return _lancer_export(request, "csv")
