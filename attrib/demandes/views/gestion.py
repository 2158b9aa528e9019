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

from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import exiger
from attrib.demandes import enums, importexport, selectors, travaux
from attrib.demandes.forms import (
    CHAMPS_COMMUNES,
    CoordonneesForm,
    DecisionDaloForm,
    EmploiForm,
    ImportForm,
    MenageFormSet,
    ModificationLogementForm,
    ModificationRechercheForm,
    ModificationRessourcesForm,
    ModificationSituationsForm,
    RadiationForm,
    RenouvellementForm,
)
from attrib.demandes.models import Personne
from attrib.demandes.recherche import _choix_communes, communes_proposees
from attrib.demandes.services import (
    demande_decision_dalo_enregistrer,
    demande_modifier,
    demande_radier,
    demande_renouveler,
)
from attrib.demandes.views.commun import _demande_active, _organisation_agissante
from attrib.demandes.views.enregistrement import _CLE_LISTE, _CLE_PERSONNE, _erreurs_service, _valides
from attrib.organisations import permissions
from attrib.organisations.acteurs import acteur_de


@require_http_methods(["GET", "POST"])
def renouveler(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande_active(request, pk, permissions.peut_modifier_demande)
    form = RenouvellementForm(request.POST or None, instance=demande, prefix="renouvellement")
    if request.method == "POST" and form.is_valid():
        try:
            demande = demande_renouveler(
                demande=demande,
                auteur=acteur_de(request.user),
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
    demande = _demande_active(request, pk, permissions.peut_radier_demande)
    form = RadiationForm(request.POST or None, prefix="radiation")
    if request.method == "POST" and form.is_valid():
        try:
            demande = demande_radier(
                demande=demande,
                auteur=acteur_de(request.user),
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
    demande = _demande_active(request, pk, permissions.peut_modifier_demande)
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
    # The sections added to this page are left as they are when a client posts without them.
    logement = ModificationLogementForm(_si_postee(donnees, "logement"), instance=demande)
    situations = ModificationSituationsForm(
        _si_postee(donnees, "situations"),
        instance=demande,
        priorites=[(p.code, str(p)) for p in selectors.priorites_visibles(request.user)],
    )
    coordonnees = CoordonneesForm(donnees, instance=demandeur)
    codemandeur = next((p for p in personnes if p.role == enums.RolePersonne.CODEMANDEUR), None)
    emplois = {demandeur.pk: EmploiForm(donnees, instance=demandeur, prefix="emploi_demandeur")}  # type: ignore[union-attr]
    if codemandeur is not None:
        emplois[codemandeur.pk] = EmploiForm(
            donnees, instance=codemandeur, prefix="emploi_codemandeur", titre="Emploi du co-demandeur"
        )
    formulaires = [recherche, ressources, logement, situations, coordonnees, *emplois.values()]
    postes = [f for f in formulaires if f.is_bound]
    if request.method == "POST" and _valides({str(i): f for i, f in enumerate(postes)}):
        champs = {
            n: v
            for form in (recherche, ressources, logement, situations)
            if form.is_bound
            for n, v in form.cleaned_data.items()
            if n in form.changed_data and n not in (*CHAMPS_COMMUNES, "motifs_secondaires", "priorites")
        }
        communes_changees = any(n in recherche.changed_data for n in CHAMPS_COMMUNES)
        motifs = None
        if logement.is_bound and "motifs_secondaires" in logement.changed_data:
            motifs = logement.cleaned_data["motifs_secondaires"]
        priorites = None
        if situations.is_bound and "priorites" in situations.changed_data:
            # A sensitive situation the user cannot see (so could not tick) is kept as it is.
            proposees = {code for code, _ in situations.fields["priorites"].choices}  # type: ignore[attr-defined]
            cachees = [c for c in situations.initial.get("priorites", []) if c not in proposees]
            priorites = [*situations.cleaned_data["priorites"], *cachees]
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
        if (
            not champs
            and not communes_changees
            and nouvelles_personnes is None
            and motifs is None
            and priorites is None
        ):
            messages.info(request, "Aucune modification : la demande est inchangée.")
            return redirect("demandes:detail", pk=demande.pk)
        try:
            demande_modifier(
                demande=demande,
                auteur=acteur_de(request.user),
                organisation=_organisation_agissante(request.user, demande),
                donnees=champs,
                communes=recherche.communes() if communes_changees else None,
                personnes=nouvelles_personnes,
                motifs_secondaires=motifs,
                priorites=priorites,
            )
        except ValidationError as exc:
            _erreurs_modification(exc, recherche, ressources, coordonnees, emplois, personnes, (logement, situations))
        else:
            messages.success(request, f"Demande {demande.numero_unique} modifiée.")
            return redirect("demandes:detail", pk=demande.pk)
    return render(
        request,
        "demandes/modifier.html",
        {"demande": demande, "formulaires": formulaires, "erreurs": resume_erreurs(formulaires)},
    )


def _si_postee(donnees: Any, prefixe: str) -> Any:
    """The posted data when the page posted the section ``prefixe``, else ``None`` (the form stays unbound)."""
    if donnees is None or not any(cle.startswith(f"{prefixe}-") for cle in donnees):
        return None
    return donnees


def _erreurs_modification(
    exc: ValidationError,
    recherche: Any,
    ressources: Any,
    coordonnees: Any,
    emplois: dict[int, Any] | None = None,
    personnes: Sequence[Personne] = (),
    autres: Sequence[Any] = (),
) -> None:
    erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for cle, liste in erreurs.items():
        for message in liste:
            m = _CLE_PERSONNE.match(cle)
            emploi = None
            if m and int(m.group(1)) < len(personnes):
                emploi = (emplois or {}).get(personnes[int(m.group(1))].pk)
            de_liste = _CLE_LISTE.match(cle)
            nom_liste = de_liste.group(1) if de_liste else cle
            autre = next((f for f in autres if f.is_bound and nom_liste in f.fields), None)
            if autre is not None:
                autre.add_error(nom_liste, message)
            elif m := _CLE_LISTE.match(cle):
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


_ORDRE_ROLES = {
    enums.RolePersonne.DEMANDEUR: 0,
    enums.RolePersonne.CODEMANDEUR: 1,
    enums.RolePersonne.PERSONNE_A_LOGER: 2,
}


def _initial_menage(personnes: Sequence[Personne]) -> list[dict[str, Any]]:
    from attrib.demandes.forms import CHAMPS_PERSONNE_MENAGE

    return [{n: getattr(p, n) for n in CHAMPS_PERSONNE_MENAGE} for p in personnes]


@require_http_methods(["GET", "POST"])
def modifier_menage(request: HttpRequest, pk: int) -> HttpResponse:
    """The household of a registered demand: add or remove a person, change anyone's identity, nationality,
    situation, contact or resources. Nothing is written until « Enregistrer » (the add button only adds a row)."""
    demande = _demande_active(request, pk, permissions.peut_modifier_demande)
    personnes = sorted(demande.personnes.all(), key=lambda p: (_ORDRE_ROLES[enums.RolePersonne(p.role)], p.pk))
    initial = _initial_menage(personnes)
    action = request.POST.get("action", "enregistrer") if request.method == "POST" else ""
    if action == "ajouter_personne":
        donnees = request.POST.copy()
        total = int(t) if (t := str(donnees.get("personnes-TOTAL_FORMS") or "")).isdigit() else len(personnes)
        donnees["personnes-TOTAL_FORMS"] = str(min(total + 1, 20))
        formset = MenageFormSet(donnees, prefix="personnes", initial=initial)
        return _rendre_menage(request, demande, formset, ancre=f"personne-{total + 1}")
    formset = MenageFormSet(request.POST or None, prefix="personnes", initial=initial)
    if request.method == "POST" and formset.is_valid():
        gardees = formset.lignes_gardees()  # type: ignore[attr-defined]
        if not formset.has_changed() and len(gardees) == len(personnes):
            messages.info(request, "Aucune modification : le ménage est inchangé.")
            return redirect("demandes:detail", pk=demande.pk)
        try:
            demande_modifier(
                demande=demande,
                auteur=acteur_de(request.user),
                organisation=_organisation_agissante(request.user, demande),
                personnes=[donnees for _, donnees in gardees],
                resume=_resume_menage(personnes, gardees),
            )
        except ValidationError as exc:
            _erreurs_menage(exc, formset, [i for i, _ in gardees])
        else:
            messages.success(request, f"Ménage de la demande {demande.numero_unique} modifié.")
            return redirect("demandes:detail", pk=demande.pk)
    return _rendre_menage(request, demande, formset)


def _resume_menage(avant: Sequence[Personne], gardees: Sequence[tuple[int, dict[str, Any]]]) -> str:
    ajoutees = sum(1 for i, _ in gardees if i >= len(avant))
    retirees = len(avant) - (len(gardees) - ajoutees)
    morceaux = ["Ménage modifié"]
    if ajoutees:
        morceaux.append(f"{ajoutees} personne{'s' if ajoutees > 1 else ''} ajoutée{'s' if ajoutees > 1 else ''}")
    if retirees:
        morceaux.append(f"{retirees} personne{'s' if retirees > 1 else ''} retirée{'s' if retirees > 1 else ''}")
    return " : ".join([morceaux[0], ", ".join(morceaux[1:])]) + "." if len(morceaux) > 1 else "Ménage modifié."


def _erreurs_menage(exc: ValidationError, formset: Any, lignes: Sequence[int]) -> None:
    """Service errors keyed ``personnes[i].champ`` on the row of the i-th person kept; the others on the first row."""
    erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for cle, liste in erreurs.items():
        for message in liste:
            m = _CLE_PERSONNE.match(cle)
            if m and int(m.group(1)) < len(lignes):
                form = formset.forms[lignes[int(m.group(1))]]
                form.add_error(m.group(2) if m.group(2) in form.fields else None, message)
            else:
                formset.forms[lignes[0] if lignes else 0].add_error(None, message)


def _rendre_menage(request: HttpRequest, demande: Any, formset: Any, ancre: str = "") -> HttpResponse:
    return render(
        request,
        "demandes/modifier_menage.html",
        {
            "demande": demande,
            "formset": formset,
            "erreurs": resume_erreurs([formset]) if formset.is_bound and not ancre else [],
            "ancre": ancre,
        },
    )


@require_http_methods(["GET", "POST"])
def decision_dalo(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the decision of the commission de médiation DALO on a demand: desks and the State."""
    demande = _demande_active(request, pk, permissions.peut_enregistrer_decision_dalo)
    form = DecisionDaloForm(request.POST or None, demande=demande, prefix="dalo")
    if request.method == "POST" and form.is_valid():
        try:
            demande = demande_decision_dalo_enregistrer(
                demande=demande,
                auteur=acteur_de(request.user),
                organisation=_organisation_agissante(request.user, demande),
                reconnu=form.cleaned_data["decision"] == "reconnu",
                date_decision=form.cleaned_data["date_decision"],
                commission=form.cleaned_data["commission"],
                sens=DecisionDaloForm.SENS[form.cleaned_data["decision"]],
            )
        except ValidationError as exc:
            champs = {
                "dalo_reconnu": "decision",
                "dalo_date_decision": "date_decision",
                "dalo_commission": "commission",
            }
            erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            for cle, liste in erreurs.items():
                for message in liste:
                    form.add_error(champs.get(cle), message)
        else:
            messages.success(request, f"Décision DALO enregistrée sur la demande {demande.numero_unique}.")
            return redirect("demandes:detail", pk=demande.pk)
    return render(
        request,
        "demandes/decision_dalo.html",
        {"demande": demande, "form": form, "erreurs": resume_erreurs([form])},
    )


# --- Supporting documents -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def importer(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file of demands and show what happened to each line."""
    exiger(permissions.peut_enregistrer_demande(acteur_de(request.user)))
    form = ImportForm(
        request.POST or None, request.FILES or None, guichets=permissions.guichets_de(acteur_de(request.user))
    )
    if request.method == "POST" and form.is_valid():
        # The worker imports; the job's page shows the progress, then the report line by line.
        fichier = form.cleaned_data["fichier"]
        fichier.seek(0)
        travail = travaux.import_lancer(
            user=request.user,
            guichet=form.cleaned_data["guichet"],
            nom_fichier=fichier.name,
            contenu=fichier,
            tout_ou_rien=form.cleaned_data["tout_ou_rien"],
        )
        return redirect("taches:travail", pk=travail.pk)
    return render(
        request,
        "demandes/importer.html",
        {"form": form, "erreurs": resume_erreurs([form]), "colonnes": importexport.COLONNES},
    )
