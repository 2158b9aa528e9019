"""Dated parameters of the rapprochement offre-demande: typed views over the parameter tree
(:mod:`attrib.engine.parametres.arbre`, files of ``data/parametres/``).

- ``adequation_typologie.yaml``: under-occupation (L621-2 CCH), over-occupation (L822-10 CCH) and the
  local table of typologies per household size;
- ``taux_effort.yaml``: effort-rate formula (arrêté du 10 mars 2011), the local thresholds of the
  effort rate and of the reste à vivre per consumption unit, and the flat-rate charges of the housing
  benefit (forfait « C », D823-16 CCH) used when the dwelling's charges are unknown;
- ``objectifs_attribution.yaml``: CIA objectives (Q1 outside QPV, non-Q1 inside QPV, priority households
  per réservataire), the rating rule of the residences, and the value of a candidature in batch proposals.

Each value carries its date of effect, its source and a reliability tag (V/S/K for legal values,
``choix_local`` for what the CIL, the PPGD or the CALEOL sets). :func:`charger_regles` reads the files once
per folder (cached) and returns the rules in force on a given day (:class:`Regles`); a malformed file is
refused with a French message naming the file and the entry (:class:`~attrib.engine.erreurs.ParametresInvalides`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol, TypeVar

from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre

FICHIER_ADEQUATION = "adequation_typologie.yaml"
FICHIER_EFFORT = "taux_effort.yaml"
FICHIER_OBJECTIFS = "objectifs_attribution.yaml"
FIABILITES: tuple[str, ...] = ("V", "S", "K", "choix_local")
#: Household flags a local rule may name (rating rule: "ménages les plus fragiles").
DRAPEAUX_MENAGE: tuple[str, ...] = ("q1", "dalo", "prioritaire")
#: Typologies of the demand form: T1 … T6 (6 rooms and more).
TYPOLOGIE_MAX = 6


@dataclass(frozen=True, slots=True)
class Provenance:
    date_effet: date
    source: str
    fiabilite: str
    fichier: str

    @property
    def choix_local(self) -> bool:
        return self.fiabilite == "choix_local"


@dataclass(frozen=True, slots=True)
class SousOccupation:
    """L621-2 CCH: at most ``occupants + pieces_au_dela_des_occupants`` main rooms."""

    pieces_au_dela_des_occupants: int
    article: str
    provenance: Provenance

    def pieces_maximum(self, nb_personnes: int) -> int:
        return nb_personnes + self.pieces_au_dela_des_occupants


@dataclass(frozen=True, slots=True)
class SurOccupation:
    """L822-10 CCH: minimum living area for the household (m²)."""

    surface_une_personne_m2: int
    surface_deux_personnes_m2: int
    surface_par_personne_supplementaire_m2: int
    surface_maximale_exigee_m2: int
    article: str
    provenance: Provenance

    def surface_minimale(self, nb_personnes: int) -> int:
        if nb_personnes <= 1:
            return self.surface_une_personne_m2
        brute = self.surface_deux_personnes_m2 + self.surface_par_personne_supplementaire_m2 * (nb_personnes - 2)
        return min(brute, self.surface_maximale_exigee_m2)


@dataclass(frozen=True, slots=True)
class Typologies:
    """Adapted typologies of one household size (number of main rooms; 6 = 6 and more)."""

    minimum: int
    cible: int
    maximum: int


@dataclass(frozen=True, slots=True)
class TableTypologies:
    table: Mapping[int, Typologies]
    au_dela: Typologies
    provenance: Provenance

    def pour(self, nb_personnes: int) -> Typologies:
        return self.table.get(nb_personnes, self.au_dela if nb_personnes > max(self.table) else self.table[1])


@dataclass(frozen=True, slots=True)
class Adequation:
    sous_occupation: SousOccupation
    sur_occupation: SurOccupation
    typologies: TableTypologies


@dataclass(frozen=True, slots=True)
class FormuleEffort:
    depense: str
    ressources: str
    article: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Seuil:
    valeur: float
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class ForfaitCharges:
    """Flat-rate charges of the housing benefit (€/month): ``base`` for a single person or a couple without
    dependants, plus ``par_personne_a_charge`` for each dependant (3° of D823-16 CCH, general case)."""

    base: Decimal
    par_personne_a_charge: Decimal
    acte: str
    provenance: Provenance

    def montant(self, nb_personnes_a_charge: int) -> float:
        """Monthly flat-rate charges of a household, exact to the cent."""
        return float(self.base + self.par_personne_a_charge * max(nb_personnes_a_charge, 0))


@dataclass(frozen=True, slots=True)
class Effort:
    formule: FormuleEffort
    taux_effort_maximum: Seuil
    reste_a_vivre_minimum: Seuil
    #: None when no flat rate is in force on the day (the effort rate then needs the dwelling's charges).
    forfait_charges: ForfaitCharges | None = None


@dataclass(frozen=True, slots=True)
class Taux:
    """A CIA rate (exact fraction) with its provenance."""

    taux: Fraction
    article: str
    note: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class RegleResidencesFragiles:
    """At most ``part_maximale`` of the attributions in the residences rated ``notes`` go to the households
    carrying one of ``menages`` (flags among :data:`DRAPEAUX_MENAGE`)."""

    notes: frozenset[int]
    menages: tuple[str, ...]
    part_maximale: Fraction
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class ObjectifsAttribution:
    q1_hors_qpv: Taux
    non_q1_en_qpv: Taux
    prioritaires: Taux
    residences_fragiles: RegleResidencesFragiles


@dataclass(frozen=True, slots=True)
class ValeurCandidature:
    """value = score + bonus of the commune's rank + target-typology bonus − effort-rate malus."""

    bonus_rang_commune: tuple[int, ...]
    bonus_typologie_cible: int
    seuil_confort_taux_effort: float
    malus_par_point_de_taux_effort: float
    provenance: Provenance

    def bonus_rang(self, rang: int) -> int:
        """Bonus of the commune's rank in the wishes (1 = first); ranks beyond the list get the last one."""
        if rang < 1:
            return 0
        return self.bonus_rang_commune[min(rang, len(self.bonus_rang_commune)) - 1]


