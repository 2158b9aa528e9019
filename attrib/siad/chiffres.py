"""Key figures of a territory for its public pages, per commune and typology (issue 13 point 6).

* **Logements sociaux**: the dwellings of the stock, by commune and number of rooms;
* **Demandes en cours**: the active demands, by their first wished commune and minimal typology (each demand
  counted once, so that the totals are the territory's demands);
* **Attributions**: the leases signed in the window of the applicant's information (12 months,
  ``information_demandeur.fenetre_attente``), by the dwelling's commune and typology;
* **Délai d'attente**: for those leases, the quartiles of the months from the first filing to the lease, by the
  engine's :func:`attrib.engine.position.fourchettes` (the same computation as « Ma demande »), never on fewer
  leases than ``information_demandeur.effectif_minimal_attente``.

Every count below that same minimum, and every count from which one could be found back by subtraction from a
total, is hidden (:mod:`attrib.engine.secret`); a waiting range is shown only where the count of its leases is
shown. The published figures are computed by the worker (``calculer_chiffres_cles``, nightly, and after the demo
is loaded), in columns, one grouped query per measure, and stored as they are shown: the hidden values are never
kept, so no page can leak them (decision 0030).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from attrib.commissions.models import Bail
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import CommuneSouhaitee
from attrib.engine.position import Fourchette, ReglesInformation, charger_regles_information, debut_fenetre, fourchettes
from attrib.engine.secret import Tableau, masquer, violations
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.patrimoine.models import Logement
from attrib.siad import permissions
from attrib.siad.models import ChiffresCles
from attrib.siad.selectors import territoires
from attrib.territoires.models import EPCI, Commune

#: Typologies as published: 1 to 4 rooms, then « 5 pièces et plus ».
TYPOLOGIES = ("T1", "T2", "T3", "T4", "T5 et plus")
MESURES = ("logements", "demandes", "attributions")
_N = len(TYPOLOGIES)


def _colonne(pieces: int) -> int:
    return min(max(int(pieces), 1), _N) - 1


def _comptes(lignes: list[tuple[str, int, int]]) -> dict[tuple[str, int], int]:
    resultat: dict[tuple[str, int], int] = {}
    for commune, pieces, n in lignes:
        if commune is None or pieces is None:
            continue
        cle = (commune, _colonne(pieces))
        resultat[cle] = resultat.get(cle, 0) + int(n)
    return resultat


def _stock(epci: EPCI) -> dict[tuple[str, int], int]:
    return _comptes(
        list(
            Logement.objects.filter(residence__commune__epci=epci)
            .values("residence__commune_id", "nb_pieces")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("residence__commune_id", "nb_pieces", "n")
        )
    )


def _demandes(epci: EPCI) -> dict[tuple[str, int], int]:
    return _comptes(
        list(
            CommuneSouhaitee.objects.filter(rang=1, commune__epci=epci, demande__statut=StatutDemande.ACTIVE)
            .values("commune_id", "demande__typologie_min")
            .annotate(n=Count("demande_id"))
            .order_by()
            .values_list("commune_id", "demande__typologie_min", "n")
        )
    )


def _baux(epci: EPCI, regles: ReglesInformation, jour: date) -> pl.DataFrame:
    """The leases of the window: ``secteur`` (the dwelling's commune), ``typologie`` (its published column),
    ``territoire`` (one value), ``date_depot``, ``date_attribution``."""
    debut = debut_fenetre(jour, regles.fenetre_mois)
    lignes = list(
        Bail.objects.filter(
            date_signature__gt=debut, date_signature__lte=jour, logement__residence__commune__epci=epci
        ).values_list("logement__residence__commune_id", "typologie", "demande__date_depot_initiale", "date_signature")
    )
    return pl.DataFrame(
        {
            "secteur": pl.Series([r[0] for r in lignes], dtype=pl.String),
            "typologie": pl.Series([_colonne(r[1]) for r in lignes], dtype=pl.Int64),
            "territoire": pl.Series([0] * len(lignes), dtype=pl.Int64),
            "date_depot": pl.Series([r[2] for r in lignes], dtype=pl.Date),
            "date_attribution": pl.Series([r[3] for r in lignes], dtype=pl.Date),
        }
    )


def _publier(valeurs: list[list[int]], minimum: int) -> tuple[dict[str, Any], frozenset[tuple[int, int]]]:
    """The table as shown (``None`` where hidden) and the hidden positions."""
    tableau = Tableau.de(valeurs)
    masque = masquer(tableau, minimum)
    erreurs = violations(tableau, masque, minimum, audit=False)
    if erreurs:  # never publish a table that breaks its own rules
        raise RuntimeError("Chiffres clés : masquage incomplet : " + " ; ".join(erreurs))
    n, m = tableau.n_lignes, tableau.n_colonnes

    def montre(i: int, j: int) -> int | None:
        return None if (i, j) in masque else tableau[(i, j)]

    return (
        {
            "cellules": [[montre(i, j) for j in range(m)] for i in range(n)],
            "totaux_lignes": [montre(i, m) for i in range(n)],
            "totaux_colonnes": [montre(n, j) for j in range(m)],
            "total": montre(n, m),
        },
        masque,
    )


def _quartiles(f: Fourchette | None) -> list[int] | None:
    return None if f is None else [f.premier_quartile, f.mediane, f.troisieme_quartile]


def calculer(epci: EPCI, jour: date) -> dict[str, Any]:
    """The published figures of ``epci`` on ``jour`` (a JSON document; hidden figures are ``None``)."""
    regles = charger_regles_information(jour)
    minimum = regles.minimum_attente
    comptes = {"logements": _stock(epci), "demandes": _demandes(epci)}
    baux = _baux(epci, regles, jour)
    comptes["attributions"] = _comptes(
        [(r[0], r[1] + 1, r[2]) for r in baux.group_by(["secteur", "typologie"]).len().iter_rows()]
    )
    presentes = sorted({c for mesure in comptes.values() for c, _ in mesure})
    noms = dict(Commune.objects.filter(code_insee__in=presentes).values_list("code_insee", "nom"))
    communes = sorted(presentes, key=lambda c: (noms.get(c, c), c))
    document: dict[str, Any] = {
        "jour": jour.isoformat(),
        "minimum": minimum,
        "fenetre_mois": regles.fenetre_mois,
        "typologies": list(TYPOLOGIES),
        "communes": [{"code": c, "nom": noms.get(c, c)} for c in communes],
    }
    if not communes:
        for mesure in MESURES:
            document[mesure] = {"cellules": [], "totaux_lignes": [], "totaux_colonnes": [0] * _N, "total": 0}
        document["attentes"] = {"cellules": [], "totaux_lignes": [], "totaux_colonnes": [None] * _N, "total": None}
        return document
    masques: dict[str, frozenset[tuple[int, int]]] = {}
    for mesure in MESURES:
        valeurs = [[comptes[mesure].get((c, j), 0) for j in range(_N)] for c in communes]
        document[mesure], masques[mesure] = _publier(valeurs, minimum)
    # Waiting ranges of the same leases, by the engine (same quartiles, same minimum as « Ma demande »).
    par: dict[tuple[str, ...], dict[tuple[Any, ...], tuple[Fourchette | None, int]]] = {
        dims: fourchettes(baux, regles=replace(regles, dimensions=dims), jour=jour)
        for dims in (("secteur", "typologie"), ("secteur",), ("typologie",), ("territoire",))
    }
    cache = masques["attributions"]
    n = len(communes)

    def attente(i: int, j: int, cle: tuple[Any, ...], dims: tuple[str, ...]) -> list[int] | None:
        if (i, j) in cache:
            return None
        return _quartiles(par[dims].get(cle, (None, 0))[0])

    document["attentes"] = {
        "cellules": [
            [attente(i, j, (c, j), ("secteur", "typologie")) for j in range(_N)] for i, c in enumerate(communes)
        ],
        "totaux_lignes": [attente(i, _N, (c,), ("secteur",)) for i, c in enumerate(communes)],
        "totaux_colonnes": [attente(n, j, (j,), ("typologie",)) for j in range(_N)],
        "total": attente(n, _N, (0,), ("territoire",)),
    }
    return document


@transaction.atomic
def chiffres_cles_calculer(*, epci: EPCI, auteur: Acteur, jour: date | None = None) -> ChiffresCles:
    """Compute and store the published key figures of ``epci`` (the system's nightly work, and the demo's)."""
    auteur = acteur_de(auteur)
    auteur.exiger(auteur.voit_tout, permissions.REFUS_CHIFFRES)
    jour = jour or timezone.localdate()
    chiffres, _ = ChiffresCles.objects.update_or_create(
        epci=epci, defaults={"jour": jour, "calcule_le": timezone.now(), "donnees": calculer(epci, jour)}
    )
    return chiffres


def territoires_a_calculer() -> list[EPCI]:
    """The EPCIs whose public pages exist: a territory run in Attrib (an EPCI organisation) or with a place."""
    return territoires()
