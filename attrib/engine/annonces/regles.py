"""Local rules of location voulue, as pure functions: the values (maximum of open applications, refusals and
months of the suspension) come from the caller, who reads them in the dated local rules.

- :func:`position_provisoire`: where a household would stand among the applications received so far (a range
  when it ties on score and seniority: only the draw at closing breaks such ties);
- :func:`candidatures_restantes` and :func:`motif_refus_limite`: the limit of open applications per household;
- :func:`suspension`: a household that refuses dwellings obtained through its applications may be suspended
  from applying; told in advance how many more refusals would suspend it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from attrib.engine.annonces.classement import score_au_centieme, verifier_date
from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.validation import date_fr, decaler_mois


def _place(n: int) -> str:
    """1 → « 1re », 2 → « 2e » (a place: feminine)."""
    return "1re" if n == 1 else f"{n}e"


def _entier(valeur: object, nom: str, minimum: int) -> int:
    if isinstance(valeur, bool) or not isinstance(valeur, int) or valeur < minimum:
        raise EntreeInvalide(f"{nom} : entier supérieur ou égal à {minimum} attendu, reçu « {valeur} ».")
    return valeur


def _pluriel(n: int, singulier: str, pluriel: str | None = None) -> str:
    return f"{n} {singulier if n <= 1 else (pluriel or singulier + 's')}"


# --- provisional position --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PositionProvisoire:
    """Best and worst place of a household among ``total`` applications (its own included), by score then
    seniority: the applications with the same score and the same date of first filing are only ordered by the
    draw at closing, so the household's place lies between ``meilleure`` and ``pire``."""

    meilleure: int
    pire: int
    total: int

    @property
    def exacte(self) -> bool:
        return self.meilleure == self.pire

    def texte(self, *, deposee: bool = False) -> str:
        """Plain French for the household, before applying (« Vous seriez … ») or after (``deposee``)."""
        verbe = "Vous êtes" if deposee else "Vous seriez"
        fin = " Le classement définitif sera établi à la clôture de l'annonce, avec les scores à cette date."
        if self.total == 1:
            return f"{verbe} à la 1re place : aucune autre candidature reçue à ce jour.{fin}"
        sur = f"sur {self.total} candidatures reçues à ce jour, la vôtre comprise"
        if self.exacte:
            return f"{verbe} à la {_place(self.meilleure)} place {sur}.{fin}"
        return (
            f"{verbe} entre la {_place(self.meilleure)} et la {_place(self.pire)} place {sur} : à score et "
            f"ancienneté égaux, le tirage au sort départagera à la clôture.{fin}"
        )


def position_provisoire(
    *, score: Decimal | float, depot: date, autres: Sequence[tuple[Decimal | float, date]]
) -> PositionProvisoire:
    """Place of a household (``score``, date of first filing ``depot``) among the other applications received
    so far (``autres``: their score and date of first filing), by the ranking's order before the draw. Scores
    are compared at the hundredth, as the ranking does."""
    mien = score_au_centieme(score)
    verifier_date(depot)
    devant = egaux = 0
    for numero, (autre_score, autre_depot) in enumerate(autres, start=1):
        lieu = f"Candidature n° {numero} : "
        s = score_au_centieme(autre_score, lieu=lieu)
        d = verifier_date(autre_depot, lieu=lieu)
        if s > mien or (s == mien and d < depot):
            devant += 1
        elif s == mien and d == depot:
            egaux += 1
    return PositionProvisoire(meilleure=devant + 1, pire=devant + egaux + 1, total=len(autres) + 1)


# --- limit of open applications --------------------------------------------------------------------


def candidatures_restantes(*, ouvertes: int, maximum: int) -> int:
    """How many more applications the household may file (``ouvertes``: its applications still open)."""
    _entier(ouvertes, "Candidatures ouvertes", 0)
    _entier(maximum, "Nombre maximal de candidatures", 1)
    return max(0, maximum - ouvertes)


def motif_refus_limite(*, ouvertes: int, maximum: int) -> str | None:
    """Why the household cannot apply (French), or ``None`` when it still can."""
    if candidatures_restantes(ouvertes=ouvertes, maximum=maximum):
        return None
    return (
        f"Vous avez déjà {_pluriel(ouvertes, 'candidature ouverte', 'candidatures ouvertes')} : c'est le maximum "
        f"({maximum}). Retirez une candidature, ou attendez la clôture d'une annonce, pour candidater à celle-ci."
    )


def texte_candidatures_restantes(*, ouvertes: int, maximum: int) -> str:
    """« Vous pouvez encore candidater à 2 annonces (3 candidatures ouvertes au plus). »"""
    restantes = candidatures_restantes(ouvertes=ouvertes, maximum=maximum)
    plafond = f"({_pluriel(maximum, 'candidature ouverte', 'candidatures ouvertes')} au plus)"
    if not restantes:
        return f"Vous ne pouvez plus candidater pour l'instant {plafond}."
    return f"Vous pouvez encore candidater à {_pluriel(restantes, 'annonce')} {plafond}."


