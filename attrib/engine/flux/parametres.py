"""Dated parameters of the gestion en flux: a typed view over the parameter tree (``data/parametres/flux.yaml``,
loaded and cached by :mod:`attrib.engine.parametres.arbre`).

Each value carries its date of effect, its source and a reliability tag (V/S/K for legal values,
``parametrage`` for Attrib's own settings). ``charger_parametres_flux()`` reads the file once per folder
(cached) and returns a frozen :class:`ParametresFlux`; a malformed file is refused with a French message
naming the file and the entry (:class:`~attrib.engine.erreurs.ParametresInvalides`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, charger_arbre

FICHIER_FLUX = "flux.yaml"
FIABILITES_FLUX: tuple[str, ...] = ("V", "S", "K", "parametrage")


@dataclass(frozen=True, slots=True)
class ValeurLegale:
    """A share of the flux in force from ``date_effet`` (e.g. the State's ceiling), with its article."""

    date_effet: date
    valeur: Fraction
    article: str
    source: str
    fiabilite: str


@dataclass(frozen=True, slots=True)
class Motif:
    """A reason for a freed dwelling to leave the assiette (exclusion or dwelling kept in stock)."""

    code: str
    libelle: str
    date_effet: date
    source: str
    fiabilite: str


@dataclass(frozen=True, slots=True)
class DelaiProposition:
    date_effet: date
    jours: int
    source: str
    fiabilite: str


@dataclass(frozen=True, slots=True)
class GroupeTypologie:
    """Typologies ``minimum..maximum`` (number of rooms; ``maximum`` None = no upper bound)."""

    libelle: str
    minimum: int
    maximum: int | None = None

    def contient(self, typologie: int) -> bool:
        return self.minimum <= typologie and (self.maximum is None or typologie <= self.maximum)


@dataclass(frozen=True, slots=True)
class GroupesTypologie:
    date_effet: date
    groupes: tuple[GroupeTypologie, ...]
    source: str
    fiabilite: str


@dataclass(frozen=True, slots=True)
class DateLimiteBilan:
    date_effet: date
    mois: int
    jour: int
    article: str
    source: str
    fiabilite: str


_D = TypeVar("_D", ValeurLegale, DelaiProposition, GroupesTypologie, DateLimiteBilan)


@dataclass(frozen=True)
class ParametresFlux:
    """All dated parameters of the flux. Build it with :func:`charger_parametres_flux`."""

    dossier: Path
    plafonds_part_etat: tuple[ValeurLegale, ...]
    plafonds_part_agents_etat: tuple[ValeurLegale, ...]
    exclusions_assiette: tuple[Motif, ...]
    reserves_stock: tuple[Motif, ...]
    delais_proposition: tuple[DelaiProposition, ...]
    groupes_typologie_dates: tuple[GroupesTypologie, ...]
    bilans: tuple[DateLimiteBilan, ...]

    def plafond_part_etat(self, jour: date) -> ValeurLegale:
        return _en_vigueur(self.plafonds_part_etat, jour, "plafond_part_etat")

    def plafond_part_agents_etat(self, jour: date) -> ValeurLegale:
        return _en_vigueur(self.plafonds_part_agents_etat, jour, "plafond_part_agents_etat")

    def exclusions(self, jour: date) -> tuple[Motif, ...]:
        """Exclusions of the assiette in force on ``jour`` (internal mutations, rehousing…)."""
        return tuple(m for m in self.exclusions_assiette if m.date_effet <= jour)

    def stock(self, jour: date) -> tuple[Motif, ...]:
        """Reasons for a dwelling to stay managed in stock on ``jour`` (defence, security, health)."""
        return tuple(m for m in self.reserves_stock if m.date_effet <= jour)

    def delai_proposition_defaut(self, jour: date) -> DelaiProposition:
        return _en_vigueur(self.delais_proposition, jour, "delai_proposition_defaut")

    def groupes_typologie(self, jour: date) -> tuple[GroupeTypologie, ...]:
        return _en_vigueur(self.groupes_typologie_dates, jour, "groupes_typologie").groupes

    def date_limite_bilan(self, annee: int) -> date:
        """Deadline of the yearly report on the dwellings of ``annee`` (sent during ``annee + 1``)."""
        regle = _en_vigueur(self.bilans, date(annee + 1, 1, 1), "bilan_annuel_date_limite")
        return date(annee + 1, regle.mois, regle.jour)


def charger_parametres_flux(dossier: Path | str | None = None) -> ParametresFlux:
    """Load (once per folder) ``flux.yaml``; default folder = ``<repo>/data/parametres``."""
    chemin = Path(dossier).resolve() if dossier is not None else DOSSIER_PAR_DEFAUT
    return _charger(chemin)


@lru_cache(maxsize=8)
def _charger(dossier: Path) -> ParametresFlux:
    chemin = dossier / FICHIER_FLUX
    contenu: dict[str, Any] = charger_arbre(dossier).brut(FICHIER_FLUX)
    return ParametresFlux(
        dossier=dossier,
        plafonds_part_etat=tuple(_valeur_legale(e, ou) for e, ou in _entrees(contenu, chemin, "plafond_part_etat")),
        plafonds_part_agents_etat=tuple(
            _valeur_legale(e, ou) for e, ou in _entrees(contenu, chemin, "plafond_part_agents_etat")
        ),
        exclusions_assiette=_motifs(contenu, chemin, "exclusions_assiette"),
        reserves_stock=_motifs(contenu, chemin, "reserves_stock"),
        delais_proposition=tuple(
            DelaiProposition(
                date_effet=e["date_effet"],
                jours=_entier(e.get("valeur"), f"{ou}, valeur", minimum=1),
                source=str(e["source"]),
                fiabilite=str(e["fiabilite"]),
            )
            for e, ou in _entrees(contenu, chemin, "delai_proposition_defaut")
        ),
        groupes_typologie_dates=tuple(_groupes(e, ou) for e, ou in _entrees(contenu, chemin, "groupes_typologie")),
        bilans=tuple(_bilan(e, ou) for e, ou in _entrees(contenu, chemin, "bilan_annuel_date_limite")),
    )


def _en_vigueur(valeurs: Sequence[_D], jour: date, nom: str) -> _D:
    valables = [v for v in valeurs if v.date_effet <= jour]
    if not valables:
        raise ParametreNonRenseigne(f"Paramètre « {nom} » (flux.yaml) non renseigné au {jour:%d/%m/%Y}.")
    return max(valables, key=lambda v: v.date_effet)


def _entrees(
    contenu: dict[str, Any], chemin: Path, nom: str, *, unique_par_date: bool = True
) -> list[tuple[dict[str, Any], str]]:
    entrees = contenu.get(nom)
    if not isinstance(entrees, list) or not entrees:
        raise ParametresInvalides(f"{chemin.name} : « {nom} » doit être une liste non vide de valeurs datées.")
    resultat: list[tuple[dict[str, Any], str]] = []
    for i, entree in enumerate(entrees, start=1):
        ou = f"{chemin.name}, {nom}[{i}]"
        if not isinstance(entree, dict):
            raise ParametresInvalides(f"{ou} : dictionnaire attendu.")
        if not isinstance(entree.get("date_effet"), date):
            raise ParametresInvalides(f"{ou} : « date_effet » manquante ou invalide (AAAA-MM-JJ).")
        if not str(entree.get("source") or "").strip():
            raise ParametresInvalides(f"{ou} : « source » vide ; toute valeur doit citer sa source.")
        if entree.get("fiabilite") not in FIABILITES_FLUX:
            raise ParametresInvalides(
                f"{ou} : fiabilité « {entree.get('fiabilite')} » inconnue (attendu : {', '.join(FIABILITES_FLUX)})."
            )
        resultat.append((entree, ou))
    dates = [e["date_effet"] for e, _ in resultat]
    if unique_par_date and len(set(dates)) != len(dates):
        raise ParametresInvalides(f"{chemin.name} : « {nom} » a deux valeurs à la même date d'effet.")
    return resultat


def _entier(brut: object, ou: str, *, minimum: int) -> int:
    if not isinstance(brut, int) or isinstance(brut, bool) or brut < minimum:
        raise ParametresInvalides(f"{ou} : entier supérieur ou égal à {minimum} attendu, reçu {brut!r}.")
    return brut


def _part(brut: object, ou: str) -> Fraction:
    if not isinstance(brut, str):
        raise ParametresInvalides(f'{ou} : part décimale attendue entre guillemets (ex. "0.30"), reçu {brut!r}.')
    try:
        valeur = Decimal(brut)
    except InvalidOperation:
        raise ParametresInvalides(f"{ou} : nombre décimal invalide « {brut} ».") from None
    if not valeur.is_finite() or not 0 <= valeur <= 1:
        raise ParametresInvalides(f"{ou} : part entre 0 et 1 attendue, reçu « {brut} ».")
    return Fraction(valeur)


def _article(entree: dict[str, Any], ou: str) -> str:
    article = str(entree.get("article") or "").strip()
    if not article:
        raise ParametresInvalides(f"{ou} : « article » vide ; la règle doit nommer son article.")
    return article


def _valeur_legale(entree: dict[str, Any], ou: str) -> ValeurLegale:
    return ValeurLegale(
        date_effet=entree["date_effet"],
        valeur=_part(entree.get("valeur"), f"{ou}, valeur"),
        article=_article(entree, ou),
        source=str(entree["source"]),
        fiabilite=str(entree["fiabilite"]),
    )


def _motifs(contenu: dict[str, Any], chemin: Path, nom: str) -> tuple[Motif, ...]:
    motifs: list[Motif] = []
    for entree, ou in _entrees(contenu, chemin, nom, unique_par_date=False):
        code = entree.get("code")
        libelle = entree.get("libelle")
        if not isinstance(code, str) or not code.isidentifier():
            raise ParametresInvalides(f"{ou} : « code » doit être un identifiant (lettres, chiffres, _).")
        if not isinstance(libelle, str) or not libelle.strip():
            raise ParametresInvalides(f"{ou} : « libelle » vide.")
        if any(m.code == code for m in motifs):
            raise ParametresInvalides(f"{ou} : code « {code} » en double.")
        motifs.append(
            Motif(
                code=code,
                libelle=libelle,
                date_effet=entree["date_effet"],
                source=str(entree["source"]),
                fiabilite=str(entree["fiabilite"]),
            )
        )
    return tuple(motifs)


def _groupes(entree: dict[str, Any], ou: str) -> GroupesTypologie:
    bruts = entree.get("valeur")
    if not isinstance(bruts, list) or not bruts:
        raise ParametresInvalides(f"{ou} : « valeur » doit être une liste non vide de groupes.")
    groupes: list[GroupeTypologie] = []
    for j, brut in enumerate(bruts, start=1):
        ici = f"{ou}, valeur[{j}]"
        if not isinstance(brut, dict) or not isinstance(brut.get("libelle"), str):
            raise ParametresInvalides(f"{ici} : dictionnaire avec « libelle », « min » (et « max ») attendu.")
        minimum = _entier(brut.get("min"), f"{ici}, min", minimum=1)
        maximum = None if brut.get("max") is None else _entier(brut.get("max"), f"{ici}, max", minimum=minimum)
        groupes.append(GroupeTypologie(libelle=brut["libelle"], minimum=minimum, maximum=maximum))
    verifier_groupes(groupes, ou)
    return GroupesTypologie(
        date_effet=entree["date_effet"],
        groupes=tuple(groupes),
        source=str(entree["source"]),
        fiabilite=str(entree["fiabilite"]),
    )


def verifier_groupes(groupes: Sequence[GroupeTypologie], ou: str) -> None:
    """Groups must cover every typology from 1 upwards exactly once (the last one open-ended)."""
    attendu = 1
    for j, groupe in enumerate(groupes, start=1):
        if groupe.minimum != attendu:
            raise ParametresInvalides(
                f"{ou}, groupe {j} ({groupe.libelle}) : commence à T{groupe.minimum}, attendu T{attendu} "
                "(les groupes couvrent toutes les typologies, sans trou ni chevauchement)."
            )
        if groupe.maximum is None:
            if j != len(groupes):
                raise ParametresInvalides(f"{ou}, groupe {j} ({groupe.libelle}) : seul le dernier groupe est ouvert.")
            return
        attendu = groupe.maximum + 1
    raise ParametresInvalides(f"{ou} : le dernier groupe doit être ouvert (sans « max »).")


def _bilan(entree: dict[str, Any], ou: str) -> DateLimiteBilan:
    brute = entree.get("valeur")
    if not isinstance(brute, dict):
        raise ParametresInvalides(f"{ou} : « valeur » doit donner « mois » et « jour ».")
    mois = _entier(brute.get("mois"), f"{ou}, mois", minimum=1)
    jour = _entier(brute.get("jour"), f"{ou}, jour", minimum=1)
    try:
        date(2001, mois, jour)
    except ValueError:
        raise ParametresInvalides(f"{ou} : jour {jour} / mois {mois} invalide.") from None
    return DateLimiteBilan(
        date_effet=entree["date_effet"],
        mois=mois,
        jour=jour,
        article=_article(entree, ou),
        source=str(entree["source"]),
        fiabilite=str(entree["fiabilite"]),
    )
