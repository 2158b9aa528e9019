"""The household's own acts on its demand, from « Ma demande » (issue 13 point 2, decision 0027): provide the
documents awaited (from a phone too), download them, update every part of the CERFA, renew the demand, withdraw it.

The forms are the desk's own (``attrib.demandes.forms``) and the writes its services (``attrib.demandes``), called
with the applicant's actor: the same validation and the same messages as at the desk. What the applicant may do
depends on the quality of its link (``attrib.demandes.permissions``); a page it may not use answers 404, like
one that does not exist. After an update or a renewal the score is already recomputed (in the service's
transaction): « Ma demande » then says what changed (``attrib.demandeurs.actes.changement``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import donnees_postees, exiger, placer_erreurs, servir_fichier
from attrib.demandes import enums, pieces
from attrib.demandes.forms import (
    CHAMPS_COMMUNES,
    CHAMPS_PERSONNE_MENAGE,
    CoordonneesForm,
    EmploiForm,
    MenageFormSet,
    ModificationLogementForm,
    ModificationRechercheForm,
    ModificationRessourcesForm,
    PieceDepotForm,
    RenouvellementForm,
    RessourcesPersonneForm,
)
from attrib.demandes.models import Demande, Personne, PieceJustificative
from attrib.demandes.permissions import ACTES_PAR_QUALITE, ActeDemandeur, qualite_de
from attrib.demandes.recherche import _choix_communes, communes_proposees
from attrib.demandes.services import demande_modifier, demande_radier, demande_renouveler
from attrib.demandeurs import actes, selectors
from attrib.demandeurs.forms_actes import RetraitForm
from attrib.demandeurs.models import Qualite
from attrib.demandeurs.views import espace_demandeur
from attrib.organisations.acteurs import Refus

_CLE_PERSONNE = re.compile(r"^personnes\[(\d+)\]\.(\w+)$")
_CLE_LISTE = re.compile(r"^(communes|motifs_secondaires)\[(\d+)\]$")
_CHAMPS_PERSONNE = [
    f.name for f in Personne._meta.concrete_fields if f.editable and not f.primary_key and f.name != "demande"
]


def _demande(request: HttpRequest, pk: int, acte: ActeDemandeur) -> tuple[Demande, str]:
    """The applicant's active demand ``pk`` and the quality of its link, when that quality may do ``acte``."""
    objet = selectors.demande_de(request.acteur, pk)  # type: ignore[attr-defined]
    qualite = qualite_de(request.acteur, objet) if objet is not None else None  # type: ignore[attr-defined]
    exiger(objet is not None and qualite is not None and acte in ACTES_PAR_QUALITE.get(qualite, frozenset()))
    assert objet is not None and qualite is not None
    exiger(objet.statut == enums.StatutDemande.ACTIVE)
    return objet, qualite


def _retour(demande: Demande, ancre: str = "") -> HttpResponse:
    return redirect(reverse("demandeurs:demande", args=[demande.pk]) + (f"#{ancre}" if ancre else ""))


def _expliquer(request: HttpRequest, demande: Demande, avant: dict[str, Any], objet: str) -> None:
    """Keep, for « Ma demande », the score and position before and after the write (already recomputed)."""
    request.session[actes.cle_changement(demande.pk)] = {
        "objet": objet,
        "avant": avant,
        "apres": actes.releve(Demande.objects.get(pk=demande.pk)),
    }


# --- documents ---------------------------------------------------------------------------------------------------


def _piece(request: HttpRequest, pk: int, piece_pk: int, *, active: bool) -> tuple[Demande, PieceJustificative]:
    objet = selectors.demande_de(request.acteur, pk)  # type: ignore[attr-defined]
    exiger(objet is not None)
    assert objet is not None
    piece = get_object_or_404(PieceJustificative, pk=piece_pk, demande=objet)
    acte = ActeDemandeur.CONFIDENTIEL if piece.sensible else ActeDemandeur.DEPOSER_PIECE
    qualite = qualite_de(request.acteur, objet)  # type: ignore[attr-defined]
    exiger(qualite is not None and acte in ACTES_PAR_QUALITE.get(qualite, frozenset()))
    exiger(not active or objet.statut == enums.StatutDemande.ACTIVE)
    return objet, piece


