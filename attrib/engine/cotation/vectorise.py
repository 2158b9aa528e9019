"""Vectorised evaluator: a grid compiled to polars expressions, one pass over all the demands.

:func:`evaluer` returns, for every row of the demands (same order), ``score`` (the score used for the
ranking, see ``classement.score``), ``score_provisoire``, ``score_valide`` and, with ``detail=True``,
the points of each criterion (column named by the criterion's id), the adjustment of each capped
section (``plafond:<section>``) and of the total (``plafond:total``): the detail columns add up to
``score_provisoire``. When a criterion of the grid needs validation, the same detail for
``score_valide`` follows, prefixed ``valide:``.

With ``explication=True``, what the French sentences need of each criterion follows too (columns named by
:func:`colonne_explication`): whether it applies, its own points, for proportional points its value and
its points before its cap, whether it is validated (criteria needing validation) and whether its
exclusive section set it aside. :mod:`attrib.engine.cotation.explication_lot` turns them into the
sentences of :func:`attrib.engine.cotation.expliquer`, without evaluating each demand again.

The meaning is that of the per-demand reference (:mod:`attrib.engine.cotation.reference`); property
tests check both agree on random grids and demands.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce

import polars as pl

from attrib.engine.cotation.catalogue import COLONNE_CRITERES_VALIDES
from attrib.engine.cotation.conditions import (
    Calcul,
    Champ,
    Comparaison,
    Condition,
    Constante,
    Contient,
    Entre,
    Evenements,
    Genre,
    Longueur,
    MoisDepuis,
    Non,
    Operande,
    Parmi,
    Renseigne,
    Scalaire,
    Tous,
    Typage,
    UnDe,
    operandes_condition,
    sous_operandes,
)
from attrib.engine.cotation.grille import Critere, DonneesInvalides, Grille, Section, colonnes_lues
from attrib.engine.menage import jours_du_mois

PREFIXE_VALIDE = "valide:"
PREFIXE_PLAFOND = "plafond:"
PLAFOND_TOTAL = "plafond:total"
COLONNES_SCORE = ("score", "score_provisoire", "score_valide")
_INTERNE = "\u00a7"  # prefix of the working columns ("§"), never a grid identifier

_ORDRES = ("inf", "inf_egal", "sup", "sup_egal")

#: Kinds of the explanation columns (:func:`colonne_explication`).
APPLIQUE, POINTS, BRUT, VALEUR, VALIDE, ECARTE = "a", "p", "b", "x", "ok", "e"


def colonne_explication(nature: str, critere_id: str) -> str:
    """Name of an explanation column of ``evaluer(..., explication=True)`` (:data:`APPLIQUE`…)."""
    return f"{_INTERNE}{nature}:{critere_id}"


def colonnes_explication(grille: Grille) -> tuple[str, ...]:
    """The explanation columns of ``grille``, in order: for each criterion, whether it applies and its
    points; for proportional points its value and its points before its cap; for a criterion needing
    validation whether it is validated; in an exclusive section whether it was set aside."""
    noms: list[str] = []
    for section, critere in grille.criteres():
        natures = [APPLIQUE, POINTS]
        if critere.points.proportionnel:
            natures += [VALEUR, BRUT]
        if critere.a_valider:
            natures.append(VALIDE)
        if section.exclusive:
            natures.append(ECARTE)
        noms += [colonne_explication(n, critere.id) for n in natures]
    return tuple(noms)


def colonnes_detail(grille: Grille) -> tuple[str, ...]:
    """Detail columns of :func:`evaluer`, in order."""
    provisoires: list[str] = []
    for section in grille.sections:
        provisoires += [c.id for c in section.criteres]
        if section.bornee:
            provisoires.append(PREFIXE_PLAFOND + section.id)
    if grille.bornee:
        provisoires.append(PLAFOND_TOTAL)
    if not grille.a_validation:
        return tuple(provisoires)
    return (*provisoires, *(PREFIXE_VALIDE + nom for nom in provisoires))


def genre_dtype(dtype: pl.DataType) -> Genre | None:
    """Kind of a polars column (None: not usable by a grid)."""
    if dtype == pl.Boolean:
        return "booleen"
    if dtype.is_numeric():
        return "nombre"
    if dtype == pl.String or isinstance(dtype, (pl.Enum, pl.Categorical)):
        return "texte"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.List):
        interne = dtype.inner
        if interne == pl.String or isinstance(interne, (pl.Enum, pl.Categorical)):
            return "liste"
        if interne == pl.Date:
            return "liste_dates"
    return None


def _vide(dtype: pl.DataType) -> bool:
    """A column with no value at all (polars types it Null, or List(Null))."""
    return dtype == pl.Null or (isinstance(dtype, pl.List) and dtype.inner == pl.Null)


def _typer_colonnes_vides(grille: Grille, demandes: pl.DataFrame) -> pl.DataFrame:
    """Give columns without any value the type the grid reads them with."""
    vides = [n for n in colonnes_lues(grille) if _vide(demandes.schema[n])]
    if not vides:
        return demandes
    evenements = {
        o.champ
        for _, c in grille.criteres()
        for racine in (
            *(operandes_condition(c.condition) if c.condition else ()),
            *((c.points.valeur,) if c.points.valeur else ()),
        )
        for o in sous_operandes(racine)
        if isinstance(o, Evenements)
    } | {o.champ for v in grille.valeurs for o in sous_operandes(v.calcul) if isinstance(o, Evenements)}
    types: dict[str, pl.DataType] = {}
    for nom in vides:
        if isinstance(demandes.schema[nom], pl.List):
            types[nom] = pl.List(pl.Date) if nom in evenements else pl.List(pl.String)
    return demandes.with_columns(pl.col(n).cast(t) for n, t in types.items()) if types else demandes


def verifier_colonnes(grille: Grille, schema: Mapping[str, pl.DataType]) -> None:
    """Raise :class:`DonneesInvalides` when a column the grid reads is missing or of the wrong kind."""
    lues = colonnes_lues(grille)
    manquantes = sorted(n for n in lues if n not in schema)
    if manquantes:
        raise DonneesInvalides(
            f"Colonnes absentes des demandes, lues par la grille « {grille.identifiant} » : {', '.join(manquantes)}."
        )
    genres: dict[str, Genre | None] = {}
    for nom in lues:
        genre = genre_dtype(schema[nom])
        if genre is None and not _vide(schema[nom]):
            raise DonneesInvalides(f"Colonne « {nom} » : type {schema[nom]} non pris en charge par la cotation.")
        genres[nom] = genre
    typage = Typage(genres)
    for valeur in grille.valeurs:
        genres[valeur.id] = typage.operande(valeur.calcul, valeur.id)
    for _, critere in grille.criteres():
        if critere.condition is not None:
            typage.condition(critere.condition, critere.id)
        if critere.points.valeur is not None:
            typage.operande(critere.points.valeur, critere.id)
    if typage.problemes:
        p = typage.problemes[0]
        raise DonneesInvalides(f"Critère ou valeur « {p.chemin.split('.')[0]} » : {p.message}.")


# --- compilation -----------------------------------------------------------------------------------


def _mois_ecoules(depuis: pl.Expr, jour: date) -> pl.Expr:
    """Whole months from ``depuis`` to ``jour`` (same rule as :func:`attrib.engine.menage.anciennete_mois`)."""
    mois = (jour.year * 12 + jour.month) - (depuis.dt.year().cast(pl.Int64) * 12 + depuis.dt.month().cast(pl.Int64))
    if jour.day == jours_du_mois(jour):
        return mois
    return mois - (depuis.dt.day() > jour.day).cast(pl.Int64)


class _Compilateur:
    def __init__(self, grille: Grille, schema: Mapping[str, pl.DataType], jour: date) -> None:
        self.grille = grille
        self.schema = schema
        self.jour = jour
        self.valeurs = {v.id for v in grille.valeurs}

    def colonne_valeur(self, nom: str) -> str:
        return f"{_INTERNE}v:{nom}"

    def _est_categorie(self, operande: Operande) -> bool:
        if not isinstance(operande, Champ) or operande.nom in self.valeurs:
            return False
        return isinstance(self.schema.get(operande.nom), (pl.Enum, pl.Categorical))

    def operande(self, o: Operande, *, texte: bool = False) -> pl.Expr:
        """Expression of ``o``; ``texte``: enumerations as plain text (for ordering comparisons)."""
        if isinstance(o, Champ):
            if o.nom in self.valeurs:
                return pl.col(self.colonne_valeur(o.nom))
            colonne = pl.col(o.nom)
            return colonne.cast(pl.String) if texte and self._est_categorie(o) else colonne
        if isinstance(o, Constante):
            return pl.lit(o.valeur)
        if isinstance(o, Evenements):
            element = pl.element()
            mois = _mois_ecoules(element, self.jour)
            dans_fenetre = element.is_not_null() & (mois >= 0) & (mois < o.mois)
            return pl.col(o.champ).list.eval(dans_fenetre.cast(pl.Int64)).list.sum().fill_null(0).cast(pl.Int64)
        if isinstance(o, Longueur):
            return pl.col(o.champ).list.len().fill_null(0).cast(pl.Int64)
        if isinstance(o, MoisDepuis):
            return _mois_ecoules(pl.col(o.champ), self.jour)
        return self._calcul(o)

    def _calcul(self, o: Calcul) -> pl.Expr:
        termes = [self.operande(t) for t in o.termes]
        match o.operation:
            case "somme":
                return reduce(lambda a, b: a + b, termes)
            case "produit":
                return reduce(lambda a, b: a * b, termes)
            case "difference":
                return termes[0] - termes[1]
            case "quotient":
                return pl.when(termes[1] != 0).then(termes[0] / termes[1]).otherwise(None)
        manque = pl.any_horizontal(t.is_null() for t in termes)
        extremum = pl.min_horizontal(termes) if o.operation == "min" else pl.max_horizontal(termes)
        return pl.when(manque).then(None).otherwise(extremum)

    def _valeurs(self, sujet: Operande, valeurs: Sequence[Scalaire]) -> pl.Expr:
        expression = self.operande(sujet)
        if all(isinstance(v, str) for v in valeurs):
            return expression.is_in(list(valeurs))
        return pl.any_horizontal(expression == pl.lit(v) for v in valeurs)

    def condition(self, c: Condition) -> pl.Expr:
        """Boolean expression without nulls (a test on an empty value is false)."""
        if isinstance(c, Tous):
            return pl.all_horizontal(self.condition(x) for x in c.conditions)
        if isinstance(c, UnDe):
            return pl.any_horizontal(self.condition(x) for x in c.conditions)
        if isinstance(c, Non):
            return ~self.condition(c.condition)
        return self._feuille(c).fill_null(False)

    def _feuille(self, c: Condition) -> pl.Expr:
        if isinstance(c, Comparaison):
            # Enumerations compare as text, except equality with a constant (polars compares codes).
            texte = c.operateur in _ORDRES or not isinstance(c.valeur, Constante)
            gauche, droite = self.operande(c.sujet, texte=texte), self.operande(c.valeur, texte=texte)
            match c.operateur:
                case "egal":
                    return gauche == droite
                case "different":
                    return gauche != droite
                case "inf":
                    return gauche < droite
                case "inf_egal":
                    return gauche <= droite
                case "sup":
                    return gauche > droite
            return gauche >= droite
        if isinstance(c, Entre):
            sujet = self.operande(c.sujet, texte=True)
            return sujet.is_between(pl.lit(c.minimum), pl.lit(c.maximum), closed="both")
        if isinstance(c, Parmi):
            dedans = self._valeurs(c.sujet, c.valeurs)
            return (self.operande(c.sujet).is_not_null() & ~dedans) if c.hors else dedans
        if isinstance(c, Contient):
            liste = pl.col(c.champ)
            if len(c.valeurs) == 1:
                return liste.list.contains(pl.lit(c.valeurs[0]))
            if c.mode == "contient_tous":
                return pl.all_horizontal(liste.list.contains(pl.lit(v)) for v in c.valeurs)
            return liste.list.eval(pl.element().is_in(list(c.valeurs))).list.any()
        assert isinstance(c, Renseigne)
        expression = self.operande(c.sujet)
        rempli = expression.is_not_null()
        genre = self._genre(c.sujet)
        if genre == "texte":
            rempli = rempli & (expression.cast(pl.String) != "")
        elif genre in ("liste", "liste_dates"):
            rempli = rempli & (expression.list.len() > 0)
        return rempli if c.attendu else ~rempli

    def _genre(self, o: Operande) -> Genre | None:
        if isinstance(o, Champ) and o.nom not in self.valeurs and o.nom in self.schema:
            return genre_dtype(self.schema[o.nom])
        return None

    # --- criteria --------------------------------------------------------------------------------

    def valeur_et_brut(self, critere: Critere, applique: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        """Value and points before the cap of a proportional criterion (empty and 0 when it does not apply)."""
        p = critere.points
        if not critere.en_vigueur(self.jour) or p.valeur is None or p.par_unite is None:
            return pl.lit(None, dtype=pl.Int64), pl.lit(0, dtype=pl.Int64)
        valeur = self.operande(p.valeur)
        brut = (pl.lit(p.fixe) + pl.lit(p.par_unite) * valeur).cast(pl.Int64)
        return pl.when(applique).then(valeur), pl.when(applique).then(brut).otherwise(pl.lit(0, dtype=pl.Int64))

    def critere(self, critere: Critere) -> tuple[pl.Expr, pl.Expr]:
        """(applies, points): whether the criterion applies, and its points (0 when it does not)."""
        if not critere.en_vigueur(self.jour):
            return pl.lit(False), pl.lit(0, dtype=pl.Int64)
        applique = pl.lit(True) if critere.condition is None else self.condition(critere.condition)
        p = critere.points
        if not p.proportionnel:
            return applique, pl.when(applique).then(pl.lit(p.fixe, dtype=pl.Int64)).otherwise(pl.lit(0, dtype=pl.Int64))
        assert p.valeur is not None and p.par_unite is not None
        valeur = self.operande(p.valeur)
        applique = applique & valeur.is_not_null()
        brut = (pl.lit(p.fixe) + pl.lit(p.par_unite) * valeur).cast(pl.Int64)
        if p.plafond is not None:
            brut = brut.clip(-p.plafond, p.plafond)
        return applique, pl.when(applique).then(brut).otherwise(pl.lit(0, dtype=pl.Int64))


@dataclass(frozen=True)
class _Colonnes:
    """Working columns of one criterion."""

    applique: str
    points: str
    valide: str | None
    retenu: str
    retenu_valide: str


def _cle_exclusive(colonnes: _Colonnes, rang: int, nombre: int, *, valide: bool) -> pl.Expr:
    """Ordering key of a criterion in an exclusive section: most points first, then document order.

    ``points × nombre + (nombre − 1 − rang)`` is unique in the section and orders like (points, −rang);
    empty when the criterion does not apply (for the validated score: unless validated).
    """
    applique = pl.col(colonnes.applique)
    if valide and colonnes.valide is not None:
        applique = applique & pl.col(colonnes.valide)
    return pl.when(applique).then(pl.col(colonnes.points) * nombre + (nombre - 1 - rang))


def _meilleurs(grille: Grille, colonnes: Mapping[str, _Colonnes], *, valide: bool) -> list[pl.Expr]:
    """Best key of each exclusive section (a working column)."""
    prefixe = f"{_INTERNE}{'mv' if valide else 'm'}:"
    return [
        pl.max_horizontal(
            _cle_exclusive(colonnes[c.id], i, len(section.criteres), valide=valide)
            for i, c in enumerate(section.criteres)
        ).alias(prefixe + section.id)
        for section in grille.sections
        if section.exclusive
    ]


def _colonne_retenue(section: Section, colonnes: _Colonnes, *, valide: bool) -> str:
    """Column holding what a criterion brings to its section: its points, unless exclusivity or
    validation changes them (then a working column of :func:`_retenus`)."""
    if section.exclusive or (valide and colonnes.valide is not None):
        return colonnes.retenu_valide if valide else colonnes.retenu
    return colonnes.points


def _retenus(grille: Grille, colonnes: Mapping[str, _Colonnes], *, valide: bool) -> list[pl.Expr]:
    """Points each criterion brings to its section when exclusivity or validation changes them."""
    expressions = []
    for section in grille.sections:
        meilleur = pl.col(f"{_INTERNE}{'mv' if valide else 'm'}:{section.id}")
        for i, critere in enumerate(section.criteres):
            c = colonnes[critere.id]
            nom = _colonne_retenue(section, c, valide=valide)
            if nom == c.points:
                continue
            if section.exclusive:
                garde = _cle_exclusive(c, i, len(section.criteres), valide=valide) == meilleur
            else:
                assert c.valide is not None
                garde = pl.col(c.valide)
            expressions.append(pl.when(garde).then(pl.col(c.points)).otherwise(0).alias(nom))
    return expressions


def _somme(expressions: Iterable[pl.Expr]) -> pl.Expr:
    liste = list(expressions)
    return pl.sum_horizontal(liste).cast(pl.Int64) if liste else pl.lit(0, dtype=pl.Int64)


def _agregats(grille: Grille, colonnes: Mapping[str, _Colonnes], *, valide: bool) -> tuple[pl.Expr, list[pl.Expr]]:
    """Total score and the detail expressions (named) for one of the two scores."""
    prefixe = PREFIXE_VALIDE if valide else ""
    detail: list[pl.Expr] = []
    sections: list[pl.Expr] = []
    for section in grille.sections:
        retenus = [pl.col(_colonne_retenue(section, colonnes[c.id], valide=valide)) for c in section.criteres]
        detail += [e.alias(prefixe + c.id) for c, e in zip(section.criteres, retenus, strict=True)]
        somme = _somme(retenus)
        if section.bornee:
            bornee = somme.clip(section.plancher, section.plafond)
            detail.append((bornee - somme).alias(prefixe + PREFIXE_PLAFOND + section.id))
            sections.append(bornee)
        else:
            sections.append(somme)
    total = _somme(sections)
    if grille.bornee:
        borne = total.clip(grille.plancher_total, grille.plafond_total)
        detail.append((borne - total).alias(prefixe + PLAFOND_TOTAL))
        total = borne
    return total, detail


def _explication(grille: Grille, colonnes: Mapping[str, _Colonnes]) -> list[pl.Expr]:
    """The explanation columns (:func:`colonnes_explication`), read from the working columns."""
    expressions: list[pl.Expr] = []
    for section in grille.sections:
        for i, critere in enumerate(section.criteres):
            c = colonnes[critere.id]
            applique = pl.col(c.applique)
            expressions += [
                applique.alias(colonne_explication(APPLIQUE, critere.id)),
                pl.col(c.points).alias(colonne_explication(POINTS, critere.id)),
            ]
            if critere.points.proportionnel:
                expressions += [pl.col(colonne_explication(n, critere.id)) for n in (VALEUR, BRUT)]
            if c.valide is not None:
                expressions.append((applique & pl.col(c.valide)).alias(colonne_explication(VALIDE, critere.id)))
            if section.exclusive:
                cle = _cle_exclusive(c, i, len(section.criteres), valide=False)
                ecarte = applique & (cle != pl.col(f"{_INTERNE}m:{section.id}")).fill_null(True)
                expressions.append(ecarte.alias(colonne_explication(ECARTE, critere.id)))
    return expressions


def applications(grille: Grille, demandes: pl.DataFrame, *, date_reference: date) -> dict[str, int]:
    """Number of demands each criterion applies to (its condition holds and its value is known), whether or
    not its points are kept (an exclusive section keeps only the best one)."""
    verifier_colonnes(grille, demandes.schema)
    demandes = _typer_colonnes_vides(grille, demandes)
    compilateur = _Compilateur(grille, demandes.schema, date_reference)
    plan = demandes.lazy()
    for valeur in grille.valeurs:
        plan = plan.with_columns(compilateur.operande(valeur.calcul).alias(compilateur.colonne_valeur(valeur.id)))
    comptes = plan.select(
        compilateur.critere(c)[0].cast(pl.Int64).sum().alias(c.id) for _, c in grille.criteres()
    ).collect()
    return {nom: int(comptes[nom][0] or 0) for nom in comptes.columns}


def evaluer(
    grille: Grille, demandes: pl.DataFrame, *, date_reference: date, detail: bool = True, explication: bool = False
) -> pl.DataFrame:
    """Score every demand (one output row per input row, same order). See the module docstring."""
    verifier_colonnes(grille, demandes.schema)
    demandes = _typer_colonnes_vides(grille, demandes)
    compilateur = _Compilateur(grille, demandes.schema, date_reference)
    plan = demandes.lazy()
    for valeur in grille.valeurs:
        plan = plan.with_columns(compilateur.operande(valeur.calcul).alias(compilateur.colonne_valeur(valeur.id)))
    colonnes: dict[str, _Colonnes] = {}
    travail: list[pl.Expr] = []
    for _, critere in grille.criteres():
        c = _Colonnes(
            applique=f"{_INTERNE}a:{critere.id}",
            points=f"{_INTERNE}p:{critere.id}",
            valide=f"{_INTERNE}ok:{critere.id}" if critere.a_valider else None,
            retenu=f"{_INTERNE}r:{critere.id}",
            retenu_valide=f"{_INTERNE}rv:{critere.id}",
        )
        colonnes[critere.id] = c
        applique, points = compilateur.critere(critere)
        travail += [applique.alias(c.applique), points.alias(c.points)]
        if explication and critere.points.proportionnel:
            valeur_critere, brut = compilateur.valeur_et_brut(critere, applique)
            travail += [
                valeur_critere.alias(colonne_explication(VALEUR, critere.id)),
                brut.alias(colonne_explication(BRUT, critere.id)),
            ]
        if c.valide is not None:
            travail.append(
                pl.col(COLONNE_CRITERES_VALIDES).list.contains(pl.lit(critere.id)).fill_null(False).alias(c.valide)
            )
    # Stages: criteria, best of each exclusive section, points kept, totals (each stage reads columns
    # the previous one computed once).
    variantes = [False, True] if grille.a_validation else [False]
    plan = plan.with_columns(travail)
    meilleurs = [e for v in variantes for e in _meilleurs(grille, colonnes, valide=v)]
    if meilleurs:
        plan = plan.with_columns(meilleurs)
    retenus = [e for v in variantes for e in _retenus(grille, colonnes, valide=v)]
    if retenus:
        plan = plan.with_columns(retenus)
    provisoire, detail_provisoire = _agregats(grille, colonnes, valide=False)
    sorties = [provisoire.alias("score_provisoire")]
    if grille.a_validation:
        valide, detail_valide = _agregats(grille, colonnes, valide=True)
        sorties.append(valide.alias("score_valide"))
    else:
        detail_valide = []
        sorties.append(provisoire.alias("score_valide"))
    if detail:
        sorties += detail_provisoire + detail_valide
    if explication:
        sorties += _explication(grille, colonnes)
    resultat = plan.select(sorties).collect()
    classement = "score_valide" if grille.score_classement == "valide" else "score_provisoire"
    return resultat.select(pl.col(classement).alias("score"), pl.all())
