"""Bridge from stored demands to the columns a cotation grid reads (``docs/cotation.md`` §9).

:func:`colonnes_cotation` reads a queryset of demands by blocks (``attrib.demandes.colonnes``: one query per
table, read as columns straight into polars, no Python per row or cell) into one polars row per demand:

* the columns of the interchange format (``attrib.engine.formats.demandes_csv``), the very values of the
  CSV export's row reader (``attrib.demandes.importexport.valeurs_demandes``; compared by
  ``tests/demandes/test_lecture_en_colonnes.py``), sensitive situations included: the cotation counts them,
  the screens mask them;
* the household facts of the engine, the values of ``attrib.demandes.moteur.menages_colonnes``, the bridge
  the demand page also uses for its ceilings (``revenus_mensuels`` is the interchange format's and the
  cotation catalogue's: resources of the applicant and the co-applicant, minus the alimony they pay), so
  that a demand scores the same in the application and with the offline command on its export, and the
  page and the cotation read the same income; plus ``codemandeur`` and ``ligne`` (the row's position);
* ``secteur``: the first wished commune (the sector of the ranked lists);
* the application's columns (``attrib.engine.cotation.catalogue``):

  - ``criteres_valides``: computed per grid by :func:`preparer_pour` (see :func:`criteres_valides`);
  - ``pieces_a_jour``: the demand expects at least one supporting document and none is missing
    (each is supplied or validated). The documents carry no end of validity yet;
  - ``emploi_essentiel``: always false. The persons of a demand carry an employment status (CDI,
    CDD…) and an employer, not a profession: being an essential worker (3DS) cannot be derived;
  - ``refus_offres_adaptees`` (:func:`evenements_caleol`): the dates of the offers (``attrib.commissions``)
    the applicant refused while the dwelling was adapted to the household's needs and means
    (R441-2-10 11°: ``logement_adapte`` recorded true), on the day of the answer, and of the offers left
    without answer within the delay, which counts as a refusal (R441-10), on the deadline's day, unless
    the bailleur recorded the dwelling as not adapted;
  - ``classements_rang_2_ou_3`` (:func:`evenements_caleol`): the dates of the sessions where the
    commission ranked the demand 2nd or 3rd for a dwelling (positive decision by rank) that then went to
    another demand (a lease signed after the session), without an offer to this demand;
  - ``fausses_declarations``: an empty list: established false declarations are not recorded yet.

  Every date is kept: the grid's criterion says over how many months it counts them
  (``{evenements: refus_offres_adaptees, mois: 12}``), and the engine counts them on the day of calculation.

:func:`preparer_pour` then adds, for one grid, ``criteres_valides`` and the engine's derivations the
grid reads (``attrib.engine.cotation.preparer``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from attrib.commissions.enums import DECISIONS_POSITIVES, StatutOffre
from attrib.commissions.models import Bail, Decision, Offre
from attrib.demandes import colonnes as lecture
from attrib.demandes.models import Demande
from attrib.engine.cotation import Grille, colonnes_lues, preparer
from attrib.engine.erreurs import PlafondNonRenseigne

logger = logging.getLogger(__name__)

FICHIER_VALIDATION = Path(settings.BASE_DIR) / "data" / "grilles" / "validation_criteres.yaml"
#: Demands read at once (a failing block is split to find the demands that cannot be read).
TAILLE_BLOC = 20_000
#: ``progression(faites, total)``.
Progression = Callable[[int, int], None]

#: Working columns of the validation facts (never a grid column: grids cannot name them).
PRIORITES_VALIDEES = "§priorites_validees"
PIECES_VALIDEES = "§pieces_validees"
#: Criteria a social worker validated (``attrib.labellisation.models.ValidationCritere`` not withdrawn).
CRITERES_EVALUES = "§criteres_evalues"
SECTEUR = "secteur"
DEMANDE_ID = "demande_id"
_LISTE_DATES = pl.List(pl.Date)
REFUS = "refus_offres_adaptees"
CLASSEMENTS = "classements_rang_2_ou_3"
#: The ranks of ``classements_rang_2_ou_3`` (the column's definition in ``attrib.engine.cotation.catalogue``).
RANGS_CLASSEMENT = (2, 3)


@cache
def correspondances_pieces(fichier: Path = FICHIER_VALIDATION) -> dict[str, tuple[str, ...]]:
    """Grid criterion id → codes of supporting documents (``data/parametres/pieces_justificatives.yaml``)
    whose validation validates the criterion (``data/grilles/validation_criteres.yaml``)."""
    with fichier.open(encoding="utf-8") as f:
        contenu = yaml.safe_load(f) or {}
    pieces = contenu.get("pieces") or {}
    if not isinstance(pieces, dict):
        raise ValueError(f"{fichier.name} : « pieces » doit associer un identifiant de critère à des codes de pièces.")
    return {str(critere): tuple(str(c) for c in codes or ()) for critere, codes in pieces.items()}


def _evenements(ids: list[int]) -> list[tuple[int, str, date]]:
    """``(demande_id, column, date)`` of each event of the demands ``ids`` (see :func:`evenements_caleol`).
    Two queries (on the range of ``ids``: no list of parameters); nothing per demand without events."""
    if not ids:
        return []
    voulus = set(ids)
    bornes = {"demande_id__gte": min(ids), "demande_id__lte": max(ids)}
    evenements: list[tuple[int, str, date]] = []
    refus = Offre.objects.filter(**bornes).filter(
        Q(statut=StatutOffre.REFUSEE, logement_adapte=True)
        | (Q(statut=StatutOffre.EXPIREE) & (Q(logement_adapte__isnull=True) | Q(logement_adapte=True)))
    )
    for pk, statut, repondue_le, date_limite in refus.values_list("demande_id", "statut", "repondue_le", "date_limite"):
        if pk not in voulus:  # between the bounds, not asked for
            continue
        quand = date_limite if statut == StatutOffre.EXPIREE else repondue_le
        if quand is not None:  # a refusal is always dated; never compare a missing date
            evenements.append((pk, REFUS, quand))
    attribue_a_un_autre = Bail.objects.filter(
        logement_id=OuterRef("logement_id"), date_signature__gte=OuterRef("seance__date")
    ).exclude(demande_id=OuterRef("demande_id"))
    classements = (
        Decision.objects.filter(**bornes, type__in=DECISIONS_POSITIVES, rang__in=RANGS_CLASSEMENT)
        .filter(Exists(attribue_a_un_autre))
        .exclude(Exists(Offre.objects.filter(decision_id=OuterRef("pk"))))
    )
    for pk, jour_seance in classements.values_list("demande_id", "seance__date"):
        if pk in voulus:
            evenements.append((pk, CLASSEMENTS, jour_seance))
    return evenements


def evenements_caleol(ids: list[int]) -> dict[int, dict[str, list[date]]]:
    """``refus_offres_adaptees`` and ``classements_rang_2_ou_3`` of each demand of ``ids`` (sorted dates), read
    from the offers and the decisions of the CALEOL (see the module's docstring). Two queries (on the range of
    ``ids``: no list of parameters)."""
    resultat: dict[int, dict[str, list[date]]] = {pk: {REFUS: [], CLASSEMENTS: []} for pk in ids}
    for pk, nom, quand in _evenements(ids):
        resultat[pk][nom].append(quand)
    for listes in resultat.values():
        for dates in listes.values():
            dates.sort()
    return resultat


def _evenements_frame(ids: list[int]) -> pl.DataFrame:
    """``demande_id`` → ``refus_offres_adaptees`` and ``classements_rang_2_ou_3`` (:func:`evenements_caleol`)
    of the demands with events only."""
    frame = pl.DataFrame(
        _evenements(ids), schema={DEMANDE_ID: pl.Int64, "§nom": pl.String, "§date": pl.Date}, orient="row"
    )
    return frame.group_by(DEMANDE_ID, maintain_order=True).agg(
        pl.col("§date").filter(pl.col("§nom") == nom).sort().alias(nom) for nom in (REFUS, CLASSEMENTS)
    )


def _criteres_evalues_frame(ids: list[int]) -> pl.DataFrame:
    """``demande_id`` → the criteria a social worker validated (one query on the range of ``ids``; nothing for a
    demand without such validation)."""
    from attrib.labellisation.models import ValidationCritere

    lignes: list[tuple[int, str]] = []
    if ids:
        qs = ValidationCritere.objects.filter(
            retiree_le__isnull=True, demande_id__gte=min(ids), demande_id__lte=max(ids)
        )
        lignes = list(qs.order_by("demande_id", "critere_id").values_list("demande_id", "critere_id"))
    frame = pl.DataFrame(lignes, schema={DEMANDE_ID: pl.Int64, CRITERES_EVALUES: pl.String}, orient="row")
    return frame.group_by(DEMANDE_ID, maintain_order=True).agg(pl.col(CRITERES_EVALUES))


def _bloc(ids: list[int], jour: date) -> pl.DataFrame:
    """The columns of the demands ``ids`` (ordered by id), read as columns (``attrib.demandes.colonnes``):
    a few queries and no Python per row, whatever the block's size."""
    ids = sorted(ids)
    personnes = lecture.personnes_frame(ids)
    fichier = lecture.demandes_fichier(ids, personnes)
    menages = lecture.menages_frame(fichier, personnes, jour)
    application = (
        lecture.faits_validation(ids)
        .rename({"priorites_validees": PRIORITES_VALIDEES, "pieces_validees": PIECES_VALIDEES})
        .join(_evenements_frame(ids), on=DEMANDE_ID, how="left", maintain_order="left")
        .join(_criteres_evalues_frame(ids), on=DEMANDE_ID, how="left", maintain_order="left")
        .with_columns(
            pl.col(REFUS, CLASSEMENTS).fill_null(pl.lit([], dtype=_LISTE_DATES)),
            pl.col(CRITERES_EVALUES).fill_null(pl.lit([], dtype=pl.List(pl.String))),
        )
        .select(
            pl.col(DEMANDE_ID),
            pl.col(PRIORITES_VALIDEES),
            pl.col(PIECES_VALIDEES),
            pl.col(CRITERES_EVALUES),
            pl.col("pieces_a_jour"),
            pl.col(REFUS).cast(_LISTE_DATES),
            pl.col(CLASSEMENTS).cast(_LISTE_DATES),
        )
    )
    fichier = fichier.drop(DEMANDE_ID, "departement")
    communs = [c for c in menages.columns if c in fichier.columns and c != "numero_unique"]
    return (
        menages.join(fichier.drop(communs), on="numero_unique", how="left", maintain_order="left")
        .join(application, on=DEMANDE_ID, how="left", maintain_order="left")
        .with_columns(
            pl.col("nom_codemandeur").is_not_null().alias("codemandeur"),
            pl.col("communes_souhaitees").list.first().alias(SECTEUR),
            pl.lit(False).alias("emploi_essentiel"),
            pl.lit([], dtype=_LISTE_DATES).alias("fausses_declarations"),
        )
    )


