"""Writes on demands. Every function is atomic, keyword-only and leaves an entry in the audit trail.

Validation errors are raised as ``django.core.exceptions.ValidationError`` whose keys locate the
field: ``"revenu_fiscal_reference"``, ``"personnes[1].date_naissance"``, ``"communes[0]"``.

Every write takes its ``auteur`` (an :class:`~attrib.organisations.acteurs.Acteur`); an actor without the
right gets :class:`~attrib.organisations.acteurs.Refus` (the predicates of ``attrib.organisations.permissions``)
and nothing is written. The household itself, from its space, updates, renews and withdraws its own demand
(``attrib.demandes.permissions``, decision 0027): the same validation, the same messages as at the desk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.common.services import diff_champs, evenement_enregistrer
from attrib.demandes import enums, regles, suites
from attrib.demandes.attestation import attestation_etablir
from attrib.demandes.doublons import doublons_detecter
from attrib.demandes.models import (
    MESSAGE_DATE_EXPULSION,
    CommuneSouhaitee,
    CompteurNumero,
    Demande,
    MotifSecondaire,
    Personne,
    PrioriteLegale,
    SituationPrioritaire,
)
from attrib.demandes.normalisation import normaliser_nom
from attrib.demandes.permissions import REFUS_DEMANDEUR, ActeDemandeur, peut_agir_en_demandeur
from attrib.demandes.pieces import pieces_attendues_synchroniser
from attrib.engine import cycle_demande, siret, validation
from attrib.engine.erreurs import ParametresInvalides
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre
from attrib.organisations import permissions
from attrib.organisations.acteurs import Acteur, Refus, acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.territoires.models import Commune

CHAMPS_NON_MODIFIABLES = {
    "id",
    "numero_unique",
    "statut",
    "guichet",
    "departement",
    "date_depot_initiale",
    "date_enregistrement",
    "date_dernier_renouvellement",
    "date_echeance",
    "date_avis_renouvellement",
    "date_radiation",
    "motif_radiation",
    "commentaire_radiation",
    "cree_le",
    "modifie_le",
}


def _today(aujourd_hui: date | None) -> date:
    return aujourd_hui or timezone.localdate()


def _numero_unique_attribuer(*, departement: str, date_depot: date, code_guichet: str) -> str:
    """Next numéro unique (format in ``docs/formats/numero_unique.md``): DDD AA MM NNNNNNN GGGGG."""
    compteur, _ = CompteurNumero.objects.select_for_update().get_or_create(
        departement=departement, annee=date_depot.year
    )
    compteur.valeur += 1
    compteur.save(update_fields=["valeur"])
    return f"{departement.zfill(3)}{date_depot:%y%m}{compteur.valeur:07d}{code_guichet.upper():0>5}"


def _erreurs_prefixees(exc: ValidationError, prefixe: str) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {f"{prefixe}{k}": [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {prefixe.rstrip(".") or "__all__": exc.messages}


def _valider(instance: Any, prefixe: str, exclude: Sequence[str] = ()) -> dict[str, list[str]]:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return _erreurs_prefixees(exc, prefixe)
    return {}


def _snapshot(demande: Demande) -> dict[str, Any]:
    data = {
        f.name: getattr(demande, f.attname)
        for f in demande._meta.concrete_fields
        if f.name not in ("cree_le", "modifie_le")
    }
    data["communes"] = list(demande.communes_souhaitees.order_by("rang").values_list("commune_id", flat=True))
    data["motifs_secondaires"] = sorted(demande.motifs_secondaires.values_list("motif", flat=True))
    data["priorites"] = sorted(demande.situations_prioritaires.values_list("priorite_id", flat=True))
    personnes = list(demande.personnes.order_by("id"))
    data["personnes"] = [f"{p.role}:{p.prenoms} {p.nom} {p.date_naissance}" for p in personnes]
    data.update(_snapshot_personnes(personnes))
    return data


#: Fields of a person followed one by one in the audit trail (identity, nationality, situation, employment,
#: contact, resources), besides the list of persons itself.
CHAMPS_PERSONNE_SUIVIS = tuple(
    f.name for f in Personne._meta.concrete_fields if f.editable and f.name not in ("id", "demande", "role")
)


def cle_personne(role: str, prenoms: str, nom: str, date_naissance: Any, deja_vues: set[str]) -> str:
    """How a person is named in the keys of the audit trail: ``demandeur``, ``codemandeur`` (one of each per
    household, so that a change of name stays a change of that person), else first names and name (with the
    birth date when two persons share them)."""
    if role in (enums.RolePersonne.DEMANDEUR, enums.RolePersonne.CODEMANDEUR):
        return str(role)
    cle = f"{prenoms} {nom}".strip()
    return f"{cle} ({date_naissance})" if cle in deja_vues else cle


def _snapshot_personnes(personnes: Sequence[Personne]) -> dict[str, Any]:
    """``{"personnes[<qui>].<champ>": valeur}`` for every filled field of every person (an empty value is left
    out: a person added or removed shows only what was filled)."""
    data: dict[str, Any] = {}
    vues: set[str] = set()
    for p in personnes:
        qui = cle_personne(p.role, p.prenoms, p.nom, p.date_naissance, vues)
        vues.add(qui)
        for champ in CHAMPS_PERSONNE_SUIVIS:
            valeur = getattr(p, champ)
            if valeur in (None, "", False) or (isinstance(valeur, Decimal) and not valeur):
                continue
            data[f"personnes[{qui}].{champ}"] = valeur
    return data


def _verifier_menage(personnes: list[Personne], erreurs: dict[str, list[str]]) -> None:
    roles = [p.role for p in personnes]
    if roles.count(enums.RolePersonne.DEMANDEUR) != 1:
        erreurs.setdefault("personnes", []).append("Le ménage doit comporter exactement un demandeur.")
    if roles.count(enums.RolePersonne.CODEMANDEUR) > 1:
        erreurs.setdefault("personnes", []).append("Le ménage ne peut comporter qu'un seul co-demandeur.")


def _sans_prefixe(cles: Iterable[str], prefixe: str) -> list[str]:
    return [c.removeprefix(prefixe) for c in cles if c.startswith(prefixe)]


def _preparer_personnes(
    demande: Demande, personnes: Iterable[dict[str, Any]], erreurs: dict[str, list[str]], *, jour: date
) -> list[Personne]:
    """The persons as unsaved objects; the rule set of a person (``attrib.engine.validation``) first, then
    the model's own checks on the fields the rule set left clean (one message per field)."""
    personnes = list(personnes)
    regles_menage = validation.erreurs_menage(personnes, jour=max(jour, timezone.localdate()))
    erreurs.update(regles_menage)
    objets = []
    for i, donnees in enumerate(personnes):
        prefixe = f"personnes[{i}]."
        p = Personne(demande=demande, **donnees)
        p.nom_normalise = normaliser_nom(f"{p.nom} {p.prenoms}")[:260]
        p.nom_naissance_normalise = normaliser_nom(p.nom_naissance or "")[:100]
        p.employeur_siret = siret.normaliser(p.employeur_siret or "")
        exclus = ["demande", "nom_normalise", "nom_naissance_normalise", *_sans_prefixe(regles_menage, prefixe)]
        erreurs.update(_valider(p, prefixe, exclude=exclus))
        objets.append(p)
    _verifier_menage(objets, erreurs)
    return objets


