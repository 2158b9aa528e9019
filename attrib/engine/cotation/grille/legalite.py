"""The grid's legal checks: the legal block (DALO and L441-1 CCH priorities, L441-2-8 / R441-2-10 CCH)
and the legal risks (residence-only criteria, protected grounds of Code pénal 225-1)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import date

from attrib.engine.cotation import catalogue
from attrib.engine.cotation.conditions import (
    Condition,
    Probleme,
    Tous,
    UnDe,
    colonnes_condition,
    colonnes_operande,
    sous_chemin,
)
from attrib.engine.cotation.grille._commun import _chemins
from attrib.engine.cotation.grille.modele import Critere, Grille, Points
from attrib.engine.cotation.priorites import CODE_DALO, PrioriteLegale, charger_priorites, priorites_en_vigueur


def _points_max(points: Points) -> int | None:
    """Largest number of points a criterion can give (None: unbounded)."""
    if not points.proportionnel:
        return points.fixe
    return points.plafond


class ControlesLegaux:
    """Appends the legal problems of ``grille`` to the given lists of errors and warnings."""

    def __init__(self, grille: Grille, erreurs: list[Probleme], avertissements: list[Probleme]) -> None:
        self.grille = grille
        self.erreurs = erreurs
        self.avertissements = avertissements

    def bloc_legal(self) -> None:
        g = self.grille
        priorites = charger_priorites()
        connues = {p.code: p for p in priorites}
        couvertes: set[str] = set()
        dalo: Critere | None = None
        for chemin, _, c in _chemins(g):
            debut_critere = max(g.date_effet, c.date_debut or g.date_effet)
            for k, code in enumerate(c.priorites_legales):
                if code not in connues:
                    proches = difflib.get_close_matches(code, list(connues), n=1)
                    suggestion = f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""
                    self.erreurs.append(
                        Probleme(
                            f"{chemin}.priorites_legales[{k}]",
                            f"priorité légale « {code} » inconnue{suggestion} ; codes : {', '.join(connues)}",
                        )
                    )
                elif connues[code].date_debut > debut_critere:
                    p = connues[code]
                    self.avertissements.append(
                        Probleme(
                            f"{chemin}.priorites_legales[{k}]",
                            f"la priorité légale {_nom_priorite(p)} n'existe qu'à partir du {p.date_debut:%d/%m/%Y} "
                            f"({p.base_legale}) : le critère « {c.id} » s'applique dès le {debut_critere:%d/%m/%Y} "
                            "et ne met en œuvre aucune priorité légale avant cette date",
                        )
                    )
                couvertes.add(code)
            if CODE_DALO in c.priorites_legales and dalo is None:
                dalo = c
        bloc_dalo = connues.get(CODE_DALO)
        if CODE_DALO not in couvertes:
            if bloc_dalo is not None and bloc_dalo.date_debut > g.date_effet:
                self.avertissements.append(
                    Probleme(
                        "sections",
                        f"la grille prend effet le {g.date_effet:%d/%m/%Y}, avant l'existence du bloc légal DALO "
                        f"({bloc_dalo.base_legale}, en vigueur à partir du {bloc_dalo.date_debut:%d/%m/%Y}) : il "
                        "n'est pas exigé à cette date, il le sera pour toute version prenant effet après",
                    )
                )
            else:
                self.erreurs.append(
                    Probleme(
                        "sections",
                        "la grille n'a pas de bloc « priorités légales » : aucun critère ne met en œuvre le DALO "
                        "(« priorites_legales: [dalo] »). La cotation doit mettre en œuvre les priorités de l'article "
                        "L441-1 CCH, en particulier les ménages reconnus DALO (L441-2-8 et R441-2-10 CCH)",
                    )
                )
        en_vigueur = [p for p in priorites_en_vigueur(g.date_effet) if p.code != CODE_DALO]
        if not en_vigueur:
            self.avertissements.append(Probleme("sections", _bloc_l441_pas_encore(g.date_effet, priorites)))
        elif not couvertes & {p.code for p in en_vigueur}:
            self.erreurs.append(
                Probleme(
                    "sections",
                    "aucun critère ne met en œuvre les priorités de l'article L441-1 CCH "
                    f"(« priorites_legales: » parmi {', '.join(p.code for p in en_vigueur)}) : le bloc légal est "
                    "obligatoire (L441-2-8 et R441-2-10 CCH)",
                )
            )
        else:
            manquantes = [p for p in en_vigueur if p.code not in couvertes]
            if manquantes:
                self.avertissements.append(
                    Probleme(
                        "sections",
                        "priorités de l'article L441-1 CCH en vigueur qu'aucun critère ne met en œuvre : "
                        + ", ".join(f"{p.lettre}) ({p.code})" for p in manquantes)
                        + " ; ajoutez leur code à « priorites_legales » du critère qui les prend en compte",
                    )
                )
        if dalo is not None:
            self._dalo_en_tete(dalo)

    def _dalo_en_tete(self, dalo: Critere) -> None:
        points_dalo = _points_max(dalo.points)
        if points_dalo is None:
            return
        for chemin, _, c in _chemins(self.grille):
            if c.priorites_legales or c.nature == "malus":
                continue
            maximum = _points_max(c.points)
            if maximum is not None and maximum > points_dalo:
                self.avertissements.append(
                    Probleme(
                        sous_chemin(chemin, "points"),
                        f"« {c.libelle} » peut rapporter {maximum} points, plus que le critère DALO "
                        f"({points_dalo}) : les ménages DALO doivent passer en premier (L441-1 CCH)",
                    )
                )

    def risques(self) -> None:
        for chemin, _, c in _chemins(self.grille):
            colonnes: set[str] = set()
            if c.condition is not None:
                colonnes = set(colonnes_condition(c.condition))
                if _residence_suffit(c.condition, self.valeurs_residence()):
                    self.avertissements.append(
                        Probleme(
                            sous_chemin(chemin, "condition"),
                            f"« {c.libelle} » peut être rempli par le seul lieu de résidence : risque juridique "
                            "(L441-1 CCH : l'absence de lien avec la commune ne peut à elle seule motiver un refus ; "
                            "Code pénal 225-1 : le lieu de résidence est un motif de discrimination). Associez-le à "
                            "un lien objectif (emploi, famille, rapprochement du travail)",
                        )
                    )
            if c.points.valeur is not None:
                colonnes |= set(colonnes_operande(c.points.valeur))
            colonnes |= self._colonnes_des_valeurs(colonnes)
            motifs = {catalogue.MOTIFS_PROTEGES[n] for n in colonnes if n in catalogue.MOTIFS_PROTEGES}
            if c.priorites_legales:
                motifs -= catalogue.MOTIFS_ADMIS_SI_PRIORITE
            libelle = c.libelle.lower()
            motifs |= {motif for mot, motif in catalogue.MOTS_PROTEGES.items() if re.search(rf"\b{mot}", libelle)}
            if motifs:
                self.avertissements.append(
                    Probleme(
                        chemin,
                        f"« {c.libelle} » repose sur {', '.join(sorted(motifs))} : motif de discrimination de "
                        "l'article 225-1 du Code pénal. Ne l'employez que pour mettre en œuvre une priorité "
                        "prévue par la loi, et citez-la dans « base_legale »",
                    )
                )

    def valeurs_residence(self) -> frozenset[str]:
        """Residence columns, and the named values computed from residence columns only."""
        residence = set(catalogue.COLONNES_RESIDENCE)
        for v in self.grille.valeurs:
            lues = set(colonnes_operande(v.calcul))
            if lues and lues <= residence:
                residence.add(v.id)
        return frozenset(residence)

    def _colonnes_des_valeurs(self, noms: set[str]) -> set[str]:
        resultat: set[str] = set()
        for v in self.grille.valeurs:
            if v.id in noms:
                resultat |= set(colonnes_operande(v.calcul))
        return resultat


def _nom_priorite(p: PrioriteLegale) -> str:
    return f"{p.lettre}) ({p.code})" if p.lettre else f"« {p.code} »"


def _bloc_l441_pas_encore(jour: date, priorites: Sequence[PrioriteLegale]) -> str:
    """Why no L441-1 priority can be required of a grid taking effect on ``jour``: which block, from when."""
    futures = sorted((p for p in priorites if p.code != CODE_DALO and p.date_debut > jour), key=lambda p: p.date_debut)
    par_date: dict[date, list[PrioriteLegale]] = {}
    for p in futures:
        par_date.setdefault(p.date_debut, []).append(p)
    etapes = " ; ".join(
        f"à partir du {d:%d/%m/%Y} : " + ", ".join(f"{p.lettre})" if p.lettre else p.code for p in groupe)
        for d, groupe in par_date.items()
    )
    return (
        f"la grille prend effet le {jour:%d/%m/%Y}, avant l'existence du bloc légal « priorités de l'article L441-1 "
        f"CCH » dans sa rédaction actuelle ({etapes}) : aucune de ces priorités ne peut être exigée à cette date. "
        "Vérifiez les priorités en vigueur à la date de la grille avant de la publier"
    )


def _residence_suffit(condition: Condition, residence: frozenset[str]) -> bool:
    """Whether ``condition`` can hold because of residence columns alone."""
    if isinstance(condition, Tous):
        lues = {n for c in condition.conditions for n in colonnes_condition(c)}
        return bool(lues) and lues <= residence
    if isinstance(condition, UnDe):
        return any(_residence_suffit(c, residence) for c in condition.conditions)
    lues = set(colonnes_condition(condition))
    return bool(lues) and lues <= residence
