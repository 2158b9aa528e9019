"""The counting rules of a CALEOL session (L441-2 CCH), pure: the quorum (the default number of deliberative
members required, and whether those present, in the room or remotely, reach it) and the outcome of the vote
on one candidate (majority of the votes cast, casting vote on a tie). The rules' values come from
``caleol.yaml`` and from the commission's internal rules (read by ``attrib.commissions``); these functions
only count and explain, in French."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

POUR, CONTRE, ABSTENTION = "pour", "contre", "abstention"
MAJORITE_SUFFRAGES_EXPRIMES = "suffrages_exprimes"


class RegleInconnue(ValueError):
    """A rule of ``caleol.yaml`` this code does not know how to apply."""


def _pluriel(n: int, mot: str, pluriel: str | None = None) -> str:
    return f"{n} {mot if n <= 1 else (pluriel or mot + 's')}"


def quorum_par_defaut(nombre_deliberatifs: int, *, numerateur: int, denominateur: int) -> int:
    """Deliberative members required when the commission's internal rules set no number: at least the
    fraction ``numerateur/denominateur`` of its deliberative members (rounded up), and at least one."""
    if nombre_deliberatifs < 0 or numerateur < 0 or denominateur <= 0 or numerateur > denominateur:
        raise RegleInconnue(
            f"caleol.yaml : quorum par défaut {numerateur}/{denominateur} de {nombre_deliberatifs} membres "
            "impossible (fraction entre 0 et 1 attendue)."
        )
    return max(1, -(-nombre_deliberatifs * numerateur // denominateur))


@dataclass(frozen=True)
class EtatQuorum:
    deliberatifs: int
    presents: int
    dont_distance: int
    requis: int
    regle: str

    @property
    def atteint(self) -> bool:
        return self.presents >= self.requis

    @property
    def phrase(self) -> str:
        debut = "Quorum atteint" if self.atteint else "Quorum non atteint"
        distance = f", dont {self.dont_distance} à distance" if self.dont_distance else ""
        return (
            f"{debut} : {_pluriel(self.presents, 'membre')} à voix délibérative "
            f"présent{'s' if self.presents > 1 else ''} sur {self.deliberatifs}{distance} ; "
            f"{self.requis} requis ({self.regle})."
        )


def etat_quorum(
    *, deliberatifs: int, presents_seance: int, presents_distance: int, requis: int, regle: str, distance_compte: bool
) -> EtatQuorum:
    presents = presents_seance + (presents_distance if distance_compte else 0)
    return EtatQuorum(
        deliberatifs=deliberatifs,
        presents=presents,
        dont_distance=presents_distance if distance_compte else 0,
        requis=requis,
        regle=regle,
    )


@dataclass(frozen=True)
class VoteCompte:
    membre: str
    qualite: str
    qualite_libelle: str
    president: bool
    sens: str


@dataclass(frozen=True)
class Decompte:
    pour: int
    contre: int
    abstentions: int
    adopte: bool
    #: Who broke a tie, e.g. « Maire de Narbonne (maire) » ; empty without a tie.
    voix_preponderante: str
    phrase: str

    @property
    def exprimes(self) -> int:
        return self.pour + self.contre

    @property
    def votants(self) -> int:
        return self.pour + self.contre + self.abstentions


def decompter(
    votes: Sequence[VoteCompte], *, qualites_preponderantes: Sequence[str], a_defaut_president: bool, majorite: str
) -> Decompte:
    """Count the votes on the attribution to one candidate. Adopted when « pour » outnumbers « contre »
    (abstentions not counted); on a tie, the vote of the casting member decides (the mayor, L441-2 CCH; the
    president when the mayor did not vote, if the internal rules say so); a tie nobody breaks, or no vote
    cast, does not adopt the attribution."""
    if majorite != MAJORITE_SUFFRAGES_EXPRIMES:
        raise RegleInconnue(f"caleol.yaml : règle de majorité « {majorite} » inconnue (attendu : suffrages_exprimes).")
    pour = sum(1 for v in votes if v.sens == POUR)
    contre = sum(1 for v in votes if v.sens == CONTRE)
    abstentions = sum(1 for v in votes if v.sens == ABSTENTION)
    compte = f"{_pluriel(pour, 'voix', 'voix')} pour, {contre} contre, {_pluriel(abstentions, 'abstention')}"
    preponderante = ""
    if pour > contre:
        adopte, conclusion = True, "attribution adoptée"
    elif contre > pour:
        adopte, conclusion = False, "attribution rejetée"
    elif pour == 0:
        adopte, conclusion = False, "aucun suffrage exprimé, attribution non adoptée"
    else:
        decisif = next(
            (v for q in qualites_preponderantes for v in votes if v.qualite == q and v.sens in (POUR, CONTRE)), None
        )
        if decisif is None and a_defaut_president:
            decisif = next((v for v in votes if v.president and v.sens in (POUR, CONTRE)), None)
        if decisif is None:
            adopte, conclusion = False, "égalité des voix sans voix prépondérante exprimée, attribution non adoptée"
        else:
            adopte = decisif.sens == POUR
            role = decisif.qualite_libelle if decisif.qualite in qualites_preponderantes else "président"
            preponderante = f"{decisif.membre} ({role})"
            conclusion = (
                f"égalité des voix, voix prépondérante de {preponderante}, {decisif.sens} : "
                f"attribution {'adoptée' if adopte else 'rejetée'}"
            )
    return Decompte(
        pour=pour,
        contre=contre,
        abstentions=abstentions,
        adopte=adopte,
        voix_preponderante=preponderante,
        phrase=f"{compte} : {conclusion}.",
    )