def _verifier_communes(codes: Sequence[str], erreurs: dict[str, list[str]]) -> list[str]:
    if not codes:
        erreurs["communes"] = ["Indiquez au moins une commune souhaitée."]
        return []
    connues = set(Commune.objects.filter(code_insee__in=codes).values_list("code_insee", flat=True))
    vus: set[str] = set()
    for i, code in enumerate(codes):
        if code not in connues:
            erreurs[f"communes[{i}]"] = [f"Commune inconnue : « {code} » n'est pas un code INSEE du référentiel."]
        elif code in vus:
            erreurs[f"communes[{i}]"] = [f"La commune {code} est déjà dans la liste des souhaits."]
        vus.add(code)
    return list(codes)


def _verifier_priorites(codes: Sequence[str], jour: date, erreurs: dict[str, list[str]]) -> list[str]:
    valides = set(
        PrioriteLegale.objects.filter(code__in=codes, date_debut__lte=jour)
        .exclude(date_fin__lt=jour)
        .values_list("code", flat=True)
    )
    for i, code in enumerate(codes):
        if code not in valides:
            erreurs[f"priorites[{i}]"] = [f"Priorité inconnue ou hors vigueur : « {code} »."]
    return list(codes)


def _verifier_motifs(motif_principal: str, motifs: Sequence[str], erreurs: dict[str, list[str]]) -> list[str]:
    for i, motif in enumerate(motifs):
        if motif not in enums.Motif.values:
            erreurs[f"motifs_secondaires[{i}]"] = [f"Motif inconnu : « {motif} »."]
        elif motif == motif_principal:
            erreurs[f"motifs_secondaires[{i}]"] = ["Le motif principal ne doit pas être répété en motif secondaire."]
    return list(dict.fromkeys(motifs))


def _ecrire_liens(
    demande: Demande,
    *,
    communes: Sequence[str] | None,
    motifs: Sequence[str] | None,
    priorites: Sequence[str] | None,
    personnes: list[Personne] | None,
) -> None:
    if personnes is not None:
        demande.personnes.all().delete()
        for p in personnes:
            p.demande = demande
        Personne.objects.bulk_create(personnes)
    if communes is not None:
        demande.communes_souhaitees.all().delete()
        CommuneSouhaitee.objects.bulk_create(
            CommuneSouhaitee(demande=demande, commune_id=code, rang=i + 1) for i, code in enumerate(communes)
        )
    if motifs is not None:
        demande.motifs_secondaires.all().delete()
        MotifSecondaire.objects.bulk_create(MotifSecondaire(demande=demande, motif=m) for m in motifs)
    if priorites is not None:
        existantes = {s.priorite_id: s for s in demande.situations_prioritaires.all()}
        SituationPrioritaire.objects.filter(demande=demande).exclude(priorite_id__in=priorites).delete()
        SituationPrioritaire.objects.bulk_create(
            SituationPrioritaire(demande=demande, priorite_id=code) for code in priorites if code not in existantes
        )


def _coter(demandes: Sequence[Demande | int], auteur: Acteur) -> None:
    """The demands changed: what derives from them follows (their cotation, ``attrib.demandes.suites``)."""
    suites.demandes_modifiees(demandes, auteur=_auteur_des_suites(auteur))


def _auteur_des_suites(auteur: Acteur) -> Acteur:
    """Who carries what follows a write (the documents now expected, the duplicates, the score, the attestation):
    the writer itself, except the household acting from its space. It may update its demand but neither look
    for duplicates nor fix documents: Attrib does it for it, at once (decision 0027)."""
    return acteur_systeme("suite d'une démarche en ligne du demandeur") if auteur.est_demandeur else auteur


