"""Attribution objectives of the CIA (L441-1 CCH) and the rating rule, as share constraints.

An :class:`Objectif` says: among the attributions of dwellings in its scope (:class:`Portee`: outside or
inside QPV, one réservataire, residences with given ratings), the share going to the households it targets
(:class:`Cible`: Q1, non-Q1, DALO or priority…) is at least (``minimum``) or at most (``maximum``) ``taux``.

- ``q1_hors_qpv``: outside QPV, ≥ 25 % to first-quartile households;
- ``non_q1_en_qpv``: inside QPV, ≥ 50 % to other households;
- ``prioritaires:<réservataire>``: for each réservataire, ≥ 25 % to DALO then L441-1 priority households;
- ``residences_fragiles``: in the residences rated most fragile, ≤ X % to the most fragile households;
- ``travailleurs_essentiels``: over all attributions, ≥ the CIA's rate to households whose applicant or
  co-applicant is an essential worker (L441-1 CCH 35th paragraph, loi 3DS art. 78;
  :func:`objectif_travailleurs_essentiels`). The CIA sets the rate (``cia.yaml``); the matching does not
  steer toward it, the dashboard measures it.

Rates come from ``objectifs_attribution.yaml`` (:class:`~attrib.engine.rapprochement.parametres.ObjectifsAttribution`).
Shares are checked exactly (fractions). :class:`Compte` holds attributions already made in the period, so
that a shortlist shows the effect of each candidate and a batch can catch up with the year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from attrib.engine.rapprochement.parametres import DRAPEAUX_MENAGE, ObjectifsAttribution
from attrib.engine.rapprochement.texte import pourcentage

Q1_HORS_QPV = "q1_hors_qpv"
NON_Q1_EN_QPV = "non_q1_en_qpv"
PRIORITAIRES = "prioritaires"
RESIDENCES_FRAGILES = "residences_fragiles"
TRAVAILLEURS_ESSENTIELS = "travailleurs_essentiels"

#: The essential-worker flag: a household flag of the dashboard's objectives, not of the matching's
#: (which never holds this objective, and whose rules' ``menages`` lists stay among :data:`DRAPEAUX_MENAGE`).
TRAVAILLEUR_ESSENTIEL = "travailleur_essentiel"
DRAPEAUX_CIBLE: tuple[str, ...] = (*DRAPEAUX_MENAGE, TRAVAILLEUR_ESSENTIEL)


class Sens(StrEnum):
    MINIMUM = "minimum"
    MAXIMUM = "maximum"


@dataclass(frozen=True, slots=True)
class Portee:
    """Dwellings concerned: ``None`` fields do not restrict."""

    en_qpv: bool | None = None
    reservataire: str | None = None
    notes: frozenset[int] | None = None

    def contient(self, *, en_qpv: bool, reservataire: str, note: int | None) -> bool:
        return (
            (self.en_qpv is None or en_qpv == self.en_qpv)
            and (self.reservataire is None or reservataire == self.reservataire)
            and (self.notes is None or (note is not None and note in self.notes))
        )

    def masque(
        self, *, en_qpv: NDArray[np.bool_], reservataire: NDArray[Any], note: NDArray[np.int64]
    ) -> NDArray[np.bool_]:
        """Vectorised :meth:`contient` (``note`` 0 = not rated)."""
        resultat = np.ones(en_qpv.shape[0], dtype=np.bool_)
        if self.en_qpv is not None:
            resultat &= en_qpv == self.en_qpv
        if self.reservataire is not None:
            resultat &= reservataire == self.reservataire
        if self.notes is not None:
            resultat &= np.isin(note, np.array(sorted(self.notes), dtype=np.int64)) & (note > 0)
        return resultat


@dataclass(frozen=True, slots=True)
class Cible:
    """Households counted: those carrying one of ``drapeaux`` (or none of them when ``exclus``)."""

    drapeaux: tuple[str, ...]
    exclus: bool = False

    def __post_init__(self) -> None:
        inconnus = [d for d in self.drapeaux if d not in DRAPEAUX_CIBLE]
        if inconnus or not self.drapeaux:
            raise ValueError(f"Drapeaux de ménage inconnus : {inconnus} (attendu : {', '.join(DRAPEAUX_CIBLE)}).")

    def _sans_travailleur_essentiel(self) -> None:
        if TRAVAILLEUR_ESSENTIEL in self.drapeaux:
            raise ValueError("Cette cible compte les travailleurs essentiels : le drapeau du ménage est requis.")

    def contient(self, *, q1: bool, dalo: bool, prioritaire: bool, travailleur_essentiel: bool | None = None) -> bool:
        """Whether the household counts. ``travailleur_essentiel`` is only required by a target that reads it."""
        if travailleur_essentiel is None:
            self._sans_travailleur_essentiel()
        valeurs = {
            "q1": q1,
            "dalo": dalo,
            "prioritaire": prioritaire,
            TRAVAILLEUR_ESSENTIEL: bool(travailleur_essentiel),
        }
        porte = any(valeurs[d] for d in self.drapeaux)
        return not porte if self.exclus else porte

    def masque(
        self,
        *,
        q1: NDArray[np.bool_],
        dalo: NDArray[np.bool_],
        prioritaire: NDArray[np.bool_],
        travailleur_essentiel: NDArray[np.bool_] | None = None,
    ) -> NDArray[np.bool_]:
        """Vectorised :meth:`contient`."""
        if travailleur_essentiel is None:
            self._sans_travailleur_essentiel()
            travailleur_essentiel = np.zeros(q1.shape[0], dtype=np.bool_)
        valeurs = {"q1": q1, "dalo": dalo, "prioritaire": prioritaire, TRAVAILLEUR_ESSENTIEL: travailleur_essentiel}
        porte = np.zeros(q1.shape[0], dtype=np.bool_)
        for d in self.drapeaux:
            porte |= valeurs[d]
        return ~porte if self.exclus else porte


@dataclass(frozen=True, slots=True)
class Compte:
    """Attributions in scope and how many of them went to the target households."""

    attributions: int = 0
    cibles: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.cibles <= self.attributions:
            raise ValueError(f"Compte incohérent : {self.cibles} cibles pour {self.attributions} attributions.")

    def part(self) -> Fraction | None:
        return None if self.attributions == 0 else Fraction(self.cibles, self.attributions)

    def plus(self, *, cible: bool, attributions: int = 1) -> Compte:
        return Compte(self.attributions + attributions, self.cibles + (attributions if cible else 0))

    def __add__(self, autre: Compte) -> Compte:
        return Compte(self.attributions + autre.attributions, self.cibles + autre.cibles)


@dataclass(frozen=True, slots=True)
class Objectif:
    code: str
    libelle: str
    nom_court: str
    portee: Portee
    cible: Cible
    taux: Fraction
    sens: Sens
    description_cible: str

    def atteint(self, compte: Compte) -> bool:
        """Exact test; no attribution in scope = nothing to meet."""
        if compte.attributions == 0:
            return True
        if self.sens == Sens.MINIMUM:
            return Fraction(compte.cibles) >= self.taux * compte.attributions
        return Fraction(compte.cibles) <= self.taux * compte.attributions

    def comparaison(self) -> str:
        return "≥" if self.sens == Sens.MINIMUM else "≤"

    def etat(self, compte: Compte) -> str:
        """ "26,1 % ≥ 25 %" / "aucune attribution"."""
        part = compte.part()
        if part is None:
            return "aucune attribution"
        signe = self.comparaison() if self.atteint(compte) else ("<" if self.sens == Sens.MINIMUM else ">")
        return f"{pourcentage(part)} {signe} {pourcentage(self.taux)}"


def objectifs_cia(objectifs: ObjectifsAttribution, reservataires: Iterable[str]) -> tuple[Objectif, ...]:
    """The objectives of the CIA and the rating rule, one priority objective per réservataire (sorted)."""
    regle = objectifs.residences_fragiles
    noms = {"q1": "du 1er quartile", "dalo": "DALO", "prioritaire": "prioritaires"}
    menages_fragiles = " ou ".join(noms[d] for d in regle.menages)
    notes = ", ".join(str(n) for n in sorted(regle.notes))
    liste: list[Objectif] = [
        Objectif(
            code=Q1_HORS_QPV,
            libelle="Attributions hors QPV aux ménages du 1er quartile",
            nom_court="l'objectif hors QPV",
            portee=Portee(en_qpv=False),
            cible=Cible(("q1",)),
            taux=objectifs.q1_hors_qpv.taux,
            sens=Sens.MINIMUM,
            description_cible="ménage du 1er quartile",
        ),
        Objectif(
            code=NON_Q1_EN_QPV,
            libelle="Attributions en QPV aux ménages hors 1er quartile",
            nom_court="l'objectif en QPV",
            portee=Portee(en_qpv=True),
            cible=Cible(("q1",), exclus=True),
            taux=objectifs.non_q1_en_qpv.taux,
            sens=Sens.MINIMUM,
            description_cible="ménage hors 1er quartile",
        ),
    ]
    for reservataire in sorted(set(reservataires)):
        liste.append(
            Objectif(
                code=f"{PRIORITAIRES}:{reservataire}",
                libelle=f"Attributions du réservataire {reservataire} aux ménages DALO ou prioritaires",
                nom_court=f"l'objectif prioritaire du réservataire {reservataire}",
                portee=Portee(reservataire=reservataire),
                cible=Cible(("dalo", "prioritaire")),
                taux=objectifs.prioritaires.taux,
                sens=Sens.MINIMUM,
                description_cible="ménage DALO ou prioritaire",
            )
        )
    liste.append(
        Objectif(
            code=RESIDENCES_FRAGILES,
            libelle=f"Attributions aux ménages {menages_fragiles} dans les résidences notées {notes}",
            nom_court="la limite des résidences les plus fragiles",
            portee=Portee(notes=regle.notes),
            cible=Cible(regle.menages),
            taux=regle.part_maximale,
            sens=Sens.MAXIMUM,
            description_cible=f"ménage {menages_fragiles}",
        )
    )
    return tuple(liste)


def objectif_travailleurs_essentiels(taux: Fraction, *, epci: str | None = None) -> Objectif:
    """The CIA's objective of attributions to essential workers: over every attribution of the scope, at least
    ``taux`` to households whose applicant or co-applicant declared a job that cannot be done remotely in a
    sector of the list in force. ``epci``: the objective of one EPCI's CIA (code ``travailleurs_essentiels:<epci>``)."""
    return Objectif(
        code=TRAVAILLEURS_ESSENTIELS if epci is None else f"{TRAVAILLEURS_ESSENTIELS}:{epci}",
        libelle="Attributions aux travailleurs essentiels (loi 3DS, L441-1 CCH 35e alinéa)",
        nom_court="l'objectif des travailleurs essentiels",
        portee=Portee(),
        cible=Cible((TRAVAILLEUR_ESSENTIEL,)),
        taux=taux,
        sens=Sens.MINIMUM,
        description_cible="ménage dont le demandeur ou le co-demandeur est travailleur essentiel",
    )


