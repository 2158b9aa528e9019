"""Reading the demand file: the list with its filters, a demand's page and history, the attestation, exports."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from attrib.common import recherches, tableurs
from attrib.common.forms import resume_erreurs
from attrib.common.limites import limite_debit
from attrib.common.services import export_journaliser
from attrib.common.view_helpers import reponse_fichier
from attrib.cotation.selectors import cotation_affichee
from attrib.dalo.selectors import section_demande
from attrib.demandes import enums, importexport, regles, selectors, travaux
from attrib.demandes.attestation import attestation_a_servir
from attrib.demandes.comptes import PaginateurCompte
from attrib.demandes.forms import (
    RESSOURCES_PERSONNE,
    RechercheForm,
)
from attrib.demandes.models import Demande, DoublonPotentiel, Personne, PrioriteLegale
from attrib.demandes.moteur import situation_plafonds
from attrib.demandes.recherche import _formulaire_et_demandes
from attrib.demandes.views.commun import BORNE_LISTE, PAR_PAGE, _anciennete, _demande_visible
from attrib.documents import selectors as documents
from attrib.documents.models import NatureDocument
from attrib.labellisation.selectors import labels_affiches
from attrib.organisations import permissions
from attrib.organisations.acteurs import acteur_de
from attrib.territoires.models import Commune


def _liste_filtree(request: HttpRequest) -> tuple[RechercheForm, QuerySet[Demande]]:
    """The search form of the list and the demands it selects (the same for the exports)."""
    return _formulaire_et_demandes(request.user, _donnees_liste(request))


def _donnees_liste(request: HttpRequest) -> QueryDict:
    """The list's filters (GET) and its search text, kept in the session behind ``?r=`` (common/recherches)."""
    return recherches.donnees_de_recherche(request, champ="q")[0]


def _cherche(request: HttpRequest) -> bool:
    """A search by name or number, sent by POST (field ``q``): counted as a search. A ``q`` in the address is
    ignored by the list (decision 0014), so it is not counted either."""
    return request.method == "POST" and bool(str(request.POST.get("q") or "").strip())