def _exiger_demandeur(auteur: Acteur, demande: Demande, acte: ActeDemandeur) -> None:
    """The applicant's own right on its demand (``attrib.demandes.permissions``)."""
    auteur.exiger(peut_agir_en_demandeur(auteur, demande, acte), REFUS_DEMANDEUR[acte])


#: What the household does not declare itself: the L441-1 situations are recognised and the DALO decision recorded
#: by the desk (or the State) on evidence.
REFUS_DEMANDEUR_SITUATIONS = (
    "Les situations prioritaires et la décision DALO sont enregistrées par votre guichet, sur justificatif : "
    "adressez-vous à lui."
)


def _lever_si_erreurs(erreurs: dict[str, list[str]]) -> None:
    if erreurs:
        raise ValidationError(erreurs)


@transaction.atomic
def demande_enregistrer(
    *,
    guichet: Organisation,
    auteur: Acteur,
    donnees: dict[str, Any],
    personnes: Sequence[dict[str, Any]],
    communes: Sequence[str],
    motifs_secondaires: Sequence[str] = (),
    priorites: Sequence[str] = (),
    date_depot: date | None = None,
    aujourd_hui: date | None = None,
) -> Demande:
    """Register a new demand: numéro unique, one-year validity, audit entry. Nothing is written on error.
    Only a manager of ``guichet`` (or the system, a superuser) registers on its behalf."""
    auteur.exiger(permissions.peut_enregistrer_pour(auteur, guichet.pk), permissions.REFUS_ENREGISTRER)
    jour = _today(aujourd_hui)
    depot = date_depot or jour
    erreurs: dict[str, list[str]] = {}
    if not guichet.code_guichet:
        erreurs["guichet"] = [f"« {guichet} » n'est pas un guichet enregistreur."]
    inconnus = set(donnees) & CHAMPS_NON_MODIFIABLES
    if inconnus:
        erreurs["__all__"] = [f"Champ(s) non modifiable(s) : {', '.join(sorted(inconnus))}."]
    modifiables = {k: v for k, v in donnees.items() if k not in CHAMPS_NON_MODIFIABLES}
    _verifier_canal(guichet, modifiables.get("canal", enums.Canal.GUICHET), erreurs)
    # The rule set bounds values by the real today (``aujourd_hui`` replays a registration of the past).
    regles_demande = validation.erreurs_demande(
        {**modifiables, "date_depot_initiale": depot}, jour=max(jour, timezone.localdate())
    )
    if depot > jour:
        regles_demande["date_depot_initiale"] = [validation.erreur_date_depot(depot, jour=jour) or ""]
    erreurs.update(regles_demande)
    departement = guichet.commune.departement if guichet.commune is not None else (communes[0][:2] if communes else "")
    demande = Demande(
        guichet=guichet,
        departement=departement.zfill(3) if departement else "",
        date_depot_initiale=depot,
        date_enregistrement=jour,
        date_echeance=_echeance(depot, erreurs),
        numero_unique="provisoire",
        **modifiables,
    )
    erreurs.update(_valider(demande, "", exclude=["guichet", "numero_unique", *regles_demande]))
    _controle_metier(demande, erreurs)
    objets = _preparer_personnes(demande, personnes, erreurs, jour=jour)
    codes = _verifier_communes(communes, erreurs)
    motifs = _verifier_motifs(demande.motif_principal, motifs_secondaires, erreurs)
    prios = _verifier_priorites(priorites, jour, erreurs)
    _lever_si_erreurs(erreurs)
    demande.numero_unique = _numero_unique_attribuer(
        departement=demande.departement, date_depot=depot, code_guichet=guichet.code_guichet
    )
    demande.save()
    _ecrire_liens(demande, communes=codes, motifs=motifs, priorites=prios, personnes=objets)
    evenement_enregistrer(
        objet=demande,
        action="enregistrement",
        auteur=auteur.utilisateur,
        organisation=guichet,
        visible_demandeur=True,
        resume=f"Demande enregistrée sous le numéro {demande.numero_unique} par {guichet}.",
        details={"date_depot_initiale": str(depot), "echeance": str(demande.date_echeance)},
    )
    pieces_attendues_synchroniser(demande=demande, auteur=auteur, organisation=guichet, aujourd_hui=jour)
    doublons_detecter(demandes=[demande], aujourd_hui=jour, auteur=auteur)
    if demande.dalo_date_decision:
        suites.decision_dalo_ecrite(demande=demande, auteur=auteur)
    _coter([demande], auteur)
    attestation_etablir(demande=demande, jour=jour, auteur=auteur)  # issue 10 rule 4: fixed at the registration
    return demande


def _verifier_canal(guichet: Organisation, canal: str, erreurs: dict[str, list[str]]) -> None:
    """The online desk registers the demands households file in their space (channel « en ligne »), and only them
    (``attrib.demandeurs.services_depot``)."""
    if guichet.guichet_en_ligne and canal != enums.Canal.EN_LIGNE:
        erreurs["guichet"] = [
            f"« {guichet} » est le guichet en ligne : il n'enregistre que les demandes déposées par les ménages dans "
            "leur espace. Choisissez votre guichet."
        ]
    elif canal == enums.Canal.EN_LIGNE and not guichet.guichet_en_ligne:
        erreurs["canal"] = [
            "Le canal « En ligne (espace demandeur) » est réservé aux demandes déposées par les ménages dans leur "
            "espace."
        ]


