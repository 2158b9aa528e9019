"""The proposals of a batch, their certificate, their check (:meth:`Solution.verify`) and their explanations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attrib.engine.appariement.contraintes import ContraintePart
from attrib.engine.appariement.instance import InstanceAppariement
from attrib.engine.rapprochement.objectifs import Compte, Objectif, Sens
from attrib.engine.rapprochement.texte import decimal, pluriel, pourcentage

TOLERANCE_RELATIVE = 1e-9


@dataclass(frozen=True, slots=True)
class Certificat:
    """Quality of a solution: ``valeur`` ≤ every feasible proposal's optimum ≤ ``borne``.

    ``borne`` is the Lagrangian bound f(λ) at ``multiplicateurs`` (λ by objective code; all zero = the
    unconstrained optimum), or, when ``borne_exacte``, the dual bound of the exact MILP (small batches); ``ecart`` = (borne − valeur) / borne. ``optimum_dual_prouve``: the cutting-plane
    model showed that no multipliers give a lower bound (within the target gap).
    """

    valeur: float
    borne: float
    ecart: float
    multiplicateurs: Mapping[str, float]
    iterations: int
    duree_s: float
    optimum_dual_prouve: bool
    logements_sans_candidat: int
    logements_non_pourvus: int
    objectifs_inatteignables: tuple[str, ...] = ()
    borne_exacte: bool = False  # the bound is the exact MILP's dual bound (small batch), not f(λ)

    def phrase(self) -> str:
        texte = (
            f"Valeur totale {decimal(self.valeur)} ; borne supérieure {decimal(self.borne)} ; "
            f"écart {pourcentage(self.ecart, 4)} ({pluriel(self.iterations, 'itération')}, "
            f"{decimal(self.duree_s)} s)."
        )
        if self.borne_exacte:
            texte += " Borne prouvée par la résolution exacte du lot."
        if self.objectifs_inatteignables:
            texte += (
                f" Objectifs hors d'atteinte avec les candidats du lot, visés au mieux : "
                f"{', '.join(self.objectifs_inatteignables)} (la borne vaut pour ces cibles abaissées)."
            )
        return texte


@dataclass(frozen=True, slots=True)
class Bilan:
    objectif: Objectif
    compte: Compte

    @property
    def respecte(self) -> bool:
        return self.objectif.atteint(self.compte)

    def phrase(self) -> str:
        verdict = "atteint" if self.respecte else "NON ATTEINT"
        return (
            f"{self.objectif.libelle} : {self.compte.cibles} sur {pluriel(self.compte.attributions, 'attribution')}, "
            f"{self.objectif.etat(self.compte)} — {verdict}."
        )


@dataclass(frozen=True, slots=True)
class Proposition:
    logement: str
    premier: str | None
    suppleants: tuple[str, ...]
    explication: str
    explications_suppleants: tuple[str, ...]


def suppleants(instance: InstanceAppariement, premier: NDArray[np.int64], nombre: int) -> NDArray[np.int64]:
    """Alternates of each dwelling: its next candidates in value order (then score, then household), among
    the households proposed first nowhere; ``−1`` pads rows with fewer candidates. Shape (dwellings, nombre)."""
    n = instance.nb_logements
    resultat = np.full((n, nombre), -1, dtype=np.int64)
    if nombre == 0 or instance.nb_aretes == 0:
        return resultat
    premiers = np.zeros(instance.nb_demandes, dtype=np.bool_)
    premiers[premier[premier >= 0]] = True
    libres = ~premiers[instance.arete_demande]
    cumul: NDArray[np.int64] = np.cumsum(libres) - libres
    rang: NDArray[np.int64] = cumul - cumul[instance.debut[instance.arete_logement]]
    garde = libres & (rang < nombre)
    resultat[instance.arete_logement[garde], rang[garde]] = instance.arete_demande[garde]
    return resultat


@dataclass(frozen=True, eq=False)
class Solution:
    instance: InstanceAppariement
    contraintes: tuple[ContraintePart, ...]
    premier: NDArray[np.int64]  # household index per dwelling, −1 = none
    suppleants: NDArray[np.int64]  # (dwellings, number of alternates), −1 = none
    certificat: Certificat
    pourvus_max: int  # largest number of dwellings that can be served

    def valeur(self) -> float:
        return _valeur(self.instance, self.premier)

    def bilans(self) -> tuple[Bilan, ...]:
        return tuple(Bilan(objectif=c.objectif, compte=c.compte(self.premier)) for c in self.contraintes)

    def part(self, code: str) -> float | None:
        """Final share of an objective (batch + already made), e.g. ``part("q1_hors_qpv")``."""
        for c in self.contraintes:
            if c.code == code:
                part = c.compte(self.premier).part()
                return None if part is None else float(part)
        raise KeyError(code)

    # --- check -----------------------------------------------------------------------------------

    def verify(self) -> list[str]:
        """Every violated rule, in French (empty list: the solution and its certificate hold)."""
        inst = self.instance
        n, d = inst.nb_logements, inst.nb_demandes
        violations: list[str] = []
        premier = self.premier
        if premier.shape != (n,) or np.any((premier < -1) | (premier >= d)):
            return [f"Premiers candidats : {n} valeurs entre −1 et {d - 1} attendues."]
        for lo in np.flatnonzero(premier >= 0):
            if inst.arete(int(lo), int(premier[lo])) < 0:
                violations.append(
                    f"Logement {inst.logements[lo]} : la demande {inst.demandes[premier[lo]]} proposée en premier "
                    "n'est pas candidate (non éligible ou ne le souhaite pas)."
                )
        servis = premier[premier >= 0]
        valeurs, comptes = np.unique(servis, return_counts=True)
        for h in valeurs[comptes > 1]:
            logements = ", ".join(inst.logements[lo] for lo in np.flatnonzero(premier == h))
            violations.append(f"Demande {inst.demandes[h]} proposée en premier pour plusieurs logements : {logements}.")
        if servis.shape[0] < self.pourvus_max:
            violations.append(
                f"{pluriel(int(servis.shape[0]), 'logement pourvu', 'logements pourvus')} d'un premier candidat "
                f"alors que {self.pourvus_max} peuvent l'être."
            )
        for bilan in self.bilans():
            if not bilan.respecte:
                violations.append(f"Objectif non respecté : {bilan.phrase()}")
        violations.extend(self._verifier_suppleants())
        violations.extend(self._verifier_certificat())
        return violations

    def _verifier_suppleants(self) -> list[str]:
        inst, premier, table = self.instance, self.premier, self.suppleants
        violations: list[str] = []
        if table.ndim != 2 or table.shape[0] != inst.nb_logements:
            return [f"Suppléants : tableau ({inst.nb_logements}, nombre de suppléants) attendu."]
        est_premier = np.zeros(inst.nb_demandes, dtype=np.bool_)
        est_premier[premier[premier >= 0]] = True
        nombre = table.shape[1]
        for lo in range(inst.nb_logements):
            ligne = [int(h) for h in table[lo]]
            nom = inst.logements[lo]
            presents = [h for h in ligne if h >= 0]
            if ligne[: len(presents)] != presents:
                violations.append(f"Logement {nom} : suppléants non consécutifs (case vide avant un suppléant).")
            if len(set(presents)) != len(presents):
                violations.append(f"Logement {nom} : un même suppléant figure deux fois.")
            aretes = [inst.arete(lo, h) for h in presents]
            for h, e in zip(presents, aretes, strict=True):
                if e < 0:
                    violations.append(f"Logement {nom} : le suppléant {inst.demandes[h]} n'est pas candidat.")
                if est_premier[h]:
                    violations.append(
                        f"Logement {nom} : le suppléant {inst.demandes[h]} est proposé en premier ailleurs."
                    )
            valeurs = [float(inst.arete_valeur[e]) for e in aretes if e >= 0]
            if any(a < b for a, b in zip(valeurs, valeurs[1:], strict=False)):
                violations.append(f"Logement {nom} : suppléants non classés par valeur décroissante.")
            disponibles = int(np.count_nonzero(~est_premier[inst.arete_demande[inst.candidatures(lo)]]))
            if len(presents) < min(nombre, disponibles):
                violations.append(
                    f"Logement {nom} : {len(presents)} suppléant(s) alors que {min(nombre, disponibles)} sont disponibles."
                )
        return violations

    def _verifier_certificat(self) -> list[str]:
        c = self.certificat
        valeur = self.valeur()
        violations = []
        echelle = max(abs(valeur), abs(c.borne), 1.0)
        if abs(valeur - c.valeur) > TOLERANCE_RELATIVE * echelle * 10:
            violations.append(f"Certificat : valeur annoncée {decimal(c.valeur)}, recalculée {decimal(valeur)}.")
        if c.borne < valeur - TOLERANCE_RELATIVE * echelle * 10:
            violations.append(f"Certificat : borne {decimal(c.borne)} inférieure à la valeur {decimal(valeur)}.")
        attendu = (c.borne - c.valeur) / max(abs(c.borne), 1e-12)
        if abs(attendu - c.ecart) > 1e-9:
            violations.append(f"Certificat : écart annoncé {c.ecart}, recalculé {attendu}.")
        if any(v < 0 for v in c.multiplicateurs.values()):
            violations.append("Certificat : multiplicateur négatif (la borne n'est valable que pour λ ≥ 0).")
        return violations

    # --- explanations ----------------------------------------------------------------------------

    def _profil(self, h: int) -> str:
        inst = self.instance
        morceaux = ["ménage du 1er quartile" if inst.q1[h] else "ménage hors 1er quartile"]
        if inst.dalo[h]:
            morceaux.append("prioritaire DALO")
        elif inst.prioritaire[h]:
            morceaux.append("prioritaire L441-1")
        return ", ".join(morceaux)

    def _candidat(self, lo: int, h: int) -> str:
        inst = self.instance
        e = inst.arete(lo, h)
        rang = int(inst.arete_rang_commune[e])
        morceaux = [f"valeur {decimal(float(inst.arete_valeur[e]))}", f"score {decimal(float(inst.score[h]))}"]
        if rang > 0:
            morceaux.append(f"commune souhaitée n° {rang}")
        morceaux.append(self._profil(h))
        return ", ".join(morceaux)

    def _pourquoi_pas_meilleur(self, lo: int, h: int, comptes: Mapping[str, Compte]) -> str:
        inst = self.instance
        tranche = inst.candidatures(lo)
        meilleur = int(inst.arete_demande[tranche.start])
        if meilleur == h or inst.arete_valeur[tranche.start] <= inst.arete_valeur[inst.arete(lo, h)]:
            return ""
        valeur = decimal(float(inst.arete_valeur[tranche.start]))
        ailleurs = np.flatnonzero(self.premier == meilleur)
        if ailleurs.size:
            return (
                f" Le candidat de plus forte valeur ({inst.demandes[meilleur]}, valeur {valeur}) est proposé en "
                f"premier pour le logement {inst.logements[int(ailleurs[0])]}."
            )
        raisons: list[tuple[str, str]] = []
        for c in self.contraintes:
            if not c.portee[lo]:
                continue
            choisi, autre = bool(c.cible[h]), bool(c.cible[meilleur])
            if (c.objectif.sens == Sens.MINIMUM and choisi and not autre) or (
                c.objectif.sens == Sens.MAXIMUM and autre and not choisi
            ):
                raisons.append((f"{c.objectif.nom_court} ({c.objectif.etat(comptes[c.code])})", c.code))
        serrees = [r for r, code in raisons if self.certificat.multiplicateurs.get(code, 0.0) > 0]
        raisons_texte = serrees or [r for r, _ in raisons]
        if not raisons_texte:
            return f" Le candidat de plus forte valeur ({inst.demandes[meilleur]}, valeur {valeur}) n'est pas retenu."
        return (
            f" Préféré au candidat de plus forte valeur ({inst.demandes[meilleur]}, valeur {valeur}) "
            f"au titre de : {', '.join(raisons_texte)}."
        )

    def propositions(self) -> tuple[Proposition, ...]:
        """One proposal per dwelling, explained in French (first candidate, then each alternate)."""
        inst = self.instance
        comptes = {c.code: c.compte(self.premier) for c in self.contraintes}
        resultat = []
        for lo in range(inst.nb_logements):
            h = int(self.premier[lo])
            if h < 0:
                if inst.candidatures(lo).stop == inst.candidatures(lo).start:
                    texte = "Aucun candidat éligible souhaitant ce logement."
                else:
                    texte = "Aucun candidat disponible : tous sont proposés en premier pour d'autres logements."
            else:
                contributions = []
                for c in self.contraintes:
                    if not c.portee[lo] or not c.cible[h]:
                        continue
                    verbe = "contribue à" if c.objectif.sens == Sens.MINIMUM else "compte dans"
                    contributions.append(f"{verbe} {c.objectif.nom_court} ({c.objectif.etat(comptes[c.code])})")
                texte = f"Proposé en premier : {self._candidat(lo, h)}"
                if contributions:
                    texte += " — " + " ; ".join(contributions)
                texte += "." + self._pourquoi_pas_meilleur(lo, h, comptes)
            alternes = [int(x) for x in self.suppleants[lo] if x >= 0]
            resultat.append(
                Proposition(
                    logement=inst.logements[lo],
                    premier=None if h < 0 else inst.demandes[h],
                    suppleants=tuple(inst.demandes[x] for x in alternes),
                    explication=texte,
                    explications_suppleants=tuple(
                        f"Suppléant n° {i} : {self._candidat(lo, x)}." for i, x in enumerate(alternes, start=1)
                    ),
                )
            )
        return tuple(resultat)

    def resume(self) -> tuple[str, ...]:
        """Objectives reached or not, and the certificate, in French."""
        inst = self.instance
        pourvus = int(np.count_nonzero(self.premier >= 0))
        lignes = [
            f"{pluriel(pourvus, 'logement pourvu', 'logements pourvus')} d'un premier candidat sur "
            f"{inst.nb_logements} ({self.certificat.logements_sans_candidat} sans candidat éligible)."
        ]
        lignes.extend(b.phrase() for b in self.bilans())
        lignes.append(self.certificat.phrase())
        return tuple(lignes)


def _valeur(instance: InstanceAppariement, premier: NDArray[np.int64]) -> float:
    total = 0.0
    for lo in np.flatnonzero(premier >= 0):
        e = instance.arete(int(lo), int(premier[lo]))
        if e >= 0:
            total += float(instance.arete_valeur[e])
    return total