def colonnes_cotation(
    demandes: QuerySet[Demande],
    *,
    jour: date,
    progression: Progression | None = None,
    taille_bloc: int = TAILLE_BLOC,
) -> pl.DataFrame:
    """One row per demand of ``demandes`` (ordered by id): ``demande_id``, ``secteur`` and every column
    a grid may read except the engine's derivations and ``criteres_valides`` (:func:`preparer_pour`)."""
    ids = list(demandes.order_by("pk").values_list("pk", flat=True))
    blocs: list[pl.DataFrame] = []
    for debut in range(0, len(ids), taille_bloc):
        blocs.append(_bloc(ids[debut : debut + taille_bloc], jour))
        if progression is not None:
            progression(min(debut + taille_bloc, len(ids)), len(ids))
    if not blocs:
        blocs.append(_bloc([], jour))
    frame = pl.concat(blocs, how="vertical")
    return frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("ligne"))


MOTIF_ILLISIBLE = (
    "ses données enregistrées n'ont pas pu être lues (valeur hors des bornes ou incohérente) : "
    "corrigez-les depuis la fiche de la demande"
)


def _blocs_isoles(ids: list[int], jour: date, ecartees: list[tuple[int, str]]) -> list[pl.DataFrame]:
    """The block of ``ids``; when reading it fails, its halves, down to the demands that fail alone."""
    try:
        with transaction.atomic():
            return [_bloc(ids, jour)]
    except Exception:  # one demand never stops a batch: isolated below, reported by the caller
        if len(ids) == 1:
            logger.exception("Lecture impossible de la demande %s pour la cotation", ids[0])
            ecartees.append((ids[0], MOTIF_ILLISIBLE))
            return []
    milieu = len(ids) // 2
    return _blocs_isoles(ids[:milieu], jour, ecartees) + _blocs_isoles(ids[milieu:], jour, ecartees)