def _echeance(depot: date, erreurs: dict[str, list[str]]) -> date:
    """End of validity of a demand filed on ``depot``; a date without lifecycle rules is a located error
    (the rule set refuses it first), never a crash."""
    try:
        return regles.echeance(depot)
    except (regles.ParametreManquant, ValueError, OverflowError):
        message = validation.erreur_date_depot(depot, jour=max(depot, timezone.localdate()))
        erreurs.setdefault("date_depot_initiale", [message or f"Date de dépôt : le {depot:%d/%m/%Y} est invalide."])
        return depot


def _controle_metier(demande: Demande, erreurs: dict[str, list[str]]) -> None:
    if (
        demande.typologie_min
        and demande.typologie_max
        and demande.typologie_min > demande.typologie_max
        and "typologie_max" not in erreurs
    ):
        erreurs["typologie_max"] = ["La typologie maximale doit être supérieure ou égale à la typologie minimale."]
    aujourd_hui = timezone.localdate()
    if demande.dalo_reconnu and not demande.dalo_date_decision:
        erreurs["dalo_date_decision"] = ["Indiquez la date de la décision de la commission de médiation DALO."]
    elif demande.dalo_commission and not demande.dalo_date_decision:
        erreurs["dalo_date_decision"] = ["Indiquez la date de la décision de la commission de médiation nommée."]
    if demande.dalo_date_decision and demande.dalo_date_decision > aujourd_hui and "dalo_date_decision" not in erreurs:
        erreurs["dalo_date_decision"] = ["La date de la décision DALO ne peut pas être dans le futur."]
    if demande.expulsion_date_etape:
        if demande.procedure_expulsion == enums.ProcedureExpulsion.AUCUNE:
            erreurs["expulsion_date_etape"] = [MESSAGE_DATE_EXPULSION]
        elif demande.expulsion_date_etape > aujourd_hui:
            erreurs["expulsion_date_etape"] = [
                "La date de l'étape de la procédure d'expulsion ne peut pas être dans le futur."
            ]


def _verifier_transition(demande: Demande, action: cycle_demande.Action, **conditions: Any) -> None:
    """The engine's life cycle allows ``action`` on the demand as stored, or a located French refusal."""
    try:
        cycle_demande.transition(demande.statut, action, numero=demande.numero_unique, **conditions)
    except cycle_demande.TransitionRefusee as refus:
        raise ValidationError({refus.champ: [refus.message]}) from None


def _exiger_visible(auteur: Acteur, demande: Demande, message: str) -> None:
    """A write on a demand outside the actor's perimeter is refused like any write without the right."""
    if not auteur.voit_tout and not Demande.objects.visible_to(auteur).filter(pk=demande.pk).exists():
        raise Refus(message)


@transaction.atomic
def demande_modifier(
    *,
    demande: Demande,
    auteur: Acteur,
    organisation: Organisation | None = None,
    donnees: dict[str, Any] | None = None,
    personnes: Sequence[dict[str, Any]] | None = None,
    communes: Sequence[str] | None = None,
    motifs_secondaires: Sequence[str] | None = None,
    priorites: Sequence[str] | None = None,
    action: str = "modification",
    resume: str | None = None,
) -> Demande:
    """Update a demand; the audit trail records every field that changed (before/after). A desk manager who sees
    the demand (or the system, a superuser) updates it; so does the household from its space (and those it gave
    access to), except the L441-1 situations and the DALO decision."""
    if auteur.est_demandeur:
        _exiger_demandeur(auteur, demande, ActeDemandeur.MODIFIER)
        if priorites is not None or set(donnees or {}) & set(CHAMPS_DECISION_DALO):
            raise Refus(REFUS_DEMANDEUR_SITUATIONS)
        if (motifs_secondaires is not None or "motif_principal" in (donnees or {})) and not peut_agir_en_demandeur(
            auteur, demande, ActeDemandeur.CONFIDENTIEL
        ):
            raise Refus(REFUS_DEMANDEUR[ActeDemandeur.CONFIDENTIEL])
    else:
        auteur.exiger(permissions.peut_modifier_demande(auteur, demande), permissions.REFUS_MODIFIER)
        _exiger_visible(auteur, demande, permissions.REFUS_MODIFIER)
    return _modifier(
        demande=demande,
        auteur=auteur,
        organisation=organisation,
        donnees=donnees,
        personnes=personnes,
        communes=communes,
        motifs_secondaires=motifs_secondaires,
        priorites=priorites,
        action=action,
        resume=resume,
    )


