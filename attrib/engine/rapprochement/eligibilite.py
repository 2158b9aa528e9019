"""Eligibility of a household for one dwelling, rule by rule, explained in French.

Rules (codes are stable, :data:`REGLES`):

- ``plafond_ressources``: revenu fiscal de référence ≤ ceiling of the dwelling's financing (PLAI, PLUS,
  PLS = PLUS × 1.3), in the dwelling's ceiling zone, for the household's category (arrêté du 29 juillet
  1987: jeune ménage, disability uplift, additional persons) — computed with :func:`attrib.engine.menage.plafond`;
- ``sous_occupation``: at most "persons + 1" main rooms (L621-2 CCH);
- ``sur_occupation``: living area ≥ 9 m² for one person, 16 m² for two, + 9 m² per additional person,
  capped at 70 m² (L822-10 CCH);
- ``typologie``: the typology lies in the local table for the household size (``adequation_typologie.yaml``);
- ``accessibilite``: declared needs (wheelchair, adapted dwelling, ground floor or lift) met by the dwelling;
- ``taux_effort``: (rent + charges − declared housing allowance) / monthly resources ≤ local maximum; when the
  dwelling's charges are unknown, the housing benefit's flat-rate charges of the household's composition
  (forfait « C », D823-16 CCH, dated in ``taux_effort.yaml``) stand in for them, and the message says so;
- ``reste_a_vivre``: (monthly resources − net housing cost) / consumption units ≥ local minimum.

Each rule is ``respectee``, ``non_respectee`` or ``non_evaluee`` (a value is missing: an unsourced ceiling, an
unknown rent or accessibility feature). A household is eligible when no rule fails; an unevaluated ceiling or
accessibility blocks (it cannot be asserted), an unevaluated effort rate does not (the committee judges).

Two paths give the same statuses, numbers and messages (tested on random households): :func:`eligibilite`
for one household (reference, plain Python) and :func:`eligibilite_vectorielle` over a
:class:`TableDemandeurs` (numpy, used by the shortlist over a million demands).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from attrib.engine.derivations import _verifier_colonnes, _verifier_lignes
from attrib.engine.erreurs import EntreeInvalide, PlafondNonRenseigne
from attrib.engine.menage import Menage, categorie_menage, plafond, unites_consommation
from attrib.engine.parametres import FINANCEMENTS, PERSONNE_SUPPLEMENTAIRE, ZONES, Parametres, charger_parametres
from attrib.engine.rapprochement.parametres import TYPOLOGIE_MAX, Regles, charger_regles
from attrib.engine.rapprochement.texte import decimal, euros, euros_centimes, pluriel, pourcentage


class Statut(IntEnum):
    NON_EVALUEE = -1
    NON_RESPECTEE = 0
    RESPECTEE = 1

    @property
    def libelle(self) -> str:
        return {-1: "non évaluée", 0: "non respectée", 1: "respectée"}[self.value]


@dataclass(frozen=True, slots=True)
class Regle:
    code: str
    libelle: str
    bloquante_si_non_evaluee: bool


PLAFOND = "plafond_ressources"
SOUS_OCCUPATION = "sous_occupation"
SUR_OCCUPATION = "sur_occupation"
TYPOLOGIE = "typologie"
ACCESSIBILITE = "accessibilite"
TAUX_EFFORT = "taux_effort"
RESTE_A_VIVRE = "reste_a_vivre"

REGLES: tuple[Regle, ...] = (
    Regle(PLAFOND, "Plafond de ressources", True),
    Regle(SOUS_OCCUPATION, "Sous-occupation", True),
    Regle(SUR_OCCUPATION, "Sur-occupation", True),
    Regle(TYPOLOGIE, "Typologie adaptée à la taille du ménage", True),
    Regle(ACCESSIBILITE, "Accessibilité", True),
    Regle(TAUX_EFFORT, "Taux d'effort", False),
    Regle(RESTE_A_VIVRE, "Reste à vivre", False),
)
_REGLE: Mapping[str, Regle] = {r.code: r for r in REGLES}

LIBELLES_ZONES: Mapping[str, str] = {
    "paris_communes_limitrophes": "Paris et communes limitrophes",
    "ile_de_france": "Île-de-France",
    "autres_regions": "autres régions",
}
BESOINS: tuple[tuple[str, str], ...] = (
    ("besoin_fauteuil", "accès en fauteuil roulant"),
    ("besoin_logement_adapte", "logement adapté au handicap"),
    ("besoin_rdc_ou_ascenseur", "rez-de-chaussée ou ascenseur"),
)


# --- inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Logement:
    """The dwelling offered, as the rules see it (monthly amounts in euros).

    ``loyer``: principal rent + rent of the annexes; ``charges``: recoverable charges; ``None`` = unknown.
    The context fields (``identifiant`` … ``reservataire``) drive the shortlist and the objectives, not the rules.
    """

    financement: str
    zone_plafond: str
    nb_pieces: int
    surface_habitable: float
    loyer: float | None = None
    charges: float | None = None
    adapte_pmr: bool | None = None
    ascenseur: bool | None = None
    etage: int | None = None
    identifiant: str = ""
    commune: str = ""
    en_qpv: bool = False
    note_residence: int | None = None
    reservataire: str = ""

    def __post_init__(self) -> None:
        lieu = f"Logement {self.identifiant} : " if self.identifiant else "Logement : "
        if self.financement not in FINANCEMENTS:
            raise EntreeInvalide(
                f"{lieu}financement « {self.financement} » inconnu (attendu : {', '.join(FINANCEMENTS)})."
            )
        if self.zone_plafond not in ZONES:
            raise EntreeInvalide(f"{lieu}zone_plafond « {self.zone_plafond} » inconnue (attendu : {', '.join(ZONES)}).")
        if isinstance(self.nb_pieces, bool) or not isinstance(self.nb_pieces, int) or self.nb_pieces < 1:
            raise EntreeInvalide(f"{lieu}nb_pieces : au moins 1 pièce ; reçu {self.nb_pieces!r}.")
        if not math.isfinite(self.surface_habitable) or self.surface_habitable <= 0:
            raise EntreeInvalide(
                f"{lieu}surface_habitable : surface positive attendue ; reçu {self.surface_habitable}."
            )
        for nom in ("loyer", "charges"):
            montant = getattr(self, nom)
            if montant is not None and (not math.isfinite(montant) or montant < 0):
                raise EntreeInvalide(f"{lieu}{nom} : montant positif ou nul attendu ; reçu {montant}.")

    @property
    def typologie(self) -> int:
        """T1 … T6 (6 = six rooms and more)."""
        return min(self.nb_pieces, TYPOLOGIE_MAX)


@dataclass(frozen=True, slots=True)
class Demandeur:
    """A household (:class:`~attrib.engine.menage.Menage`) with its needs and declared housing allowance (€/month)."""

    menage: Menage
    allocation_logement: float = 0.0
    besoin_fauteuil: bool = False
    besoin_logement_adapte: bool = False
    besoin_rdc_ou_ascenseur: bool = False

    def __post_init__(self) -> None:
        if not math.isfinite(self.allocation_logement) or self.allocation_logement < 0:
            raise EntreeInvalide(
                f"allocation_logement : montant positif ou nul attendu ; reçu {self.allocation_logement}."
            )


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultatRegle:
    code: str
    libelle: str
    statut: Statut
    message: str

    @property
    def bloquant(self) -> bool:
        return self.statut == Statut.NON_RESPECTEE or (
            self.statut == Statut.NON_EVALUEE and _REGLE[self.code].bloquante_si_non_evaluee
        )


@dataclass(frozen=True, slots=True)
class Eligibilite:
    """Outcome of every rule for one household and one dwelling."""

    regles: tuple[ResultatRegle, ...]
    plafond: int | None
    taux_effort: float | None
    reste_a_vivre_uc: float | None

    @property
    def eligible(self) -> bool:
        return not any(r.bloquant for r in self.regles)

    @property
    def echecs(self) -> tuple[str, ...]:
        """Codes of the rules that exclude the household (failed, or blocking and not evaluated)."""
        return tuple(r.code for r in self.regles if r.bloquant)

    @property
    def motifs(self) -> tuple[str, ...]:
        """French messages of the rules that exclude the household."""
        return tuple(r.message for r in self.regles if r.bloquant)

    def statut(self, code: str) -> Statut:
        for r in self.regles:
            if r.code == code:
                return r.statut
        raise KeyError(code)

    def explication(self) -> tuple[str, ...]:
        """One sentence per rule: "<libellé> : <statut>. <message>"."""
        return tuple(f"{r.libelle} ({r.statut.libelle}) : {r.message}" for r in self.regles)


# --- context of one dwelling (shared by both paths) ----------------------------------------------


@dataclass(frozen=True, slots=True)
class _Chiffres:
    """What the rules read from a household."""

    nb_personnes: int
    categorie: int
    personnes_supplementaires: int
    revenu_fiscal_reference: int
    revenus_mensuels: float
    unites_consommation: float
    allocation_logement: float
    besoin_fauteuil: bool
    besoin_logement_adapte: bool
    besoin_rdc_ou_ascenseur: bool
    nb_personnes_a_charge: int = 0


@dataclass(frozen=True)
class ContexteLogement:
    """Ceilings of the dwelling's financing for every category and its accessibility, computed once per
    dwelling (:func:`contexte_logement`) and shared by both paths."""

    logement: Logement
    regles: Regles
    annee_plafonds: int
    plafonds_categorie: tuple[int | None, ...]  # index = category (0 unused)
    plafond_supplement: int | None
    acces: Mapping[str, Statut]  # need → status for this dwelling
    cache: dict[str, Any] = field(default_factory=dict)


def _contexte(logement: Logement, regles: Regles, annee_plafonds: int, parametres: Parametres) -> ContexteLogement:
    maximum = parametres.nombre_categories(date(annee_plafonds, 1, 1))

    def cellule(categorie: str) -> int | None:
        try:
            return parametres.plafond_cellule(logement.financement, logement.zone_plafond, annee_plafonds, categorie)
        except PlafondNonRenseigne:
            return None

    return ContexteLogement(
        logement=logement,
        regles=regles,
        annee_plafonds=annee_plafonds,
        plafonds_categorie=(None, *(cellule(str(c)) for c in range(1, maximum + 1))),
        plafond_supplement=cellule(PERSONNE_SUPPLEMENTAIRE),
        acces=_acces(logement),
    )


def _ou(*valeurs: bool | None) -> bool | None:
    if any(v is True for v in valeurs):
        return True
    return None if any(v is None for v in valeurs) else False


def _et(*valeurs: bool | None) -> bool | None:
    if any(v is False for v in valeurs):
        return False
    return None if any(v is None for v in valeurs) else True


def _statut(valeur: bool | None) -> Statut:
    return Statut.NON_EVALUEE if valeur is None else Statut(int(valeur))


def _acces(logement: Logement) -> dict[str, Statut]:
    rez_de_chaussee = None if logement.etage is None else logement.etage <= 0
    rdc_ou_ascenseur = _ou(rez_de_chaussee, logement.ascenseur)
    return {
        "besoin_fauteuil": _statut(_et(logement.adapte_pmr, rdc_ou_ascenseur)),
        "besoin_logement_adapte": _statut(logement.adapte_pmr),
        "besoin_rdc_ou_ascenseur": _statut(rdc_ou_ascenseur),
    }


# --- messages (shared by both paths) -------------------------------------------------------------


def _oui_non(valeur: bool | None) -> str:
    return "non renseigné" if valeur is None else ("oui" if valeur else "non")


def _message_plafond(ch: _Chiffres, ctx: ContexteLogement, montant: int | None) -> str:
    lg = ctx.logement
    lieu = f"{LIBELLES_ZONES[lg.zone_plafond]}, catégorie {ch.categorie}"
    if ch.personnes_supplementaires:
        lieu += f" + {pluriel(ch.personnes_supplementaires, 'personne supplémentaire', 'personnes supplémentaires')}"
    if montant is None:
        return f"Plafond {lg.financement} {ctx.annee_plafonds} non publié à ce jour ({lieu}) : éligibilité non établie."
    signe = "≤" if ch.revenu_fiscal_reference <= montant else ">"
    return (
        f"Revenu fiscal de référence {euros(ch.revenu_fiscal_reference)} {signe} plafond {lg.financement} "
        f"{ctx.annee_plafonds} de {euros(montant)} ({lieu})."
    )


def _personnes(n: int) -> str:
    return pluriel(n, "personne")


def _message_sous_occupation(ch: _Chiffres, ctx: ContexteLogement, statut: Statut) -> str:
    regle = ctx.regles.adequation.sous_occupation
    maximum = regle.pieces_maximum(ch.nb_personnes)
    if statut == Statut.RESPECTEE:
        return f"T{ctx.logement.nb_pieces} pour {_personnes(ch.nb_personnes)} : au plus {maximum} pièces ({regle.article})."
    return (
        f"T{ctx.logement.nb_pieces} pour {_personnes(ch.nb_personnes)} : plus de {maximum} pièces, "
        f"logement sous-occupé ({regle.article})."
    )


def _message_sur_occupation(ch: _Chiffres, ctx: ContexteLogement, statut: Statut) -> str:
    regle = ctx.regles.adequation.sur_occupation
    minimum = regle.surface_minimale(ch.nb_personnes)
    surface = f"{decimal(ctx.logement.surface_habitable)} m²"
    if statut == Statut.RESPECTEE:
        return f"{surface} pour {_personnes(ch.nb_personnes)} : au moins {minimum} m² requis ({regle.article})."
    return (
        f"{surface} pour {_personnes(ch.nb_personnes)} : moins des {minimum} m² requis, "
        f"logement sur-occupé ({regle.article})."
    )


def _message_typologie(ch: _Chiffres, ctx: ContexteLogement, statut: Statut) -> str:
    table = ctx.regles.adequation.typologies
    t = table.pour(ch.nb_personnes)
    dedans = "dans" if statut == Statut.RESPECTEE else "hors de"
    origine = "règle locale" if table.provenance.choix_local else "table de référence"
    return (
        f"T{ctx.logement.typologie} {dedans} la typologie adaptée à {_personnes(ch.nb_personnes)} "
        f"(T{t.minimum} à T{t.maximum}, {origine})."
    )


_ETAT_BESOIN: Mapping[Statut, str] = {
    Statut.RESPECTEE: "satisfait",
    Statut.NON_RESPECTEE: "non satisfait",
    Statut.NON_EVALUEE: "non vérifiable",
}


def _message_accessibilite(ch: _Chiffres, ctx: ContexteLogement, statut: Statut) -> str:
    declares = [(nom, libelle) for nom, libelle in BESOINS if getattr(ch, nom)]
    if not declares:
        return "Aucun besoin d'accessibilité déclaré."
    lg = ctx.logement
    etage = "non renseigné" if lg.etage is None else ("rez-de-chaussée" if lg.etage <= 0 else str(lg.etage))
    logement = f"adapté PMR : {_oui_non(lg.adapte_pmr)}, étage : {etage}, ascenseur : {_oui_non(lg.ascenseur)}"
    besoins = ", ".join(f"{libelle} ({_ETAT_BESOIN[ctx.acces[nom]]})" for nom, libelle in declares)
    verdict = {
        Statut.RESPECTEE: "besoins satisfaits",
        Statut.NON_RESPECTEE: "besoin non satisfait",
        Statut.NON_EVALUEE: "à vérifier, caractéristique du logement non renseignée",
    }[statut]
    return f"Besoins déclarés : {besoins} ; logement {logement} : {verdict}."


def _charges(ch: _Chiffres, ctx: ContexteLogement) -> float | None:
    """The dwelling's charges when known, else the housing benefit's flat rate for the household, else None."""
    if ctx.logement.charges is not None:
        return ctx.logement.charges
    forfait = ctx.regles.effort.forfait_charges
    return None if forfait is None else forfait.montant(ch.nb_personnes_a_charge)


def _depense_nette(ch: _Chiffres, ctx: ContexteLogement) -> float | None:
    charges = _charges(ch, ctx)
    if ctx.logement.loyer is None or charges is None:
        return None
    return max(0.0, ctx.logement.loyer + charges - ch.allocation_logement)


def _non_evalue(ctx: ContexteLogement, quoi: str) -> str:
    if ctx.logement.loyer is None:
        return f"Loyer du logement non renseigné : {quoi} non évalué."
    return (
        f"Charges du logement non renseignées et aucun forfait de charges de l'aide au logement en vigueur au "
        f"{ctx.regles.jour:%d/%m/%Y} : {quoi} non évalué."
    )


def _libelle_charges(ch: _Chiffres, ctx: ContexteLogement) -> str:
    """« charges 60,00 € » or « charges forfaitaires 75,19 € » (when the dwelling's charges are unknown)."""
    charges = _charges(ch, ctx)
    assert charges is not None
    if ctx.logement.charges is not None:
        return f"charges {euros_centimes(charges)}"
    return f"charges forfaitaires {euros_centimes(charges)}"


def _note_forfait(ch: _Chiffres, ctx: ContexteLogement) -> str:
    forfait = ctx.regles.effort.forfait_charges
    if ctx.logement.charges is not None or forfait is None:
        return ""
    return (
        f" Charges du logement non renseignées : forfait de charges de l'aide au logement ({forfait.acte}, en "
        f"vigueur au {forfait.provenance.date_effet:%d/%m/%Y}) de {euros_centimes(float(forfait.base))} + "
        f"{euros_centimes(float(forfait.par_personne_a_charge))} par personne à charge, soit "
        f"{pluriel(ch.nb_personnes_a_charge, 'personne à charge', 'personnes à charge')}."
    )


def _message_effort(ch: _Chiffres, ctx: ContexteLogement, taux: float | None, statut: Statut) -> str:
    lg = ctx.logement
    depense = _depense_nette(ch, ctx)
    if depense is None or lg.loyer is None:
        return _non_evalue(ctx, "taux d'effort")
    if taux is None:
        return "Ressources mensuelles nulles : taux d'effort non calculable." + _note_forfait(ch, ctx)
    maximum = ctx.regles.effort.taux_effort_maximum.valeur
    signe = "≤" if statut == Statut.RESPECTEE else ">"
    return (
        f"Taux d'effort {pourcentage(taux)} {signe} {pourcentage(maximum)} (loyer {euros_centimes(lg.loyer)} + "
        f"{_libelle_charges(ch, ctx)} − aide au logement {euros_centimes(ch.allocation_logement)} = "
        f"{euros_centimes(depense)} pour {euros_centimes(ch.revenus_mensuels)} de ressources mensuelles)."
        + _note_forfait(ch, ctx)
    )


def _message_reste_a_vivre(ch: _Chiffres, ctx: ContexteLogement, reste: float | None, statut: Statut) -> str:
    if reste is None:
        return _non_evalue(ctx, "reste à vivre")
    depense = _depense_nette(ch, ctx)
    assert depense is not None
    minimum = ctx.regles.effort.reste_a_vivre_minimum.valeur
    signe = "≥" if statut == Statut.RESPECTEE else "<"
    return (
        f"Reste à vivre {euros_centimes(reste)} par mois et par UC {signe} {euros_centimes(minimum)} (ressources "
        f"{euros_centimes(ch.revenus_mensuels)} − dépense nette {euros_centimes(depense)}, "
        f"{decimal(ch.unites_consommation)} UC)."
    )


# --- per-household reference path ----------------------------------------------------------------


def _evaluer(ch: _Chiffres, ctx: ContexteLogement, montant: int | None) -> Eligibilite:
    """All the rules for one household; ``montant``: its ceiling (None when not sourced)."""
    lg, regles = ctx.logement, ctx.regles
    resultats: list[ResultatRegle] = []

    def ajouter(code: str, statut: Statut, message: str) -> None:
        resultats.append(ResultatRegle(code=code, libelle=_REGLE[code].libelle, statut=statut, message=message))

    plafond_statut = _statut(None if montant is None else ch.revenu_fiscal_reference <= montant)
    ajouter(PLAFOND, plafond_statut, _message_plafond(ch, ctx, montant))

    sous = _statut(lg.nb_pieces <= regles.adequation.sous_occupation.pieces_maximum(ch.nb_personnes))
    ajouter(SOUS_OCCUPATION, sous, _message_sous_occupation(ch, ctx, sous))
    sur = _statut(lg.surface_habitable >= regles.adequation.sur_occupation.surface_minimale(ch.nb_personnes))
    ajouter(SUR_OCCUPATION, sur, _message_sur_occupation(ch, ctx, sur))
    t = regles.adequation.typologies.pour(ch.nb_personnes)
    typo = _statut(t.minimum <= lg.typologie <= t.maximum)
    ajouter(TYPOLOGIE, typo, _message_typologie(ch, ctx, typo))

    acces = Statut.RESPECTEE
    for nom, _ in BESOINS:
        if getattr(ch, nom):
            acces = min(acces, ctx.acces[nom], key=_gravite)
    ajouter(ACCESSIBILITE, acces, _message_accessibilite(ch, ctx, acces))

    depense = _depense_nette(ch, ctx)
    taux: float | None = None
    reste: float | None = None
    if depense is None:
        effort = rav = Statut.NON_EVALUEE
    else:
        reste = (ch.revenus_mensuels - depense) / ch.unites_consommation
        rav = _statut(reste >= regles.effort.reste_a_vivre_minimum.valeur)
        if ch.revenus_mensuels > 0:
            taux = depense / ch.revenus_mensuels
            effort = _statut(taux <= regles.effort.taux_effort_maximum.valeur)
        else:
            effort = Statut.NON_EVALUEE
    ajouter(TAUX_EFFORT, effort, _message_effort(ch, ctx, taux, effort))
    ajouter(RESTE_A_VIVRE, rav, _message_reste_a_vivre(ch, ctx, reste, rav))
    return Eligibilite(regles=tuple(resultats), plafond=montant, taux_effort=taux, reste_a_vivre_uc=reste)


def _gravite(statut: Statut) -> int:
    """Order for combining needs: a failed need beats an unknown one, which beats a met one."""
    return {Statut.NON_RESPECTEE: 0, Statut.NON_EVALUEE: 1, Statut.RESPECTEE: 2}[statut]


def _chiffres_demandeur(
    demandeur: Demandeur, *, annee_plafonds: int, date_reference: date, parametres: Parametres
) -> _Chiffres:
    m = demandeur.menage
    categorie = categorie_menage(m, annee_plafonds=annee_plafonds, parametres=parametres)
    return _Chiffres(
        nb_personnes=m.nb_personnes,
        categorie=categorie.categorie,
        personnes_supplementaires=categorie.personnes_supplementaires,
        revenu_fiscal_reference=m.revenu_fiscal_reference,
        revenus_mensuels=m.revenus_mensuels,
        unites_consommation=unites_consommation(m, date_reference=date_reference, parametres=parametres),
        allocation_logement=demandeur.allocation_logement,
        besoin_fauteuil=demandeur.besoin_fauteuil,
        besoin_logement_adapte=demandeur.besoin_logement_adapte,
        besoin_rdc_ou_ascenseur=demandeur.besoin_rdc_ou_ascenseur,
        nb_personnes_a_charge=m.nb_personnes_a_charge,
    )


def eligibilite(
    demandeur: Demandeur,
    logement: Logement,
    *,
    annee_plafonds: int,
    date_reference: date,
    regles: Regles | None = None,
    parametres: Parametres | None = None,
) -> Eligibilite:
    """Every rule for one household and one dwelling (reference path, written for clarity)."""
    p = parametres or charger_parametres()
    r = regles or charger_regles(date_reference)
    ch = _chiffres_demandeur(demandeur, annee_plafonds=annee_plafonds, date_reference=date_reference, parametres=p)
    try:
        montant: int | None = plafond(
            logement.financement,
            zone=logement.zone_plafond,
            categorie=ch.categorie,
            personnes_supplementaires=ch.personnes_supplementaires,
            annee=annee_plafonds,
            parametres=p,
        )
    except PlafondNonRenseigne:
        montant = None
    return _evaluer(ch, _contexte(logement, r, annee_plafonds, p), montant)


# --- vectorised path -----------------------------------------------------------------------------

COLONNES_BESOINS: tuple[str, ...] = (
    "allocation_logement",
    "besoin_fauteuil",
    "besoin_logement_adapte",
    "besoin_rdc_ou_ascenseur",
)


@dataclass(frozen=True, eq=False)
class TableDemandeurs:
    """Households as numpy columns, with category and consumption units already derived.

    Build it with :meth:`depuis_cadre` (a polars frame holding :data:`attrib.engine.menage.COLONNES_ENTREE` and
    :data:`COLONNES_BESOINS`) or :meth:`depuis_demandeurs`. Categories follow the rules of 1 January of
    ``annee_plafonds``; consumption units the scale in force on ``date_reference``.
    """

    annee_plafonds: int
    date_reference: date
    nb_personnes: NDArray[np.int64]
    categorie: NDArray[np.int64]
    personnes_supplementaires: NDArray[np.int64]
    revenu_fiscal_reference: NDArray[np.int64]
    revenus_mensuels: NDArray[np.float64]
    unites_consommation: NDArray[np.float64]
    allocation_logement: NDArray[np.float64]
    besoin_fauteuil: NDArray[np.bool_]
    besoin_logement_adapte: NDArray[np.bool_]
    besoin_rdc_ou_ascenseur: NDArray[np.bool_]
    nb_personnes_a_charge: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.nb_personnes.shape[0])

    def chiffres(self, i: int) -> _Chiffres:
        return _Chiffres(
            nb_personnes=int(self.nb_personnes[i]),
            categorie=int(self.categorie[i]),
            personnes_supplementaires=int(self.personnes_supplementaires[i]),
            revenu_fiscal_reference=int(self.revenu_fiscal_reference[i]),
            revenus_mensuels=float(self.revenus_mensuels[i]),
            unites_consommation=float(self.unites_consommation[i]),
            allocation_logement=float(self.allocation_logement[i]),
            besoin_fauteuil=bool(self.besoin_fauteuil[i]),
            besoin_logement_adapte=bool(self.besoin_logement_adapte[i]),
            besoin_rdc_ou_ascenseur=bool(self.besoin_rdc_ou_ascenseur[i]),
            nb_personnes_a_charge=int(self.nb_personnes_a_charge[i]),
        )

    @classmethod
    def depuis_demandeurs(
        cls,
        demandeurs: Sequence[Demandeur],
        *,
        annee_plafonds: int,
        date_reference: date,
        parametres: Parametres | None = None,
    ) -> TableDemandeurs:
        p = parametres or charger_parametres()
        lignes = [
            _chiffres_demandeur(d, annee_plafonds=annee_plafonds, date_reference=date_reference, parametres=p)
            for d in demandeurs
        ]

        def colonne(nom: str, type_: type[Any]) -> NDArray[Any]:
            return np.array([getattr(c, nom) for c in lignes], dtype=type_)

        return cls(
            annee_plafonds=annee_plafonds,
            date_reference=date_reference,
            nb_personnes=colonne("nb_personnes", np.int64),
            categorie=colonne("categorie", np.int64),
            personnes_supplementaires=colonne("personnes_supplementaires", np.int64),
            revenu_fiscal_reference=colonne("revenu_fiscal_reference", np.int64),
            revenus_mensuels=colonne("revenus_mensuels", np.float64),
            unites_consommation=colonne("unites_consommation", np.float64),
            allocation_logement=colonne("allocation_logement", np.float64),
            besoin_fauteuil=colonne("besoin_fauteuil", np.bool_),
            besoin_logement_adapte=colonne("besoin_logement_adapte", np.bool_),
            besoin_rdc_ou_ascenseur=colonne("besoin_rdc_ou_ascenseur", np.bool_),
            nb_personnes_a_charge=colonne("nb_personnes_a_charge", np.int64),
        )

    @classmethod
    def depuis_cadre(
        cls,
        df: pl.DataFrame,
        *,
        annee_plafonds: int,
        date_reference: date,
        parametres: Parametres | None = None,
    ) -> TableDemandeurs:
        """Validate the rows (the first invalid one is named by its line) and derive category and UC.

        The category and the consumption units are computed once per distinct household shape with the
        reference functions (:func:`~attrib.engine.menage.categorie_menage`,
        :func:`~attrib.engine.menage.unites_consommation`), then spread to every row.
        """
        p = parametres or charger_parametres()
        entree = _verifier_colonnes(df)
        _verifier_lignes(entree, date_reference)
        entree = _verifier_besoins(df, entree)
        entree = entree.with_row_index("_ligne").with_columns(
            pl.when(pl.col("couple"))
            .then(pl.col("age_demandeur") + pl.col("age_codemandeur").fill_null(0))
            .otherwise(0)
            .alias("_ages"),
            (pl.col("nb_handicap") > 0).alias("_handicap"),
        )
        cle_categorie = ["nb_personnes", "nb_personnes_a_charge", "couple", "_ages", "_handicap"]
        formes = entree.unique(subset=cle_categorie, keep="first", maintain_order=True)
        categories = []
        for ligne in formes.iter_rows(named=True):
            c = categorie_menage(Menage.depuis_ligne(ligne), annee_plafonds=annee_plafonds, parametres=p)
            categories.append(
                {**{k: ligne[k] for k in cle_categorie}, "_cat": c.categorie, "_supp": c.personnes_supplementaires}
            )
        cle_uc = ["nb_personnes", "nb_moins_14_ans"]
        unites = [
            {
                **{k: ligne[k] for k in cle_uc},
                "_uc": unites_consommation(Menage.depuis_ligne(ligne), date_reference=date_reference, parametres=p),
            }
            for ligne in entree.unique(subset=cle_uc, keep="first", maintain_order=True).iter_rows(named=True)
        ]
        schema_cat = {k: entree.schema[k] for k in cle_categorie} | {"_cat": pl.Int64(), "_supp": pl.Int64()}
        schema_uc = {k: entree.schema[k] for k in cle_uc} | {"_uc": pl.Float64()}
        complet = (
            entree.join(pl.DataFrame(categories, schema=schema_cat), on=cle_categorie, how="left", nulls_equal=True)
            .join(pl.DataFrame(unites, schema=schema_uc), on=cle_uc, how="left")
            .sort("_ligne")
        )

        def col(nom: str, type_: type[Any]) -> NDArray[Any]:
            return complet.get_column(nom).to_numpy().astype(type_, copy=False)

        return cls(
            annee_plafonds=annee_plafonds,
            date_reference=date_reference,
            nb_personnes=col("nb_personnes", np.int64),
            categorie=col("_cat", np.int64),
            personnes_supplementaires=col("_supp", np.int64),
            revenu_fiscal_reference=col("revenu_fiscal_reference", np.int64),
            revenus_mensuels=col("revenus_mensuels", np.float64),
            unites_consommation=col("_uc", np.float64),
            allocation_logement=col("allocation_logement", np.float64),
            besoin_fauteuil=col("besoin_fauteuil", np.bool_),
            besoin_logement_adapte=col("besoin_logement_adapte", np.bool_),
            besoin_rdc_ou_ascenseur=col("besoin_rdc_ou_ascenseur", np.bool_),
            nb_personnes_a_charge=col("nb_personnes_a_charge", np.int64),
        )


