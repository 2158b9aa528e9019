"""Agreements of reservation and the bailleur's setting: create or change an agreement after the engine checked
the whole set of the bailleur's agreements, the rules that freeze what applied to a dwelling already oriented
(retroactivity), the description kept in the audit trail, and the arbitrage the engine guarantees first.

The import of agreements (:mod:`attrib.flux.services.echanges`) applies the same checks line by line.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from attrib.common.services import evenement_enregistrer
from attrib.engine import flux as moteur
from attrib.flux.enums import Arbitrage, CategorieConvention, CritereMixite
from attrib.flux.models import CENT, ConventionReservation, Orientation, ReglageFlux
from attrib.flux.moteur import ConventionsBailleur
from attrib.flux.services._commun import _exiger_gestion, _utilisateur, _verrouiller
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from attrib.territoires.models import Commune

#: Category of réservataire an agreement's contingent requires (« autre » accepts any holder of rights).
CATEGORIE_ORGANISATION = {
    CategorieConvention.ETAT: CategorieReservataire.ETAT,
    CategorieConvention.ETAT_AGENTS: CategorieReservataire.ETAT,
    CategorieConvention.ACTION_LOGEMENT: CategorieReservataire.ACTION_LOGEMENT,
    CategorieConvention.COMMUNE: CategorieReservataire.COMMUNE,
    CategorieConvention.EPCI: CategorieReservataire.EPCI,
}


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
