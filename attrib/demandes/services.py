"""Writes on demands. Every function is atomic, keyword-only and leaves an entry in the audit trail.

Validation errors are raised as ``django.core.exceptions.ValidationError`` whose keys locate the
field: ``"revenu_fiscal_reference"``, ``"personnes[1].date_naissance"``, ``"communes[0]"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.common.services import diff_champs, evenement_enregistrer
from attrib.demandes import enums, regles
from attrib.demandes.models import (
    CommuneSouhaitee,
    CompteurNumero,
    Demande,
    MotifSecondaire,
    Personne,
    PrioriteLegale,
    SituationPrioritaire,
)
from attrib.demandes.normalisation import normaliser_nom
from attrib.organisations.models import Organisation
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


def numero_unique_attribuer(*, departement: str, date_depot: date, code_guichet: str) -> str:
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
    data["personnes"] = [f"{p.role}:{p.prenoms} {p.nom} {p.date_naissance}" for p in demande.personnes.order_by("id")]
    return data


def _verifier_menage(personnes: list[Personne], erreurs: dict[str, list[str]]) -> None:
    roles = [p.role for p in personnes]
    if roles.count(enums.RolePersonne.DEMANDEUR) != 1:
        erreurs.setdefault("personnes", []).append("Le ménage doit comporter exactement un demandeur.")
    if roles.count(enums.RolePersonne.CODEMANDEUR) > 1:
        erreurs.setdefault("personnes", []).append("Le ménage ne peut comporter qu'un seul co-demandeur.")


def _preparer_personnes(
    demande: Demande, personnes: Iterable[dict[str, Any]], erreurs: dict[str, list[str]]
) -> list[Personne]:
    objets = []
    for i, donnees in enumerate(personnes):
        p = Personne(demande=demande, **donnees)
        p.nom_normalise = normaliser_nom(f"{p.nom} {p.prenoms}")
        erreurs.update(_valider(p, f"personnes[{i}].", exclude=["demande", "nom_normalise"]))
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


def _lever_si_erreurs(erreurs: dict[str, list[str]]) -> None:
    if erreurs:
        raise ValidationError(erreurs)


@transaction.atomic
def demande_enregistrer(
    *,
    guichet: Organisation,
    auteur: Any,
    donnees: dict[str, Any],
    personnes: Sequence[dict[str, Any]],
    communes: Sequence[str],
    motifs_secondaires: Sequence[str] = (),
    priorites: Sequence[str] = (),
    date_depot: date | None = None,
    aujourd_hui: date | None = None,
) -> Demande:
    """Register a new demand: numéro unique, one-year validity, audit entry. Nothing is written on error."""
    jour = _today(aujourd_hui)
    depot = date_depot or jour
    erreurs: dict[str, list[str]] = {}
    if not guichet.code_guichet:
        erreurs["guichet"] = [f"« {guichet} » n'est pas un guichet enregistreur."]
    if depot > jour:
        erreurs["date_depot_initiale"] = ["La date de dépôt ne peut pas être dans le futur."]
    inconnus = set(donnees) & CHAMPS_NON_MODIFIABLES
    if inconnus:
        erreurs["__all__"] = [f"Champ(s) non modifiable(s) : {', '.join(sorted(inconnus))}."]
    departement = guichet.commune.departement if guichet.commune_id else (communes[0][:2] if communes else "")
    demande = Demande(
        guichet=guichet,
        departement=departement.zfill(3) if departement else "",
        date_depot_initiale=depot,
        date_enregistrement=jour,
        date_echeance=regles.echeance(depot),
        numero_unique="provisoire",
        **{k: v for k, v in donnees.items() if k not in CHAMPS_NON_MODIFIABLES},
    )
    erreurs.update(_valider(demande, "", exclude=["guichet", "numero_unique"]))
    _controle_metier(demande, erreurs)
    objets = _preparer_personnes(demande, personnes, erreurs)
    codes = _verifier_communes(communes, erreurs)
    motifs = _verifier_motifs(demande.motif_principal, motifs_secondaires, erreurs)
    prios = _verifier_priorites(priorites, jour, erreurs)
    _lever_si_erreurs(erreurs)
    demande.numero_unique = numero_unique_attribuer(
        departement=demande.departement, date_depot=depot, code_guichet=guichet.code_guichet
    )
    demande.save()
    _ecrire_liens(demande, communes=codes, motifs=motifs, priorites=prios, personnes=objets)
    evenement_enregistrer(
        objet=demande,
        action="enregistrement",
        auteur=auteur,
        organisation=guichet,
        visible_demandeur=True,
        resume=f"Demande enregistrée sous le numéro {demande.numero_unique} par {guichet}.",
        details={"date_depot_initiale": str(depot), "echeance": str(demande.date_echeance)},
    )
    return demande


def _controle_metier(demande: Demande, erreurs: dict[str, list[str]]) -> None:
    if demande.typologie_min and demande.typologie_max and demande.typologie_min > demande.typologie_max:
        erreurs["typologie_max"] = ["La typologie maximale doit être supérieure ou égale à la typologie minimale."]
    if demande.dalo_reconnu and not demande.dalo_date_decision:
        erreurs["dalo_date_decision"] = ["Indiquez la date de la décision de la commission de médiation DALO."]
    if (
        demande.annee_revenu_fiscal
        and demande.date_depot_initiale
        and demande.annee_revenu_fiscal > demande.date_depot_initiale.year
    ):
        erreurs["annee_revenu_fiscal"] = [
            "L'année du revenu fiscal de référence ne peut pas être postérieure au dépôt."
        ]


def _verifier_active(demande: Demande) -> None:
    if demande.statut != enums.StatutDemande.ACTIVE:
        raise ValidationError(
            {"statut": [f"La demande {demande.numero_unique} est radiée : elle ne peut plus être modifiée."]}
        )


@transaction.atomic
def demande_modifier(
    *,
    demande: Demande,
    auteur: Any,
    organisation: Organisation | None = None,
    donnees: dict[str, Any] | None = None,
    personnes: Sequence[dict[str, Any]] | None = None,
    communes: Sequence[str] | None = None,
    motifs_secondaires: Sequence[str] | None = None,
    priorites: Sequence[str] | None = None,
    action: str = "modification",
    resume: str | None = None,
) -> Demande:
    """Update a demand; the audit trail records every field that changed (before/after)."""
    demande = Demande.objects.select_for_update().get(pk=demande.pk)
    _verifier_active(demande)
    avant = _snapshot(demande)
    erreurs: dict[str, list[str]] = {}
    for champ, valeur in (donnees or {}).items():
        if champ in CHAMPS_NON_MODIFIABLES:
            erreurs[champ] = ["Ce champ ne peut pas être modifié."]
        else:
            setattr(demande, champ, valeur)
    erreurs.update(_valider(demande, "", exclude=["guichet"]))
    _controle_metier(demande, erreurs)
    objets = _preparer_personnes(demande, personnes, erreurs) if personnes is not None else None
    codes = _verifier_communes(communes, erreurs) if communes is not None else None
    motifs = (
        _verifier_motifs(demande.motif_principal, motifs_secondaires, erreurs)
        if motifs_secondaires is not None
        else None
    )
    prios = _verifier_priorites(priorites, timezone.localdate(), erreurs) if priorites is not None else None
    _lever_si_erreurs(erreurs)
    demande.save()
    _ecrire_liens(demande, communes=codes, motifs=motifs, priorites=prios, personnes=objets)
    changements = diff_champs(avant, _snapshot(demande))
    if changements or action != "modification":
        evenement_enregistrer(
            objet=demande,
            action=action,
            auteur=auteur,
            organisation=organisation,
            visible_demandeur=True,
            resume=resume or f"Demande modifiée ({len(changements)} champ(s)).",
            details={"changements": changements},
        )
    return demande


@transaction.atomic
def demande_renouveler(
    *,
    demande: Demande,
    auteur: Any,
    organisation: Organisation | None = None,
    aujourd_hui: date | None = None,
    **modifications: Any,
) -> Demande:
    """Renew for one more year from today; seniority (first filing date) is kept. Updates may come with it."""
    jour = _today(aujourd_hui)
    demande = Demande.objects.select_for_update().get(pk=demande.pk)
    _verifier_active(demande)
    if demande.date_echeance < jour:
        raise ValidationError(
            {
                "date_echeance": [
                    f"La demande a expiré le {demande.date_echeance:%d/%m/%Y} : elle ne peut plus être renouvelée."
                ]
            }
        )
    ancienne = demande.date_echeance
    demande.date_dernier_renouvellement = jour
    demande.date_echeance = regles.echeance(jour)
    demande.date_avis_renouvellement = None
    demande.save(
        update_fields=["date_dernier_renouvellement", "date_echeance", "date_avis_renouvellement", "modifie_le"]
    )
    return demande_modifier(
        demande=demande,
        auteur=auteur,
        organisation=organisation,
        action="renouvellement",
        resume=f"Demande renouvelée jusqu'au {demande.date_echeance:%d/%m/%Y} (échéance précédente : {ancienne:%d/%m/%Y}).",
        **modifications,
    )


@transaction.atomic
def demande_radier(
    *,
    demande: Demande,
    auteur: Any,
    motif: str,
    organisation: Organisation | None = None,
    date_radiation: date | None = None,
    commentaire: str = "",
) -> Demande:
    """Strike a demand off with one of the R441-2-8 reasons."""
    demande = Demande.objects.select_for_update().get(pk=demande.pk)
    if motif not in enums.MotifRadiation.values:
        raise ValidationError({"motif_radiation": [f"Motif de radiation inconnu : « {motif} »."]})
    _verifier_active(demande)
    demande.statut = enums.StatutDemande.RADIEE
    demande.motif_radiation = motif
    demande.date_radiation = date_radiation or timezone.localdate()
    demande.commentaire_radiation = commentaire
    demande.save(update_fields=["statut", "motif_radiation", "date_radiation", "commentaire_radiation", "modifie_le"])
    evenement_enregistrer(
        objet=demande,
        action="radiation",
        auteur=auteur,
        organisation=organisation,
        visible_demandeur=True,
        resume=f"Demande radiée le {demande.date_radiation:%d/%m/%Y} : {enums.MotifRadiation(motif).label}.",
        details={"motif": motif, "commentaire": commentaire},
    )
    return demande


def demandes_envoyer_avis_renouvellement(*, aujourd_hui: date | None = None) -> int:
    """Record the renewal notice for every active demand whose notice date has come (idempotent)."""
    jour = _today(aujourd_hui)
    n = 0
    for demande in Demande.objects.actives().filter(date_avis_renouvellement__isnull=True).iterator():
        if regles.date_avis(demande.date_echeance) <= jour:
            with transaction.atomic():
                Demande.objects.filter(pk=demande.pk).update(date_avis_renouvellement=jour)
                evenement_enregistrer(
                    objet=demande,
                    action="avis_renouvellement",
                    visible_demandeur=True,
                    resume=f"Avis de renouvellement : la demande expire le {demande.date_echeance:%d/%m/%Y}.",
                )
            n += 1
    return n


def demandes_radier_non_renouvelees(*, aujourd_hui: date | None = None) -> int:
    """Strike off (non-renouvellement) every active demand past its validity."""
    jour = _today(aujourd_hui)
    n = 0
    for demande in Demande.objects.actives().filter(date_echeance__lt=jour).iterator():
        demande_radier(
            demande=demande,
            auteur=None,
            motif=enums.MotifRadiation.NON_RENOUVELLEMENT,
            date_radiation=jour,
            commentaire="Radiation automatique : demande non renouvelée.",
        )
        n += 1
    return n