@dataclass(frozen=True, slots=True)
class Regles:
    """All the rapprochement rules in force on ``jour``."""

    jour: date
    adequation: Adequation
    effort: Effort
    objectifs: ObjectifsAttribution
    valeur: ValeurCandidature


class _Datee(Protocol):
    @property
    def provenance(self) -> Provenance: ...


_D = TypeVar("_D", bound=_Datee)
_L = TypeVar("_L")


@dataclass(frozen=True)
class ParametresRapprochement:
    """Every dated entry of the three files. Build it with :func:`charger_parametres_rapprochement`."""

    dossier: Path
    sous_occupation: tuple[SousOccupation, ...]
    sur_occupation: tuple[SurOccupation, ...]
    typologies: tuple[TableTypologies, ...]
    formules_effort: tuple[FormuleEffort, ...]
    taux_effort_maximum: tuple[Seuil, ...]
    reste_a_vivre_minimum: tuple[Seuil, ...]
    forfaits_charges: tuple[ForfaitCharges, ...]
    q1_hors_qpv: tuple[Taux, ...]
    non_q1_en_qpv: tuple[Taux, ...]
    prioritaires: tuple[Taux, ...]
    residences_fragiles: tuple[RegleResidencesFragiles, ...]
    valeur_candidature: tuple[ValeurCandidature, ...]

    def au(self, jour: date) -> Regles:
        """The rules in force on ``jour`` (raises :class:`ParametreNonRenseigne` when one is missing)."""
        return Regles(
            jour=jour,
            adequation=Adequation(
                sous_occupation=_en_vigueur(self.sous_occupation, jour, "sous_occupation"),
                sur_occupation=_en_vigueur(self.sur_occupation, jour, "sur_occupation"),
                typologies=_en_vigueur(self.typologies, jour, "typologie_par_taille"),
            ),
            effort=Effort(
                formule=_en_vigueur(self.formules_effort, jour, "formule_taux_effort"),
                taux_effort_maximum=_en_vigueur(self.taux_effort_maximum, jour, "taux_effort_maximum"),
                reste_a_vivre_minimum=_en_vigueur(
                    self.reste_a_vivre_minimum, jour, "reste_a_vivre_minimum_mensuel_par_uc"
                ),
                forfait_charges=_en_vigueur_ou_rien(self.forfaits_charges, jour),
            ),
            objectifs=ObjectifsAttribution(
                q1_hors_qpv=_en_vigueur(self.q1_hors_qpv, jour, "q1_hors_qpv"),
                non_q1_en_qpv=_en_vigueur(self.non_q1_en_qpv, jour, "non_q1_en_qpv"),
                prioritaires=_en_vigueur(self.prioritaires, jour, "prioritaires_par_reservataire"),
                residences_fragiles=_en_vigueur(self.residences_fragiles, jour, "residences_fragiles"),
            ),
            valeur=_en_vigueur(self.valeur_candidature, jour, "valeur_candidature"),
        )


