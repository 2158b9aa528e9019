"""Writes of the gestion en flux: agreements (form, import), the bailleur's setting, freed dwellings and
their orientation by the engine, overrides, proposals of candidates, lapsed deadlines.

Every write is atomic and inscribed in the audit trail (``Evenement``). Every write takes its actor
(``auteur: Acteur``: the user of a request, or ``acteur_systeme(…)`` for a command or the demonstration) and
checks it with the ``peut_*`` predicates of ``attrib.flux.permissions``: a refused action raises ``Refus``
(a ``PermissionDenied``) and writes nothing; a wrong value raises ``ValidationError`` whose keys name the
field, in French.

Writes that touch the orientations of a bailleur lock its ``Organisation`` row first: two declarations
never read the same state of the engine.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.common import tableurs
from attrib.common.lots import Bilan, traiter
from attrib.common.services import evenement_enregistrer
from attrib.demandes.models import Demande
from attrib.engine import flux as moteur
from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.formats import lecture
from attrib.engine.formats.cellules import retirer_neutralisation
from attrib.engine.parametres.arbre import valeur as valeur_arbre
from attrib.flux import permissions
from attrib.flux.enums import Arbitrage, CategorieConvention, CritereMixite, NatureLiberation, StatutOrientation
from attrib.flux.models import CENT, ConventionReservation, LogementLibere, Orientation, ReglageFlux
from attrib.flux.moteur import (
    Contexte,
    ConventionsBailleur,
    contexte_orientation,
    fractions_json,
    logement_moteur,
    parametres_flux,
)
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation, User
from attrib.patrimoine.models import Logement
from attrib.territoires.models import Commune

#: How far ahead a vacancy may be declared (notice given by the tenant): an Attrib setting, not a rule of law.
HORIZON_DECLARATION_JOURS = 366
MOTIF_MAX = 2000
#: Category of réservataire an agreement's contingent requires (« autre » accepts any holder of rights).
CATEGORIE_ORGANISATION = {
    CategorieConvention.ETAT: CategorieReservataire.ETAT,
    CategorieConvention.ETAT_AGENTS: CategorieReservataire.ETAT,
    CategorieConvention.ACTION_LOGEMENT: CategorieReservataire.ACTION_LOGEMENT,
    CategorieConvention.COMMUNE: CategorieReservataire.COMMUNE,
    CategorieConvention.EPCI: CategorieReservataire.EPCI,
}


def _aujourd_hui(aujourd_hui: date | None) -> date:
    return aujourd_hui or timezone.localdate()


def _horodatage(aujourd_hui: date | None) -> datetime:
    """Now, or the same time of ``aujourd_hui`` when a past day is replayed (demonstration, tests)."""
    maintenant = timezone.now()
    if aujourd_hui is None or aujourd_hui >= timezone.localdate():
        return maintenant
    return timezone.make_aware(datetime.combine(aujourd_hui, timezone.localtime(maintenant).time()))


def _utilisateur(auteur: Acteur) -> User | None:
    """The user recorded in the ``…_par`` fields (none for the system)."""
    return auteur.utilisateur


def _verrouiller(bailleur: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=bailleur.pk)


def _exiger_gestion(auteur: Acteur, bailleur: Organisation) -> None:
    auteur.exiger(permissions.peut_gerer(auteur, bailleur.pk), permissions.refus_gestion(bailleur))


# --- agreements -----------------------------------------------------------------------------------


def _dates_orientees(bailleur: Organisation) -> list[tuple[date, str]]:
    """(date, commune) of every dwelling the bailleur has oriented: the agreements in force on those days
    are frozen (the past orientations are never redone)."""
    return list(
        Orientation.objects.filter(bailleur=bailleur)
        .values_list("logement_libere__date_liberation", "logement_libere__commune_id")
        .distinct()
    )


def _s_applique(debut: date, fin: date | None, territoire: frozenset[str], jour: date, commune: str) -> bool:
    return debut <= jour and (fin is None or jour <= fin) and (not territoire or commune in territoire)


def _erreurs_retroactivite(
    bailleur: Organisation,
    avant: ConventionReservation | None,
    territoire_avant: frozenset[str],
    apres: ConventionReservation,
    territoire_apres: frozenset[str],
) -> dict[str, list[str]]:
    """An agreement may not change what applied to a dwelling already oriented."""
    figes = ("reservataire_id", "categorie", "part", "nombre_logements", "mixite")
    for jour, commune in _dates_orientees(bailleur):
        s_appliquait = avant is not None and _s_applique(avant.debut, avant.fin, territoire_avant, jour, commune)
        s_applique = _s_applique(apres.debut, apres.fin, territoire_apres, jour, commune)
        if avant is None and s_applique:
            return {
                "debut": [
                    f"Un logement libéré le {jour:%d/%m/%Y} a déjà été orienté sur le territoire de cette convention : "
                    "une nouvelle convention commence après la dernière orientation (les orientations passées ne "
                    "sont pas refaites)."
                ]
            }
        if avant is None:
            continue
        if s_appliquait != s_applique:
            champ = "fin" if avant.debut == apres.debut and territoire_avant == territoire_apres else "debut"
            return {
                champ: [
                    f"Un logement libéré le {jour:%d/%m/%Y} a été orienté sous cette convention : ses dates et son "
                    "territoire ne peuvent plus changer pour ce jour-là. Fixez une fin postérieure aux orientations "
                    "déjà faites et signez une nouvelle convention pour la suite."
                ]
            }
        if s_appliquait and any(getattr(avant, f) != getattr(apres, f) for f in figes):
            return {
                "__all__": [
                    f"Des logements ont déjà été orientés sous cette convention (le {jour:%d/%m/%Y} notamment) : son "
                    "réservataire, son contingent, sa part et sa mixité ne changent plus. Fixez-lui une fin et signez "
                    "une nouvelle convention pour la suite."
                ]
            }
    return {}


def _normaliser_mixite(mixite: Iterable[str]) -> tuple[list[str], list[str]]:
    connus = [c.value for c in moteur.Critere]
    choisis, inconnus = [], []
    for critere in mixite:
        valeur = str(critere).strip().lower()
        if valeur in connus:
            if valeur not in choisis:
                choisis.append(valeur)
        elif valeur:
            inconnus.append(str(critere))
    return [c for c in connus if c in choisis], inconnus


@transaction.atomic
def convention_enregistrer(
    *,
    bailleur: Organisation,
    reservataire: Organisation,
    categorie: str,
    debut: date,
    part: Decimal | None = None,
    nombre_logements: int | None = None,
    fin: date | None = None,
    communes: Sequence[str] = (),
    mixite: Sequence[str] = (),
    delai_proposition_jours: int | None = None,
    echec_compte: bool = True,
    libelle: str = "",
    convention: ConventionReservation | None = None,
    auteur: Acteur,
) -> ConventionReservation:
    """Create (``convention=None``) or change an agreement of ``bailleur``, after checking the whole set of
    its agreements with the engine: shares of the bailleur at most 100 %, the State's at most its ceiling
    (R441-5 CCH, ``flux.yaml``)… on every territory and period where they apply together. An agreement under
    which dwellings were oriented keeps its réservataire, contingent, share and mix (set an end date)."""
    if bailleur.type != TypeOrganisation.BAILLEUR:
        raise ValidationError(
            {"bailleur": [f"« {bailleur} » n'est pas un bailleur : il ne signe pas de convention de flux."]}
        )
    _exiger_gestion(auteur, bailleur)
    bailleur = _verrouiller(bailleur)
    if convention is not None and convention.bailleur_id != bailleur.pk:
        raise ValidationError({"bailleur": ["Cette convention appartient à un autre bailleur."]})
    erreurs: dict[str, list[str]] = {}

    def erreur(champ: str, message: str) -> None:
        erreurs.setdefault(champ, []).append(message)

    if categorie not in CategorieConvention.values:
        erreur("categorie", f"Contingent « {categorie} » inconnu (attendu : {', '.join(CategorieConvention.values)}).")
    if reservataire.pk == bailleur.pk:
        erreur("reservataire", "Le bailleur ne signe pas de convention avec lui-même : sa part est le reste du flux.")
    elif not reservataire.categorie_reservataire:
        erreur(
            "reservataire",
            f"« {reservataire} » n'est pas titulaire de droits de réservation (catégorie de réservataire non renseignée).",
        )
    elif (
        categorie in CATEGORIE_ORGANISATION
        and reservataire.categorie_reservataire != CATEGORIE_ORGANISATION[CategorieConvention(categorie)]
    ):
        attendu = CATEGORIE_ORGANISATION[CategorieConvention(categorie)]
        erreur(
            "categorie",
            f"Le contingent « {CategorieConvention(categorie).label} » est réservé à un réservataire de catégorie "
            f"« {attendu.label} » ; « {reservataire} » est de catégorie « {reservataire.get_categorie_reservataire_display()} ».",
        )
    if part is None and nombre_logements is None:
        erreur("part", "Indiquez la part du flux (en %) ou le nombre de logements par an.")
    elif part is not None and nombre_logements is not None:
        erreur("part", "Indiquez soit une part du flux, soit un nombre de logements par an, pas les deux.")
    if part is not None and not (0 <= part <= CENT):
        erreur("part", f"La part du flux est comprise entre 0 et 100 % (reçu : {part} %).")
    if nombre_logements is not None and nombre_logements < 0:
        erreur("nombre_logements", f"Nombre de logements négatif ({nombre_logements}).")
    if fin is not None and fin < debut:
        erreur("fin", f"La fin ({fin:%d/%m/%Y}) précède le début ({debut:%d/%m/%Y}).")
    if delai_proposition_jours is not None and delai_proposition_jours < 1:
        erreur("delai_proposition_jours", "Le délai de proposition est d'au moins un jour.")
    criteres, inconnus = _normaliser_mixite(mixite)
    if inconnus:
        erreur(
            "mixite",
            f"Critère de mixité inconnu : {', '.join(inconnus)} (attendu : {', '.join(CritereMixite.values)}).",
        )
    codes = sorted({c.strip() for c in communes if c.strip()})
    connues = set(Commune.objects.filter(code_insee__in=codes).values_list("code_insee", flat=True))
    if set(codes) - connues:
        erreur("communes", f"Commune inconnue (code INSEE) : {', '.join(sorted(set(codes) - connues))}.")
    if erreurs:
        raise ValidationError(erreurs)

    territoire_avant: frozenset[str] = frozenset()
    if convention is not None:
        convention = ConventionReservation.objects.select_related("reservataire").get(pk=convention.pk)
        territoire_avant = frozenset(convention.territoire.values_list("code_insee", flat=True))
        cible = copy.copy(convention)
    else:
        cible = ConventionReservation(bailleur=bailleur)
    cible.reservataire = reservataire
    cible.categorie = categorie
    cible.libelle = libelle.strip()
    cible.part = None if part is None else part.quantize(Decimal("0.001"))
    cible.nombre_logements = nombre_logements
    cible.mixite = criteres
    cible.delai_proposition_jours = delai_proposition_jours
    cible.echec_compte = echec_compte
    cible.debut = debut
    cible.fin = fin
    erreurs = _erreurs_retroactivite(bailleur, convention, territoire_avant, cible, frozenset(codes))
    if erreurs:
        raise ValidationError(erreurs)
    ensemble = ConventionsBailleur.charger(bailleur)
    ensemble.remplacer(cible, codes)
    erreurs = ensemble.valider(cible, annee=debut.year)
    if erreurs:
        raise ValidationError(erreurs)

    avant = None if convention is None else _description(convention, territoire_avant)
    if convention is None:
        cible.cree_par = _utilisateur(auteur)
    cible.save()
    cible.territoire.set(codes)  # type: ignore[arg-type]  # a commune's key is its INSEE code (str)
    apres = _description(cible, frozenset(codes))
    evenement_enregistrer(
        objet=cible,
        action="convention_creee" if convention is None else "convention_modifiee",
        resume=f"Convention {'enregistrée' if convention is None else 'modifiée'} : {cible.libelle_affiche} ({_part_texte(cible)}).",
        auteur=auteur.utilisateur,
        organisation=bailleur,
        details={"avant": avant, "apres": apres},
    )
    return cible


def _part_texte(c: ConventionReservation) -> str:
    if c.part is not None:
        return f"{format_decimal(c.part)} % du flux"
    return f"{c.nombre_logements} logements par an"


def format_decimal(valeur: Decimal) -> str:
    """``Decimal("25.000")`` → ``"25"``; ``Decimal("12.500")`` → ``"12,5"``."""
    texte = f"{valeur:f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    return texte.replace(".", ",")


def _description(c: ConventionReservation, territoire: frozenset[str]) -> dict[str, Any]:
    return {
        "reservataire": c.reservataire_id,
        "categorie": c.categorie,
        "libelle": c.libelle,
        "part": None if c.part is None else str(c.part),
        "nombre_logements": c.nombre_logements,
        "communes": sorted(territoire),
        "mixite": list(c.mixite or []),
        "delai_proposition_jours": c.delai_proposition_jours,
        "echec_compte": c.echec_compte,
        "debut": c.debut.isoformat(),
        "fin": None if c.fin is None else c.fin.isoformat(),
    }


@transaction.atomic
def reglage_flux_enregistrer(*, bailleur: Organisation, arbitrage: str, auteur: Acteur) -> ReglageFlux:
    """What the engine guarantees first when an agreement asks for a mix (``docs/flux-orientation.md`` §5)."""
    _exiger_gestion(auteur, bailleur)
    if arbitrage not in Arbitrage.values:
        raise ValidationError({"arbitrage": [f"Arbitrage « {arbitrage} » inconnu."]})
    reglage, _ = ReglageFlux.objects.get_or_create(bailleur=bailleur)
    if reglage.arbitrage != arbitrage:
        avant = reglage.arbitrage
        reglage.arbitrage = arbitrage
        reglage.modifie_par = _utilisateur(auteur)
        reglage.save()
        evenement_enregistrer(
            objet=reglage,
            action="arbitrage_modifie",
            resume=f"Arbitrage du flux de {bailleur} : {Arbitrage(arbitrage).label}.",
            auteur=auteur.utilisateur,
            organisation=bailleur,
            details={"avant": avant, "apres": arbitrage},
        )
    return reglage


# --- freed dwellings and their orientation ----------------------------------------------------------


def _enregistrer_orientation(
    *,
    ll: LogementLibere,
    ctx: Contexte,
    o: moteur.Orientation,
    jour: date,
    auteur: Acteur,
    remplace: Orientation | None = None,
) -> Orientation:
    convention = ctx.conventions.get(o.reservataire)
    parts = {p.reservataire: p for p in ctx.periode.parts}
    delai = parts[o.reservataire].delai_proposition_jours
    maintenant = _horodatage(jour)
    return Orientation.objects.create(
        logement_libere=ll,
        actuelle=True,
        remplace=remplace,
        bailleur_id=ll.bailleur_id,
        zone=ctx.zone,
        periode_debut=ctx.periode.debut,
        periode_fin=ctx.periode.fin,
        flux_prevu=ctx.flux_prevu,
        rang=o.rang,
        strate=o.strate,
        reservataire_cle=o.reservataire,
        convention=convention,
        reservataire=None if convention is None else convention.reservataire,
        libelle=o.libelle,
        propose_cle=o.propose,
        propose_libelle=parts[o.propose].libelle,
        regle=o.regle,
        raison_fr=o.raison_fr,
        ecarts=fractions_json(o.ecarts),
        parts=fractions_json({p.reservataire: p.part for p in ctx.periode.parts}),
        libelles={p.reservataire: p.libelle for p in ctx.periode.parts},
        motif_force=o.motif_force or "",
        force_par=_utilisateur(auteur) if o.force else None,
        compensation_au_plus_tard=o.compensation_au_plus_tard,
        date_limite_proposition=None if convention is None or delai is None else jour + timedelta(days=delai),
        cree_par=_utilisateur(auteur),
        cree_le=maintenant,
    )


@transaction.atomic
def logement_declarer_libere(
    *,
    logement: Logement,
    date_liberation: date,
    nature: str,
    motif_exclusion: str = "",
    motif_exclusion_detail: str = "",
    auteur: Acteur,
    aujourd_hui: date | None = None,
) -> LogementLibere:
    """Declare a dwelling of the bailleur's stock freed on ``date_liberation`` (``nature``: relocation or
    first letting). A dwelling that leaves the assiette (``motif_exclusion``: a code of ``flux.yaml`` —
    internal mutation, rehousing NPNRU / ORCOD / demolition — with its reason; or a dwelling kept in stock)
    is recorded but not oriented. Any other goes to the réservataire the engine proposes, stored with its
    reason; the réservataire has the proposal deadline of its agreement, counted from today (the day it is
    told). Returns the freed dwelling (its orientation: ``.orientation``)."""
    jour = _aujourd_hui(aujourd_hui)
    logement = Logement.objects.select_related("residence", "residence__bailleur").get(pk=logement.pk)
    bailleur = logement.residence.bailleur
    if bailleur is None:
        raise ValidationError(
            {"logement": [f"Le logement {logement.identifiant} n'a pas de bailleur connu : renseignez-le d'abord."]}
        )
    _exiger_gestion(auteur, bailleur)
    bailleur = _verrouiller(bailleur)
    erreurs: dict[str, list[str]] = {}
    if nature not in NatureLiberation.values:
        erreurs["nature"] = [f"Nature « {nature} » inconnue (attendu : relocation ou première mise en location)."]
    if date_liberation > jour + timedelta(days=HORIZON_DECLARATION_JOURS):
        erreurs["date_liberation"] = [
            f"Date de libération {date_liberation:%d/%m/%Y} trop lointaine : au plus un an après aujourd'hui."
        ]
    elif LogementLibere.objects.filter(logement=logement, date_liberation=date_liberation).exists():
        erreurs["date_liberation"] = [
            f"Le logement {logement.identifiant} est déjà déclaré libéré le {date_liberation:%d/%m/%Y}."
        ]
    params = parametres_flux()
    exclusions = {m.code: m.libelle for m in params.exclusions(date_liberation)}
    stock = {m.code: m.libelle for m in params.stock(date_liberation)}
    motif_exclusion = motif_exclusion.strip()
    detail = motif_exclusion_detail.strip()
    if len(detail) > MOTIF_MAX:
        erreurs["motif_exclusion_detail"] = [f"Le motif dépasse {MOTIF_MAX} caractères."]
    if logement.reserve_stock:
        motif_exclusion = logement.reserve_stock
        libelle = stock.get(logement.reserve_stock, logement.get_reserve_stock_display())
        detail = f"{libelle}. {detail}".strip() if detail else f"{libelle} : hors du flux (L441-1 CCH)."
    elif motif_exclusion:
        if motif_exclusion not in exclusions:
            erreurs["motif_exclusion"] = [
                f"Motif de sortie « {motif_exclusion} » inconnu (attendu : {', '.join(exclusions)})."
            ]
        elif not detail:
            erreurs["motif_exclusion_detail"] = [
                f"Précisez le motif de la sortie de l'assiette ({exclusions[motif_exclusion].lower()}) : "
                "quelle mutation, quelle opération."
            ]
    elif detail:
        erreurs["motif_exclusion"] = ["Choisissez le motif de sortie de l'assiette, ou videz la précision du motif."]
    if erreurs:
        raise ValidationError(erreurs)

    ll = LogementLibere.objects.create(
        logement=logement,
        bailleur=bailleur,
        date_liberation=date_liberation,
        nature=nature,
        motif_exclusion=motif_exclusion,
        motif_exclusion_detail=detail,
        commune_id=logement.residence.commune_id,
        typologie=logement.nb_pieces,
        en_qpv=logement.residence.en_qpv,
        financement=logement.financement,
        declare_par=_utilisateur(auteur),
        declare_le=_horodatage(jour),
    )
    if ll.exclu:
        evenement_enregistrer(
            objet=ll,
            action="logement_libere_exclu",
            resume=f"Logement {logement.identifiant} libéré le {date_liberation:%d/%m/%Y}, hors assiette : {detail}",
            auteur=auteur.utilisateur,
            organisation=bailleur,
            details={"motif": motif_exclusion},
        )
        return ll
    ctx = contexte_orientation(bailleur, commune=ll.commune_id, jour=date_liberation)
    try:
        o = moteur.orienter(ctx.etat, logement_moteur(ll))
    except EntreeInvalide as exc:
        raise ValidationError({"logement": [str(exc)]}) from None
    orientation = _enregistrer_orientation(ll=ll, ctx=ctx, o=o, jour=jour, auteur=auteur)
    evenement_enregistrer(
        objet=ll,
        action="logement_libere_oriente",
        resume=f"Logement {logement.identifiant} libéré le {date_liberation:%d/%m/%Y} : {o.raison_fr}",
        auteur=auteur.utilisateur,
        organisation=bailleur,
        details={"orientation": orientation.pk, "reservataire": o.reservataire, "regle": o.regle, "rang": o.rang},
    )
    return ll


def _cle_cible(ctx: Contexte, orientation: Orientation, reservataire: ConventionReservation | Organisation) -> str:
    if isinstance(reservataire, ConventionReservation):
        if reservataire.cle not in ctx.conventions or ctx.conventions[reservataire.cle].pk != reservataire.pk:
            raise ValidationError(
                {"reservataire": [f"La convention « {reservataire.libelle_affiche} » ne s'applique pas à ce logement."]}
            )
        return reservataire.cle
    if reservataire.pk == orientation.bailleur_id:
        return moteur.RESERVATAIRE_BAILLEUR
    candidates = [c for c in ctx.conventions.values() if c.reservataire_id == reservataire.pk]
    if not candidates:
        raise ValidationError(
            {
                "reservataire": [
                    f"« {reservataire} » n'a pas de convention en vigueur qui s'applique à ce logement : il ne peut pas "
                    "le recevoir."
                ]
            }
        )
    if len(candidates) > 1:
        noms = ", ".join(c.libelle_affiche for c in candidates)
        raise ValidationError(
            {"reservataire": [f"« {reservataire} » a plusieurs contingents ({noms}) : choisissez la convention."]}
        )
    return candidates[0].cle


@transaction.atomic
def orientation_forcer(
    *,
    orientation: Orientation,
    reservataire: ConventionReservation | Organisation,
    motif: str,
    auteur: Acteur,
    aujourd_hui: date | None = None,
) -> Orientation:
    """The bailleur orients the dwelling to another contingent than the engine's (``reservataire``: an
    agreement, a réservataire with a single agreement applicable, or the bailleur itself for its own
    share). The reason is required and audited; the engine compensates with the next dwellings (the new
    orientation says by which rank). The orientation replaced is kept (``actuelle=False``)."""
    jour = _aujourd_hui(aujourd_hui)
    _exiger_gestion(auteur, orientation.bailleur)
    bailleur = _verrouiller(orientation.bailleur)
    orientation = Orientation.objects.select_related("logement_libere__logement").get(pk=orientation.pk)
    motif = (motif or "").strip()
    if not orientation.actuelle:
        raise ValidationError({"reservataire": ["Cette orientation a déjà été remplacée par une autre."]})
    if orientation.statut != StatutOrientation.A_PROPOSER:
        raise ValidationError(
            {
                "reservataire": [
                    f"L'orientation est au statut « {orientation.get_statut_display()} » : elle ne peut plus être changée."
                ]
            }
        )
    if not motif:
        raise ValidationError(
            {
                "motif": [
                    "Le motif de la dérogation est obligatoire pour orienter le logement vers un autre réservataire."
                ]
            }
        )
    if len(motif) > MOTIF_MAX:
        raise ValidationError({"motif": [f"Le motif dépasse {MOTIF_MAX} caractères."]})
    ll = orientation.logement_libere
    ctx = contexte_orientation(bailleur, commune=ll.commune_id, jour=ll.date_liberation, exclure=orientation.pk)
    cle = _cle_cible(ctx, orientation, reservataire)
    if cle == orientation.reservataire_cle:
        raise ValidationError({"reservataire": [f"Le logement est déjà orienté vers {orientation.libelle}."]})
    try:
        o = moteur.forcer(ctx.etat, logement_moteur(ll), cle, motif)
    except EntreeInvalide as exc:
        raise ValidationError({"reservataire": [str(exc)]}) from None
    orientation.actuelle = False
    orientation.save(update_fields=["actuelle"])
    nouvelle = _enregistrer_orientation(ll=ll, ctx=ctx, o=o, jour=jour, auteur=auteur, remplace=orientation)
    evenement_enregistrer(
        objet=ll,
        action="orientation_forcee",
        resume=f"Dérogation : logement {ll.logement.identifiant} orienté vers {o.libelle} au lieu de "
        f"{orientation.libelle} — motif : {motif}",
        auteur=auteur.utilisateur,
        organisation=bailleur,
        details={
            "orientation_remplacee": orientation.pk,
            "orientation": nouvelle.pk,
            "avant": orientation.reservataire_cle,
            "apres": o.reservataire,
            "propose": o.propose,
            "motif": motif,
            "compensation_au_plus_tard": o.compensation_au_plus_tard,
        },
    )
    return nouvelle


@transaction.atomic
def orientation_candidats_proposer(
    *,
    orientation: Orientation,
    nombre_candidats: int,
    commentaire: str = "",
    auteur: Acteur,
    aujourd_hui: date | None = None,
) -> Orientation:
    """The réservataire has proposed candidates for the dwelling before its deadline."""
    jour = _aujourd_hui(aujourd_hui)
    orientation = (
        Orientation.objects.select_for_update().select_related("logement_libere__logement").get(pk=orientation.pk)
    )
    auteur.exiger(
        auteur.voit_tout or auteur.est_membre(orientation.reservataire_id, ecriture=True),
        "Seuls les gestionnaires du réservataire proposent des candidats.",
    )
    if orientation.part_bailleur:
        raise ValidationError({"nombre_candidats": ["Ce logement relève de la part non réservée du bailleur."]})
    if not orientation.actuelle or orientation.statut != StatutOrientation.A_PROPOSER:
        raise ValidationError(
            {
                "nombre_candidats": [
                    f"Le logement n'attend plus de proposition (statut : {orientation.get_statut_display()})."
                ]
            }
        )
    limite = orientation.date_limite_proposition
    if limite is not None and jour > limite:
        raise ValidationError(
            {
                "nombre_candidats": [
                    f"Le délai de proposition a expiré le {limite:%d/%m/%Y} : le logement revient au bailleur pour ce tour."
                ]
            }
        )
    if isinstance(nombre_candidats, bool) or not isinstance(nombre_candidats, int) or nombre_candidats < 1:
        raise ValidationError({"nombre_candidats": ["Indiquez le nombre de candidats proposés (au moins 1)."]})
    commentaire = (commentaire or "").strip()
    if len(commentaire) > MOTIF_MAX:
        raise ValidationError({"commentaire": [f"Le commentaire dépasse {MOTIF_MAX} caractères."]})
    orientation.statut = StatutOrientation.CANDIDATS_PROPOSES
    orientation.candidats_proposes_le = jour
    orientation.nombre_candidats = nombre_candidats
    orientation.commentaire_reservataire = commentaire
    orientation.candidats_proposes_par = _utilisateur(auteur)
    orientation.save(
        update_fields=[
            "statut",
            "candidats_proposes_le",
            "nombre_candidats",
            "commentaire_reservataire",
            "candidats_proposes_par",
        ]
    )
    evenement_enregistrer(
        objet=orientation.logement_libere,
        action="candidats_proposes",
        resume=f"{orientation.libelle} propose {nombre_candidats} candidat{'s' if nombre_candidats > 1 else ''} pour "
        f"le logement {orientation.logement_libere.logement.identifiant}.",
        auteur=auteur.utilisateur,
        organisation=orientation.reservataire,
        details={"orientation": orientation.pk, "nombre_candidats": nombre_candidats},
    )
    return orientation


@transaction.atomic
def orientation_constater_echeance(
    *, orientation: Orientation, auteur: Acteur, aujourd_hui: date | None = None
) -> Orientation:
    """The réservataire proposed nobody before the deadline: the dwelling comes back to the bailleur for
    this turn. As the agreement says (``echec_compte``), it still counts against the réservataire's share,
    or it leaves the apportionment and the réservataire is still owed it (the engine serves it again)."""
    jour = _aujourd_hui(aujourd_hui)
    _exiger_gestion(auteur, orientation.bailleur)
    bailleur = _verrouiller(orientation.bailleur)
    orientation = Orientation.objects.select_related("logement_libere__logement").get(pk=orientation.pk)
    if orientation.part_bailleur:
        raise ValidationError({"__all__": ["La part non réservée du bailleur n'a pas de délai de proposition."]})
    if not orientation.actuelle or orientation.statut != StatutOrientation.A_PROPOSER:
        raise ValidationError(
            {"__all__": [f"Le logement n'attend pas de proposition (statut : {orientation.get_statut_display()})."]}
        )
    limite = orientation.date_limite_proposition
    if limite is None or jour <= limite:
        raise ValidationError(
            {"__all__": [f"Le délai de proposition court jusqu'au {limite:%d/%m/%Y} inclus : il n'est pas dépassé."]}
        )
    ll = orientation.logement_libere
    ctx = contexte_orientation(bailleur, commune=ll.commune_id, jour=ll.date_liberation)
    try:
        echec = moteur.constater_echec(ctx.etat, reservataire=orientation.reservataire_cle, strate=orientation.strate)
    except EntreeInvalide as exc:
        raise ValidationError({"__all__": [str(exc)]}) from None
    orientation.statut = StatutOrientation.ECHUE
    orientation.echue_le = jour
    orientation.decompte = echec.decompte
    orientation.raison_echec = echec.raison_fr
    orientation.save(update_fields=["statut", "echue_le", "decompte", "raison_echec"])
    evenement_enregistrer(
        objet=ll,
        action="orientation_echue",
        resume=f"Logement {ll.logement.identifiant} : délai dépassé le {limite:%d/%m/%Y}. {echec.raison_fr}",
        auteur=auteur.utilisateur,
        organisation=bailleur,
        details={"orientation": orientation.pk, "decompte": echec.decompte},
    )
    return orientation


def orientations_constater_echeances(
    *, auteur: Acteur, aujourd_hui: date | None = None, bilan: Bilan | None = None
) -> int:
    """Every orientation whose deadline has passed without a proposal comes back to its bailleur (one
    transaction per dwelling). Returns how many. With ``bilan``, a dwelling that cannot be handled is
    noted there (which, why) and the others are handled; without, its error is raised. Every bailleur's
    dwellings: the system (command ``flux_constater_echeances``) or a superuser."""
    auteur.exiger(
        auteur.voit_tout,
        "Seuls Attrib (commande flux_constater_echeances) et un superutilisateur constatent les échéances de "
        "tous les bailleurs ; un gestionnaire du bailleur constate celle d'un logement.",
    )
    jour = _aujourd_hui(aujourd_hui)
    echues = Orientation.objects.filter(
        actuelle=True, statut=StatutOrientation.A_PROPOSER, date_limite_proposition__lt=jour
    ).order_by("date_limite_proposition", "pk")
    nombre = 0
    for orientation in echues.select_related("logement_libere__logement"):
        objet = f"logement {orientation.logement_libere.logement.identifiant}"
        if traiter(
            bilan,
            objet,
            partial(orientation_constater_echeance, orientation=orientation, auteur=auteur, aujourd_hui=jour),
        ):
            nombre += 1
    return nombre


def orientation_du_logement_a_attribuer(*, logement: Logement) -> Orientation | None:
    """The current orientation of the dwelling's latest freeing not yet attributed, locked for the lease
    that is being signed (``None`` when the dwelling was never declared freed in the flux)."""
    return (
        Orientation.objects.select_for_update(of=("self",))
        .select_related("convention", "bailleur")
        .filter(logement_libere__logement=logement, actuelle=True)
        .exclude(statut=StatutOrientation.ATTRIBUEE)
        .order_by("-logement_libere__date_liberation", "-pk")
        .first()
    )


def orientation_attribuer(
    *, orientation: Orientation, demande: Demande, date_attribution: date, auteur: Acteur
) -> Orientation:
    """A lease was signed on the oriented dwelling: the orientation is attributed to the demand (it then
    counts in the réservataire's flux as satisfied). An orientation whose deadline passed stays « échue »:
    the dwelling came back to the bailleur and the lease does not change that. Only a manager of the
    bailleur (who signs the lease) writes it."""
    _exiger_gestion(auteur, orientation.bailleur)
    if orientation.statut in (StatutOrientation.ECHUE, StatutOrientation.ATTRIBUEE):
        return orientation
    if date_attribution < orientation.logement_libere.date_liberation:
        raise ValidationError(
            {
                "date_signature": [
                    f"Le bail ne peut précéder la libération du logement le "
                    f"{orientation.logement_libere.date_liberation:%d/%m/%Y}."
                ]
            }
        )
    orientation.statut = StatutOrientation.ATTRIBUEE
    orientation.demande_attribuee = demande
    orientation.attribuee_le = date_attribution
    orientation.save(update_fields=["statut", "demande_attribuee", "attribuee_le"])
    return orientation


# --- import / export of the agreements --------------------------------------------------------------

TYPE_XLSX = tableurs.TYPE_XLSX
#: Columns of the interchange file (CSV « ; » or Excel), in order; the import finds them by their header.
COLONNES_CONVENTIONS = (
    ("bailleur", "Bailleur"),
    ("reservataire", "Réservataire"),
    ("categorie", "Contingent"),
    ("libelle", "Libellé"),
    ("part", "Part du flux (%)"),
    ("nombre_logements", "Nombre de logements par an"),
    ("communes", "Territoire (codes INSEE)"),
    ("mixite", "Mixité"),
    ("delai_proposition_jours", "Délai de proposition (jours)"),
    ("echec_compte", "Délai dépassé décompté"),
    ("debut", "Début"),
    ("fin", "Fin"),
)
OBLIGATOIRES = ("reservataire", "categorie", "debut")


@dataclass
class LigneImport:
    numero: int
    libelle: str
    resultat: str  # "creee", "modifiee", "inchangee", "erreur"
    messages: list[str] = field(default_factory=list)


@dataclass
class RapportImportConventions:
    """What an import did, line by line (numbers as in the file, header = line 1). All or nothing: with a
    single error, nothing is recorded (``annule``)."""

    lignes: list[LigneImport] = field(default_factory=list)
    erreurs_ensemble: list[str] = field(default_factory=list)
    erreur_fichier: str = ""
    annule: bool = False

    @property
    def erreurs(self) -> list[LigneImport]:
        return [ligne for ligne in self.lignes if ligne.resultat == "erreur"]

    def compte(self, resultat: str) -> int:
        return sum(1 for ligne in self.lignes if ligne.resultat == resultat)

    def resume(self) -> str:
        if self.erreur_fichier:
            return self.erreur_fichier
        if self.annule:
            nombre = len(self.erreurs) + len(self.erreurs_ensemble)
            return f"Aucune convention enregistrée : {nombre} erreur{'s' if nombre > 1 else ''} à corriger."
        return (
            f"{self.compte('creee')} convention(s) créée(s), {self.compte('modifiee')} modifiée(s), "
            f"{self.compte('inchangee')} inchangée(s)."
        )


def _texte(valeur: Any) -> str:
    """A cell as text, without the apostrophe the export puts before a text a spreadsheet would evaluate."""
    return "" if valeur is None else retirer_neutralisation(str(valeur).strip())


def _sans_accents(texte: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c)).casefold().strip()


def _lire_part(brut: Any) -> Decimal | None:
    if brut is None or (isinstance(brut, str) and not brut.strip()):
        return None
    if isinstance(brut, int | float) and not isinstance(brut, bool):
        return Decimal(str(brut))
    texte = str(brut).replace("%", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    return Decimal(texte)


def _lire_entier(brut: Any) -> int | None:
    if brut is None or (isinstance(brut, str) and not brut.strip()):
        return None
    if isinstance(brut, float) and brut.is_integer():
        return int(brut)
    if isinstance(brut, int) and not isinstance(brut, bool):
        return brut
    texte = str(brut).strip().replace(" ", "")
    if not texte.lstrip("-").isdigit():
        raise ValueError(texte)
    return int(texte)


def _lire_date(brut: Any) -> date | None:
    if brut is None or (isinstance(brut, str) and not brut.strip()):
        return None
    if isinstance(brut, datetime):
        return brut.date()
    if isinstance(brut, date):
        return brut
    texte = str(brut).strip()
    for format_ in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(texte, format_).date()
        except ValueError:
            continue
    raise ValueError(texte)


def _lire_booleen(brut: Any) -> bool:
    texte = _sans_accents(_texte(brut))
    if texte in ("", "oui", "vrai", "1", "o", "true", "yes"):
        return True
    if texte in ("non", "faux", "0", "n", "false", "no"):
        return False
    raise ValueError(texte)


def _lire_liste(brut: Any) -> list[str]:
    return [m for m in re.split(r"[;,\s]+", _texte(brut)) if m]


def _lire_fichier(fichier: Any, nom: str) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV (« ; », « , » or tab; UTF-8 or Windows-1252) or Excel file, as
    ``(line number, {column key: value})`` (the product's reader, :mod:`attrib.engine.formats.lecture`)."""
    contenu = fichier if isinstance(fichier, bytes) else fichier.read()
    entetes = {_sans_accents(libelle): cle for cle, libelle in COLONNES_CONVENTIONS}
    entetes.update({cle: cle for cle, _ in COLONNES_CONVENTIONS})
    try:
        lues = [(r.numero, list(r.cellules)) for r in lecture.lire_tableau(contenu, nom=nom).lignes]
    except lecture.ErreurLecture as exc:
        if lecture.est_classeur(contenu, nom) and exc.ligne is None:
            raise ValidationError({"fichier": ["Classeur Excel illisible : enregistrez-le au format .xlsx."]}) from None
        message = str(exc)
        raise ValidationError({"fichier": [f"{message[0].upper()}{message[1:]}."]}) from None
    lignes: list[list[Any]] = [cellules for _, cellules in lues]
    if not lignes:
        raise ValidationError({"fichier": ["Le fichier est vide."]})
    colonnes: dict[int, str] = {}
    for i, entete in enumerate(lignes[0]):
        cle = entetes.get(_sans_accents(_texte(entete)))
        if cle is not None:
            colonnes[i] = cle
    manquantes = [dict(COLONNES_CONVENTIONS)[c] for c in OBLIGATOIRES if c not in colonnes.values()]
    if manquantes:
        raise ValidationError({"fichier": [f"Colonne(s) manquante(s) en ligne 1 : {', '.join(manquantes)}."]})
    resultat = []
    for numero, ligne in lues[1:]:
        valeurs = {cle: ligne[i] if i < len(ligne) else None for i, cle in colonnes.items()}
        if all(_texte(v) == "" for v in valeurs.values()):
            continue
        resultat.append((numero, valeurs))
    return resultat


def _reservataires_par_nom() -> dict[str, list[Organisation]]:
    noms: dict[str, list[Organisation]] = {}
    for org in Organisation.objects.exclude(categorie_reservataire=""):
        noms.setdefault(_sans_accents(org.nom), []).append(org)
    return noms


def _categorie(brut: Any) -> str:
    texte = _sans_accents(_texte(brut))
    for valeur, libelle in CategorieConvention.choices:
        if texte in (valeur, _sans_accents(libelle)):
            return str(valeur)
    raise ValueError(texte)


@transaction.atomic
def conventions_importer(
    *, bailleur: Organisation, fichier: bytes | Any, nom_fichier: str = "", auteur: Acteur
) -> RapportImportConventions:
    """Import the agreements of ``bailleur`` from a CSV or Excel file (the format of
    :func:`conventions_exporter_csv`). A line whose réservataire, contingent and start date match a stored
    agreement updates it; any other creates one. Every line is checked (errors name the line and the
    column), then the whole set with the engine; with a single error nothing is recorded."""
    _exiger_gestion(auteur, bailleur)
    bailleur = _verrouiller(bailleur)
    rapport = RapportImportConventions()
    try:
        lignes = _lire_fichier(fichier, nom_fichier)
    except ValidationError as exc:
        rapport.erreur_fichier = " ".join(exc.messages)
        rapport.annule = True
        return rapport
    if not lignes:
        rapport.erreur_fichier = "Le fichier ne contient aucune convention (seulement l'en-tête)."
        rapport.annule = True
        return rapport
    libelles = dict(COLONNES_CONVENTIONS)
    reservataires = _reservataires_par_nom()
    existantes = {
        (c.reservataire_id, c.categorie, c.debut): c
        for c in ConventionReservation.objects.filter(bailleur=bailleur).select_related("reservataire")
    }
    territoires_existants = {
        c.pk: frozenset(c.territoire.values_list("code_insee", flat=True)) for c in existantes.values()
    }
    communes_connues = set(Commune.objects.values_list("code_insee", flat=True))
    ensemble = ConventionsBailleur.charger(bailleur)
    a_ecrire: list[tuple[LigneImport, ConventionReservation | None, ConventionReservation, list[str]]] = []
    vues: dict[tuple[int, str, date], int] = {}
    for numero, valeurs in lignes:
        ligne = LigneImport(numero=numero, libelle=_texte(valeurs.get("reservataire")), resultat="erreur")
        rapport.lignes.append(ligne)

        def refuser(colonne: str, message: str, ligne: LigneImport = ligne) -> None:
            ligne.messages.append(f"colonne « {libelles[colonne]} » : {message}")

        nom_bailleur = _texte(valeurs.get("bailleur"))
        if nom_bailleur and _sans_accents(nom_bailleur) != _sans_accents(bailleur.nom):
            refuser(
                "bailleur",
                f"« {nom_bailleur} » n'est pas {bailleur} : importez les conventions de chaque bailleur séparément.",
            )
        trouves = reservataires.get(_sans_accents(ligne.libelle), [])
        reservataire = trouves[0] if len(trouves) == 1 else None
        if not ligne.libelle:
            refuser("reservataire", "vide.")
        elif not trouves:
            refuser(
                "reservataire",
                f"« {ligne.libelle} » : aucune organisation titulaire de droits de réservation de ce nom.",
            )
        elif len(trouves) > 1:
            refuser("reservataire", f"« {ligne.libelle} » : plusieurs organisations portent ce nom.")
        categorie = ""
        try:
            categorie = _categorie(valeurs.get("categorie"))
        except ValueError:
            refuser(
                "categorie",
                f"« {_texte(valeurs.get('categorie'))} » inconnu (attendu : {', '.join(CategorieConvention.values)}).",
            )
        if reservataire is not None and categorie in CATEGORIE_ORGANISATION:
            attendu = CATEGORIE_ORGANISATION[CategorieConvention(categorie)]
            if reservataire.categorie_reservataire != attendu:
                refuser(
                    "categorie",
                    f"le contingent {categorie} est réservé à un réservataire de catégorie « {attendu.label} ».",
                )
        lus: dict[str, Any] = {}
        for colonne, lecteur in (
            ("part", _lire_part),
            ("nombre_logements", _lire_entier),
            ("delai_proposition_jours", _lire_entier),
            ("debut", _lire_date),
            ("fin", _lire_date),
            ("echec_compte", _lire_booleen),
        ):
            try:
                lus[colonne] = lecteur(valeurs.get(colonne))
            except (ValueError, ArithmeticError):
                attendus = {
                    "part": "un pourcentage, par exemple 25 ou 12,5",
                    "nombre_logements": "un nombre entier",
                    "delai_proposition_jours": "un nombre entier de jours",
                    "debut": "une date JJ/MM/AAAA",
                    "fin": "une date JJ/MM/AAAA",
                    "echec_compte": "oui ou non",
                }
                refuser(colonne, f"« {_texte(valeurs.get(colonne))} » illisible ({attendus[colonne]}).")
        if "debut" in lus and lus["debut"] is None:
            refuser("debut", "vide.")
        part, nombre = lus.get("part"), lus.get("nombre_logements")
        if "part" in lus and "nombre_logements" in lus:
            if part is None and nombre is None:
                refuser("part", "indiquez la part du flux ou, colonne « Nombre de logements par an », un nombre.")
            elif part is not None and nombre is not None:
                refuser("part", "une part du flux ou un nombre de logements, pas les deux.")
        if part is not None and not (0 <= part <= CENT):
            refuser("part", f"{format_decimal(part)} % : une part est comprise entre 0 et 100 %.")
        if lus.get("delai_proposition_jours") is not None and lus["delai_proposition_jours"] < 1:
            refuser("delai_proposition_jours", "au moins 1 jour.")
        if lus.get("debut") and lus.get("fin") and lus["fin"] < lus["debut"]:
            refuser("fin", f"la fin ({lus['fin']:%d/%m/%Y}) précède le début ({lus['debut']:%d/%m/%Y}).")
        communes = sorted(set(_lire_liste(valeurs.get("communes"))))
        if set(communes) - communes_connues:
            refuser("communes", f"code(s) INSEE inconnu(s) : {', '.join(sorted(set(communes) - communes_connues))}.")
        criteres, inconnus = _normaliser_mixite(
            _sans_accents(m).replace("qpv / hors qpv", "qpv") for m in _lire_liste(valeurs.get("mixite"))
        )
        if inconnus:
            refuser("mixite", f"critère(s) inconnu(s) : {', '.join(inconnus)} (typologie, qpv, commune).")
        if ligne.messages or reservataire is None:
            continue
        cle = (reservataire.pk, categorie, lus["debut"])
        if cle in vues:
            ligne.messages.append(f"même convention que la ligne {vues[cle]} (réservataire, contingent et début).")
            continue
        vues[cle] = numero
        avant = existantes.get(cle)
        cible = copy.copy(avant) if avant is not None else ConventionReservation(bailleur=bailleur)
        cible.reservataire = reservataire
        cible.categorie = categorie
        cible.libelle = _texte(valeurs.get("libelle"))
        cible.part = None if part is None else part.quantize(Decimal("0.001"))
        cible.nombre_logements = nombre
        cible.mixite = criteres
        cible.delai_proposition_jours = lus.get("delai_proposition_jours")
        cible.echec_compte = lus.get("echec_compte", True)
        cible.debut = lus["debut"]
        cible.fin = lus.get("fin")
        territoire_avant = territoires_existants.get(avant.pk, frozenset()) if avant is not None else frozenset()
        if avant is not None and _description(avant, territoire_avant) == _description(cible, frozenset(communes)):
            ligne.resultat = "inchangee"
            continue
        retro = _erreurs_retroactivite(bailleur, avant, territoire_avant, cible, frozenset(communes))
        for messages in retro.values():
            ligne.messages.extend(messages)
        if retro:
            continue
        ensemble.remplacer(cible, communes)
        ligne.resultat = "modifiee" if avant is not None else "creee"
        a_ecrire.append((ligne, avant, cible, communes))
    if not any(ligne.messages for ligne in rapport.lignes):
        for messages in ensemble.valider(
            None, annee=min(c.debut.year for _l, _a, c, _t in a_ecrire) if a_ecrire else timezone.localdate().year
        ).values():
            for message in messages:
                if message not in rapport.erreurs_ensemble:
                    rapport.erreurs_ensemble.append(message)
    for ligne in rapport.lignes:
        if ligne.messages:
            ligne.resultat = "erreur"
    if rapport.erreurs or rapport.erreurs_ensemble:
        rapport.annule = True
        return rapport
    for ligne, avant, cible, communes in a_ecrire:
        if avant is None:
            cible.cree_par = _utilisateur(auteur)
        cible.save()
        cible.territoire.set(communes)  # type: ignore[arg-type]  # a commune's key is its INSEE code (str)
        evenement_enregistrer(
            objet=cible,
            action="convention_importee",
            resume=f"Convention {'importée' if avant is None else 'modifiée par import'} : {cible.libelle_affiche} "
            f"({_part_texte(cible)}), ligne {ligne.numero} de {nom_fichier or 'fichier'}.",
            auteur=auteur.utilisateur,
            organisation=bailleur,
            details={
                "avant": None
                if avant is None
                else _description(avant, territoires_existants.get(avant.pk, frozenset())),
                "apres": _description(cible, frozenset(communes)),
            },
        )
    return rapport


def _valeurs_export(c: ConventionReservation, excel: bool) -> list[Any]:
    part: Any = None
    if c.part is not None:
        part = float(c.part) if excel else format_decimal(c.part)
    return [
        c.bailleur.nom,
        c.reservataire.nom,
        c.get_categorie_display(),
        c.libelle,
        part,
        c.nombre_logements,
        " ; ".join(sorted(t.code_insee for t in c.territoire.all())),
        " ; ".join(c.mixite or []),
        c.delai_proposition_jours,
        c.echec_compte,
        c.debut,
        c.fin,
    ]


def conventions_exporter_csv(*, conventions: Iterable[ConventionReservation]) -> bytes:
    """The agreements in the interchange format (CSV « ; », UTF-8 with BOM for spreadsheet software), through
    the products' writer (``attrib.common.tableurs``): contingents as their French labels, which the import
    reads back."""
    return tableurs.csv_octets(
        [libelle for _, libelle in COLONNES_CONVENTIONS], (_valeurs_export(c, excel=False) for c in conventions)
    )


def conventions_exporter_excel(*, conventions: Iterable[ConventionReservation]) -> bytes:
    """The agreements in the interchange format, as an Excel workbook (sheet « Conventions »)."""
    classeur = tableurs.Classeur()
    feuille = classeur.feuille("Conventions")
    feuille.ajouter([libelle for _, libelle in COLONNES_CONVENTIONS], gras=True)
    for c in conventions:
        feuille.ajouter(_valeurs_export(c, excel=True))
    feuille.largeurs((24, 32, 16, 30, 14, 14, 24, 20, 14, 12, 12, 12))
    feuille.figer("C2")
    aide = classeur.feuille("Mode d'emploi")
    for texte in (
        "Une ligne par convention (un contingent d'un réservataire). Colonnes obligatoires : Réservataire, Contingent, Début.",
        f"Contingent : {', '.join(f'« {lib} »' for _, lib in CategorieConvention.choices)} "
        f"(ou son code : {', '.join(str(v) for v, _ in CategorieConvention.choices)}).",
        "Part du flux en % (par exemple 25 ou 12,5) OU nombre de logements par an, pas les deux.",
        "Territoire : codes INSEE séparés par « ; » ; vide = tout le patrimoine du bailleur.",
        "Mixité : typologie ; qpv ; commune (facultatif). Délai vide : délai par défaut "
        f"({valeur_arbre('flux.delai_proposition_defaut', timezone.localdate()).valeur} jours).",
        "Délai dépassé décompté : oui (par défaut) ou non. Dates au format JJ/MM/AAAA ; fin vide = sans terme.",
        "Une ligne de même réservataire, contingent et début qu'une convention existante la met à jour.",
    ):
        aide.ajouter([texte])
    aide.largeurs([120])
    return classeur.octets()
