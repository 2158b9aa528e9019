"""Checking a :class:`Grille` (:func:`valider`): identifiers, bounds, signs of points, types of the columns
read, codes of the closed lists, divisors, overlapping bands; the legal checks are in :mod:`.legalite`."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from attrib.engine.cotation import catalogue
from attrib.engine.cotation.conditions import (
    Calcul,
    Champ,
    Comparaison,
    Condition,
    Constante,
    Contient,
    Genre,
    Non,
    Operande,
    Parmi,
    Probleme,
    Scalaire,
    Tous,
    Typage,
    UnDe,
    colonnes_operande,
    operandes_condition,
    sous_chemin,
    sous_operandes,
)
from attrib.engine.cotation.grille._commun import _chemins
from attrib.engine.cotation.grille.legalite import ControlesLegaux
from attrib.engine.cotation.grille.messages import GrilleInvalide, MessageGrille, _localiser
from attrib.engine.cotation.grille.modele import Critere, Grille
from attrib.engine.cotation.priorites import charger_priorites
from attrib.engine.cotation.schema import IDENTIFIANT
from attrib.engine.cotation.tranches import chevauchements

#: Names of the output columns, forbidden as identifiers.
IDENTIFIANTS_RESERVES = frozenset(
    {"score", "score_provisoire", "score_valide", "rang", "numero_unique", "ligne", "grille", "valide", "plafond"}
)


def _codes_connus() -> dict[str, tuple[str, ...]]:
    codes = {c.nom: c.codes for c in catalogue.COLONNES_COTATION if c.codes}
    codes["priorites"] = tuple(p.code for p in charger_priorites())
    return codes


class _Validation:
    def __init__(self, grille: Grille) -> None:
        self.grille = grille
        self.erreurs: list[Probleme] = []
        self.avertissements: list[Probleme] = []
        self.valeurs = {v.id for v in grille.valeurs}

    def identifiants(self) -> None:
        # Two namespaces: sections; criteria and named values (criteria name the detail columns, values
        # are read by name).
        vus: dict[str, str] = {}
        vues_sections: dict[str, str] = {}

        def voir(ident: str, chemin: str, vus: dict[str, str] = vus) -> None:
            if not re.fullmatch(IDENTIFIANT, ident):
                self.erreurs.append(
                    Probleme(
                        sous_chemin(chemin, "id"),
                        f"identifiant « {ident} » invalide : lettres minuscules sans accent, chiffres et « _ », "
                        "en commençant par une lettre",
                    )
                )
            elif ident in IDENTIFIANTS_RESERVES:
                self.erreurs.append(
                    Probleme(sous_chemin(chemin, "id"), f"identifiant « {ident} » réservé (colonne du résultat)")
                )
            if ident in vus:
                self.erreurs.append(
                    Probleme(sous_chemin(chemin, "id"), f"identifiant « {ident} » déjà employé ({vus[ident]})")
                )
            vus[ident] = chemin

        for i, v in enumerate(self.grille.valeurs):
            voir(v.id, f"valeurs[{i}]")
        for i, s in enumerate(self.grille.sections):
            voir(s.id, f"sections[{i}]", vues_sections)
        for chemin, _, c in _chemins(self.grille):
            voir(c.id, chemin)

    def bornes(self) -> None:
        g = self.grille
        if g.date_fin is not None and g.date_fin < g.date_effet:
            self.erreurs.append(
                Probleme("date_fin", f"date de fin {g.date_fin} antérieure à la date d'effet {g.date_effet}")
            )
        if g.plafond_total is not None and g.plancher_total is not None and g.plancher_total > g.plafond_total:
            self.erreurs.append(
                Probleme("plancher_total", f"plancher {g.plancher_total} supérieur au plafond {g.plafond_total}")
            )
        if not g.sections:
            self.erreurs.append(Probleme("sections", "la grille n'a aucune section"))
        for i, s in enumerate(g.sections):
            if s.plafond is not None and s.plancher is not None and s.plancher > s.plafond:
                self.erreurs.append(
                    Probleme(f"sections[{i}].plancher", f"plancher {s.plancher} supérieur au plafond {s.plafond}")
                )
            if not s.criteres:
                self.erreurs.append(Probleme(f"sections[{i}].criteres", "section sans critère"))
        for chemin, _, c in _chemins(g):
            if c.date_debut is not None and c.date_fin is not None and c.date_fin < c.date_debut:
                self.erreurs.append(
                    Probleme(
                        sous_chemin(chemin, "date_fin"), f"date de fin {c.date_fin} antérieure au début {c.date_debut}"
                    )
                )
            elif (c.date_fin is not None and c.date_fin < g.date_effet) or (
                c.date_debut is not None and g.date_fin is not None and c.date_debut > g.date_fin
            ):
                self.avertissements.append(
                    Probleme(chemin, f"le critère « {c.id} » n'est jamais en vigueur pendant la validité de la grille")
                )

    def points(self) -> None:
        for chemin, _, c in _chemins(self.grille):
            ici = sous_chemin(chemin, "points")
            p = c.points
            if p.plafond is not None and p.plafond < 0:
                self.erreurs.append(Probleme(sous_chemin(ici, "plafond"), "un plafond est un nombre de points positif"))
            signes = [p.fixe] + ([p.par_unite] if p.par_unite is not None else [])
            if c.nature == "malus":
                if any(s > 0 for s in signes) or all(s == 0 for s in signes):
                    self.erreurs.append(
                        Probleme(ici, f"un malus retire des points : attendu des points négatifs pour « {c.id} »")
                    )
            elif any(s < 0 for s in signes):
                self.erreurs.append(
                    Probleme(ici, f"points négatifs pour « {c.id} » : déclarez « nature: malus » pour un malus")
                )

    def types(self) -> None:
        genres: dict[str, Genre | None] = dict(catalogue.GENRES_CONNUS)
        typage = Typage(genres)
        for i, v in enumerate(self.grille.valeurs):
            chemin = f"valeurs[{i}].calcul"
            posterieures = {w.id for w in self.grille.valeurs[i:]}
            for nom in colonnes_operande(v.calcul):
                if nom in posterieures:
                    self.erreurs.append(
                        Probleme(chemin, f"« {nom} » est défini plus loin (ou est cette valeur) : ordonnez les valeurs")
                    )
            genres[v.id] = typage.operande(v.calcul, chemin)
        for chemin, _, c in _chemins(self.grille):
            if c.condition is not None:
                typage.condition(c.condition, sous_chemin(chemin, "condition"))
                self.codes(c.condition, sous_chemin(chemin, "condition"))
            if c.points.valeur is not None:
                ici = sous_chemin(sous_chemin(chemin, "points"), "valeur")
                genre = typage.operande(c.points.valeur, ici)
                if genre is not None and genre != "nombre":
                    self.erreurs.append(
                        Probleme(ici, f"des points proportionnels demandent un nombre, pas un(e) {genre}")
                    )
        self.erreurs += typage.problemes
        self.diviseurs()
        for p in typage.inconnues:
            proches = difflib.get_close_matches(p.message, list(genres), n=1)
            suggestion = f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""
            self.avertissements.append(
                Probleme(
                    p.chemin,
                    f"colonne « {p.message} » inconnue du format d'échange et du moteur{suggestion} : "
                    "elle devra être fournie avec les demandes",
                )
            )
        for i, cle in enumerate(self.grille.departage):
            if cle.champ not in genres and cle.champ not in self.valeurs:
                self.avertissements.append(
                    Probleme(f"classement.departage[{i}].champ", f"colonne de départage « {cle.champ} » inconnue")
                )

    def diviseurs(self) -> None:
        """A divisor must depend on the demand: dividing by a constant is written as a product by its
        inverse (both evaluators then compute exactly the same floating-point number)."""
        racines: list[tuple[str, Operande]] = [
            (f"valeurs[{i}].calcul", v.calcul) for i, v in enumerate(self.grille.valeurs)
        ]
        for chemin, _, c in _chemins(self.grille):
            if c.condition is not None:
                racines += [(sous_chemin(chemin, "condition"), o) for o in operandes_condition(c.condition)]
            if c.points.valeur is not None:
                racines.append((sous_chemin(sous_chemin(chemin, "points"), "valeur"), c.points.valeur))
        for chemin, racine in racines:
            for o in sous_operandes(racine):
                if isinstance(o, Calcul) and o.operation == "quotient" and not any(colonnes_operande(o.termes[1])):
                    self.erreurs.append(
                        Probleme(
                            chemin,
                            "diviseur constant : écrivez un produit par l'inverse (ex. produit: [x, 0.01] plutôt "
                            "que quotient: [x, 100])",
                        )
                    )

    def codes(self, condition: Condition, chemin: str) -> None:
        connus = _codes_connus()

        def verifier(colonne: str, valeurs: Sequence[Scalaire], ici: str) -> None:
            if colonne in self.valeurs or colonne not in connus:
                return
            for valeur in valeurs:
                if isinstance(valeur, str) and valeur not in connus[colonne]:
                    proches = difflib.get_close_matches(valeur, connus[colonne], n=1)
                    suggestion = f" (vouliez-vous dire « {proches[0]} » ?)" if proches else ""
                    self.erreurs.append(Probleme(ici, f"code « {valeur} » inconnu pour « {colonne} »{suggestion}"))

        if isinstance(condition, (Tous, UnDe)):
            cle = "tous" if isinstance(condition, Tous) else "un_de"
            for i, c in enumerate(condition.conditions):
                self.codes(c, sous_chemin(sous_chemin(chemin, cle), i))
        elif isinstance(condition, Non):
            self.codes(condition.condition, sous_chemin(chemin, "non"))
        elif isinstance(condition, Contient):
            verifier(condition.champ, condition.valeurs, sous_chemin(chemin, condition.mode))
        elif isinstance(condition, (Parmi, Comparaison)) and isinstance(condition.sujet, Champ):
            if isinstance(condition, Parmi):
                verifier(
                    condition.sujet.nom, condition.valeurs, sous_chemin(chemin, "hors" if condition.hors else "parmi")
                )
            elif isinstance(condition.valeur, Constante):
                verifier(condition.sujet.nom, (condition.valeur.valeur,), sous_chemin(chemin, condition.operateur))

    def tranches(self) -> None:
        """Overlapping bands on the same value in an additive section (the overlap scores twice)."""
        for i, section in enumerate(self.grille.sections):
            if section.exclusive:
                continue
            for ch in chevauchements([c.condition for c in section.criteres]):
                a, b = section.criteres[ch.premier], section.criteres[ch.second]
                if not _periodes_communes(a, b):
                    continue
                self.avertissements.append(
                    Probleme(
                        f"sections[{i}].criteres[{ch.second}].condition",
                        f"section « {section.libelle} » (points cumulés) : les tranches des critères « {a.id} » "
                        f"({ch.valeur} {ch.intervalle_premier.texte()}) et « {b.id} » ({ch.valeur} "
                        f"{ch.intervalle_second.texte()}) se chevauchent ({ch.valeur} {ch.commun.texte()}) : une "
                        "demande dans cet intervalle reçoit les points des deux. Rendez les tranches disjointes "
                        "ou déclarez la section « exclusive »",
                    )
                )


def _periodes_communes(a: Critere, b: Critere) -> bool:
    debut = max((d for d in (a.date_debut, b.date_debut) if d is not None), default=None)
    fin = min((d for d in (a.date_fin, b.date_fin) if d is not None), default=None)
    return debut is None or fin is None or debut <= fin


def valider(grille: Grille) -> list[MessageGrille]:
    """Check ``grille``; raise :class:`GrilleInvalide` on errors, return the (located) warnings."""
    v = _Validation(grille)
    v.identifiants()
    v.bornes()
    v.points()
    v.types()
    legal = ControlesLegaux(grille, v.erreurs, v.avertissements)
    legal.bloc_legal()
    legal.risques()
    v.tranches()
    if v.erreurs:
        raise GrilleInvalide(_localiser(grille.nom, grille.lignes, v.erreurs, "erreur"))
    return _localiser(grille.nom, grille.lignes, v.avertissements, "avertissement")
