"""Bridge from the stored scores and leases to the position engine (``attrib.engine.position``).

* :func:`cadre_version`: the active demands scored by a published version, one row each: ``demande_id``,
  ``grille`` (the version), ``territoire`` (its EPCI organisation), ``typologie`` and ``secteur`` (as the
  ranked lists store them), ``score`` and the grid's tie-break values (``Cotation.cles_classement``): the order
  of the ranked lists (``attrib.cotation.calcul``: score, then the grid's tie-break, then the demands' ids).
* :func:`cadre_attributions`: the demands satisfied (a lease signed) in the window, with the same dimensions:
  ``territoire`` is the EPCI organisation scoring their first wished commune, ``typologie`` their minimal
  typology, ``secteur`` their first wished commune.

One query each, read as rows of values (no model instance).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from attrib.commissions.models import Bail
from attrib.cotation.enums import StatutVersion
from attrib.cotation.models import Cotation, VersionGrille
from attrib.cotation.permissions import communes_du_territoire
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import CommuneSouhaitee
from attrib.engine.cotation import Grille
from attrib.engine.position import CleTri, ReglesInformation, debut_fenetre
from attrib.organisations.models import Organisation


def departage(grille: Grille) -> tuple[CleTri, ...]:
    return tuple(CleTri(c.champ, c.ordre == "decroissant") for c in grille.departage)


def _serie(nom: str, valeurs: list[Any]) -> pl.Series:
    """A tie-break column from the stored JSON values: numbers as numbers, anything else (ISO dates, numbers
    uniques) as text, whose order is the values' order."""
    if all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in valeurs):
        return pl.Series(nom, valeurs, dtype=pl.Float64)
    return pl.Series(nom, [None if v is None else str(v) for v in valeurs], dtype=pl.String)


def cadre_version(version: VersionGrille) -> pl.DataFrame:
    cles = departage(version.charger())
    lignes = list(
        Cotation.objects.filter(version=version, demande__statut=StatutDemande.ACTIVE)
        .order_by("demande_id")
        .values_list("demande_id", "typologie", "secteur_id", "score", "cles_classement")
    )
    colonnes: dict[str, pl.Series] = {
        "demande_id": pl.Series("demande_id", [r[0] for r in lignes], dtype=pl.Int64),
        "grille": pl.Series("grille", [version.pk] * len(lignes), dtype=pl.Int64),
        "territoire": pl.Series("territoire", [version.grille.organisation_id] * len(lignes), dtype=pl.Int64),
        "typologie": pl.Series("typologie", [r[1] for r in lignes], dtype=pl.Int64),
        "secteur": pl.Series("secteur", [r[2] for r in lignes], dtype=pl.String),
        "score": pl.Series("score", [r[3] for r in lignes], dtype=pl.Int64),
    }
    for cle in cles:
        if cle.champ not in colonnes:
            colonnes[cle.champ] = _serie(cle.champ, [(r[4] or {}).get(cle.champ) for r in lignes])
    return pl.DataFrame(list(colonnes.values()))


def organisations_par_commune() -> dict[str, int]:
    """First wished commune → the EPCI organisation with a published grid that scores it."""
    ids = VersionGrille.objects.filter(statut=StatutVersion.PUBLIEE).values("grille__organisation_id")
    resultat: dict[str, int] = {}
    for organisation in Organisation.objects.filter(pk__in=ids).order_by("pk"):
        for code in communes_du_territoire(organisation).values_list("code_insee", flat=True):
            resultat.setdefault(code, organisation.pk)
    return resultat


def cadre_attributions(regles: ReglesInformation, jour: date) -> pl.DataFrame:
    debut = debut_fenetre(jour, regles.fenetre_mois)
    premieres = dict(
        CommuneSouhaitee.objects.filter(
            rang=1, demande__bail__date_signature__gt=debut, demande__bail__date_signature__lte=jour
        ).values_list("demande_id", "commune_id")
    )
    territoires = organisations_par_commune()
    lignes = list(
        Bail.objects.filter(date_signature__gt=debut, date_signature__lte=jour)
        .order_by("pk")
        .values_list("demande_id", "demande__typologie_min", "demande__date_depot_initiale", "date_signature")
    )
    secteurs = [premieres.get(r[0]) for r in lignes]
    return pl.DataFrame(
        {
            "territoire": pl.Series([territoires.get(s) if s else None for s in secteurs], dtype=pl.Int64),
            "typologie": pl.Series([r[1] for r in lignes], dtype=pl.Int64),
            "secteur": pl.Series(secteurs, dtype=pl.String),
            "date_depot": pl.Series([r[2] for r in lignes], dtype=pl.Date),
            "date_attribution": pl.Series([r[3] for r in lignes], dtype=pl.Date),
        }
    )
