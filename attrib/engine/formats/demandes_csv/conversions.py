"""The cell conversions of the format, both ways: :func:`convertir` reads a cell into its typed value
(or raises :class:`ValeurInvalide` with a French message quoting it), :func:`formater` writes it back."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from attrib.engine.formats.cellules import DEBUTS_FORMULE, retirer_neutralisation
from attrib.engine.formats.demandes_csv.colonnes import (
    DRAPEAUX_PERSONNE,
    FORMAT_DATE,
    SEPARATEUR_DRAPEAUX,
    SEPARATEUR_LISTE,
    SEPARATEUR_PERSONNE,
    Colonne,
    T,
)


class ValeurInvalide(ValueError):
    """A cell that does not match its column type (the message quotes the value)."""


_DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")
_ESPACES = re.compile(r"[\s\u00a0\u202f]")
_ENTIER = re.compile(r"\d+")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_VRAI = frozenset({"oui", "o", "1", "vrai", "true", "x"})
_FAUX = frozenset({"non", "n", "0", "faux", "false"})
#: First characters of a text that the export neutralises (``attrib.engine.formats.cellules``).
PROTEGES = DEBUTS_FORMULE


def _lire_date(texte: str) -> date:
    if m := _DATE_FR.fullmatch(texte):
        jour, mois, annee = (int(x) for x in m.groups())
    elif m := _DATE_ISO.fullmatch(texte):
        annee, mois, jour = (int(x) for x in m.groups())
    else:
        raise ValeurInvalide(f"date invalide « {texte} » (format attendu : JJ/MM/AAAA ou AAAA-MM-JJ)")
    try:
        return date(annee, mois, jour)
    except ValueError:
        raise ValeurInvalide(f"date invalide « {texte} » (ce jour n'existe pas)") from None


def _lire_code(texte: str, colonne: Colonne) -> str:
    code = texte.lower()
    if code not in colonne.codes:
        raise ValeurInvalide(f"code inconnu « {texte} » ; valeurs admises : {', '.join(colonne.codes)}")
    return code


def _lire_liste(texte: str, colonne: Colonne) -> list[str]:
    elements: list[str] = []
    for brut in texte.split(SEPARATEUR_LISTE):
        element = brut.strip()
        if not element:
            continue
        if colonne.choix:
            element = _lire_code(element, colonne)
        elif colonne.motif_element:
            element = element.upper() if colonne.nom == "communes_souhaitees" else element.lower()
            if not re.fullmatch(colonne.motif_element, element):
                quoi = "code INSEE" if colonne.nom == "communes_souhaitees" else "code"
                raise ValeurInvalide(f"{quoi} invalide « {brut.strip()} »")
        if element in elements:
            raise ValeurInvalide(f"« {element} » figure deux fois dans la liste")
        elements.append(element)
    return elements


def _lire_personnes(texte: str, colonne: Colonne) -> list[dict[str, Any]]:
    personnes: list[dict[str, Any]] = []
    for n, bloc in enumerate((b.strip() for b in texte.split(SEPARATEUR_LISTE) if b.strip()), start=1):
        parties = [p.strip() for p in bloc.split(SEPARATEUR_PERSONNE)]
        if not 4 <= len(parties) <= 5:
            raise ValeurInvalide(
                f"personne n° {n} « {bloc} » : format attendu lien:date_naissance:prénoms:nom[:drapeaux]"
            )
        lien = parties[0].lower()
        if lien in ("demandeur", "codemandeur", "co-demandeur"):
            raise ValeurInvalide(
                f"personne n° {n} : une ligne ne décrit qu'un seul demandeur et un seul co-demandeur, "
                "dans les colonnes *_demandeur et *_codemandeur ; « personnes » liste les autres personnes à loger"
            )
        if lien and lien not in colonne.codes:
            raise ValeurInvalide(
                f"personne n° {n} : lien inconnu « {parties[0]} » ; valeurs admises : {', '.join(colonne.codes)}"
            )
        try:
            naissance = _lire_date(parties[1])
        except ValeurInvalide as exc:
            raise ValeurInvalide(f"personne n° {n} : {exc}") from None
        if not parties[2] or not parties[3]:
            raise ValeurInvalide(f"personne n° {n} : prénoms et nom sont obligatoires")
        drapeaux = (
            [d.strip().lower() for d in parties[4].split(SEPARATEUR_DRAPEAUX) if d.strip()] if len(parties) == 5 else []
        )
        for d in drapeaux:
            if d not in DRAPEAUX_PERSONNE:
                raise ValeurInvalide(
                    f"personne n° {n} : drapeau inconnu « {d} » ; valeurs admises : {', '.join(DRAPEAUX_PERSONNE)}"
                )
        personnes.append(
            {"lien": lien, "date_naissance": naissance, "prenoms": parties[2], "nom": parties[3]}
            | {d: d in drapeaux for d in DRAPEAUX_PERSONNE}
        )
    return personnes


def convertir(colonne: Colonne, brut: str) -> Any:
    """Typed value of one cell; raises :class:`ValeurInvalide` with a French message quoting the value.

    The apostrophe the export puts before a text a spreadsheet would take as a formula (``'=…``) is removed.
    """
    texte = retirer_neutralisation(brut.strip())
    if not texte:
        return colonne.vide()
    match colonne.type:
        case T.TEXTE:
            return texte
        case T.CODE:
            return _lire_code(texte, colonne)
        case T.DATE:
            return _lire_date(texte)
        case T.ENTIER:
            compact = _ESPACES.sub("", texte)
            if not _ENTIER.fullmatch(compact):
                raise ValeurInvalide(f"nombre entier positif attendu, reçu « {texte} »")
            return int(compact)
        case T.DECIMAL:
            compact = _ESPACES.sub("", texte).replace(",", ".")
            if not _DECIMAL.fullmatch(compact):
                raise ValeurInvalide(f"montant invalide « {texte} » (nombre positif, virgule décimale)")
            try:
                return Decimal(compact)
            except InvalidOperation:
                raise ValeurInvalide(f"montant invalide « {texte} »") from None
        case T.BOOLEEN:
            if texte.lower() in _VRAI:
                return True
            if texte.lower() in _FAUX:
                return False
            raise ValeurInvalide(f"valeur « {texte} » non comprise : attendu oui ou non")
        case T.LISTE:
            return _lire_liste(texte, colonne)
        case T.PERSONNES:
            return _lire_personnes(texte, colonne)
    raise AssertionError(colonne.type)  # pragma: no cover - every type is handled above


def _format_personnes(personnes: Iterable[Mapping[str, Any]]) -> str:
    blocs = []
    for p in personnes:
        parties = [p["lien"], f"{p['date_naissance']:{FORMAT_DATE}}", p["prenoms"], p["nom"]]
        drapeaux = [d for d in DRAPEAUX_PERSONNE if p[d]]
        if drapeaux:
            parties.append(SEPARATEUR_DRAPEAUX.join(drapeaux))
        blocs.append(SEPARATEUR_PERSONNE.join(parties))
    return SEPARATEUR_LISTE.join(blocs)


def formater(colonne: Colonne, valeur: Any) -> str:
    """Text of one CSV cell; ``convertir(colonne, formater(colonne, v))`` gives ``v`` back.

    The text is written as is: the writer of the exports (``attrib.common.tableurs``) neutralises what a
    spreadsheet would take as a formula, and :func:`convertir` undoes it."""
    if valeur is None:
        return ""
    match colonne.type:
        case T.DATE:
            return f"{valeur:{FORMAT_DATE}}"
        case T.DECIMAL:
            return f"{valeur:.2f}".replace(".", ",")
        case T.BOOLEEN:
            return "oui" if valeur else "non"
        case T.LISTE:
            return SEPARATEUR_LISTE.join(valeur)
        case T.PERSONNES:
            return _format_personnes(valeur)
    return str(valeur)