def _modifier(
    *,
    demande: Demande,
    auteur: Acteur,
    organisation: Organisation | None,
    donnees: dict[str, Any] | None = None,
    personnes: Sequence[dict[str, Any]] | None = None,
    communes: Sequence[str] | None = None,
    motifs_secondaires: Sequence[str] | None = None,
    priorites: Sequence[str] | None = None,
    action: str = "modification",
    resume: str | None = None,
    sens_dalo: str = "",
) -> Demande:
    """The update itself, once the caller checked the right. ``sens_dalo``: the commission's decision, passed
    to the DALO listeners (``suites.decision_dalo_ecrite``)."""
    demande = Demande.objects.select_for_update(no_key=True).get(pk=demande.pk)
    _verifier_transition(demande, cycle_demande.Action.MODIFIER)
    avant = _snapshot(demande)
    jour = timezone.localdate()
    erreurs: dict[str, list[str]] = {}
    for champ, valeur in (donnees or {}).items():
        if champ in CHAMPS_NON_MODIFIABLES:
            erreurs[champ] = ["Ce champ ne peut pas être modifié."]
        else:
            setattr(demande, champ, valeur)
    if (
        "procedure_expulsion" in (donnees or {})
        and "expulsion_date_etape" not in (donnees or {})
        and demande.procedure_expulsion == enums.ProcedureExpulsion.AUCUNE
    ):
        demande.expulsion_date_etape = None  # the procedure ended: its stage has no date any more
    # The rule set checks what is changed: a stored value is not refused again for an unrelated edit.
    modifies = {k: v for k, v in (donnees or {}).items() if k not in CHAMPS_NON_MODIFIABLES}
    regles_demande = validation.erreurs_demande(modifies, jour=jour, depot=demande.date_depot_initiale)
    erreurs.update(regles_demande)
    erreurs.update(_valider(demande, "", exclude=["guichet", *regles_demande]))
    _controle_metier(demande, erreurs)
    objets = _preparer_personnes(demande, personnes, erreurs, jour=jour) if personnes is not None else None
    codes = _verifier_communes(communes, erreurs) if communes is not None else None
    motifs = (
        _verifier_motifs(demande.motif_principal, motifs_secondaires, erreurs)
        if motifs_secondaires is not None
        else None
    )
    prios = _verifier_priorites(priorites, jour, erreurs) if priorites is not None else None
    _lever_si_erreurs(erreurs)
    demande.save()
    _ecrire_liens(demande, communes=codes, motifs=motifs, priorites=prios, personnes=objets)
    changements = diff_champs(avant, _snapshot(demande))
    if changements or action != "modification":
        evenement_enregistrer(
            objet=demande,
            action=action,
            auteur=auteur.utilisateur,
            organisation=organisation,
            visible_demandeur=True,
            resume=resume or f"Demande modifiée ({len(changements)} champ(s)).",
            details={"changements": changements, "sensible": _revele_situation_sensible(changements)},
        )
    if action == "decision_dalo" or set(changements) & set(CHAMPS_DECISION_DALO):
        suites.decision_dalo_ecrite(demande=demande, auteur=auteur, sens=sens_dalo)
    suite = _auteur_des_suites(auteur)
    pieces_attendues_synchroniser(demande=demande, auteur=suite, organisation=organisation)
    if personnes is not None:
        doublons_detecter(demandes=[demande], auteur=suite)
    _coter([demande], auteur)
    return demande


CHAMPS_DECISION_DALO = ("dalo_reconnu", "dalo_date_decision", "dalo_commission")


@transaction.atomic
def demande_decision_dalo_enregistrer(
    *,
    demande: Demande,
    auteur: Acteur,
    reconnu: bool,
    date_decision: date | None,
    commission: str = "",
    organisation: Organisation | None = None,
    sens: str = "",
) -> Demande:
    """Record the decision of the commission de médiation DALO (L441-2-3 CCH) on a registered demand: favourable
    (reconnu prioritaire et urgent) or not, its date and the commission. Recorded after registration by a desk or
    by the State; the audit trail keeps the previous decision (before/after). ``sens`` (when not favourable:
    « defavorable » or « reorientation_hebergement ») reaches the DALO follow-up (``attrib.dalo``), which keeps
    the decisions' history."""
    auteur.exiger(permissions.peut_enregistrer_decision_dalo(auteur, demande), permissions.REFUS_DECISION_DALO)
    _exiger_visible(auteur, demande, permissions.REFUS_DECISION_DALO)
    if date_decision is None:
        raise ValidationError(
            {"dalo_date_decision": ["Indiquez la date de la décision de la commission de médiation."]}
        )
    issue = "reconnu prioritaire et urgent" if reconnu else "non reconnu prioritaire"
    if not reconnu and sens == "reorientation_hebergement":
        issue = "réorienté vers un hébergement"
    par = f" ({commission})" if commission else ""
    return _modifier(
        demande=demande,
        auteur=auteur,
        organisation=organisation,
        donnees={"dalo_reconnu": reconnu, "dalo_date_decision": date_decision, "dalo_commission": commission},
        action="decision_dalo",
        resume=f"Décision DALO du {date_decision:%d/%m/%Y} enregistrée : ménage {issue}{par}.",
        sens_dalo=sens,
    )


def _revele_situation_sensible(changements: dict[str, dict[str, Any]]) -> bool:
    """Whether a change of priorities or motives involves a sensitive one (hidden from some roles)."""
    valeurs: set[str] = set()
    for champ in ("priorites", "motifs_secondaires", "motif_principal"):
        for cote in ("avant", "apres"):
            v = changements.get(champ, {}).get(cote)
            valeurs.update(v if isinstance(v, list) else [v] if v else [])
    if valeurs & set(enums.MOTIFS_SENSIBLES):
        return True
    if any(re.fullmatch(r"personnes\[.+\]\.handicap", champ) for champ in changements):
        return True  # a disability card is a health matter (shown only to those who see sensitive situations)
    return PrioriteLegale.objects.filter(code__in=valeurs, sensible=True).exists()