# --- suspension after refusals ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suspension:
    """State of a household on ``jour`` under the refusal rule.

    ``suspendu``: it may not apply before ``jusqu_au`` (it may again from that day on); ``depuis``: the refusal
    that triggered the suspension; ``refus_comptes``: refusals that count towards the next suspension;
    ``refus_avant_suspension``: how many more refusals would suspend it (0 while suspended)."""

    suspendu: bool
    jusqu_au: date | None
    depuis: date | None
    refus_comptes: int
    refus_avant_suspension: int
    seuil: int
    fenetre_mois: int
    duree_mois: int

    def texte(self) -> str:
        """Plain French for the household, in both cases."""
        if self.seuil == 1:
            regle = (
                f"Si vous refusez un logement obtenu par vos candidatures, vos candidatures sont suspendues "
                f"{self.duree_mois} mois."
            )
        else:
            regle = (
                f"Si vous refusez {self.seuil} logements obtenus par vos candidatures en moins de {self.fenetre_mois} "
                f"mois, vos candidatures sont suspendues {self.duree_mois} mois."
            )
        if self.suspendu:
            assert self.jusqu_au is not None and self.depuis is not None
            if self.seuil == 1:
                motif = f"le {date_fr(self.depuis)}, vous avez refusé un logement obtenu par vos candidatures"
            else:
                motif = (
                    f"le {date_fr(self.depuis)}, vous avez refusé un {self.seuil}e logement obtenu par vos "
                    f"candidatures en moins de {self.fenetre_mois} mois"
                )
            return (
                f"Vous ne pouvez pas candidater aux annonces jusqu'au {date_fr(self.jusqu_au)} : {motif}. Vous "
                f"pourrez de nouveau candidater à partir de cette date. {regle}"
            )
        if not self.refus_comptes:
            return f"Aucun refus compté. {regle}"
        encore = (
            "Un refus de plus suspendrait vos candidatures"
            if self.refus_avant_suspension == 1
            else f"Encore {self.refus_avant_suspension} refus et vos candidatures seraient suspendues"
        )
        return (
            f"{_pluriel(self.refus_comptes, 'refus compté', 'refus comptés')} sur les {self.fenetre_mois} derniers "
            f"mois. {encore} pendant {self.duree_mois} mois. {regle}"
        )


def suspension(*, refus: Sequence[date], seuil: int, fenetre_mois: int, duree_mois: int, jour: date) -> Suspension:
    """The household's state on ``jour`` given the dates of its refusals of dwellings obtained through its
    applications.

    Refusals are read in date order. Each refusal counts with the refusals of the ``fenetre_mois`` months
    before it (strictly after the same day ``fenetre_mois`` calendar months earlier, clamped to the month's
    last day: the window of 31 March over one month starts after 28 or 29 February). When a refusal brings
    the count to ``seuil``, the household is suspended from that refusal's date until the same day
    ``duree_mois`` calendar months later (clamped likewise), and the counted refusals are spent: a refusal
    suspends once. On ``jour``, the refusals still counted are the unspent ones of the last ``fenetre_mois``
    months."""
    _entier(seuil, "Seuil de refus", 1)
    _entier(fenetre_mois, "Fenêtre (mois)", 1)
    _entier(duree_mois, "Durée de la suspension (mois)", 1)
    verifier_date(jour, libelle="jour")
    dates = []
    for numero, r in enumerate(refus, start=1):
        verifier_date(r, lieu=f"Refus n° {numero} : ", libelle="date du refus")
        if r > jour:
            raise EntreeInvalide(f"Refus n° {numero} : daté du {date_fr(r)}, après le {date_fr(jour)}.")
        dates.append(r)
    comptes: list[date] = []
    depuis: date | None = None
    fin: date | None = None
    for r in sorted(dates):
        debut = decaler_mois(r, -fenetre_mois)
        comptes = [x for x in comptes if x > debut]
        comptes.append(r)
        if len(comptes) >= seuil:
            depuis, fin = r, decaler_mois(r, duree_mois)
            comptes = []
    debut = decaler_mois(jour, -fenetre_mois)
    comptes = [x for x in comptes if x > debut]
    suspendu = fin is not None and jour < fin
    return Suspension(
        suspendu=suspendu,
        jusqu_au=fin if suspendu else None,
        depuis=depuis if suspendu else None,
        refus_comptes=len(comptes),
        refus_avant_suspension=0 if suspendu else seuil - len(comptes),
        seuil=seuil,
        fenetre_mois=fenetre_mois,
        duree_mois=duree_mois,
    )


__all__ = [
    "PositionProvisoire",
    "Suspension",
    "candidatures_restantes",
    "motif_refus_limite",
    "position_provisoire",
    "suspension",
    "texte_candidatures_restantes",
]
