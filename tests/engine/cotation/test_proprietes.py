"""Two evaluators, one meaning: on random grids (random sections, exclusivity, caps, criteria, conditions,
values, validation needs, effective dates) and random demands (with empty values), the vectorised
evaluator and the per-demand reference give the same scores and the same detail, and the detail adds
up; grids survive a round trip through YAML."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attrib.engine.cotation import (
    CleDepartage,
    Critere,
    Grille,
    Points,
    Section,
    ValeurNommee,
    colonnes_detail,
    evaluer,
    evaluer_un,
    grille_vers_yaml,
    lire_grille,
)
from attrib.engine.cotation.conditions import (
    COMPARAISONS,
    Calcul,
    Champ,
    Comparaison,
    Condition,
    Constante,
    Contient,
    Entre,
    Evenements,
    Longueur,
    MoisDepuis,
    Non,
    Operande,
    Parmi,
    Renseigne,
    Tous,
    UnDe,
    colonnes_operande,
)

REGLAGES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ALLER_RETOUR = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- random demands --------------------------------------------------------------------------------

TEXTES = ("a", "b", "c", "")
CATEGORIES = ("x", "y", "z")
CODES = ("a", "b", "c")
JOURS = (date(2026, 7, 1), date(2026, 2, 28), date(2024, 2, 29), date(2026, 3, 31), date(2025, 12, 15))
SCHEMA: dict[str, Any] = {
    "n1": pl.Int64,
    "n2": pl.Int64,
    "f1": pl.Float64,
    "b1": pl.Boolean,
    "s1": pl.String,
    "e1": pl.Enum(list(CATEGORIES)),
    "d1": pl.Date,
    "l1": pl.List(pl.String),
    "ev": pl.List(pl.Date),
    "criteres_valides": pl.List(pl.String),
}

dates = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))
flottants = st.one_of(
    st.integers(-400, 400).map(lambda k: k / 4),
    st.floats(-100, 100, allow_nan=False).filter(lambda x: x == 0 or abs(x) > 1e-3),
)


def nullable(strategie: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategie, strategie)


def demandes(identifiants: list[str]) -> st.SearchStrategy[list[dict[str, Any]]]:
    ligne = st.fixed_dictionaries(
        {
            "n1": nullable(st.integers(-5, 40)),
            "n2": nullable(st.integers(0, 10)),
            "f1": nullable(flottants),
            "b1": nullable(st.booleans()),
            "s1": nullable(st.sampled_from(TEXTES)),
            "e1": nullable(st.sampled_from(CATEGORIES)),
            "d1": nullable(dates),
            "l1": nullable(st.lists(st.sampled_from(CODES), unique=True, max_size=3)),
            "ev": nullable(st.lists(dates, max_size=4)),
            "criteres_valides": nullable(st.lists(st.sampled_from(identifiants), unique=True))
            if identifiants
            else st.just([]),
        }
    )
    return st.lists(ligne, min_size=1, max_size=12)


# --- random grids ----------------------------------------------------------------------------------


@st.composite
def nombres(draw: st.DrawFn, valeurs: tuple[str, ...], profondeur: int = 2) -> Operande:
    feuilles: list[st.SearchStrategy[Operande]] = [
        st.sampled_from([Champ(n) for n in ("n1", "n2", "f1", *valeurs)]),
        st.one_of(st.integers(-20, 50), flottants).map(Constante),
        st.builds(Evenements, st.just("ev"), st.integers(1, 24)),
        st.just(Longueur("l1")),
        st.just(MoisDepuis("d1")),
    ]
    if profondeur <= 0:
        return draw(st.one_of(feuilles))
    if not draw(st.booleans()):
        return draw(st.one_of(feuilles))
    operation = draw(st.sampled_from(["somme", "difference", "produit", "quotient", "min", "max"]))
    taille = 2 if operation in ("difference", "quotient") else draw(st.integers(2, 3))
    termes = [draw(nombres(valeurs, profondeur - 1)) for _ in range(taille)]
    if operation == "quotient" and not any(colonnes_operande(termes[1])):
        termes[1] = Champ(draw(st.sampled_from(["n1", "n2", "f1"])))
    return Calcul(operation, tuple(termes))


def sujets(valeurs: tuple[str, ...]) -> st.SearchStrategy[Operande]:
    """What a condition tests: any number but a constant."""
    return nombres(valeurs).filter(lambda o: not isinstance(o, Constante))


def _scalaires(genre: str) -> st.SearchStrategy[Any]:
    return {
        "nombre": st.one_of(st.integers(-5, 40), flottants),
        "texte": st.sampled_from(TEXTES + CATEGORIES),
        "date": dates,
        "booleen": st.booleans(),
    }[genre]


@st.composite
def feuilles(draw: st.DrawFn, valeurs: tuple[str, ...]) -> Condition:
    genre = draw(st.sampled_from(["nombre", "nombre", "texte", "date", "booleen", "liste", "renseigne"]))
    if genre == "liste":
        mode = draw(st.sampled_from(["contient", "contient_un_de", "contient_tous"]))
        taille = 1 if mode == "contient" else draw(st.integers(1, 3))
        return Contient(
            "l1", mode, tuple(draw(st.lists(st.sampled_from(CODES + ("w",)), min_size=taille, max_size=taille)))
        )
    if genre == "renseigne":
        champs = st.sampled_from([Champ(n) for n in SCHEMA if n != "criteres_valides"])
        return Renseigne(draw(st.one_of(champs, sujets(valeurs))), draw(st.booleans()))
    sujet: Operande
    if genre == "nombre":
        sujet = draw(sujets(valeurs))
    else:
        sujet = Champ(draw(st.sampled_from({"texte": ["s1", "e1"], "date": ["d1"], "booleen": ["b1"]}[genre])))
    forme = draw(st.sampled_from(["comparaison", "entre", "parmi"] if genre != "booleen" else ["comparaison", "parmi"]))
    if forme == "entre":
        bornes = sorted(draw(st.lists(_scalaires(genre), min_size=2, max_size=2)))
        return Entre(sujet, bornes[0], bornes[1])
    if forme == "parmi":
        return Parmi(sujet, tuple(draw(st.lists(_scalaires(genre), min_size=1, max_size=3))), hors=draw(st.booleans()))
    operateurs = ("egal", "different") if genre == "booleen" else COMPARAISONS
    operateur = draw(st.sampled_from(operateurs))
    droite: Operande
    if genre == "nombre" and draw(st.booleans()):
        droite = draw(nombres(valeurs, 1))
    elif genre == "texte" and draw(st.booleans()):
        droite = Champ(draw(st.sampled_from(["s1", "e1"])))
    else:
        droite = Constante(draw(_scalaires(genre)))
    return Comparaison(sujet, operateur, droite)


@st.composite
def conditions(draw: st.DrawFn, valeurs: tuple[str, ...], profondeur: int = 2) -> Condition:
    if profondeur <= 0 or draw(st.integers(0, 2)) > 0:
        return draw(feuilles(valeurs))
    forme = draw(st.sampled_from(["tous", "un_de", "non"]))
    if forme == "non":
        return Non(draw(conditions(valeurs, profondeur - 1)))
    enfants = tuple(draw(st.lists(conditions(valeurs, profondeur - 1), min_size=1, max_size=3)))
    return Tous(enfants) if forme == "tous" else UnDe(enfants)


bornes = st.one_of(st.none(), st.integers(-100, 400))


@st.composite
def points(draw: st.DrawFn, valeurs: tuple[str, ...]) -> Points:
    if draw(st.booleans()):
        return Points(fixe=draw(st.integers(-60, 300)))
    return Points(
        fixe=draw(st.sampled_from([0, 0, 5, -10])),
        par_unite=draw(st.sampled_from([1, 2, 10, -3, 0.5, 2.5, -0.75])),
        valeur=draw(nombres(valeurs)),
        plafond=draw(st.one_of(st.none(), st.integers(0, 300))),
        unite=draw(st.sampled_from(["", "mois"])),
    )


@st.composite
def grilles(draw: st.DrawFn) -> Grille:
    jour = draw(st.sampled_from(JOURS))
    valeurs: list[ValeurNommee] = []
    for i in range(draw(st.integers(0, 2))):
        valeurs.append(ValeurNommee(f"v{i}", f"Valeur {i}", draw(nombres(tuple(v.id for v in valeurs)))))
    noms = tuple(v.id for v in valeurs)
    sections = []
    numero = 0
    for s in range(draw(st.integers(1, 3))):
        criteres = []
        for _ in range(draw(st.integers(1, 4))):
            debut = draw(
                st.one_of(st.none(), st.just(jour), st.just(jour + timedelta(days=1)), st.just(date(2020, 1, 1)))
            )
            fin = draw(st.one_of(st.none(), st.just(jour), st.just(jour - timedelta(days=1))))
            criteres.append(
                Critere(
                    id=f"c{numero}",
                    libelle=f"Critère {numero}",
                    base_legale="PPGD",
                    points=draw(points(noms)),
                    condition=draw(st.one_of(st.none(), conditions(noms))),
                    validation=draw(st.sampled_from(["aucune", "aucune", "justificatif", "travailleur_social"])),
                    date_debut=debut,
                    date_fin=fin,
                )
            )
            numero += 1
        plancher, plafond = draw(bornes), draw(bornes)
        if plancher is not None and plafond is not None and plancher > plafond:
            plancher, plafond = plafond, plancher
        sections.append(
            Section(
                id=f"s{s}",
                libelle=f"Section {s}",
                criteres=tuple(criteres),
                exclusive=draw(st.booleans()),
                plafond=plafond,
                plancher=plancher,
            )
        )
    plancher_total, plafond_total = draw(bornes), draw(bornes)
    if plancher_total is not None and plafond_total is not None and plancher_total > plafond_total:
        plancher_total, plafond_total = plafond_total, plancher_total
    return Grille(
        identifiant="aleatoire",
        libelle="Grille aléatoire",
        date_effet=jour,
        sections=tuple(sections),
        valeurs=tuple(valeurs),
        plafond_total=plafond_total,
        plancher_total=plancher_total,
        score_classement=draw(st.sampled_from(["provisoire", "valide"])),
        departage=(CleDepartage("d1", draw(st.sampled_from(["croissant", "decroissant"]))),),
    )


@st.composite
def cas(draw: st.DrawFn) -> tuple[Grille, list[dict[str, Any]]]:
    g = draw(grilles())
    identifiants = [c.id for _, c in g.criteres()]
    return g, draw(demandes(identifiants))


# --- properties ------------------------------------------------------------------------------------


@REGLAGES
@given(cas())
def test_les_deux_evaluateurs_donnent_les_memes_points(donnees: tuple[Grille, list[dict[str, Any]]]) -> None:
    g, lignes = donnees
    cadre = pl.DataFrame(lignes, schema=SCHEMA)

    vectoriel = evaluer(g, cadre, date_reference=g.date_effet).to_dicts()

    for ligne, demande in zip(vectoriel, cadre.to_dicts(), strict=True):
        r = evaluer_un(g, demande, date_reference=g.date_effet)
        assert (
            ligne
            == {"score": r.score, "score_provisoire": r.score_provisoire, "score_valide": r.score_valide} | r.detail()
        )
        # The detail adds up to each score.
        provisoires = [c for c in colonnes_detail(g) if not c.startswith("valide:")]
        valides = [c for c in colonnes_detail(g) if c.startswith("valide:")] or provisoires
        assert sum(ligne[c] for c in provisoires) == ligne["score_provisoire"]
        assert sum(ligne[c] for c in valides) == ligne["score_valide"]
        assert ligne["score"] == (
            ligne["score_valide"] if g.score_classement == "valide" else ligne["score_provisoire"]
        )


@ALLER_RETOUR
@given(grilles())
def test_une_grille_survit_a_l_aller_retour_yaml(g: Grille) -> None:
    relue = lire_grille(grille_vers_yaml(g))

    assert relue == g
