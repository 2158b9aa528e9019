"""The registration wizard: six steps kept in the session, a recap, then one call to the service."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from attrib.common.brouillon import BrouillonEtapes
from attrib.common.brouillon import donnees_postees as _donnees_postees
from attrib.common.brouillon import tous_valides as _valides
from attrib.common.brouillon import valeur_lisible as _valeur_lisible
from attrib.common.brouillon import valeurs_saisies as _valeurs
from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import exiger
from attrib.demandes import enums, selectors
from attrib.demandes.forms import (
    CHAMPS_COMMUNES,
    RESSOURCES_PERSONNE,
    CodemandeurForm,
    DemandeurForm,
    EnregistrementForm,
    LogementActuelForm,
    LogementRechercheForm,
    PersonnesFormSet,
    RessourcesMenageForm,
    RessourcesPersonneForm,
)
from attrib.demandes.recherche import _choix_communes, communes_proposees
from attrib.demandes.services import demande_enregistrer
from attrib.organisations import permissions
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation

ETAPES = {
    1: "Demandeur et co-demandeur",
    2: "Autres personnes à loger",
    3: "Ressources",
    4: "Logement actuel et motifs",
    5: "Logement recherché et situations prioritaires",
    6: "Récapitulatif et confirmation",
}
DERNIERE = max(ETAPES)
CLE_SESSION = "attrib_brouillon_demande"


class Brouillon(BrouillonEtapes):
    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request, cle=CLE_SESSION, ordre=list(range(1, DERNIERE + 1)))


def _guichet_choisi(user: Any, brouillon: Brouillon) -> Organisation | None:
    guichets = permissions.guichets_de(user)
    choisi = brouillon.saisie(1).get("enregistrement", {}).get("guichet")
    for g in guichets:
        if str(g.pk) == str(choisi):
            return g  # type: ignore[no-any-return]
    return guichets[0] if guichets else None


def _formulaires(
    etape: int, *, user: Any, brouillon: Brouillon, donnees: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The forms of a step: bound to ``donnees`` when given, else filled with what the draft holds."""
    saisie = brouillon.saisie(etape)

    def initial(cle: str) -> Any:
        return None if donnees is not None else saisie.get(cle)

    if etape == 1:
        formulaires: dict[str, Any] = {
            "enregistrement": EnregistrementForm(
                donnees,
                prefix="enregistrement",
                initial=initial("enregistrement") or {},
                guichets=permissions.guichets_de(user),
            ),
            "demandeur": DemandeurForm(donnees, prefix="demandeur", initial=initial("demandeur")),
        }
        if brouillon.codemandeur:
            formulaires["codemandeur"] = CodemandeurForm(
                donnees, prefix="codemandeur", initial=initial("codemandeur") or {}
            )
        return formulaires
    if etape == 2:
        lignes = initial("personnes")
        return {
            "personnes": PersonnesFormSet(donnees, prefix="personnes", initial=lignes if lignes is not None else [{}])
        }
    if etape == 3:
        formulaires = {
            "ressources_demandeur": RessourcesPersonneForm(
                donnees,
                prefix="ressources_demandeur",
                initial=initial("ressources_demandeur"),
                titre="Ressources mensuelles du demandeur",
            )
        }
        if brouillon.codemandeur:
            formulaires["ressources_codemandeur"] = RessourcesPersonneForm(
                donnees,
                prefix="ressources_codemandeur",
                initial=initial("ressources_codemandeur"),
                titre="Ressources mensuelles du co-demandeur",
            )
        formulaires["ressources_menage"] = RessourcesMenageForm(
            donnees, prefix="ressources_menage", initial=initial("ressources_menage")
        )
        return formulaires
    if etape == 4:
        return {
            "logement_actuel": LogementActuelForm(donnees, prefix="logement_actuel", initial=initial("logement_actuel"))
        }
    if etape == 5:
        guichet = _guichet_choisi(user, brouillon)
        priorites = [(p.code, str(p)) for p in selectors.priorites_visibles(user)]
        return {
            "logement_recherche": LogementRechercheForm(
                donnees,
                prefix="logement_recherche",
                initial=initial("logement_recherche"),
                communes=_choix_communes(communes_proposees([guichet] if guichet else [])),
                priorites=priorites,
            )
        }
    return {}


def _url_etape(etape: int) -> str:
    return reverse("demandes:nouvelle_etape", args=[etape])


def _exiger_enregistrement(request: HttpRequest) -> None:
    exiger(permissions.peut_enregistrer_demande(acteur_de(request.user)))


