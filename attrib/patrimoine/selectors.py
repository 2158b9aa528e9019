"""Reads on the housing stock. Every selector starts from ``Residence.objects.visible_to(user)``: a
residence outside the user's territory behaves exactly like a missing one (``Http404``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from attrib.patrimoine.models import Logement, Residence


def residences_visibles(user: Any, *, commune: str | None = None) -> QuerySet[Residence]:
    """The residences of the user's territory, with their number of dwellings (``nb_logements``)."""
    qs = Residence.objects.visible_to(user)
    if commune:
        qs = qs.de_commune(commune)
    # A count per residence read for the rows shown, not a grouping of every visible residence with its
    # dwellings (the list's count and its filter choices then read the residences alone; decision 0023).
    compte = (
        Logement.objects.filter(residence=OuterRef("pk"))
        .order_by()
        .values("residence")
        .annotate(n=Count("*"))
        .values("n")
    )
    return qs.select_related("commune", "bailleur", "qpv").annotate(
        nb_logements=Coalesce(Subquery(compte, output_field=IntegerField()), Value(0))
    )


def residence_visible(user: Any, pk: int) -> Residence:
    """One residence of the user's territory, or ``Http404`` (also when it exists outside it)."""
    try:
        return residences_visibles(user).get(pk=pk)
    except Residence.DoesNotExist:
        raise Http404("Résidence introuvable.") from None


def logements_de(residence: Residence) -> QuerySet[Logement]:
    return residence.logements.order_by("identifiant")


@dataclass(frozen=True)
class SyntheseCommune:
    code_insee: str
    nom: str
    residences: int
    logements: int
    logements_en_qpv: int
    loyers_estimes: int
    residences_bailleur_estime: int
    residences_sans_bailleur: int


def synthese_par_commune(residences: QuerySet[Residence]) -> list[SyntheseCommune]:
    """Per commune: residences, dwellings, dwellings in QPV, estimated rents, residences whose bailleur
    is estimated or unknown (one query)."""
    lignes = (
        residences.values("commune_id", "commune__nom")
        .annotate(
            nb_residences=Count("pk", distinct=True),
            nb_logements=Count("logements"),
            nb_qpv=Count("logements", filter=Q(en_qpv=True)),
            nb_loyers_estimes=Count("logements", filter=Q(logements__loyer_estime=True)),
            nb_bailleur_estime=Count("pk", filter=Q(bailleur_estime=True), distinct=True),
            nb_sans_bailleur=Count("pk", filter=Q(bailleur__isnull=True), distinct=True),
        )
        .order_by("commune__nom")
    )
    return [
        SyntheseCommune(
            code_insee=ligne["commune_id"],
            nom=ligne["commune__nom"],
            residences=ligne["nb_residences"],
            logements=ligne["nb_logements"],
            logements_en_qpv=ligne["nb_qpv"],
            loyers_estimes=ligne["nb_loyers_estimes"],
            residences_bailleur_estime=ligne["nb_bailleur_estime"],
            residences_sans_bailleur=ligne["nb_sans_bailleur"],
        )
        for ligne in lignes
    ]


def surface_totale(residences: QuerySet[Residence]) -> Any:
    """Total habitable surface of the dwellings of these residences (m²)."""
    return Logement.objects.filter(residence__in=residences).aggregate(total=Sum("surface_habitable"))["total"]
