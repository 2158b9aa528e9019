"""Writes on demands. Every function is atomic, keyword-only and leaves an entry in the audit trail.

Validation errors are raised as ``django.core.exceptions.ValidationError`` whose keys locate the
field: ``"revenu_fiscal_reference"``, ``"personnes[1].date_naissance"``, ``"communes[0]"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.common.services import diff_champs, evenement_enregistrer
from attrib.demandes import enums, regles
from attrib.demandes.attestation import attestation_etablir
from attrib.demandes.doublons import doublons_detecter
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
from attrib.demandes.pieces import pieces_attendues_synchroniser
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
        p.nom_naissance_normalise = normaliser_nom(p.nom_naissance or "")[:100]
        erreurs.update(_valider(p, f"personnes[{i}].", exclude=["demande", "nom_normalise", "nom_naissance_normalise"]))
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
    pieces_attendues_synchroniser(demande=demande, auteur=auteur, organisation=guichet, aujourd_hui=jour)
    doublons_detecter(demandes=[demande], aujourd_hui=jour)
    attestation_etablir(demande=demande, jour=jour)  # issue 10 rule 4: fixed at the registration
    return demande


def _controle_metier(demande: Demande, erreurs: dict[str, list[str]]) -> None:
    if demande.typologie_min and demande.typologie_max and demande.typologie_min > demande.typologie_max:
        erreurs["typologie_max"] = ["La typologie maximale doit être supérieure ou égale à la typologie minimale."]
    if demande.dalo_reconnu and not demande.dalo_date_decision:
        erreurs["dalo_date_decision"] = ["Indiquez la date de la décision de la commission de médiation DALO."]
    # A revenu fiscal de référence of year Y is known from the tax notice of year Y + 1 at the earliest.
    derniere_annee_connue = timezone.localdate().year - 1
    if demande.annee_revenu_fiscal and demande.annee_revenu_fiscal > derniere_annee_connue:
        erreurs["annee_revenu_fiscal"] = [
            f"L'année du revenu fiscal de référence ne peut pas dépasser {derniere_annee_connue} "
            "(l'avis d'imposition d'une année paraît l'année suivante)."
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
            details={"changements": changements, "sensible": _revele_situation_sensible(changements)},
        )
    pieces_attendues_synchroniser(demande=demande, auteur=auteur, organisation=organisation)
    if personnes is not None:
        doublons_detecter(demandes=[demande])
    return demande


def _revele_situation_sensible(changements: dict[str, dict[str, Any]]) -> bool:
    """Whether a change of priorities or motives involves a sensitive one (hidden from some roles)."""
    valeurs: set[str] = set()
    for champ in ("priorites", "motifs_secondaires", "motif_principal"):
        for cote in ("avant", "apres"):
            v = changements.get(champ, {}).get(cote)
            valeurs.update(v if isinstance(v, list) else [v] if v else [])
    if valeurs & set(enums.MOTIFS_SENSIBLES):
        return True
    return PrioriteLegale.objects.filter(code__in=valeurs, sensible=True).exists()


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
    demande = demande_modifier(
        demande=demande,
        auteur=auteur,
        organisation=organisation,
        action="renouvellement",
        resume=f"Demande renouvelée jusqu'au {demande.date_echeance:%d/%m/%Y} (échéance précédente : {ancienne:%d/%m/%Y}).",
        **modifications,
    )
    attestation_etablir(demande=demande, jour=jour, motif=f"Renouvellement du {jour:%d/%m/%Y}.")  # issue 10 rule 4
    return demande


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


def demandes_envoyer_avis_renouvellement(*, aujourd_hui: date | None = None) -> int:
    """Record the renewal notice (R441-2-7) of every active, not yet expired demand whose notice
    date has come and which has none yet. Bulk and idempotent: a second run the same day, or any
    later day, records nothing more for the same validity period. Returns the number of notices."""
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
                Demande.objects.select_for_update()
                .filter(pk__in=echeances, statut=enums.StatutDemande.ACTIVE, date_avis_renouvellement__isnull=True)
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


def demandes_radier_non_renouvelees(*, aujourd_hui: date | None = None) -> int:
    """Strike off (non-renouvellement) every active demand whose validity ended before
    ``aujourd_hui``: the day after the échéance. Bulk and idempotent. Returns the number struck off."""
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
                Demande.objects.select_for_update()
                .filter(pk__in=infos, statut=enums.StatutDemande.ACTIVE, date_echeance__lt=jour)
                .values_list("pk", flat=True)
            )
            Demande.objects.filter(pk__in=ids).update(
                statut=enums.StatutDemande.RADIEE,
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
        n += len(ids)
    return n


@dataclass
class RapportPriorites:
    creees: list[str] = field(default_factory=list)
    modifiees: list[str] = field(default_factory=list)
    inchangees: list[str] = field(default_factory=list)
    absentes_du_fichier: list[str] = field(default_factory=list)


FICHIER_PRIORITES = Path(__file__).resolve().parents[2] / "data" / "parametres" / "priorites_l441_1.yaml"
_FIABILITE = re.compile(r"^[VSK](/[VSK])?$")
_CHAMPS_PRIORITE = ("lettre", "libelle", "base_legale", "sensible", "fiabilite", "date_debut", "date_fin", "ordre")


def _lire_priorites(chemin: Path) -> list[dict[str, Any]]:
    try:
        with chemin.open(encoding="utf-8") as f:
            donnees = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError({"fichier": [f"Lecture impossible de {chemin.name} : {exc}"]}) from None
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
def priorites_charger(*, chemin: Path | None = None, auteur: Any = None) -> RapportPriorites:
    """Create or update ``PrioriteLegale`` from the dated data file (idempotent). A priority that
    left the file is kept (demands may refer to it) and reported; end it with ``date_fin``."""
    lignes = _lire_priorites(chemin or FICHIER_PRIORITES)
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
            auteur=auteur,
            resume=f"Priorité « {code} » {'créée' if code in rapport.creees else 'mise à jour'} depuis le référentiel.",
            details={"changements": changements},
        )
    codes = {ligne["code"] for ligne in lignes}
    rapport.absentes_du_fichier = sorted(set(existantes) - codes)
    return rapport