def charger_parametres_rapprochement(dossier: Path | str | None = None) -> ParametresRapprochement:
    """Load (once per folder) the three files; default folder = ``<repo>/data/parametres``."""
    chemin = Path(dossier).resolve() if dossier is not None else DOSSIER_PAR_DEFAUT
    return _charger(chemin)


def charger_regles(jour: date, dossier: Path | str | None = None) -> Regles:
    """The rapprochement rules in force on ``jour`` (files read once per folder)."""
    return charger_parametres_rapprochement(dossier).au(jour)


def _en_vigueur(valeurs: Sequence[_D], jour: date, nom: str) -> _D:
    def effet(v: _D) -> date:
        return v.provenance.date_effet

    valables = [v for v in valeurs if effet(v) <= jour]
    if not valables:
        raise ParametreNonRenseigne(f"Paramètre « {nom} » non renseigné au {jour:%d/%m/%Y}.")
    return max(valables, key=effet)


def _en_vigueur_ou_rien(valeurs: Sequence[_D], jour: date) -> _D | None:
    valables = [v for v in valeurs if v.provenance.date_effet <= jour]
    return max(valables, key=lambda v: v.provenance.date_effet) if valables else None


# --- readers -------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _charger(dossier: Path) -> ParametresRapprochement:
    adequation = _Fichier(dossier / FICHIER_ADEQUATION)
    effort = _Fichier(dossier / FICHIER_EFFORT)
    objectifs = _Fichier(dossier / FICHIER_OBJECTIFS)
    return ParametresRapprochement(
        dossier=dossier,
        sous_occupation=adequation.section("sous_occupation", _sous_occupation),
        sur_occupation=adequation.section("sur_occupation", _sur_occupation),
        typologies=adequation.section("typologie_par_taille", _table_typologies),
        formules_effort=effort.section("formule_taux_effort", _formule_effort),
        taux_effort_maximum=effort.section("taux_effort_maximum", _seuil_fraction),
        reste_a_vivre_minimum=effort.section("reste_a_vivre_minimum_mensuel_par_uc", _seuil_euros),
        forfaits_charges=effort.section("forfait_charges_aide_logement", _forfait_charges),
        q1_hors_qpv=objectifs.section("q1_hors_qpv", _taux),
        non_q1_en_qpv=objectifs.section("non_q1_en_qpv", _taux),
        prioritaires=objectifs.section("prioritaires_par_reservataire", _taux),
        residences_fragiles=objectifs.section("residences_fragiles", _residences_fragiles),
        valeur_candidature=objectifs.section("valeur_candidature", _valeur_candidature),
    )


class _Fichier:
    def __init__(self, chemin: Path) -> None:
        self.chemin = chemin
        # Loaded, checked (dates, sources, reliability) and cached once by the parameter tree.
        self.contenu: dict[str, Any] = charger_arbre(chemin.parent).brut(chemin.name)

    def section(self, nom: str, lire: Callable[[_Entree], _L]) -> tuple[_L, ...]:
        entrees = self.contenu.get(nom)
        if not isinstance(entrees, list) or not entrees:
            raise ParametresInvalides(f"{self.chemin.name} : « {nom} » doit être une liste non vide de valeurs datées.")
        resultat: list[_L] = []
        dates: set[date] = set()
        for i, brute in enumerate(entrees, start=1):
            ou = f"{self.chemin.name}, {nom}[{i}]"
            if not isinstance(brute, dict):
                raise ParametresInvalides(f"{ou} : dictionnaire attendu.")
            entree = _Entree(brute, ou, self.chemin.name)
            if entree.provenance.date_effet in dates:
                raise ParametresInvalides(f"{ou} : deux valeurs à la même date d'effet.")
            dates.add(entree.provenance.date_effet)
            resultat.append(lire(entree))
        return tuple(resultat)