def colonnes_cotation_isolees(
    ids: Sequence[int],
    *,
    jour: date,
    progression: Progression | None = None,
    taille_bloc: int = TAILLE_BLOC,
) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """:func:`colonnes_cotation` of the demands ``ids`` for a batch: a block that cannot be read is split
    until the demands that cannot be read alone are found; they are left out and returned with the
    reason (``(demande_id, motif)``), the others are read."""
    ids = sorted(ids)
    blocs: list[pl.DataFrame] = []
    ecartees: list[tuple[int, str]] = []
    for debut in range(0, len(ids), taille_bloc):
        blocs += _blocs_isoles(ids[debut : debut + taille_bloc], jour, ecartees)
        if progression is not None:
            progression(min(debut + taille_bloc, len(ids)), len(ids))
    if not blocs:
        blocs.append(_bloc([], jour))
    frame = pl.concat(blocs, how="vertical")
    return frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("ligne")), ecartees


def criteres_valides(grille: Grille, correspondances: Mapping[str, Iterable[str]] | None = None) -> pl.Expr:
    """``criteres_valides`` for ``grille``: the ids of its criteria needing validation that the stored
    facts validate. A criterion is validated when

    * it implements legal priorities (``priorites_legales``) and one of them is a validated
      ``SituationPrioritaire`` of the demand (a social worker, or the validation of every document of
      the priority, validates it: ``attrib.demandes.pieces``); or
    * ``data/grilles/validation_criteres.yaml`` names supporting documents for it and the demand has
      documents of each of those codes, all validated; or
    * it needs a social assessment (``validation: travailleur_social``) and a social worker following the
      household validated it (``attrib.labellisation``: ``ValidationCritere``).

    Other criteria needing validation stay provisional (``score_provisoire`` only).
    """
    correspondances = correspondances_pieces() if correspondances is None else correspondances
    morceaux: list[pl.Expr] = []
    for _, critere in grille.criteres():
        if not critere.a_valider:
            continue
        conditions: list[pl.Expr] = []
        if critere.priorites_legales:
            conditions.append(
                pl.col(PRIORITES_VALIDEES).list.eval(pl.element().is_in(list(critere.priorites_legales))).list.any()
            )
        codes = list(correspondances.get(critere.id, ()))
        if codes:
            conditions.append(pl.all_horizontal(pl.col(PIECES_VALIDEES).list.contains(pl.lit(c)) for c in codes))
        if critere.validation == "travailleur_social":
            conditions.append(pl.col(CRITERES_EVALUES).list.contains(pl.lit(critere.id)))
        if conditions:
            morceaux.append(pl.when(pl.any_horizontal(conditions).fill_null(False)).then(pl.lit(critere.id)))
    if not morceaux:
        return pl.lit([], dtype=pl.List(pl.String)).alias("criteres_valides")
    return pl.concat_list(morceaux).list.drop_nulls().alias("criteres_valides")


def lit_des_plafonds(grille: Grille) -> bool:
    return any(c.startswith(("plafond_", "eligible_")) for c in colonnes_lues(grille))


def preparer_pour(frame: pl.DataFrame, grille: Grille, *, jour: date) -> pl.DataFrame:
    """``frame`` (from :func:`colonnes_cotation`) ready for ``evaluer(grille, …)``: ``criteres_valides``
    of this grid and the engine's derivations the grid reads (ceilings of ``jour``'s year).

    The engine derives the ceilings with the other values (seniority, consumption units…). A grid that
    reads no ceiling is still computed in the first days of a year whose ceilings are not yet published:
    the previous year's ceilings are then used for the derivation, and never read."""
    avec = frame.with_columns(criteres_valides(grille))
    try:
        return preparer(avec, grille, date_reference=jour)
    except PlafondNonRenseigne:
        if lit_des_plafonds(grille):
            raise
        return preparer(avec, grille, date_reference=jour, annee_plafonds=jour.year - 1)