@transaction.atomic
def demande_renouveler(
    *,
    demande: Demande,
    auteur: Acteur,
    organisation: Organisation | None = None,
    aujourd_hui: date | None = None,
    **modifications: Any,
) -> Demande:
    """Renew for one more year from today; seniority (first filing date) is kept. Updates may come with it.
    The household renews from its space once its demand is in the online renewal window
    (:func:`attrib.demandes.regles.ouverture_renouvellement_en_ligne`), until its échéance as at the desk."""
    if auteur.est_demandeur:
        _exiger_demandeur(auteur, demande, ActeDemandeur.RENOUVELER)
    else:
        auteur.exiger(permissions.peut_modifier_demande(auteur, demande), permissions.REFUS_MODIFIER)
        _exiger_visible(auteur, demande, permissions.REFUS_MODIFIER)
    jour = _today(aujourd_hui)
    demande = Demande.objects.select_for_update(no_key=True).get(pk=demande.pk)
    _verifier_transition(demande, cycle_demande.Action.RENOUVELER, echeance=demande.date_echeance, jour=jour)
    if auteur.est_demandeur:
        _verifier_fenetre_en_ligne(demande, jour)
    _lever_si_erreurs(
        validation.erreurs_demande(
            {"date_dernier_renouvellement": jour},
            jour=max(jour, timezone.localdate()),
            depot=demande.date_depot_initiale,
        )
    )
    ancienne = demande.date_echeance
    demande.date_dernier_renouvellement = jour
    demande.date_echeance = regles.echeance(jour)
    demande.date_avis_renouvellement = None
    demande.save(
        update_fields=["date_dernier_renouvellement", "date_echeance", "date_avis_renouvellement", "modifie_le"]
    )
    demande = _modifier(
        demande=demande,
        auteur=auteur,
        organisation=organisation,
        action="renouvellement",
        resume=f"Demande renouvelée jusqu'au {demande.date_echeance:%d/%m/%Y} (échéance précédente : {ancienne:%d/%m/%Y}).",
        **modifications,
    )
    attestation_etablir(
        demande=demande, jour=jour, auteur=_auteur_des_suites(auteur), motif=f"Renouvellement du {jour:%d/%m/%Y}."
    )  # issue 10 rule 4
    return demande


def _verifier_fenetre_en_ligne(demande: Demande, jour: date) -> None:
    """Online, a demand is renewed in the months before its échéance (dated value ``renouvellement_en_ligne``)."""
    ouverture = regles.ouverture_renouvellement_en_ligne(demande.date_echeance)
    if jour < ouverture:
        raise ValidationError(
            {
                "date_echeance": [
                    f"Votre demande est valable jusqu'au {demande.date_echeance:%d/%m/%Y} : vous pourrez la "
                    f"renouveler en ligne à partir du {ouverture:%d/%m/%Y}."
                ]
            }
        )


@transaction.atomic
def demande_radier(
    *,
    demande: Demande,
    auteur: Acteur,
    motif: str,
    organisation: Organisation | None = None,
    date_radiation: date | None = None,
    commentaire: str = "",
) -> Demande:
    """Strike a demand off with one of the R441-2-8 reasons. A desk manager who sees the demand strikes it off;
    so does a manager of the bailleur (``organisation``) whose lease it signed (reason « attribution »), and the
    household itself, from its space, withdraws it (reason « renonciation », today)."""
    bailleur_du_bail = (
        motif == enums.MotifRadiation.ATTRIBUTION
        and organisation is not None
        and organisation.type == TypeOrganisation.BAILLEUR
        and auteur.est_membre(organisation.pk, ecriture=True)
    )
    if auteur.est_demandeur:
        _exiger_demandeur(auteur, demande, ActeDemandeur.RETIRER)
        if motif != enums.MotifRadiation.RENONCIATION or (
            date_radiation is not None and date_radiation != timezone.localdate()
        ):
            raise Refus(REFUS_DEMANDEUR[ActeDemandeur.RETIRER])
    elif not bailleur_du_bail:
        auteur.exiger(permissions.peut_radier_demande(auteur, demande), permissions.REFUS_RADIER)
        _exiger_visible(auteur, demande, permissions.REFUS_RADIER)
    demande = Demande.objects.select_for_update(no_key=True).get(pk=demande.pk)
    if motif not in enums.MotifRadiation.values:
        raise ValidationError({"motif_radiation": [f"Motif de radiation inconnu : « {motif} »."]})
    _verifier_transition(demande, cycle_demande.Action.RADIER)
    jour = date_radiation or timezone.localdate()
    _lever_si_erreurs(
        validation.erreurs_demande(
            {"date_radiation": jour, "commentaire_radiation": commentaire},
            jour=timezone.localdate(),
            depot=demande.date_depot_initiale,
        )
    )
    demande.statut = cycle_demande.transition(demande.statut, cycle_demande.Action.RADIER)
    demande.motif_radiation = motif
    demande.date_radiation = jour
    demande.commentaire_radiation = commentaire
    demande.save(update_fields=["statut", "motif_radiation", "date_radiation", "commentaire_radiation", "modifie_le"])
    evenement_enregistrer(
        objet=demande,
        action="radiation",
        auteur=auteur.utilisateur,
        organisation=organisation,
        visible_demandeur=True,
        resume=f"Demande radiée le {demande.date_radiation:%d/%m/%Y} : {enums.MotifRadiation(motif).label}.",
        details={"motif": motif, "commentaire": commentaire},
    )
    _coter([demande], auteur)
    return demande


REFUS_ECHEANCES = (
    "Les avis de renouvellement et les radiations pour non-renouvellement sont traités par Attrib lui-même "
    "(commande traiter_echeances) ou par un administrateur de l'installation."
)
#: Rows per transaction in the lifecycle batch (each demand's change and its audit entry commit together).
LOT_ECHEANCES = 1000
#: ``ajouter_mois`` clamps to the end of the month: a notice due on ``jour`` may concern an expiry up
#: to 3 days after ``jour`` + the notice period (e.g. 28 February → 31 March).
_MARGE_FIN_DE_MOIS = timedelta(days=3)