def _verifier_besoins(brut: pl.DataFrame, entree: pl.DataFrame) -> pl.DataFrame:
    manquantes = [c for c in COLONNES_BESOINS if c not in brut.columns]
    if manquantes:
        raise EntreeInvalide(f"Colonnes manquantes : {', '.join(manquantes)}.")
    if not (brut.schema["allocation_logement"].is_numeric() or brut.schema["allocation_logement"] == pl.Null):
        raise EntreeInvalide(
            f"Colonne « allocation_logement » : type {brut.schema['allocation_logement']} reçu, nombre attendu."
        )
    for colonne in COLONNES_BESOINS[1:]:
        if brut.schema[colonne] not in (pl.Boolean, pl.Null):
            raise EntreeInvalide(f"Colonne « {colonne} » : type {brut.schema[colonne]} reçu, Boolean attendu.")
    cadre = entree.with_columns(
        pl.col("allocation_logement").cast(pl.Float64),
        *(pl.col(c).cast(pl.Boolean) for c in COLONNES_BESOINS[1:]),
    )
    invalide = (
        pl.col("allocation_logement").is_null()
        | ~pl.col("allocation_logement").is_finite()
        | (pl.col("allocation_logement") < 0)
    )
    premiere = cadre.select(invalide.arg_true().first()).item()
    if premiere is not None:
        valeur = cadre.get_column("allocation_logement")[int(premiere)]
        raise EntreeInvalide(
            f"Ligne {int(premiere) + 1} : allocation_logement : montant positif ou nul attendu ; reçu {valeur}."
        )
    for colonne in COLONNES_BESOINS[1:]:
        premiere = cadre.select(pl.col(colonne).is_null().arg_true().first()).item()
        if premiere is not None:
            raise EntreeInvalide(f"Ligne {int(premiere) + 1} : {colonne} : valeur manquante (vrai ou faux).")
    return cadre