@require_http_methods(["GET", "POST"])
def nouvelle(request: HttpRequest) -> HttpResponse:
    """Start (or resume) a registration; POST ``action=abandonner`` drops the draft."""
    _exiger_enregistrement(request)
    if request.method == "POST" and request.POST.get("action") == "abandonner":
        Brouillon(request).effacer()
        messages.info(request, "La saisie de la demande a été abandonnée ; rien n'a été enregistré.")
        return redirect("demandes:liste")
    return redirect(_url_etape(1) + ("" if Brouillon(request).vide() else "?reprise=1"))


@require_http_methods(["GET", "POST"])
def nouvelle_etape(request: HttpRequest, etape: int) -> HttpResponse:
    _exiger_enregistrement(request)
    exiger(etape in ETAPES)
    brouillon = Brouillon(request)
    premiere = brouillon.premiere_incomplete()
    if etape > premiere:
        return redirect(_url_etape(premiere))
    if etape == DERNIERE:
        return _recapitulatif(request, brouillon)

    action = request.POST.get("action", "suivant") if request.method == "POST" else ""
    if request.method == "POST":
        formulaires = _formulaires(etape, user=request.user, brouillon=brouillon, donnees=request.POST)
        saisie = {cle: _valeurs(f) for cle, f in formulaires.items()}
        if action in ("suivant", "precedent") and _valides(formulaires):
            brouillon.enregistrer(etape, saisie, valide=True)
            return redirect(_url_etape(etape + 1 if action == "suivant" else max(etape - 1, 1)))
        if action == "precedent":
            brouillon.enregistrer(etape, saisie, valide=False)
            return redirect(_url_etape(max(etape - 1, 1)))
        if action != "suivant":
            ancre = _appliquer_action(action, etape, saisie, brouillon)
            brouillon.enregistrer(etape, saisie, valide=False)
            return redirect(_url_etape(etape) + ancre)
        return _rendre_etape(request, etape, formulaires, brouillon)
    formulaires = _formulaires(etape, user=request.user, brouillon=brouillon)
    return _rendre_etape(request, etape, formulaires, brouillon)


_RETIRER_PERSONNE = re.compile(r"^retirer_personne_(\d+)$")


def _appliquer_action(action: str, etape: int, saisie: dict[str, Any], brouillon: Brouillon) -> str:
    """Add or remove the co-applicant or a row; returns the anchor to go back to."""
    if etape == 1 and action == "ajouter_codemandeur":
        brouillon.codemandeur = True
        return "#formulaire-codemandeur"
    if etape == 1 and action == "retirer_codemandeur":
        brouillon.codemandeur = False
        saisie.pop("codemandeur", None)
        brouillon.enregistrer(
            3, {k: v for k, v in brouillon.saisie(3).items() if k != "ressources_codemandeur"}, valide=False
        )
        return "#section-codemandeur"
    if etape == 2 and action == "ajouter_personne":
        saisie["personnes"].append({})
        return f"#personne-{len(saisie['personnes'])}"
    if etape == 2 and (m := _RETIRER_PERSONNE.match(action)):
        i = int(m.group(1))
        if 0 <= i < len(saisie["personnes"]):
            del saisie["personnes"][i]
        return "#formset-personnes"
    raise Http404("Action inconnue.")


def _rendre_etape(
    request: HttpRequest,
    etape: int,
    formulaires: dict[str, Any],
    brouillon: Brouillon,
    *,
    autres_erreurs: Sequence[dict[str, str]] = (),
) -> HttpResponse:
    erreurs = resume_erreurs(formulaires.values())
    return render(
        request,
        "demandes/nouvelle_etape.html",
        {
            "etape": etape,
            "titre_etape": ETAPES[etape],
            "etape_suivante": ETAPES.get(etape + 1, ""),
            "nb_etapes": DERNIERE,
            "formulaires": formulaires,
            "erreurs": erreurs,
            "autres_erreurs": autres_erreurs,
            "codemandeur": brouillon.codemandeur,
            "reprise": request.method == "GET" and "reprise" in request.GET and not brouillon.vide(),
            "action_url": _url_etape(etape),
        },
    )


def _formulaires_valides(user: Any, brouillon: Brouillon) -> dict[int, dict[str, Any]]:
    """Every step rebuilt from the draft and validated again."""
    resultat = {}
    for etape in range(1, DERNIERE):
        vides = _formulaires(etape, user=user, brouillon=brouillon)
        donnees = _donnees_postees(vides, brouillon.saisie(etape))
        resultat[etape] = _formulaires(etape, user=user, brouillon=brouillon, donnees=donnees)
        _valides(resultat[etape])
    return resultat


