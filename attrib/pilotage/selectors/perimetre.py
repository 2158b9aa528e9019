"""The period and the scope of the dashboard: ``Periode`` (first and last day, its months) and ``Perimetre``
(commune, bailleur, réservataire; ``None`` does not restrict) with its filters of leases and offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from attrib.commissions.enums import Contingent


@dataclass(frozen=True)
class Periode:
    debut: date
    fin: date

    def __post_init__(self) -> None:
        if self.fin < self.debut:
            raise ValueError(f"La fin de la période ({self.fin:%d/%m/%Y}) précède son début ({self.debut:%d/%m/%Y}).")

    @classmethod
    def annee(cls, annee: int) -> Periode:
        return cls(date(annee, 1, 1), date(annee, 12, 31))

    def libelle(self) -> str:
        return f"du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"

    def mois(self) -> list[tuple[int, int]]:
        resultat = []
        a, m = self.debut.year, self.debut.month
        while (a, m) <= (self.fin.year, self.fin.month):
            resultat.append((a, m))
            a, m = (a + 1, 1) if m == 12 else (a, m + 1)
        return resultat


@dataclass(frozen=True)
class Perimetre:
    """The scope asked for, inside what the user may see: ``None`` fields do not restrict."""

    commune: str | None = None
    bailleur: int | None = None
    reservataire: int | None = None

    def filtre_baux(self) -> Q:
        q = Q()
        if self.commune:
            q &= Q(logement__residence__commune_id=self.commune)
        if self.bailleur:
            q &= Q(bailleur_id=self.bailleur)
        if self.reservataire:
            q &= (Q(orientation__reservataire_id=self.reservataire) & ~Q(contingent=Contingent.NON_RESERVE)) | (
                Q(contingent=Contingent.NON_RESERVE) & Q(bailleur_id=self.reservataire)
            )
        return q

    def filtre_offres(self) -> Q:
        from attrib.flux.models import Orientation

        q = Q()
        if self.commune:
            q &= Q(logement__residence__commune_id=self.commune)
        if self.bailleur:
            q &= Q(logement__residence__bailleur_id=self.bailleur)
        if self.reservataire:
            orientes = Orientation.objects.filter(actuelle=True, reservataire_id=self.reservataire).values(
                "logement_libere__logement_id"
            )
            q &= Q(logement_id__in=orientes) | Q(logement__residence__bailleur_id=self.reservataire)
        return q