@espace_demandeur
@require_http_methods(["GET", "POST"])
def piece_deposer(request: HttpRequest, pk: int, piece_pk: int) -> HttpResponse:
    objet, piece = _piece(request, pk, piece_pk, active=True)
    form = PieceDepotForm(donnees_postees(request), request.FILES or None, prefix="piece")
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                pieces.piece_deposer(piece=piece, fichier=form.cleaned_data["fichier"], auteur=request.acteur)  # type: ignore[attr-defined]
            except ValidationError as exc:
                placer_erreurs(exc, form)
            except Refus:
                raise Http404("Page introuvable.") from None
            else:
                messages.success(
                    request, "Votre pièce est bien reçue : votre guichet va la vérifier. Vous verrez ici son résultat."
                )
                return _retour(objet, f"piece-{piece.pk}")
        statut = 400
    return render(
        request,
        "demandeurs/actes/piece.html",
        {"demande": objet, "piece": piece, "form": form, "erreurs": resume_erreurs([form])},
        status=statut,
    )


@espace_demandeur
def piece_fichier(request: HttpRequest, pk: int, piece_pk: int) -> FileResponse:
    """The file of a document, to whoever follows the demand and may see that document (never a URL of the
    storage: ``MEDIA_ROOT`` is served by no route)."""
    _, piece = _piece(request, pk, piece_pk, active=False)
    exiger(bool(piece.fichier))
    return servir_fichier(piece.fichier, pieces.nom_telechargement(piece))


# --- updates of the CERFA -----------------------------------------------------------------------------------------


@dataclass
class Saisie:
    """One part of the CERFA the household updates: its forms, what they change, where the service's errors go."""

    formulaires: list[Any]
    #: The arguments of ``demande_modifier`` (``None``: nothing changed), once every form is valid.
    changements: Callable[[], dict[str, Any] | None]
    placer: Callable[[ValidationError], None]
    #: A formset that may grow by one row (« Ajouter une personne »).
    formset: Any = None


def _personnes(demande: Demande) -> list[Personne]:
    return list(demande.personnes.order_by("id"))


def _nom(p: Personne) -> str:
    return f"{p.prenoms} {p.nom}".strip()


