"""Acting on a registered demand: renewal, radiation, modification; the import of a file of demands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from attrib.common.view_helpers import exiger
from attrib.demandes import enums, importexport
from attrib.demandes.forms import (
    CHAMPS_COMMUNES,
    CoordonneesForm,
    EmploiForm,
    ImportForm,
    ModificationRechercheForm,
    ModificationRessourcesForm,
    RadiationForm,
    RenouvellementForm,
    resume_erreurs,
)
from attrib.demandes.models import Personne
from attrib.demandes.services import demande_modifier, demande_radier, demande_renouveler
from attrib.demandes.views.commun import _choix_communes, _demande_visible, _organisation_agissante, communes_proposees
from attrib.demandes.views.enregistrement import _CLE_LISTE, _CLE_PERSONNE, _erreurs_service, _valides
from attrib.organisations import permissions


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