@dataclass(frozen=True, slots=True)
class EffetObjectif:
    """What choosing one household for one dwelling does to one objective."""

    objectif: Objectif
    avant: Compte
    apres: Compte
    compte: bool

    @property
    def favorable(self) -> bool:
        """The choice moves the share toward the objective's side."""
        return self.compte if self.objectif.sens == Sens.MINIMUM else not self.compte

    def phrase(self) -> str:
        o = self.objectif
        avant = "aucune attribution" if self.avant.part() is None else pourcentage(self.avant.part() or 0)
        apres = self.apres.part()
        assert apres is not None
        verdict = "atteint" if o.atteint(self.apres) else "non atteint"
        qui = o.description_cible if self.compte else "ne compte pas"
        return (
            f"{o.nom_court[0].upper()}{o.nom_court[1:]} ({qui}) : {avant} → {pourcentage(apres)} "
            f"(cible {o.comparaison()} {pourcentage(o.taux)}, {verdict})"
        )


def effets(
    objectifs: Iterable[Objectif],
    etat: Mapping[str, Compte],
    *,
    en_qpv: bool,
    reservataire: str,
    note: int | None,
    q1: bool,
    dalo: bool,
    prioritaire: bool,
) -> tuple[EffetObjectif, ...]:
    """Effect on every objective whose scope holds the dwelling, if this household is chosen."""
    resultat = []
    for o in objectifs:
        if not o.portee.contient(en_qpv=en_qpv, reservataire=reservataire, note=note):
            continue
        compte = o.cible.contient(q1=q1, dalo=dalo, prioritaire=prioritaire)
        avant = etat.get(o.code, Compte())
        resultat.append(EffetObjectif(objectif=o, avant=avant, apres=avant.plus(cible=compte), compte=compte))
    return tuple(resultat)