def _avec(personnes: Sequence[Personne], saisies: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every person of the household as the service takes them, with what was typed for some of them."""
    return [{**{n: getattr(p, n) for n in _CHAMPS_PERSONNE}, **saisies.get(p.pk, {})} for p in personnes]


def _placer_generique(
    exc: ValidationError, formulaires: Sequence[Any], par_personne: dict[int, list[Any]] | None = None
) -> None:
    """Each service error on the form (and field) it names; ``personnes[i].x`` on the i-th person's forms."""
    erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for cle, liste in erreurs.items():
        candidats: Sequence[Any] = formulaires
        champ = cle
        if (m := _CLE_PERSONNE.match(cle)) and par_personne is not None:
            candidats = par_personne.get(int(m.group(1)), []) or formulaires
            champ = m.group(2)
        elif m := _CLE_LISTE.match(cle):
            champ = m.group(1)
            recherche = next((f for f in formulaires if isinstance(f, ModificationRechercheForm)), None)
            if champ == "communes" and recherche is not None:
                champ = recherche.champ_commune(int(m.group(2)))
        elif cle == "communes":
            champ = CHAMPS_COMMUNES[0]
        cible = next((f for f in candidats if champ in f.fields), None)
        for message in liste:
            if cible is not None:
                cible.add_error(champ, message)
            else:
                formulaires[0].add_error(None, message)


def _changees(form: Any, exclus: Sequence[str] = ()) -> dict[str, Any]:
    return {n: form.cleaned_data[n] for n in form.changed_data if n in form.cleaned_data and n not in exclus}


#: What only the household itself reads and changes: a disability (health) and the motives, which may say
#: violence or health (decision 0026 §10: the people it gave access to may be at home with it).
CHAMPS_CONFIDENTIELS_PERSONNE = ("handicap",)
CHAMPS_CONFIDENTIELS_DEMANDE = ("motif_principal", "motifs_secondaires")


def _sans_confidentiel(form: Any, champs: Sequence[str]) -> None:
    for nom in champs:
        form.fields.pop(nom, None)


def _saisie_menage(demande: Demande, donnees: Any, action: str, confidentiel: bool) -> Saisie:
    personnes = sorted(_personnes(demande), key=lambda p: (p.role != enums.RolePersonne.DEMANDEUR, p.pk))
    initial = [{n: getattr(p, n) for n in CHAMPS_PERSONNE_MENAGE} for p in personnes]
    if action == "ajouter_personne" and donnees is not None:
        donnees = donnees.copy()
        total = str(donnees.get("personnes-TOTAL_FORMS") or "")
        donnees["personnes-TOTAL_FORMS"] = str(min((int(total) if total.isdigit() else len(personnes)) + 1, 20))
    formset = MenageFormSet(donnees, prefix="personnes", initial=initial)
    if not confidentiel:
        for form in formset.forms:
            _sans_confidentiel(form, CHAMPS_CONFIDENTIELS_PERSONNE)

    def changements() -> dict[str, Any] | None:
        gardees = formset.lignes_gardees()  # type: ignore[attr-defined]
        if not formset.has_changed() and len(gardees) == len(personnes):
            return None
        # What the reader could not see is kept as recorded (a person added has none).
        gardes = () if confidentiel else CHAMPS_CONFIDENTIELS_PERSONNE
        return {
            "personnes": [
                {**d, **{n: getattr(personnes[i], n) for n in gardes if i < len(personnes)}} for i, d in gardees
            ]
        }

    def placer(exc: ValidationError) -> None:
        lignes = [i for i, _ in formset.lignes_gardees()]  # type: ignore[attr-defined]
        par_personne = {n: [formset.forms[i]] for n, i in enumerate(lignes)}
        _placer_generique(exc, [formset.forms[lignes[0] if lignes else 0]], par_personne)

    return Saisie(formulaires=[formset], changements=changements, placer=placer, formset=formset)


def _saisie_ressources(demande: Demande, donnees: Any) -> Saisie:
    personnes = _personnes(demande)
    menage = ModificationRessourcesForm(donnees, instance=demande)
    par_personne = {
        p.pk: RessourcesPersonneForm(
            donnees, instance=p, prefix=f"ressources-personne-{i}", titre=f"Ressources mensuelles de {_nom(p)}"
        )
        for i, p in enumerate(personnes)
    }

    def changements() -> dict[str, Any] | None:
        champs = _changees(menage)
        changees = {pk: f.cleaned_data for pk, f in par_personne.items() if f.has_changed()}
        if not champs and not changees:
            return None
        return {"donnees": champs, "personnes": _avec(personnes, changees) if changees else None}

    formulaires = [menage, *par_personne.values()]
    index = {i: [par_personne[p.pk]] for i, p in enumerate(personnes)}
    return Saisie(
        formulaires=formulaires, changements=changements, placer=lambda e: _placer_generique(e, formulaires, index)
    )


def _saisie_logement(demande: Demande, donnees: Any, confidentiel: bool) -> Saisie:
    form = ModificationLogementForm(donnees, instance=demande)
    if not confidentiel:
        _sans_confidentiel(form, CHAMPS_CONFIDENTIELS_DEMANDE)

    def changements() -> dict[str, Any] | None:
        champs = _changees(form, exclus=("motifs_secondaires",))
        motifs = form.cleaned_data.get("motifs_secondaires") if "motifs_secondaires" in form.changed_data else None
        if not champs and motifs is None:
            return None
        return {"donnees": champs, "motifs_secondaires": motifs}

    return Saisie(formulaires=[form], changements=changements, placer=lambda e: _placer_generique(e, [form]))


def _saisie_recherche(demande: Demande, donnees: Any) -> Saisie:
    choix = _choix_communes(communes_proposees([demande.guichet]))
    proposees = {code for code, _ in choix}
    choix += [  # a commune wished outside the desk's EPCI stays selectable, as at the desk
        (cs.commune_id, f"{cs.commune.nom} ({cs.commune_id})")
        for cs in demande.communes_souhaitees.select_related("commune").order_by("rang")
        if cs.commune_id not in proposees
    ]
    form = ModificationRechercheForm(donnees, instance=demande, communes=choix)

    def changements() -> dict[str, Any] | None:
        champs = _changees(form, exclus=CHAMPS_COMMUNES)
        communes = form.communes() if any(n in form.changed_data for n in CHAMPS_COMMUNES) else None
        if not champs and communes is None:
            return None
        return {"donnees": champs, "communes": communes}

    return Saisie(formulaires=[form], changements=changements, placer=lambda e: _placer_generique(e, [form]))


def _saisie_coordonnees(demande: Demande, donnees: Any) -> Saisie:
    personnes = _personnes(demande)
    demandeur = next((p for p in personnes if p.role == enums.RolePersonne.DEMANDEUR), None)
    exiger(demandeur is not None)
    assert demandeur is not None
    coordonnees = CoordonneesForm(donnees, instance=demandeur)
    emplois = {demandeur.pk: EmploiForm(donnees, instance=demandeur, prefix="emploi_demandeur")}
    codemandeur = next((p for p in personnes if p.role == enums.RolePersonne.CODEMANDEUR), None)
    if codemandeur is not None:
        emplois[codemandeur.pk] = EmploiForm(
            donnees, instance=codemandeur, prefix="emploi_codemandeur", titre="Emploi du co-demandeur"
        )

    def changements() -> dict[str, Any] | None:
        saisies: dict[int, dict[str, Any]] = {}
        if coordonnees.has_changed():
            saisies[demandeur.pk] = dict(coordonnees.cleaned_data)
        for pk, f in emplois.items():
            if f.has_changed():
                saisies[pk] = {**saisies.get(pk, {}), **f.cleaned_data}
        return {"personnes": _avec(personnes, saisies)} if saisies else None

    formulaires = [coordonnees, *emplois.values()]
    index = {
        i: [f for f in (coordonnees if p.pk == demandeur.pk else None, emplois.get(p.pk)) if f is not None]
        for i, p in enumerate(personnes)
    }
    return Saisie(
        formulaires=formulaires, changements=changements, placer=lambda e: _placer_generique(e, formulaires, index)
    )


def _saisie(section: str, demande: Demande, donnees: Any, action: str, *, confidentiel: bool) -> Saisie:
    """The forms of ``section``; ``confidentiel``: the reader is the household itself (else the fields that may
    reveal violence or health are left out, and kept as recorded)."""
    if section == "menage":
        return _saisie_menage(demande, donnees, action, confidentiel)
    if section == "logement":
        return _saisie_logement(demande, donnees, confidentiel)
    return {
        "ressources": _saisie_ressources,
        "recherche": _saisie_recherche,
        "coordonnees": _saisie_coordonnees,
    }[section](demande, donnees)


def _valides(formulaires: Sequence[Any]) -> bool:
    return all([f.is_valid() for f in formulaires])  # every form checked, to show every error at once


@espace_demandeur
@require_http_methods(["GET", "POST"])
def modifier(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    exiger(section in actes.SECTIONS)
    objet, qualite = _demande(request, pk, ActeDemandeur.MODIFIER)
    action = request.POST.get("action", "enregistrer") if request.method == "POST" else ""
    saisie = _saisie(
        section,
        objet,
        request.POST if request.method == "POST" else None,
        action,
        confidentiel=ActeDemandeur.CONFIDENTIEL in ACTES_PAR_QUALITE.get(qualite, frozenset()),
    )
    statut = 200
    if action == "ajouter_personne":
        return _rendre_section(request, objet, section, saisie, ajout=True)
    if request.method == "POST":
        if _valides(saisie.formulaires):
            arguments = saisie.changements()
            if arguments is None:
                messages.info(request, "Vous n'avez rien changé : votre demande reste telle qu'elle était.")
                return _retour(objet)
            avant = actes.releve(objet)
            try:
                demande_modifier(
                    demande=objet,
                    auteur=request.acteur,  # type: ignore[attr-defined]
                    resume=f"Mise à jour en ligne ({Qualite(qualite).label.lower()}) : {actes.SECTIONS[section].objet}.",
                    **{k: v for k, v in arguments.items() if v is not None},
                )
            except ValidationError as exc:
                saisie.placer(exc)
            except Refus:
                raise Http404("Page introuvable.") from None
            else:
                _expliquer(request, objet, avant, actes.SECTIONS[section].objet)
                messages.success(request, "Votre demande est mise à jour.")
                return _retour(objet, "changement-score")
        statut = 400
    return _rendre_section(request, objet, section, saisie, statut=statut)


def _rendre_section(
    request: HttpRequest, demande: Demande, section: str, saisie: Saisie, *, statut: int = 200, ajout: bool = False
) -> HttpResponse:
    erreurs = [] if ajout else resume_erreurs(saisie.formulaires)
    return render(
        request,
        "demandeurs/actes/modifier.html",
        {
            "demande": demande,
            "section": section,
            "infos": actes.SECTIONS[section],
            "formulaires": [] if saisie.formset is not None else saisie.formulaires,
            "formset": saisie.formset,
            "erreurs": erreurs,
            "ancre": f"personne-{saisie.formset.total_form_count()}" if ajout else "",
        },
        status=statut,
    )


# --- renewal, withdrawal ----------------------------------------------------------------------------------------


@espace_demandeur
@require_http_methods(["GET", "POST"])
def renouveler(request: HttpRequest, pk: int) -> HttpResponse:
    objet, _ = _demande(request, pk, ActeDemandeur.RENOUVELER)
    fenetre = actes.fenetre_renouvellement(objet)
    form = RenouvellementForm(donnees_postees(request), instance=objet, prefix="renouvellement")
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            avant = actes.releve(objet)
            try:
                renouvelee = demande_renouveler(
                    demande=objet,
                    auteur=request.acteur,  # type: ignore[attr-defined]
                    donnees=form.modifications(),
                )
            except ValidationError as exc:
                placer_erreurs(exc, form)
            else:
                _expliquer(request, objet, avant, "renouvellement")
                messages.success(
                    request,
                    f"Votre demande est renouvelée : elle est valable jusqu'au "
                    f"{date_format(renouvelee.date_echeance, 'j F Y')}. Vous allez recevoir la confirmation.",
                )
                return _retour(objet, "statut-titre")
        statut = 400
    return render(
        request,
        "demandeurs/actes/renouveler.html",
        {"demande": objet, "form": form, "fenetre": fenetre, "erreurs": resume_erreurs([form])},
        status=statut,
    )


@espace_demandeur
@require_http_methods(["GET", "POST"])
def retirer(request: HttpRequest, pk: int) -> HttpResponse:
    objet, _ = _demande(request, pk, ActeDemandeur.RETIRER)
    form = RetraitForm(donnees_postees(request), prefix="retrait")
    statut = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                demande_radier(
                    demande=objet,
                    auteur=request.acteur,  # type: ignore[attr-defined]
                    motif=enums.MotifRadiation.RENONCIATION,
                )
            except ValidationError as exc:
                placer_erreurs(exc, form)
            else:
                messages.success(
                    request,
                    "Votre demande est retirée. Vous allez recevoir la confirmation. Si vous avez de nouveau besoin "
                    "d'un logement social, vous pourrez déposer une nouvelle demande.",
                )
                return _retour(objet)
        statut = 400
    return render(
        request,
        "demandeurs/actes/retirer.html",
        {"demande": objet, "form": form, "erreurs": resume_erreurs([form])},
        status=statut,
    )
