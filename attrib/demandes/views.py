"""Screens of the shared demand file: list, detail, registration wizard, renewal, radiation,
modification, supporting documents, duplicates, attestation.

Views only translate HTTP into calls: reads go through ``selectors``, writes through the services.
Anything outside the user's perimeter, and any action the user may not take, answers 404.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms.formsets import BaseFormSet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods, require_POST

from attrib.common.view_helpers import exiger
from attrib.cotation.selectors import cotation_affichee
from attrib.demandes import doublons as doublons_services
from attrib.demandes import enums, importexport, pieces, regles, selectors
from attrib.demandes.attestation import attestation_pdf
from attrib.demandes.forms import (
    CHAMPS_COMMUNES,
    RESSOURCES_PERSONNE,
    CodemandeurForm,
    CoordonneesForm,
    DemandeurForm,
    DoublonDecisionForm,
    EmploiForm,
    EnregistrementForm,
    ImportForm,
    LogementActuelForm,
    LogementRechercheForm,
    ModificationRechercheForm,
    ModificationRessourcesForm,
    PersonnesFormSet,
    PieceDepotForm,
    PieceRefusForm,
    RadiationForm,
    RechercheForm,
    RenouvellementForm,
    RessourcesMenageForm,
    RessourcesPersonneForm,
    resume_erreurs,
)
from attrib.demandes.models import Demande, DoublonPotentiel, Personne, PieceJustificative, PrioriteLegale
from attrib.demandes.moteur import situation_plafonds
from attrib.demandes.services import demande_enregistrer, demande_modifier, demande_radier, demande_renouveler
from attrib.organisations import permissions
from attrib.organisations.models import Organisation
from attrib.territoires.models import Commune

PAR_PAGE = 50


def _demande_visible(request: HttpRequest, pk: int) -> Demande:
    return get_object_or_404(Demande.objects.visible_to(request.user).select_related("guichet"), pk=pk)


def _organisation_agissante(user: Any, demande: Demande | None = None) -> Organisation | None:
    """The organisation on whose behalf the user acts: the demand's desk if they belong to it,
    else their first registration desk, else their first organisation."""
    orgs = [m.organisation for m in permissions.memberships(user)]
    if demande is not None:
        for org in orgs:
            if org.pk == demande.guichet_id:
                return org
    guichets = permissions.guichets_de(user)
    if guichets:
        return guichets[0]  # type: ignore[no-any-return]
    return orgs[0] if orgs else None


def communes_proposees(organisations: Iterable[Organisation]) -> QuerySet[Commune]:
    """Communes of the EPCI(s) the organisations belong to, plus their own perimeter."""
    orgs = list(organisations)
    ids = [o.pk for o in orgs]
    epcis_perimetre = (
        Commune.objects.filter(Q(organisations__in=ids) | Q(organisations_siege__in=ids))
        .exclude(epci=None)
        .values("epci_id")
    )
    epcis_directs = [o.epci_id for o in orgs if o.epci_id]
    return (
        Commune.objects.filter(Q(epci_id__in=epcis_perimetre) | Q(epci_id__in=epcis_directs) | Q(organisations__in=ids))
        .distinct()
        .order_by("nom")
    )


def _choix_communes(qs: QuerySet[Commune]) -> list[tuple[str, str]]:
    return [(code, f"{nom} ({code})") for code, nom in qs.values_list("code_insee", "nom")]


def _communes_filtre(user: Any) -> list[tuple[str, str]]:
    orgs = [m.organisation for m in permissions.memberships(user)]
    if orgs:
        return _choix_communes(communes_proposees(orgs))
    if getattr(user, "is_superuser", False):
        return _choix_communes(
            Commune.objects.filter(organisations__isnull=False).distinct().order_by("nom")  # the deployed territory
        )
    return []


def _anciennete(depuis: date, jour: date) -> str:
    mois = (jour.year - depuis.year) * 12 + jour.month - depuis.month - (jour.day < depuis.day)
    if mois < 1:
        return "moins d'un mois"
    ans, reste = divmod(mois, 12)
    morceaux = []
    if ans:
        morceaux.append(f"{ans} an{'s' if ans > 1 else ''}")
    if reste:
        morceaux.append(f"{reste} mois")
    return " ".join(morceaux)


# --- List -----------------------------------------------------------------------------------


def _liste_filtree(request: HttpRequest) -> tuple[RechercheForm, QuerySet[Demande]]:
    """The search form of the list and the demands it selects (the same for the exports)."""
    form = RechercheForm(request.GET or None, communes=_communes_filtre(request.user))
    try:
        qs = selectors.demandes_liste(user=request.user, recherche=form.recherche(), filtres=form.filtres())
    except ValidationError as exc:
        for champ, messages_champ in exc.message_dict.items():
            form.add_error(champ if champ in form.fields else None, messages_champ)
        qs = Demande.objects.none()
    return form, qs


def liste(request: HttpRequest) -> HttpResponse:
    form, qs = _liste_filtree(request)
    page = Paginator(qs, PAR_PAGE).get_page(request.GET.get("page"))
    jour = timezone.localdate()
    limite = _limite_echeance(jour)
    lignes = [
        {
            "demande": d,
            "demandeur": f"{d.demandeur_prenoms or ''} {d.demandeur_nom or ''}".strip() or "—",
            "composition": f"{d.nb_personnes} personne{'s' if d.nb_personnes > 1 else ''}",
            "anciennete": _anciennete(d.date_depot_initiale, jour),
            "echeance_proche": d.statut == enums.StatutDemande.ACTIVE and d.date_echeance <= limite,
        }
        for d in page.object_list
    ]
    return render(
        request,
        "demandes/liste.html",
        {
            "form": form,
            "page": page,
            "lignes": lignes,
            "erreurs": resume_erreurs([form]),
            "filtres_actifs": bool(form.filtres() or form.recherche()),
        },
    )


def _limite_echeance(jour: date) -> date:
    """Last day of validity that makes a demand "due within the renewal notice period"."""
    return regles.ajouter_mois(jour, regles.parametre("preavis_renouvellement", jour))


# --- Detail ---------------------------------------------------------------------------------


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demande = selectors.demande_detail(user=user, pk=pk)
    situations = selectors.situations_visibles(demande, user)
    voit_sensible = permissions.peut_voir_situations_sensibles(user)
    personnes = sorted(demande.personnes.all(), key=lambda p: (_ORDRE_ROLES[p.role], p.pk))
    doublons = list(
        DoublonPotentiel.objects.filter(Q(demande_a=demande) | Q(demande_b=demande))
        .select_related("demande_a", "demande_b", "decide_par")
        .order_by("statut", "-score")
    )
    autres = {d.demande_a_id for d in doublons} | {d.demande_b_id for d in doublons}
    visibles = (
        set(Demande.objects.visible_to(user).filter(pk__in=autres).values_list("pk", flat=True)) if autres else set()
    )
    active = demande.statut == enums.StatutDemande.ACTIVE
    peut_modifier = active and permissions.peut_modifier_demande(user, demande)
    return render(
        request,
        "demandes/detail.html",
        {
            "demande": demande,
            "personnes": [_personne_affichee(p, voit_sensible) for p in personnes],
            "communes": [c.commune for c in sorted(demande.communes_souhaitees.all(), key=lambda c: c.rang)],
            "situations": situations,
            "pieces": situations.pieces,
            "doublons": [
                {
                    "doublon": d,
                    "autre": d.demande_b if d.demande_a_id == demande.pk else d.demande_a,
                    "autre_visible": (d.demande_b_id if d.demande_a_id == demande.pk else d.demande_a_id) in visibles,
                }
                for d in doublons
            ],
            "historique": historique_lisible(selectors.historique(demande, user=user), voit_sensible=voit_sensible),
            "plafonds": situation_plafonds(demande, timezone.localdate()),
            "cotation": cotation_affichee(demande, user),
            "voit_sensible": voit_sensible,
            "anciennete": _anciennete(demande.date_depot_initiale, timezone.localdate()),
            "peut_modifier": peut_modifier,
            "peut_renouveler": peut_modifier,
            "peut_radier": active and permissions.peut_radier_demande(user, demande),
            "peut_deposer": active and (peut_modifier or permissions.peut_valider_pieces(user)),
            "peut_valider": active and permissions.peut_valider_pieces(user),
            "peut_doublons": permissions.peut_traiter_doublons(user),
            "ressources": [
                (p, sum((getattr(p, f) for f in Personne.RESSOURCES), Decimal("0")), p.pension_alimentaire_versee)
                for p in personnes
                if any(getattr(p, f) for f in RESSOURCES_PERSONNE)
            ],
        },
    )


_ORDRE_ROLES = {
    enums.RolePersonne.DEMANDEUR: 0,
    enums.RolePersonne.CODEMANDEUR: 1,
    enums.RolePersonne.PERSONNE_A_LOGER: 2,
}


def _personne_affichee(p: Personne, voit_sensible: bool) -> dict[str, Any]:
    if p.role == enums.RolePersonne.PERSONNE_A_LOGER:
        role = "Enfant à naître" if p.enfant_a_naitre else (p.get_lien_display() or "Autre personne à loger")
    else:
        role = p.get_role_display()
    return {"p": p, "role": role, "handicap": p.handicap and voit_sensible}


# --- History in plain French -----------------------------------------------------------------

_LIBELLES_LISTES = {
    "communes": "Communes souhaitées",
    "motifs_secondaires": "Autres motifs",
    "priorites": "Situations prioritaires déclarées",
    "personnes": "Personnes à loger",
}


def _valeur_demande(champ: str, valeur: Any) -> str:
    if valeur is None or valeur == "":
        return "—"
    try:
        field = Demande._meta.get_field(champ)
    except FieldDoesNotExist:  # a field removed since the event was written is shown raw
        return str(valeur)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(valeur, valeur))  # type: ignore[union-attr]
    if isinstance(valeur, bool):
        return "Oui" if valeur else "Non"
    if field.get_internal_type() == "DateField":
        try:
            return date_format(date.fromisoformat(str(valeur)), "d/m/Y")
        except ValueError:
            return str(valeur)
    if field.get_internal_type() == "ForeignKey":
        return str(valeur)
    return str(valeur).replace(".", ",") if field.get_internal_type() == "DecimalField" else str(valeur)


def _libelle_champ(champ: str) -> str:
    if champ in _LIBELLES_LISTES:
        return _LIBELLES_LISTES[champ]
    try:
        return capfirst(str(Demande._meta.get_field(champ).verbose_name))
    except FieldDoesNotExist:
        return champ


def _personne_lisible(texte: str) -> str:
    role, _, reste = str(texte).partition(":")
    nom, _, naissance = reste.rpartition(" ")
    try:
        naissance = date_format(date.fromisoformat(naissance), "d/m/Y")
    except ValueError:
        nom, naissance = reste, ""
    libelle = dict(enums.RolePersonne.choices).get(role, role)
    return f"{libelle} : {nom}" + (f" (née ou né le {naissance})" if naissance else "")


def historique_lisible(evenements: Iterable[Any], *, voit_sensible: bool) -> list[dict[str, Any]]:
    """Events with their field changes turned into ``(libellé, avant, après)`` in plain French.

    Without the right to see sensitive situations, every change that involves a sensitive motive
    or priority is left out (the selector already drops the events flagged sensitive)."""
    evenements = list(evenements)
    codes_communes: set[str] = set()
    codes_priorites: set[str] = set()
    for e in evenements:
        for champ, change in (e.details or {}).get("changements", {}).items():
            valeurs = [*(change.get("avant") or []), *(change.get("apres") or [])] if champ in _LIBELLES_LISTES else []
            if champ == "communes":
                codes_communes.update(map(str, valeurs))
            elif champ == "priorites":
                codes_priorites.update(map(str, valeurs))
    communes = dict(Commune.objects.filter(code_insee__in=codes_communes).values_list("code_insee", "nom"))
    priorites = {p.code: p for p in PrioriteLegale.objects.filter(code__in=codes_priorites)} if codes_priorites else {}
    sensibles = {c for c, p in priorites.items() if p.sensible}

    def liste(champ: str, valeurs: Sequence[Any] | None) -> list[str]:
        valeurs = list(valeurs or [])
        if champ == "communes":
            return [communes.get(str(v), str(v)) for v in valeurs]
        if champ == "priorites":
            return [
                str(priorites[v]) if v in priorites else str(v) for v in valeurs if voit_sensible or v not in sensibles
            ]
        if champ == "motifs_secondaires":
            return [
                str(dict(enums.Motif.choices).get(v, v))
                for v in valeurs
                if voit_sensible or v not in enums.MOTIFS_SENSIBLES
            ]
        return [_personne_lisible(v) for v in valeurs]

    resultat = []
    for e in evenements:
        lignes = []
        for champ, change in (e.details or {}).get("changements", {}).items():
            avant, apres = change.get("avant"), change.get("apres")
            if champ in _LIBELLES_LISTES:
                a, b = liste(champ, avant), liste(champ, apres)
                if a == b:
                    continue
                lignes.append((_libelle_champ(champ), ", ".join(a) or "—", ", ".join(b) or "—"))
                continue
            if not voit_sensible and champ == "motif_principal" and {avant, apres} & set(enums.MOTIFS_SENSIBLES):
                continue
            lignes.append((_libelle_champ(champ), _valeur_demande(champ, avant), _valeur_demande(champ, apres)))
        resultat.append({"evenement": e, "changements": lignes})
    return resultat


# --- Attestation ----------------------------------------------------------------------------


def attestation(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande_visible(request, pk)
    response = HttpResponse(attestation_pdf(demande), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attestation-{demande.numero_unique}.pdf"'
    return response


# --- Registration wizard --------------------------------------------------------------------

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


class Brouillon:
    """The registration being typed, kept in the session between steps (JSON-safe values only)."""

    def __init__(self, request: HttpRequest) -> None:
        self.session = request.session
        self.donnees: dict[str, Any] = self.session.get(CLE_SESSION) or {
            "saisies": {},
            "valides": [],
            "codemandeur": False,
        }

    @property
    def codemandeur(self) -> bool:
        return bool(self.donnees["codemandeur"])

    @codemandeur.setter
    def codemandeur(self, valeur: bool) -> None:
        self.donnees["codemandeur"] = valeur

    def saisie(self, etape: int) -> dict[str, Any]:
        return dict(self.donnees["saisies"].get(str(etape), {}))

    def est_valide(self, etape: int) -> bool:
        return etape in self.donnees["valides"]

    def vide(self) -> bool:
        return not self.donnees["saisies"]

    def enregistrer(self, etape: int, saisie: dict[str, Any], *, valide: bool) -> None:
        self.donnees["saisies"][str(etape)] = saisie
        valides = set(self.donnees["valides"]) - {etape}
        if valide:
            valides.add(etape)
        self.donnees["valides"] = sorted(valides)
        self.session[CLE_SESSION] = self.donnees
        self.session.modified = True

    def premiere_incomplete(self) -> int:
        return next((e for e in range(1, DERNIERE) if not self.est_valide(e)), DERNIERE)

    def effacer(self) -> None:
        self.session.pop(CLE_SESSION, None)


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


def _valeurs(formulaire: Any) -> Any:
    """What was typed in a form (or each row of a formset), as JSON-safe values."""
    if isinstance(formulaire, BaseFormSet):
        return [_valeurs(f) for f in formulaire.forms]
    return {nom: formulaire[nom].data for nom in formulaire.fields}


def _donnees_postees(formulaires_vides: dict[str, Any], saisie: dict[str, Any]) -> dict[str, Any]:
    """Turn a saved step back into POST-like data, to validate it again."""
    donnees: dict[str, Any] = {}

    def ajouter(prefixe: str, valeurs: dict[str, Any]) -> None:
        for nom, valeur in valeurs.items():
            if valeur is None or valeur is False:
                continue
            donnees[f"{prefixe}-{nom}"] = "on" if valeur is True else valeur

    for cle, formulaire in formulaires_vides.items():
        if isinstance(formulaire, BaseFormSet):
            lignes = saisie.get(cle) or []
            donnees.update(
                {f"{cle}-TOTAL_FORMS": str(len(lignes)), f"{cle}-INITIAL_FORMS": "0", f"{cle}-MIN_NUM_FORMS": "0"}
            )
            donnees[f"{cle}-MAX_NUM_FORMS"] = "1000"
            for i, ligne in enumerate(lignes):
                ajouter(f"{cle}-{i}", ligne)
        else:
            ajouter(cle, saisie.get(cle) or {})
    return donnees


def _valides(formulaires: dict[str, Any]) -> bool:
    return all([f.is_valid() for f in formulaires.values()])  # every form validated, to show all errors


def _url_etape(etape: int) -> str:
    return reverse("demandes:nouvelle_etape", args=[etape])


def _exiger_enregistrement(request: HttpRequest) -> None:
    exiger(permissions.peut_enregistrer_demande(request.user))


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


def _valeur_lisible(champ: forms.Field, valeur: Any) -> str | None:
    if valeur in (None, "", [], False):
        return None
    if isinstance(valeur, bool):
        return "Oui"
    if isinstance(valeur, Organisation):
        return str(valeur)
    choix = dict(getattr(champ, "choices", None) or [])
    if isinstance(valeur, list):
        return ", ".join(str(choix.get(v, v)) for v in valeur)
    if choix:
        return str(choix.get(valeur, choix.get(str(valeur), valeur)))
    if isinstance(valeur, date):
        return date_format(valeur, "d/m/Y")
    if isinstance(valeur, Decimal):
        return None if not valeur else f"{number_format(valeur, 2)} €"
    return str(valeur)


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
                for n, (_, donnees) in enumerate(formulaire.lignes_remplies(), start=1):
                    ligne_form = formulaire.forms[0]
                    lignes = [
                        (str(ligne_form.fields[k].label), t)
                        for k in ligne_form.fields
                        if (t := _valeur_lisible(ligne_form.fields[k], donnees.get(k))) is not None
                    ]
                    blocs.append({"titre": f"Personne {n}", "lignes": lignes})
                if not formulaire.lignes_remplies():
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
        demande = demande_enregistrer(auteur=request.user, **arguments)
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


@require_http_methods(["GET", "POST"])
def renouveler(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande_visible(request, pk)
    exiger(demande.statut == enums.StatutDemande.ACTIVE and permissions.peut_modifier_demande(request.user, demande))
    form = RenouvellementForm(request.POST or None, instance=demande, prefix="renouvellement")
    if request.method == "POST" and form.is_valid():
        try:
            demande = demande_renouveler(
                demande=demande,
                auteur=request.user,
                organisation=_organisation_agissante(request.user, demande),
                donnees=form.modifications(),
            )
        except ValidationError as exc:
            _erreurs_service(exc, [form], form)
        else:
            messages.success(
                request,
                f"Demande {demande.numero_unique} renouvelée : elle est valide jusqu'au "
                f"{date_format(demande.date_echeance, 'd/m/Y')}.",
            )
            return redirect("demandes:detail", pk=demande.pk)
    return render(
        request,
        "demandes/renouveler.html",
        {"demande": demande, "form": form, "erreurs": resume_erreurs([form])},
    )


@require_http_methods(["GET", "POST"])
def radier(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande_visible(request, pk)
    exiger(demande.statut == enums.StatutDemande.ACTIVE and permissions.peut_radier_demande(request.user, demande))
    form = RadiationForm(request.POST or None, prefix="radiation")
    if request.method == "POST" and form.is_valid():
        try:
            demande = demande_radier(
                demande=demande,
                auteur=request.user,
                motif=form.cleaned_data["motif"],
                organisation=_organisation_agissante(request.user, demande),
                date_radiation=form.cleaned_data["date_radiation"],
                commentaire=form.cleaned_data["commentaire"],
            )
        except ValidationError as exc:
            _erreurs_service(exc, [form], form)
        else:
            messages.success(
                request, f"Demande {demande.numero_unique} radiée : {demande.get_motif_radiation_display()}."
            )
            return redirect("demandes:detail", pk=demande.pk)
    return render(
        request, "demandes/radier.html", {"demande": demande, "form": form, "erreurs": resume_erreurs([form])}
    )


_CHAMPS_PERSONNE = [
    f.name for f in Personne._meta.concrete_fields if f.editable and not f.primary_key and f.name != "demande"
]


@require_http_methods(["GET", "POST"])
def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande_visible(request, pk)
    exiger(demande.statut == enums.StatutDemande.ACTIVE and permissions.peut_modifier_demande(request.user, demande))
    personnes = list(demande.personnes.order_by("id"))
    demandeur = next((p for p in personnes if p.role == enums.RolePersonne.DEMANDEUR), None)
    exiger(demandeur is not None)
    donnees = request.POST or None
    choix = _choix_communes(communes_proposees([demande.guichet]))
    proposees = {code for code, _ in choix}
    choix += [  # a commune wished outside the desk's EPCI stays selectable
        (cs.commune_id, f"{cs.commune.nom} ({cs.commune_id})")
        for cs in demande.communes_souhaitees.select_related("commune").order_by("rang")
        if cs.commune_id not in proposees
    ]
    recherche = ModificationRechercheForm(donnees, instance=demande, communes=choix)
    ressources = ModificationRessourcesForm(donnees, instance=demande)
    coordonnees = CoordonneesForm(donnees, instance=demandeur)
    codemandeur = next((p for p in personnes if p.role == enums.RolePersonne.CODEMANDEUR), None)
    emplois = {demandeur.pk: EmploiForm(donnees, instance=demandeur, prefix="emploi_demandeur")}  # type: ignore[union-attr]
    if codemandeur is not None:
        emplois[codemandeur.pk] = EmploiForm(
            donnees, instance=codemandeur, prefix="emploi_codemandeur", titre="Emploi du co-demandeur"
        )
    formulaires = [recherche, ressources, coordonnees, *emplois.values()]
    if request.method == "POST" and _valides({str(i): f for i, f in enumerate(formulaires)}):
        champs = {
            n: v
            for form in (recherche, ressources)
            for n, v in form.cleaned_data.items()
            if n in form.changed_data and n not in CHAMPS_COMMUNES
        }
        communes_changees = any(n in recherche.changed_data for n in CHAMPS_COMMUNES)
        nouvelles_personnes = None
        if coordonnees.has_changed() or any(f.has_changed() for f in emplois.values()):
            nouvelles_personnes = [
                {
                    **{n: getattr(p, n) for n in _CHAMPS_PERSONNE},
                    **(coordonnees.cleaned_data if p.pk == demandeur.pk else {}),  # type: ignore[union-attr]
                    **(emplois[p.pk].cleaned_data if p.pk in emplois else {}),
                }
                for p in personnes
            ]
        if not champs and not communes_changees and nouvelles_personnes is None:
            messages.info(request, "Aucune modification : la demande est inchangée.")
            return redirect("demandes:detail", pk=demande.pk)
        try:
            demande_modifier(
                demande=demande,
                auteur=request.user,
                organisation=_organisation_agissante(request.user, demande),
                donnees=champs,
                communes=recherche.communes() if communes_changees else None,
                personnes=nouvelles_personnes,
            )
        except ValidationError as exc:
            _erreurs_modification(exc, recherche, ressources, coordonnees, emplois, personnes)
        else:
            messages.success(request, f"Demande {demande.numero_unique} modifiée.")
            return redirect("demandes:detail", pk=demande.pk)
    return render(
        request,
        "demandes/modifier.html",
        {"demande": demande, "formulaires": formulaires, "erreurs": resume_erreurs(formulaires)},
    )


def _erreurs_modification(
    exc: ValidationError,
    recherche: Any,
    ressources: Any,
    coordonnees: Any,
    emplois: dict[int, Any] | None = None,
    personnes: Sequence[Personne] = (),
) -> None:
    erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for cle, liste in erreurs.items():
        for message in liste:
            m = _CLE_PERSONNE.match(cle)
            emploi = None
            if m and int(m.group(1)) < len(personnes):
                emploi = (emplois or {}).get(personnes[int(m.group(1))].pk)
            if m := _CLE_LISTE.match(cle):
                recherche.add_error(recherche.champ_commune(int(m.group(2))), message)
            elif cle == "communes":
                recherche.add_error(CHAMPS_COMMUNES[0], message)
            elif (m := _CLE_PERSONNE.match(cle)) and emploi is not None and m.group(2) in emploi.fields:
                emploi.add_error(m.group(2), message)
            elif (m := _CLE_PERSONNE.match(cle)) and m.group(2) in coordonnees.fields:
                coordonnees.add_error(m.group(2), message)
            elif cle in recherche.fields:
                recherche.add_error(cle, message)
            elif cle in ressources.fields:
                ressources.add_error(cle, message)
            else:
                recherche.add_error(None, message)


# --- Supporting documents -------------------------------------------------------------------


def _piece(request: HttpRequest, pk: int, piece_pk: int) -> tuple[Demande, PieceJustificative]:
    demande = _demande_visible(request, pk)
    piece = get_object_or_404(PieceJustificative, pk=piece_pk, demande=demande)
    exiger(not piece.sensible or permissions.peut_voir_situations_sensibles(request.user))
    return demande, piece


def piece_fichier(request: HttpRequest, pk: int, piece_pk: int) -> FileResponse:
    demande, piece = _piece(request, pk, piece_pk)
    exiger(
        bool(piece.fichier)
        and (permissions.peut_valider_pieces(request.user) or permissions.peut_modifier_demande(request.user, demande))
    )
    return FileResponse(piece.fichier.open("rb"), as_attachment=False, filename=piece.fichier.name.rsplit("/", 1)[-1])


@require_http_methods(["GET", "POST"])
def piece_deposer(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    demande, piece = _piece(request, pk, piece_pk)
    exiger(
        demande.statut == enums.StatutDemande.ACTIVE
        and (permissions.peut_modifier_demande(request.user, demande) or permissions.peut_valider_pieces(request.user))
    )
    form = PieceDepotForm(request.POST or None, request.FILES or None, prefix="piece")
    if request.method == "POST" and form.is_valid():
        try:
            pieces.piece_deposer(
                piece=piece,
                fichier=form.cleaned_data["fichier"],
                auteur=request.user,
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
    exiger(demande.statut == enums.StatutDemande.ACTIVE and permissions.peut_valider_pieces(request.user))
    try:
        pieces.piece_valider(
            piece=piece, auteur=request.user, organisation=_organisation_agissante(request.user, demande)
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
    exiger(demande.statut == enums.StatutDemande.ACTIVE and permissions.peut_valider_pieces(request.user))
    form = PieceRefusForm(request.POST or None, prefix="refus")
    if request.method == "POST" and form.is_valid():
        try:
            pieces.piece_refuser(
                piece=piece,
                auteur=request.user,
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


def _fiche_doublon(demande: Demande) -> dict[str, Any]:
    personnes = sorted(demande.personnes.all(), key=lambda p: (_ORDRE_ROLES[p.role], p.pk))
    return {
        "demande": demande,
        "personnes": personnes,
        "communes": [c.commune for c in sorted(demande.communes_souhaitees.all(), key=lambda c: c.rang)],
    }


def doublons(request: HttpRequest) -> HttpResponse:
    exiger(permissions.peut_traiter_doublons(request.user))
    qs = selectors.doublons_liste(user=request.user, les_deux_visibles=True).prefetch_related(
        "demande_a__personnes",
        "demande_b__personnes",
        "demande_a__communes_souhaitees__commune",
        "demande_b__communes_souhaitees__commune",
        "demande_a__guichet",
        "demande_b__guichet",
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    paires = [{"doublon": d, "a": _fiche_doublon(d.demande_a), "b": _fiche_doublon(d.demande_b)} for d in page]
    return render(request, "demandes/doublons.html", {"page": page, "paires": paires})


@require_POST
def doublon_decider(request: HttpRequest, doublon_pk: int) -> HttpResponse:
    exiger(permissions.peut_traiter_doublons(request.user))
    visibles = Demande.objects.visible_to(request.user).values("pk")
    doublon = get_object_or_404(
        DoublonPotentiel.objects.filter(demande_a__in=visibles, demande_b__in=visibles), pk=doublon_pk
    )
    form = DoublonDecisionForm(request.POST, prefix=f"doublon-{doublon.pk}")
    if form.is_valid():
        try:
            doublons_services.doublon_decider(
                doublon=doublon,
                auteur=request.user,
                statut=form.cleaned_data["statut"],
                commentaire=form.cleaned_data["commentaire"],
                organisation=_organisation_agissante(request.user),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                f"Demandes {doublon.demande_a.numero_unique} et {doublon.demande_b.numero_unique} : "
                f"{enums.StatutDoublon(form.cleaned_data['statut']).label.lower()}.",
            )
    else:
        messages.error(request, "Choisissez « Même personne » ou « Personnes différentes ».")
    retour = request.POST.get("retour", "")
    if retour and url_has_allowed_host_and_scheme(retour, allowed_hosts={request.get_host()}):
        return redirect(retour)
    return redirect("demandes:doublons")


# --- Import and export ----------------------------------------------------------------------


def _nom_export(extension: str) -> str:
    return f"demandes-{timezone.localdate():%Y%m%d}.{extension}"


def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The demands of the list (same search and filters) in the interchange format, streamed."""
    _, qs = _liste_filtree(request)
    response = StreamingHttpResponse(
        importexport.iterer_demandes_csv(demandes=qs, user=request.user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_nom_export("csv")}"'
    return response


def export_xlsx(request: HttpRequest) -> HttpResponse:
    _, qs = _liste_filtree(request)
    flux = io.BytesIO()
    importexport.exporter_demandes_xlsx(demandes=qs, flux=flux, user=request.user)
    response = HttpResponse(
        flux.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_nom_export("xlsx")}"'
    return response


@require_http_methods(["GET", "POST"])
def importer(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file of demands and show what happened to each line."""
    exiger(permissions.peut_enregistrer_demande(request.user))
    form = ImportForm(request.POST or None, request.FILES or None, guichets=permissions.guichets_de(request.user))
    rapport = None
    if request.method == "POST" and form.is_valid():
        rapport = importexport.importer_demandes(
            fichier=form.cleaned_data["fichier"],
            guichet=form.cleaned_data["guichet"],
            auteur=request.user,
            tout_ou_rien=form.cleaned_data["tout_ou_rien"],
        )
    return render(
        request,
        "demandes/importer.html",
        {
            "form": form,
            "erreurs": resume_erreurs([form]),
            "rapport": rapport,
            "colonnes": importexport.COLONNES,
        },
    )
