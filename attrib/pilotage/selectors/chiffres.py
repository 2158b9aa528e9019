"""The figures beside the objectives: the waiting times (first filing → lease) of a group of attributions
(``Repartition``), the refusals of the offers answered in the period by reason (``offres``, ``refus``) and the
attributions of a month (``Mois``)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import QuerySet

from attrib.commissions.enums import MotifRefus, StatutOffre
from attrib.commissions.models import Offre
from attrib.engine.rapprochement.objectifs import Compte
from attrib.engine.rapprochement.texte import pourcentage
from attrib.organisations.acteurs import Acteur
from attrib.pilotage.selectors.perimetre import Perimetre, Periode

JOURS_PAR_MOIS = 365.25 / 12
MOIS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


@dataclass(frozen=True)
class Repartition:
    """Waiting times (days from first filing to lease) of one group of attributions."""

    groupe: str
    nombre: int
    mediane: float
    premier_quartile: float
    troisieme_quartile: float

    @staticmethod
    def de(groupe: str, jours: list[int]) -> Repartition:
        valeurs = sorted(jours)
        if len(valeurs) == 1:
            q1 = med = q3 = float(valeurs[0])
        else:
            q1, med, q3 = (float(v) for v in statistics.quantiles(valeurs, n=4, method="inclusive"))
        return Repartition(groupe, len(valeurs), med, q1, q3)

    @staticmethod
    def mois(jours: float) -> str:
        return f"{jours / JOURS_PAR_MOIS:.1f}".replace(".", ",")

    @property
    def en_mois(self) -> dict[str, str]:
        return {
            "q1": self.mois(self.premier_quartile),
            "mediane": self.mois(self.mediane),
            "q3": self.mois(self.troisieme_quartile),
        }


@dataclass(frozen=True)
class Refus:
    offres_repondues: int
    acceptees: int
    refusees: int
    sans_reponse: int
    motifs: tuple[tuple[str, int], ...]

    @property
    def taux(self) -> Fraction | None:
        return (
            None if self.offres_repondues == 0 else Fraction(self.refusees + self.sans_reponse, self.offres_repondues)
        )

    @property
    def taux_texte(self) -> str:
        taux = self.taux
        return "aucune offre répondue" if taux is None else pourcentage(taux)


@dataclass(frozen=True)
class Mois:
    annee: int
    mois: int
    attributions: int
    compte_q1_hors_qpv: Compte

    @property
    def libelle(self) -> str:
        return f"{MOIS[self.mois - 1]} {self.annee}"

    @property
    def part_q1_hors_qpv(self) -> str:
        part = self.compte_q1_hors_qpv.part()
        return (
            "—"
            if part is None
            else f"{pourcentage(part)} ({self.compte_q1_hors_qpv.cibles} sur {self.compte_q1_hors_qpv.attributions})"
        )


def offres(acteur: Acteur, periode: Periode, perimetre: Perimetre) -> QuerySet[Offre]:
    return (
        Offre.objects.du_perimetre(acteur)
        .filter(
            perimetre.filtre_offres(),
            repondue_le__gte=periode.debut,
            repondue_le__lte=periode.fin,
        )
        .exclude(statut=StatutOffre.EN_ATTENTE)
    )


def refus(qs: QuerySet[Offre]) -> Refus:
    statuts = Counter(qs.values_list("statut", flat=True))
    motifs = Counter(
        qs.filter(statut__in=(StatutOffre.REFUSEE, StatutOffre.EXPIREE)).values_list("motif_refus", flat=True)
    )
    return Refus(
        offres_repondues=sum(statuts.values()),
        acceptees=statuts[StatutOffre.ACCEPTEE],
        refusees=statuts[StatutOffre.REFUSEE],
        sans_reponse=statuts[StatutOffre.EXPIREE],
        motifs=tuple((MotifRefus(m).label, n) for m, n in sorted(motifs.items(), key=lambda x: (-x[1], x[0]))),
    )