@dataclass(frozen=True, eq=False)
class EligibiliteVectorielle:
    """Statuses of every rule for rows ``lignes`` of a table and one dwelling.

    ``statuts[code]``: int8 array (1 respectée, 0 non respectée, −1 non évaluée); ``plafond``: −1 when not
    sourced; ``taux_effort`` / ``reste_a_vivre_uc``: NaN when not evaluated. :meth:`detail` words one row
    exactly as :func:`eligibilite` does.
    """

    table: TableDemandeurs
    lignes: NDArray[np.int64]
    statuts: Mapping[str, NDArray[np.int8]]
    eligible: NDArray[np.bool_]
    plafond: NDArray[np.int64]
    taux_effort: NDArray[np.float64]
    reste_a_vivre_uc: NDArray[np.float64]
    contexte: ContexteLogement

    def __len__(self) -> int:
        return int(self.lignes.shape[0])

    def detail(self, position: int) -> Eligibilite:
        """Full explanation of the row at ``position`` (an index into ``lignes``)."""
        montant = int(self.plafond[position])
        return _evaluer(
            self.table.chiffres(int(self.lignes[position])), self.contexte, None if montant < 0 else montant
        )


def contexte_logement(
    logement: Logement, *, annee_plafonds: int, regles: Regles, parametres: Parametres | None = None
) -> ContexteLogement:
    """Precomputed ceilings and accessibility of one dwelling (reuse it across many calls)."""
    return _contexte(logement, regles, annee_plafonds, parametres or charger_parametres())