def _recapitulatif(request: HttpRequest, brouillon: Brouillon) -> HttpResponse:
    etapes = _formulaires_valides(request.user, brouillon)
    for etape, formulaires in etapes.items():
        if not _valides(formulaires):
            return _rendre_etape(request, etape, formulaires, brouillon)
    if request.method == "POST":
        return _enregistrer(request, brouillon, etapes)
    return render(
        request,
        "demandes/nouvelle_recapitulatif.html",
        {
            "etape": DERNIERE,
            "titre_etape": ETAPES[DERNIERE],
            "nb_etapes": DERNIERE,
            "sections": _sections_recapitulatif(etapes),
            "action_url": _url_etape(DERNIERE),
        },
    )


def _lignes(form: Any) -> list[tuple[str, str]]:
    lignes = []
    for nom, champ in form.fields.items():
        if isinstance(champ.widget, forms.HiddenInput) and nom != "guichet":
            continue
        texte = _valeur_lisible(champ, form.cleaned_data.get(nom))
        if texte is not None:
            lignes.append((str(champ.label), texte))
    return lignes


def _sections_recapitulatif(etapes: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    sections = []
    for etape, formulaires in etapes.items():
        blocs = []
        for formulaire in formulaires.values():
            if isinstance(formulaire, BaseFormSet):
                for n, (_, donnees) in enumerate(formulaire.lignes_remplies(), start=1):  # type: ignore[attr-defined]
                    ligne_form = formulaire.forms[0]
                    lignes = [
                        (str(ligne_form.fields[k].label), t)
                        for k in ligne_form.fields
                        if (t := _valeur_lisible(ligne_form.fields[k], donnees.get(k))) is not None
                    ]
                    blocs.append({"titre": f"Personne {n}", "lignes": lignes})
                if not formulaire.lignes_remplies():  # type: ignore[attr-defined]
                    blocs.append({"titre": "", "lignes": [("Autres personnes à loger", "Aucune")]})
            else:
                blocs.append({"titre": formulaire.titre, "lignes": _lignes(formulaire)})
        sections.append({"etape": etape, "titre": ETAPES[etape], "blocs": blocs, "url": _url_etape(etape)})
    return sections


def _sans_valeurs_vides(donnees: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in donnees.items() if v is not None}


def _arguments_service(etapes: dict[int, dict[str, Any]]) -> tuple[dict[str, Any], list[tuple[str, int | None]]]:
    """The keyword arguments of ``demande_enregistrer`` and the place of each person in the forms."""
    e1, e2, e3, e4, e5 = (etapes[i] for i in range(1, DERNIERE))
    personnes: list[dict[str, Any]] = [
        {
            **e1["demandeur"].cleaned_data,
            **e3["ressources_demandeur"].cleaned_data,
            "role": enums.RolePersonne.DEMANDEUR,
        }
    ]
    plan: list[tuple[str, int | None]] = [("demandeur", None)]
    if "codemandeur" in e1:
        personnes.append(
            {
                **e1["codemandeur"].cleaned_data,
                **e3["ressources_codemandeur"].cleaned_data,
                "role": enums.RolePersonne.CODEMANDEUR,
            }
        )
        plan.append(("codemandeur", None))
    for i, ligne in e2["personnes"].lignes_remplies():
        personnes.append({**ligne, "role": enums.RolePersonne.PERSONNE_A_LOGER})
        plan.append(("personnes", i))
    actuel = dict(e4["logement_actuel"].cleaned_data)
    motifs = actuel.pop("motifs_secondaires", [])
    recherche_form = e5["logement_recherche"]
    recherche = {k: v for k, v in recherche_form.cleaned_data.items() if k not in CHAMPS_COMMUNES and k != "priorites"}
    donnees = {**e3["ressources_menage"].cleaned_data, **actuel, **recherche}
    arguments = {
        "guichet": e1["enregistrement"].cleaned_data["guichet"],
        "date_depot": e1["enregistrement"].cleaned_data["date_depot"],
        "donnees": _sans_valeurs_vides(donnees),
        "personnes": personnes,
        "communes": recherche_form.communes(),
        "motifs_secondaires": motifs,
        "priorites": recherche_form.cleaned_data.get("priorites", []),
    }
    return arguments, plan


_CLE_PERSONNE = re.compile(r"^personnes\[(\d+)\]\.(\w+)$")
_CLE_LISTE = re.compile(r"^(communes|motifs_secondaires|priorites)\[(\d+)\]$")


def _placer_erreurs(
    exc: ValidationError, etapes: dict[int, dict[str, Any]], plan: list[tuple[str, int | None]]
) -> list[tuple[int, str]]:
    """Put each located error of the service on its step and field. Returns the errors that
    belong to no field, as ``(step, message)``."""
    perdues: list[tuple[int, str]] = []
    erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for cle, liste in erreurs.items():
        for message in liste:
            place = _place(cle, etapes, plan)
            if place is None:
                perdues.append((DERNIERE, message))
                continue
            etape, form, champ = place
            form.add_error(champ, message)
    return perdues


def _place(
    cle: str, etapes: dict[int, dict[str, Any]], plan: list[tuple[str, int | None]]
) -> tuple[int, Any, str | None] | None:
    if m := _CLE_PERSONNE.match(cle):
        i, champ = int(m.group(1)), m.group(2)
        if i >= len(plan):
            return None
        cle_form, ligne = plan[i]
        if ligne is not None:
            form = etapes[2]["personnes"].forms[ligne]
            return 2, form, champ if champ in form.fields else None
        if champ in RESSOURCES_PERSONNE:
            return 3, etapes[3][f"ressources_{cle_form}"], champ
        form = etapes[1][cle_form]
        return 1, form, champ if champ in form.fields else None
    if cle == "personnes":
        return 1, etapes[1]["demandeur"], None
    if m := _CLE_LISTE.match(cle):
        liste, rang = m.group(1), int(m.group(2))
        if liste == "communes":
            form = etapes[5]["logement_recherche"]
            return 5, form, form.champ_commune(rang)
        if liste == "motifs_secondaires":
            return 4, etapes[4]["logement_actuel"], "motifs_secondaires"
        return 5, etapes[5]["logement_recherche"], "priorites"
    if cle == "communes":
        return 5, etapes[5]["logement_recherche"], CHAMPS_COMMUNES[0]
    if cle == "date_depot_initiale":
        return 1, etapes[1]["enregistrement"], "date_depot"
    if cle == "guichet":
        return 1, etapes[1]["enregistrement"], "guichet"
    for etape in (3, 4, 5):
        for form in etapes[etape].values():
            if not isinstance(form, BaseFormSet) and cle in form.fields:
                return etape, form, cle
    return None


def _enregistrer(request: HttpRequest, brouillon: Brouillon, etapes: dict[int, dict[str, Any]]) -> HttpResponse:
    arguments, plan = _arguments_service(etapes)
    try:
        demande = demande_enregistrer(auteur=acteur_de(request.user), **arguments)
    except ValidationError as exc:
        perdues = _placer_erreurs(exc, etapes, plan)
        en_erreur = [e for e, fs in etapes.items() if any(_a_des_erreurs(f) for f in fs.values())]
        premiere = min(en_erreur) if en_erreur else 1
        autres = [
            {"ancre": _url_etape(e), "libelle": f"Étape {e} — {ETAPES[e]}", "message": "des champs sont à corriger"}
            for e in en_erreur
            if e != premiere
        ]
        autres += [{"ancre": "", "libelle": "Demande", "message": m} for _, m in perdues]
        return _rendre_etape(request, premiere, etapes[premiere], brouillon, autres_erreurs=autres)
    brouillon.effacer()
    messages.success(
        request,
        format_html(
            'Demande enregistrée sous le numéro unique <strong>{}</strong>. <a href="{}">Imprimer l\'attestation '
            "d'enregistrement (PDF)</a>",
            demande.numero_unique,
            reverse("demandes:attestation", args=[demande.pk]),
        ),
    )
    return redirect("demandes:detail", pk=demande.pk)


def _a_des_erreurs(formulaire: Any) -> bool:
    if isinstance(formulaire, BaseFormSet):
        return any(f.errors for f in formulaire.forms) or bool(formulaire.non_form_errors())
    return bool(formulaire.errors)


# --- Renewal, radiation, modification -------------------------------------------------------


def _erreurs_service(exc: ValidationError, formulaires: Sequence[Any], repli: Any) -> None:
    """Put the service's errors on the form that has the field, else on ``repli``."""
    erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for cle, liste in erreurs.items():
        cible = next((f for f in formulaires if cle in f.fields), None)
        for message in liste:
            if cible is not None:
                cible.add_error(cle, message)
            else:
                repli.add_error(None, message)