@limite_debit("recherche", si=_cherche)
def liste(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # The search form is sent by POST: the text typed (a name, a numéro unique) never appears in a URL.
        return redirect(
            recherches.url_de_recherche(
                request, base=reverse("demandes:liste"), champ="q", filtres=RechercheForm.FILTRES
            )
        )
    donnees, recherche_perdue = recherches.donnees_de_recherche(request, champ="q")
    # Read by pages, its count bounded: the perimeter is checked along the walk (decision 0023).
    form, qs = _formulaire_et_demandes(request.user, donnees, par_ligne=True)
    # Counted up to BORNE_LISTE demands, once per state of the file (attrib.demandes.comptes, decision 0023).
    page = PaginateurCompte(qs, PAR_PAGE, borne=BORNE_LISTE).get_page(request.GET.get("page"))
    jour = timezone.localdate()
    limite = _limite_echeance(jour)
    lignes = [
        {
            "demande": d,
            "demandeur": f"{d.demandeur_prenoms or ''} {d.demandeur_nom or ''}".strip() or "—",  # type: ignore[attr-defined]
            "composition": f"{d.nb_personnes} personne{'s' if d.nb_personnes > 1 else ''}",  # type: ignore[attr-defined]
            "anciennete": _anciennete(d.date_depot_initiale, jour),
            "echeance_proche": d.statut == enums.StatutDemande.ACTIVE and d.date_echeance <= limite,
        }
        for d in selectors.lignes_de_page(qs, page.object_list)
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
            "recherche_perdue": recherche_perdue,
            "peut_exporter_nominatif": permissions.peut_exporter_donnees_personnelles(acteur_de(request.user)),
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
    voit_sensible = permissions.peut_voir_situations_sensibles(acteur_de(user))
    personnes = sorted(demande.personnes.all(), key=lambda p: (_ORDRE_ROLES[p.role], p.pk))
    doublons = list(
        DoublonPotentiel.objects.filter(Q(demande_a=demande) | Q(demande_b=demande))
        .select_related("demande_a", "demande_b", "decide_par")
        .order_by("statut", "-score")
    )
    autres = {d.demande_a_id for d in doublons} | {d.demande_b_id for d in doublons}
    visibles = (
        set(Demande.objects.visible_to(acteur_de(user)).filter(pk__in=autres).values_list("pk", flat=True))
        if autres
        else set()
    )
    active = demande.statut == enums.StatutDemande.ACTIVE
    peut_modifier = active and permissions.peut_modifier_demande(acteur_de(user), demande)
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
            "labels": labels_affiches(demande, voit_sensible, timezone.localdate()),
            "voit_sensible": voit_sensible,
            "anciennete": _anciennete(demande.date_depot_initiale, timezone.localdate()),
            "attestations": documents.instantanes(demande, NatureDocument.ATTESTATION),
            "peut_modifier": peut_modifier,
            "peut_donnees_personnelles": permissions.peut_modifier_demande(acteur_de(user), demande),
            "peut_renouveler": peut_modifier,
            "peut_decision_dalo": active and permissions.peut_enregistrer_decision_dalo(acteur_de(user), demande),
            "suivi_dalo": section_demande(acteur_de(user), demande.pk, timezone.localdate()),
            "peut_radier": active and permissions.peut_radier_demande(acteur_de(user), demande),
            "peut_deposer": active and (peut_modifier or permissions.peut_valider_pieces(acteur_de(user))),
            "peut_valider": active and permissions.peut_valider_pieces(acteur_de(user)),
            "peut_doublons": permissions.peut_traiter_doublons(acteur_de(user)),
            "ressources": [
                (p, sum((getattr(p, f) for f in Personne.RESSOURCES), Decimal("0")), p.pension_alimentaire_versee)
                for p in personnes
                if any(getattr(p, f) for f in RESSOURCES_PERSONNE)
            ],
        },
    )


_ORDRE_ROLES: dict[str, int] = {
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
        return capfirst(str(Demande._meta.get_field(champ).verbose_name))  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return champ


_CLE_CHAMP_PERSONNE = re.compile(r"^personnes\[(.+)\]\.(\w+)$")
_QUI = {enums.RolePersonne.DEMANDEUR.value: "Demandeur", enums.RolePersonne.CODEMANDEUR.value: "Co-demandeur"}


def _valeur_personne(champ: str, valeur: Any) -> str:
    """A person's field in the history, as the demand page shows it."""
    if valeur is None or valeur == "":
        return "—"
    try:
        field = Personne._meta.get_field(champ)
    except FieldDoesNotExist:
        return str(valeur)
    if champ == "secteur_essentiel":
        return Personne(secteur_essentiel=str(valeur)).secteur_essentiel_libelle
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(valeur, valeur))  # type: ignore[union-attr]
    if isinstance(valeur, bool):
        return "Oui" if valeur else "Non"
    if field.get_internal_type() == "DateField":
        try:
            return date_format(date.fromisoformat(str(valeur)), "d/m/Y")
        except ValueError:
            return str(valeur)
    if field.get_internal_type() == "DecimalField":
        return f"{str(valeur).replace('.', ',')} €"
    return str(valeur)


def _libelle_champ_personne(qui: str, champ: str) -> str:
    try:
        libelle = capfirst(str(Personne._meta.get_field(champ).verbose_name))  # type: ignore[union-attr]
    except FieldDoesNotExist:
        libelle = champ
    return f"{_QUI.get(qui, qui)} — {libelle}"


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
            if m := _CLE_CHAMP_PERSONNE.match(champ):
                if m.group(2) == "handicap" and not voit_sensible:
                    continue
                lignes.append(
                    (
                        _libelle_champ_personne(m.group(1), m.group(2)),
                        _valeur_personne(m.group(2), avant),
                        _valeur_personne(m.group(2), apres),
                    )
                )
                continue
            lignes.append((_libelle_champ(champ), _valeur_demande(champ, avant), _valeur_demande(champ, apres)))
        resultat.append({"evenement": e, "changements": lignes})
    return resultat