def eligibilite_vectorielle(
    table: TableDemandeurs,
    logement: Logement,
    *,
    regles: Regles | None = None,
    parametres: Parametres | None = None,
    lignes: NDArray[np.int64] | None = None,
    contexte: ContexteLogement | None = None,
) -> EligibiliteVectorielle:
    """Every rule for the rows ``lignes`` (default: all) of ``table`` and one dwelling, in one numpy pass."""
    if contexte is None:
        r = regles or charger_regles(table.date_reference)
        ctx = _contexte(logement, r, table.annee_plafonds, parametres or charger_parametres())
    else:
        ctx = contexte
        if ctx.logement != logement or ctx.annee_plafonds != table.annee_plafonds:
            raise ValueError("Contexte préparé pour un autre logement ou une autre année de plafonds.")
    idx = np.arange(len(table), dtype=np.int64) if lignes is None else np.asarray(lignes, dtype=np.int64)
    regles_ = ctx.regles
    n = table.nb_personnes[idx]
    un, nonevalue = np.int8(1), np.int8(-1)

    def statut(condition: NDArray[np.bool_]) -> NDArray[np.int8]:
        return condition.astype(np.int8)

    # Ceiling: table lookup of the dwelling's cells (same cells as attrib.engine.menage.plafond).
    cellules = np.array([-1 if v is None else v for v in ctx.plafonds_categorie], dtype=np.int64)
    categorie = table.categorie[idx]
    supplementaires = table.personnes_supplementaires[idx]
    base = cellules[categorie]
    supplement = -1 if ctx.plafond_supplement is None else ctx.plafond_supplement
    montant = np.where(supplementaires > 0, base + supplementaires * supplement, base)
    inconnu = (base < 0) | ((supplementaires > 0) & (supplement < 0))
    montant = np.where(inconnu, -1, montant)
    plafond_statut = np.where(inconnu, nonevalue, statut(table.revenu_fiscal_reference[idx] <= montant))

    lg = ctx.logement
    adequation = regles_.adequation
    taille_max = max(int(n.max()) if n.size else 1, 1)
    tailles = np.arange(taille_max + 1)
    pieces_max = np.array([adequation.sous_occupation.pieces_maximum(int(t)) for t in tailles], dtype=np.int64)
    surface_min = np.array([adequation.sur_occupation.surface_minimale(int(t)) for t in tailles], dtype=np.float64)
    bornes = [adequation.typologies.pour(int(t)) for t in tailles]
    typ_min = np.array([b.minimum for b in bornes], dtype=np.int64)
    typ_max = np.array([b.maximum for b in bornes], dtype=np.int64)

    acces = np.full(idx.shape[0], un, dtype=np.int8)
    for nom, _ in BESOINS:
        besoin = getattr(table, nom)[idx]
        niveau = ctx.acces[nom]
        if niveau == Statut.NON_RESPECTEE:
            acces = np.where(besoin, np.int8(0), acces)
        elif niveau == Statut.NON_EVALUEE:
            acces = np.where(besoin & (acces != 0), nonevalue, acces)

    revenus = table.revenus_mensuels[idx]
    forfait = regles_.effort.forfait_charges
    charges: NDArray[np.float64] | None
    if lg.charges is not None:
        charges = np.full(idx.shape[0], lg.charges, dtype=np.float64)
    elif forfait is not None:
        # One exact amount per number of dependants (the same floats as the reference path).
        a_charge = table.nb_personnes_a_charge[idx]
        bareme = np.array(
            [forfait.montant(k) for k in range(int(a_charge.max()) + 1 if a_charge.size else 1)], dtype=np.float64
        )
        charges = bareme[a_charge]
    else:
        charges = None
    if lg.loyer is None or charges is None:
        taux = np.full(idx.shape[0], np.nan)
        reste = np.full(idx.shape[0], np.nan)
        effort = np.full(idx.shape[0], nonevalue, dtype=np.int8)
        rav = np.full(idx.shape[0], nonevalue, dtype=np.int8)
    else:
        depense = np.maximum(0.0, (lg.loyer + charges) - table.allocation_logement[idx])
        reste = (revenus - depense) / table.unites_consommation[idx]
        rav = statut(reste >= regles_.effort.reste_a_vivre_minimum.valeur)
        positif = revenus > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            taux = np.where(positif, depense / np.where(positif, revenus, 1.0), np.nan)
        effort = np.where(positif, statut(taux <= regles_.effort.taux_effort_maximum.valeur), nonevalue)

    statuts: dict[str, NDArray[np.int8]] = {
        PLAFOND: plafond_statut.astype(np.int8),
        SOUS_OCCUPATION: statut(lg.nb_pieces <= pieces_max[n]),
        SUR_OCCUPATION: statut(lg.surface_habitable >= surface_min[n]),
        TYPOLOGIE: statut((typ_min[n] <= lg.typologie) & (lg.typologie <= typ_max[n])),
        ACCESSIBILITE: acces,
        TAUX_EFFORT: effort.astype(np.int8),
        RESTE_A_VIVRE: rav.astype(np.int8),
    }
    eligible = np.ones(idx.shape[0], dtype=np.bool_)
    for regle in REGLES:
        s = statuts[regle.code]
        eligible &= (s == 1) | ((s == -1) & (not regle.bloquante_si_non_evaluee))
    return EligibiliteVectorielle(
        table=table,
        lignes=idx,
        statuts=statuts,
        eligible=eligible,
        plafond=montant.astype(np.int64),
        taux_effort=taux.astype(np.float64),
        reste_a_vivre_uc=reste.astype(np.float64),
        contexte=ctx,
    )


__all__ = [
    "ACCESSIBILITE",
    "COLONNES_BESOINS",
    "ContexteLogement",
    "PLAFOND",
    "REGLES",
    "RESTE_A_VIVRE",
    "SOUS_OCCUPATION",
    "SUR_OCCUPATION",
    "TAUX_EFFORT",
    "TYPOLOGIE",
    "Demandeur",
    "Eligibilite",
    "EligibiliteVectorielle",
    "Logement",
    "Regle",
    "ResultatRegle",
    "Statut",
    "TableDemandeurs",
    "contexte_logement",
    "eligibilite",
    "eligibilite_vectorielle",
]