def _par_lots(elements: Sequence[Any], taille: int = LOT_ECHEANCES) -> Iterable[Sequence[Any]]:
    for debut in range(0, len(elements), taille):
        yield elements[debut : debut + taille]


def _evenements_demandes(
    lignes: Iterable[tuple[int, str, dict[str, Any]]], *, action: str, visible_demandeur: bool = True
) -> None:
    type_demande = ContentType.objects.get_for_model(Demande)
    Evenement.objects.bulk_create(
        Evenement(
            cible_type=type_demande,
            cible_id=str(pk),
            action=action,
            resume=resume[:300],
            details=details,
            visible_demandeur=visible_demandeur,
        )
        for pk, resume, details in lignes
    )


def demandes_envoyer_avis_renouvellement(*, auteur: Acteur, aujourd_hui: date | None = None) -> int:
    """Record the renewal notice (R441-2-7) of every active, not yet expired demand whose notice
    date has come and which has none yet. Bulk and idempotent: a second run the same day, or any
    later day, records nothing more for the same validity period. Returns the number of notices.
    Run by the product itself (command ``traiter_echeances``)."""
    auteur.exiger(auteur.voit_tout, REFUS_ECHEANCES)
    jour = _today(aujourd_hui)
    borne = regles.ajouter_mois(jour, regles.parametre_max("preavis_renouvellement")) + _MARGE_FIN_DE_MOIS
    candidats = (
        Demande.objects.actives()
        .filter(date_avis_renouvellement__isnull=True, date_echeance__gte=jour, date_echeance__lte=borne)
        .order_by("pk")
        .values_list("pk", "date_echeance")
    )
    dues = [
        (pk, echeance) for pk, echeance in candidats.iterator(chunk_size=5000) if regles.date_avis(echeance) <= jour
    ]
    n = 0
    for lot in _par_lots(dues):
        echeances = dict(lot)
        with transaction.atomic():
            ids = list(
                Demande.objects.select_for_update(no_key=True)
                .filter(
                    pk__in=echeances,
                    statut__in=cycle_demande.statuts_de_depart(cycle_demande.Action.RENOUVELER),
                    date_avis_renouvellement__isnull=True,
                )
                .values_list("pk", flat=True)
            )
            Demande.objects.filter(pk__in=ids).update(date_avis_renouvellement=jour, modifie_le=timezone.now())
            _evenements_demandes(
                (
                    (
                        pk,
                        f"Avis de renouvellement : la demande expire le {echeances[pk]:%d/%m/%Y} ; "
                        "sans renouvellement elle sera radiée.",
                        {"echeance": str(echeances[pk]), "avis_le": str(jour)},
                    )
                    for pk in ids
                ),
                action="avis_renouvellement",
            )
        n += len(ids)
    return n


def demandes_radier_non_renouvelees(*, auteur: Acteur, aujourd_hui: date | None = None) -> int:
    """Strike off (non-renouvellement) every active demand whose validity ended before
    ``aujourd_hui``: the day after the échéance. Bulk and idempotent. Returns the number struck off.
    Run by the product itself (command ``traiter_echeances``)."""
    auteur.exiger(auteur.voit_tout, REFUS_ECHEANCES)
    jour = _today(aujourd_hui)
    commentaire = "Radiation automatique : demande non renouvelée."
    libelle = enums.MotifRadiation.NON_RENOUVELLEMENT.label
    expirees = list(
        Demande.objects.actives()
        .filter(date_echeance__lt=jour)
        .order_by("pk")
        .values_list("pk", "date_echeance", "date_avis_renouvellement")
        .iterator(chunk_size=5000)
    )
    n = 0
    for lot in _par_lots(expirees):
        infos = {pk: (echeance, avis) for pk, echeance, avis in lot}
        with transaction.atomic():
            ids = list(
                Demande.objects.select_for_update(no_key=True)
                .filter(
                    pk__in=infos,
                    statut__in=cycle_demande.statuts_de_depart(cycle_demande.Action.RADIER),
                    date_echeance__lt=jour,
                )
                .values_list("pk", flat=True)
            )
            Demande.objects.filter(pk__in=ids).update(
                statut=cycle_demande.transition(enums.StatutDemande.ACTIVE, cycle_demande.Action.RADIER),
                motif_radiation=enums.MotifRadiation.NON_RENOUVELLEMENT,
                date_radiation=jour,
                commentaire_radiation=commentaire,
                modifie_le=timezone.now(),
            )
            _evenements_demandes(
                (
                    (
                        pk,
                        f"Demande radiée le {jour:%d/%m/%Y} : {libelle} (échéance du {infos[pk][0]:%d/%m/%Y}).",
                        {
                            "motif": enums.MotifRadiation.NON_RENOUVELLEMENT.value,
                            "commentaire": commentaire,
                            "echeance": str(infos[pk][0]),
                            "avis_renouvellement": str(infos[pk][1]) if infos[pk][1] else None,
                        },
                    )
                    for pk in ids
                ),
                action="radiation",
            )
            _coter(ids, auteur)
        n += len(ids)
    return n


@dataclass
class RapportPriorites:
    creees: list[str] = field(default_factory=list)
    modifiees: list[str] = field(default_factory=list)
    inchangees: list[str] = field(default_factory=list)
    absentes_du_fichier: list[str] = field(default_factory=list)


FICHIER_PRIORITES = DOSSIER_PAR_DEFAUT / "priorites_l441_1.yaml"
_FIABILITE = re.compile(r"^[VSK](/[VSK])?$")
_CHAMPS_PRIORITE = ("lettre", "libelle", "base_legale", "sensible", "fiabilite", "date_debut", "date_fin", "ordre")