# --- Attestation ----------------------------------------------------------------------------


def attestation(request: HttpRequest, pk: int) -> HttpResponse:
    """The attestation as established at the registration or the last renewal (``?version=N``: an earlier
    one), served as stored: the same bytes on every download."""
    demande = _demande_visible(request, pk)
    brut = request.GET.get("version", "")
    if brut and not (brut.isdigit() and 0 < int(brut) < 10_000):
        raise Http404("Version introuvable.")
    document = attestation_a_servir(demande, auteur=acteur_de(request.user), version=int(brut) if brut else None)
    response = HttpResponse(document.octets, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.nom_fichier}"'
    return response


# --- Registration wizard --------------------------------------------------------------------


def _filtres_export(request: HttpRequest) -> dict[str, Any]:
    donnees = _donnees_liste(request)
    return {cle: donnees.getlist(cle) for cle in donnees if cle != "page"}


def _perimetre_export(request: HttpRequest) -> str:
    return "liste des demandes visibles" + (", filtrée" if _filtres_export(request) else "")


def _exiger_donnees_personnelles(request: HttpRequest) -> None:
    if not permissions.peut_exporter_donnees_personnelles(acteur_de(request.user)):
        raise PermissionDenied(permissions.REFUS_DONNEES_PERSONNELLES)


def _lancer_export(request: HttpRequest, format_fichier: str) -> HttpResponse:
    """The export is written by the worker; its page shows the progress, then the file to download."""
    _exiger_donnees_personnelles(request)
    travail = travaux.export_lancer(
        user=request.user, format_fichier=format_fichier, parametres=_filtres_export(request)
    )
    return redirect("taches:travail", pk=travail.pk)


@limite_debit("export")
def export_csv(request: HttpRequest) -> HttpResponse:
    """The demands of the list (same search and filters) in the interchange format."""
    return _lancer_export(request, "csv")


@limite_debit("export")
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _lancer_export(request, "xlsx")


def _export_effectifs(request: HttpRequest, format_fichier: str) -> HttpResponse:
    """The number of demands of the list (same search and filters) by first wished commune, typology and
    status: no name, no date of birth, no contact, no income. Open to whoever sees the list."""
    _, qs = _liste_filtree(request)
    lignes = importexport.effectifs_demandes(demandes=qs, acteur=acteur_de(request.user))
    if format_fichier == "csv":
        contenu, type_ = tableurs.csv_octets(importexport.ENTETE_EFFECTIFS, lignes), tableurs.TYPE_CSV
    else:
        classeur = tableurs.Classeur()
        feuille = classeur.feuille("Effectifs")
        feuille.ajouter(importexport.ENTETE_EFFECTIFS, gras=True)
        for ligne in lignes:
            feuille.ajouter(ligne)
        feuille.largeurs((34, 18, 12, 12))
        feuille.figer("A2")
        contenu, type_ = classeur.octets(), tableurs.TYPE_XLSX
    export_journaliser(
        objet=Demande,
        export="des effectifs de demandes",
        format_fichier=format_fichier,
        lignes=len(lignes),
        auteur=request.user,
        perimetre=_perimetre_export(request),
        details={"filtres": _filtres_export(request), "demandes": sum(ligne[-1] for ligne in lignes)},
    )
    return reponse_fichier(contenu, f"effectifs-demandes-{timezone.localdate():%Y%m%d}.{format_fichier}", type_)


@limite_debit("export")
def export_effectifs_csv(request: HttpRequest) -> HttpResponse:
    return _export_effectifs(request, "csv")


@limite_debit("export")
def export_effectifs_xlsx(request: HttpRequest) -> HttpResponse:
    return _export_effectifs(request, "xlsx")