class _Entree:
    def __init__(self, brute: dict[str, Any], ou: str, fichier: str) -> None:
        self.brute = brute
        self.ou = ou
        effet = brute.get("date_effet")
        if not isinstance(effet, date):
            raise ParametresInvalides(f"{ou} : « date_effet » manquante ou invalide (AAAA-MM-JJ).")
        source = str(brute.get("source") or "").strip()
        if not source:
            raise ParametresInvalides(f"{ou} : « source » vide ; toute valeur doit citer sa source.")
        fiabilite = brute.get("fiabilite")
        if fiabilite not in FIABILITES:
            raise ParametresInvalides(f"{ou} : fiabilité « {fiabilite} » inconnue (attendu : {', '.join(FIABILITES)}).")
        self.provenance = Provenance(date_effet=effet, source=source, fiabilite=str(fiabilite), fichier=fichier)

    def texte(self, cle: str, *, requis: bool = True) -> str:
        valeur = self.brute.get(cle)
        if valeur is None and not requis:
            return ""
        if not isinstance(valeur, str) or not valeur.strip():
            raise ParametresInvalides(f"{self.ou} : « {cle} » doit être un texte non vide.")
        return valeur.strip()

    def entier(self, cle: str, *, minimum: int = 0, valeur: object = None, ou: str | None = None) -> int:
        brute = self.brute.get(cle) if valeur is None else valeur
        lieu = ou or f"{self.ou}, {cle}"
        if not isinstance(brute, int) or isinstance(brute, bool) or brute < minimum:
            raise ParametresInvalides(f"{lieu} : entier ≥ {minimum} attendu, reçu {brute!r}.")
        return brute

    def decimal(self, cle: str) -> Decimal:
        brute = self.brute.get(cle)
        if not isinstance(brute, str):
            raise ParametresInvalides(
                f'{self.ou}, {cle} : nombre décimal attendu entre guillemets (ex. "0.25"), reçu {brute!r}.'
            )
        try:
            valeur = Decimal(brute)
        except InvalidOperation:
            raise ParametresInvalides(f"{self.ou}, {cle} : nombre décimal invalide « {brute} ».") from None
        if not valeur.is_finite() or valeur < 0:
            raise ParametresInvalides(f"{self.ou}, {cle} : nombre décimal positif attendu, reçu « {brute} ».")
        return valeur

    def part(self, cle: str) -> Fraction:
        valeur = Fraction(self.decimal(cle))
        if valeur > 1:
            raise ParametresInvalides(f"{self.ou}, {cle} : une part est comprise entre 0 et 1, reçu {float(valeur)}.")
        return valeur


def _sous_occupation(e: _Entree) -> SousOccupation:
    return SousOccupation(
        pieces_au_dela_des_occupants=e.entier("pieces_au_dela_des_occupants"),
        article=e.texte("article"),
        provenance=e.provenance,
    )


def _sur_occupation(e: _Entree) -> SurOccupation:
    return SurOccupation(
        surface_une_personne_m2=e.entier("surface_une_personne_m2", minimum=1),
        surface_deux_personnes_m2=e.entier("surface_deux_personnes_m2", minimum=1),
        surface_par_personne_supplementaire_m2=e.entier("surface_par_personne_supplementaire_m2"),
        surface_maximale_exigee_m2=e.entier("surface_maximale_exigee_m2", minimum=1),
        article=e.texte("article"),
        provenance=e.provenance,
    )


def _typologies(e: _Entree, brute: object, ou: str) -> Typologies:
    if not isinstance(brute, dict) or set(brute) != {"min", "cible", "max"}:
        raise ParametresInvalides(f"{ou} : {{min, cible, max}} attendu, reçu {brute!r}.")
    bornes = [e.entier(k, minimum=1, valeur=brute[k], ou=f"{ou}, {k}") for k in ("min", "cible", "max")]
    if not bornes[0] <= bornes[1] <= bornes[2] <= TYPOLOGIE_MAX:
        raise ParametresInvalides(f"{ou} : il faut min ≤ cible ≤ max ≤ {TYPOLOGIE_MAX}, reçu {bornes}.")
    return Typologies(minimum=bornes[0], cible=bornes[1], maximum=bornes[2])