def _contenu_priorites(chemin: Path | None) -> Any:
    """The delivered file's content comes from the parameter tree (read once, checked at load); a file given
    explicitly (``charger_priorites --fichier``, a version being prepared) is read as is, so that every faulty
    field is reported at once."""
    if chemin is None:
        try:
            return charger_arbre().brut(FICHIER_PRIORITES.name)
        except ParametresInvalides as exc:
            raise ValidationError({"fichier": [str(exc)]}) from None
    try:
        with chemin.open(encoding="utf-8") as f:
            return yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError({"fichier": [f"Lecture impossible de {chemin.name} : {exc}"]}) from None


def _lire_priorites(chemin: Path | None) -> list[dict[str, Any]]:
    donnees = _contenu_priorites(chemin)
    chemin = chemin or FICHIER_PRIORITES
    entrees = donnees.get("priorites") if isinstance(donnees, dict) else None
    if not isinstance(entrees, list) or not entrees:
        raise ValidationError({"priorites": [f"{chemin.name} ne contient pas de liste « priorites »."]})
    erreurs: dict[str, list[str]] = {}
    vus: set[str] = set()
    lignes = []
    for i, e in enumerate(entrees):
        ou = f"priorites[{i}]"
        if not isinstance(e, dict):
            erreurs[ou] = ["Entrée illisible : une priorité est un ensemble de champs (code, libelle, …)."]
            continue
        code = str(e.get("code") or "")
        ligne = {
            "code": code,
            "lettre": str(e.get("lettre") or ""),
            "libelle": str(e.get("libelle") or ""),
            "base_legale": str(e.get("base_legale") or ""),
            "sensible": e.get("sensible", False),
            "fiabilite": str(e.get("fiabilite") or ""),
            "date_debut": e.get("date_debut"),
            "date_fin": e.get("date_fin"),
            "ordre": e.get("ordre", 0),
        }
        controles = [
            (
                "code",
                bool(code) and len(code) <= 20 and code not in vus,
                "code absent, trop long (20 max) ou en double",
            ),
            ("lettre", len(ligne["lettre"]) <= 3, "lettre trop longue (3 caractères max)"),
            ("libelle", 0 < len(ligne["libelle"]) <= 400, "libellé absent ou trop long (400 max)"),
            ("base_legale", 0 < len(ligne["base_legale"]) <= 200, "base légale absente ou trop longue (200 max)"),
            ("sensible", isinstance(ligne["sensible"], bool), "attendu true ou false"),
            ("fiabilite", bool(_FIABILITE.match(ligne["fiabilite"])), "attendu V, S ou K (ou V/K…)"),
            ("date_debut", isinstance(ligne["date_debut"], date), "date AAAA-MM-JJ attendue"),
            ("date_fin", ligne["date_fin"] is None or isinstance(ligne["date_fin"], date), "date AAAA-MM-JJ ou null"),
            ("ordre", isinstance(ligne["ordre"], int) and ligne["ordre"] >= 0, "entier positif attendu"),
        ]
        for champ, ok, message in controles:
            if not ok:
                erreurs[f"{ou}.{champ}"] = [f"{chemin.name}, {ou} ({code or '?'}) : {message}."]
        if (
            isinstance(ligne["date_debut"], date)
            and isinstance(ligne["date_fin"], date)
            and ligne["date_fin"] < ligne["date_debut"]
        ):
            erreurs[f"{ou}.date_fin"] = [f"{chemin.name}, {ou} ({code}) : la fin de vigueur précède le début."]
        vus.add(code)
        lignes.append(ligne)
    _lever_si_erreurs(erreurs)
    return lignes


@transaction.atomic
def priorites_charger(*, auteur: Acteur, chemin: Path | None = None) -> RapportPriorites:
    """Create or update ``PrioriteLegale`` from the dated data file (idempotent). A priority that
    left the file is kept (demands may refer to it) and reported; end it with ``date_fin``. Reference data:
    loaded by the product (command, demo) or an administrator of the installation."""
    auteur.exiger(permissions.peut_administrer_referentiels(auteur), permissions.REFUS_REFERENTIELS)
    lignes = _lire_priorites(chemin)
    rapport = RapportPriorites()
    existantes = {p.code: p for p in PrioriteLegale.objects.select_for_update()}
    for ligne in lignes:
        code = ligne["code"]
        valeurs = {c: ligne[c] for c in _CHAMPS_PRIORITE}
        priorite = existantes.get(code)
        if priorite is None:
            priorite = PrioriteLegale.objects.create(code=code, **valeurs)
            rapport.creees.append(code)
            changements = {c: {"avant": None, "apres": str(v)} for c, v in valeurs.items()}
        else:
            avant = {c: getattr(priorite, c) for c in _CHAMPS_PRIORITE}
            changements = diff_champs(avant, valeurs)
            if not changements:
                rapport.inchangees.append(code)
                continue
            for c, v in valeurs.items():
                setattr(priorite, c, v)
            priorite.save()
            rapport.modifiees.append(code)
        evenement_enregistrer(
            objet=priorite,
            action="referentiel_priorites",
            auteur=auteur.utilisateur,
            resume=f"Priorité « {code} » {'créée' if code in rapport.creees else 'mise à jour'} depuis le référentiel.",
            details={"changements": changements},
        )
    codes = {ligne["code"] for ligne in lignes}
    rapport.absentes_du_fichier = sorted(set(existantes) - codes)
    return rapport
