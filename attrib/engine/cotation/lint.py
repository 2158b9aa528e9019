"""Lint of a grid against the demands of its territory (warnings, never errors).

:func:`controler_sur_demandes` completes the checks of :func:`attrib.engine.cotation.grille.valider`
(which needs no data) with what only the demands tell:

* a criterion reading a value that is **unknown for every demand** of the territory: its points can
  never be given (e.g. a « délai anormalement long » criterion when no délai is published for the
  territory's département: the warning names the département and says « non publié à ce jour »);
* a criterion that **no demand meets**.

Each warning is a :class:`~attrib.engine.cotation.grille.MessageGrille` located by the criterion's path
(and line, when the grid was read from a document) and names its section and criterion. Pure: polars
columns in, messages out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from attrib.engine.cotation.conditions import colonnes_condition, colonnes_operande, sous_chemin
from attrib.engine.cotation.grille import Critere, Grille, MessageGrille
from attrib.engine.cotation.grille.messages import _ligne
from attrib.engine.cotation.vectorise import applications
from attrib.engine.parametres import Parametres, charger_parametres

#: Derived columns that are empty where no délai anormalement long is published.
COLONNES_DAL = frozenset({"delai_anormalement_long_mois", "dal_depasse"})


def _colonnes_critere(grille: Grille, critere: Critere) -> set[str]:
    """Columns of the demands a criterion reads, through the named values it uses."""
    definitions = {v.id: set(colonnes_operande(v.calcul)) for v in grille.valeurs}
    a_voir = set(colonnes_condition(critere.condition)) if critere.condition is not None else set()
    if critere.points.valeur is not None:
        a_voir |= set(colonnes_operande(critere.points.valeur))
    colonnes: set[str] = set()
    vues: set[str] = set()
    while a_voir:
        nom = a_voir.pop()
        if nom in vues:
            continue
        vues.add(nom)
        if nom in definitions:
            a_voir |= definitions[nom]
        else:
            colonnes.add(nom)
    return colonnes


def _toujours_vides(demandes: pl.DataFrame, colonnes: Iterable[str]) -> set[str]:
    n = demandes.height
    return {c for c in colonnes if c in demandes.columns and demandes.get_column(c).null_count() == n}


def _departements(demandes: pl.DataFrame) -> list[str]:
    if "departement" not in demandes.columns:
        return []
    return sorted({str(d) for d in demandes.get_column("departement").drop_nulls().unique().to_list()})


def controler_sur_demandes(
    grille: Grille,
    demandes: pl.DataFrame,
    *,
    date_reference: date,
    parametres: Parametres | None = None,
) -> list[MessageGrille]:
    """Warnings of ``grille`` on ``demandes`` (the prepared demands of its territory, as scored)."""
    n = demandes.height
    if n == 0:
        return [
            MessageGrille(
                grille.nom,
                None,
                "",
                "aucune demande sur le territoire : le contrôle des critères sur les demandes n'a pas pu être fait",
                "avertissement",
            )
        ]
    p = parametres or charger_parametres()
    comptes = applications(grille, demandes, date_reference=date_reference)
    lues = {c.id: _colonnes_critere(grille, c) for _, c in grille.criteres()}
    vides = _toujours_vides(demandes, set().union(*lues.values()) if lues else set())
    manques_dal = [m for d in _departements(demandes) if (m := p.dal_manquant(d, date_reference)) is not None]
    messages: list[MessageGrille] = []
    for i, section in enumerate(grille.sections):
        for j, critere in enumerate(section.criteres):
            if not critere.en_vigueur(date_reference):
                continue
            chemin = f"sections[{i}].criteres[{j}]"
            lieu = f"section « {section.libelle} », critère « {critere.id} »"
            inconnues = sorted(lues[critere.id] & vides)
            if inconnues:
                cause = ""
                if COLONNES_DAL & set(inconnues) and manques_dal:
                    cause = " : " + " ; ".join(manques_dal)
                ici = sous_chemin(chemin, "condition") if critere.condition is not None else chemin
                messages.append(
                    MessageGrille(
                        grille.nom,
                        _ligne(grille.lignes, ici),
                        ici,
                        f"{lieu} : la valeur lue ({', '.join(inconnues)}) est inconnue pour les {n} demandes du "
                        f"territoire{cause}. Ce critère ne peut rapporter de points à aucune demande",
                        "avertissement",
                    )
                )
            elif comptes.get(critere.id, 0) == 0:
                ici = sous_chemin(chemin, "condition") if critere.condition is not None else chemin
                messages.append(
                    MessageGrille(
                        grille.nom,
                        _ligne(grille.lignes, ici),
                        ici,
                        f"{lieu} : aucune des {n} demandes du territoire ne remplit « {critere.libelle} ». "
                        + (
                            "Priorité légale : le critère reste obligatoire même sans demande concernée"
                            if critere.priorites_legales
                            else "Vérifiez sa condition (seuils, codes) ou retirez-le"
                        ),
                        "avertissement",
                    )
                )
    return messages


__all__ = ["COLONNES_DAL", "controler_sur_demandes"]