def _table_typologies(e: _Entree) -> TableTypologies:
    table = e.brute.get("table")
    if not isinstance(table, dict) or not table:
        raise ParametresInvalides(f"{e.ou} : « table » doit associer des tailles de ménage à {{min, cible, max}}.")
    tailles = sorted(table)
    if not all(isinstance(t, int) and not isinstance(t, bool) for t in tailles) or tailles != list(
        range(1, len(tailles) + 1)
    ):
        raise ParametresInvalides(f"{e.ou}, table : tailles 1, 2, 3… sans trou attendues, reçu {tailles}.")
    lignes = {t: _typologies(e, table[t], f"{e.ou}, table[{t}]") for t in tailles}
    return TableTypologies(
        table=MappingProxyType(lignes),
        au_dela=_typologies(e, e.brute.get("au_dela"), f"{e.ou}, au_dela"),
        provenance=e.provenance,
    )


def _formule_effort(e: _Entree) -> FormuleEffort:
    return FormuleEffort(
        depense=e.texte("depense"),
        ressources=e.texte("ressources"),
        article=e.texte("article"),
        provenance=e.provenance,
    )


def _forfait_charges(e: _Entree) -> ForfaitCharges:
    return ForfaitCharges(
        base=e.decimal("base"),
        par_personne_a_charge=e.decimal("par_personne_a_charge"),
        acte=e.texte("acte"),
        provenance=e.provenance,
    )


def _seuil_fraction(e: _Entree) -> Seuil:
    return Seuil(valeur=float(e.part("valeur")), provenance=e.provenance)


def _seuil_euros(e: _Entree) -> Seuil:
    return Seuil(valeur=float(e.decimal("valeur")), provenance=e.provenance)


def _taux(e: _Entree) -> Taux:
    return Taux(
        taux=e.part("taux"), article=e.texte("article"), note=e.texte("note", requis=False), provenance=e.provenance
    )


def _residences_fragiles(e: _Entree) -> RegleResidencesFragiles:
    notes = e.brute.get("notes_les_plus_fragiles")
    if not isinstance(notes, list) or not notes:
        raise ParametresInvalides(f"{e.ou}, notes_les_plus_fragiles : liste non vide de notes attendue.")
    lues = frozenset(e.entier("notes", minimum=1, valeur=n, ou=f"{e.ou}, notes_les_plus_fragiles") for n in notes)
    menages = e.brute.get("menages_les_plus_fragiles")
    if not isinstance(menages, list) or not menages or any(m not in DRAPEAUX_MENAGE for m in menages):
        raise ParametresInvalides(
            f"{e.ou}, menages_les_plus_fragiles : liste non vide parmi {', '.join(DRAPEAUX_MENAGE)} attendue, "
            f"reçu {menages!r}."
        )
    return RegleResidencesFragiles(
        notes=lues,
        menages=tuple(str(m) for m in menages),
        part_maximale=e.part("part_maximale"),
        provenance=e.provenance,
    )


def _valeur_candidature(e: _Entree) -> ValeurCandidature:
    bonus = e.brute.get("bonus_rang_commune")
    if not isinstance(bonus, list) or not bonus:
        raise ParametresInvalides(f"{e.ou}, bonus_rang_commune : liste non vide d'entiers attendue.")
    malus = (
        e.decimal("malus_par_point_de_taux_effort")
        if isinstance(e.brute.get("malus_par_point_de_taux_effort"), str)
        else Decimal(e.entier("malus_par_point_de_taux_effort"))
    )
    return ValeurCandidature(
        bonus_rang_commune=tuple(
            e.entier("bonus_rang_commune", valeur=b, ou=f"{e.ou}, bonus_rang_commune[{i}]")
            for i, b in enumerate(bonus, start=1)
        ),
        bonus_typologie_cible=e.entier("bonus_typologie_cible"),
        seuil_confort_taux_effort=float(e.part("seuil_confort_taux_effort")),
        malus_par_point_de_taux_effort=float(malus),
        provenance=e.provenance,
    )
