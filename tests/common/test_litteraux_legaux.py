"""No legal value written as a literal in a template or in Python outside the parameter tree.

Every legal value lives in ``data/parametres/`` with its source (``attrib.engine.parametres.arbre``); templates
ask for it (``{% parametre_lettres "caleol.delai_reponse_offre_jours" %}``) and Python reads it. The detector
below looks for the forms a legal value takes when someone writes it by hand:

* the legal durations of the tree, in words and in digits (« dix jours », « 10 jours », « douze mois »), and
  the phrasings of the demand's validity and renewal notice (« valable un an », « un mois avant »);
* the minimum of candidates of the CALEOL (« au moins trois candidats », « 3 candidats »);
* the legal shares of the flux and of the CIA, after the words that state a rule (« ne dépasse pas 30 % »);
* the income ceilings of the tree (« 20 870 », « 20870 »);
* a Python constant named like a legal value and set to a number (``NB_SUPPLEANTS = 2``).

Python is read through its syntax tree: string literals (docstrings excepted: they explain the rule and may
quote the law) and module or class constants. Templates are read as text. Migrations are history and are
not read; the parameter tree itself (``attrib/engine/parametres/``) is where values belong.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, Arbre, charger_arbre
from attrib.engine.parametres.nombres import en_lettres

ATTRIB = Path(__file__).resolve().parents[2] / "attrib"
ARBRE = ATTRIB / "engine" / "parametres"

#: Durations the law (or the tree's settings users are told about) sets, by path of the tree.
DUREES = (
    "caleol.delai_reponse_offre_jours",
    "cycle_demande.validite",
    "cycle_demande.preavis_renouvellement",
    "cycle_demande.delai_enregistrement",
    "flux.delai_proposition_defaut",
)
#: Legal shares, by path and key of the value.
PARTS = (
    ("flux.plafond_part_etat", None),
    ("flux.plafond_part_agents_etat", None),
    ("objectifs_attribution.q1_hors_qpv", "taux"),
    ("objectifs_attribution.non_q1_en_qpv", "taux"),
    ("objectifs_attribution.prioritaires_par_reservataire", "taux"),
    ("categories_menage.baisse_revenus_minimum", None),
)
_NOMS_UNITE = {"jours": ("jour", "jours"), "mois": ("mois", "mois"), "ans": ("an", "ans")}
_ESPACE = r"[ \u00a0\u202f]"
#: Words after which a share states a rule rather than a measure (« au moins 25 % », « ne dépasse pas 30 % »).
_REGLE = r"(?:au moins|au plus|ne dépasse pas|dépasser|plafond de|plafonnée? à|objectif de|dont|limitée? à)"
#: A Python constant whose name says it holds a legal value.
_CONSTANTE = re.compile(r"^[A-Z0-9_]*(?:SUPPLEANTS?|CANDIDATS|DELAI|QUORUM|PLAFOND|PREAVIS|VALIDITE)[A-Z0-9_]*$")


#: Constants whose name looks legal but which hold no legal value (each with the reason).
CONSTANTES_NON_LEGALES = {
    "DELAI_ENREGISTREMENT_MAX_JOURS": "demo: the synthetic demands are registered within this many days of filing",
    "PLAFOND_ALLOCATION_LOGEMENT": "demo: cap of the synthetic housing benefit a demand declares",
}


@dataclass(frozen=True)
class Litteral:
    motif: str
    texte: str


def _duree(n: int, unite: str) -> list[str]:
    singulier, pluriel = _NOMS_UNITE[unite]
    nom = singulier if n == 1 else pluriel
    formes = [rf"\b{re.escape(en_lettres(n))}{_ESPACE}+{nom}\b", rf"\b{n}{_ESPACE}*{nom}\b"]
    if unite == "mois" and n % 12 == 0:
        ans = n // 12
        mot = "an" if ans == 1 else "ans"
        # « un an » alone is too common (« au plus un an » of an export period): only in validity phrasings.
        formes.append(
            rf"\b(?:valables?|valides?|validité|prolonge\w*|renouvel\w*|pour|durée)\b[^.;]{{0,25}}?"
            rf"\b(?:d'|de{_ESPACE}+)?{re.escape(en_lettres(ans))}{_ESPACE}+{mot}\b"
        )
    if n == 1:
        # « un mois » alone measures anything; « un mois avant » states the renewal notice.
        formes = [
            rf"\b(?:au moins{_ESPACE}+)?un{_ESPACE}+{nom}{_ESPACE}+avant\b",
            rf"\b1{_ESPACE}*{nom}{_ESPACE}+avant\b",
        ]
    return formes


def motifs(arbre: Arbre) -> list[re.Pattern[str]]:
    """The patterns of the legal values of the tree, every value it ever had."""
    sources: set[str] = set()
    for chemin in DUREES:
        for v in arbre.serie(chemin):
            sources.update(_duree(int(v.valeur), v.unite))
    for v in arbre.serie("caleol.candidats_minimum"):
        n = int(v.valeur)
        sources.add(rf"\b(?:{re.escape(en_lettres(n))}|{n}){_ESPACE}+(?:candidats|candidatures|demandes)\b")
    for chemin, cle in PARTS:
        for v in arbre.serie(chemin):
            brute = v.valeur[cle] if cle else v.valeur
            centiemes = (float(brute) * 100).__round__(2)
            nombre = f"{centiemes:g}".replace(".", ",")
            sources.add(rf"{_REGLE}\b[^.;%]{{0,30}}?(?<![\d,]){re.escape(nombre)}{_ESPACE}*%")
    for chemin in arbre.enfants("plafonds_ressources"):
        for v in arbre.serie(chemin):
            if isinstance(v.valeur, int) and v.valeur >= 10_000:
                milliers, unites = divmod(v.valeur, 1000)
                sources.add(rf"(?<![\d.,]){milliers}(?:{_ESPACE}?){unites:03d}(?![\d.,])")
    return [re.compile(s, re.IGNORECASE) for s in sorted(sources)]


def litteraux_texte(texte: str, motifs_: list[re.Pattern[str]]) -> list[Litteral]:
    return [Litteral(m.pattern, trouve.group(0)) for m in motifs_ for trouve in m.finditer(texte)]


def _docstrings(arbre_py: ast.AST) -> set[int]:
    ids: set[int] = set()
    for noeud in ast.walk(arbre_py):
        if isinstance(noeud, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and noeud.body:
            premier = noeud.body[0]
            if isinstance(premier, ast.Expr) and isinstance(premier.value, ast.Constant):
                ids.add(id(premier.value))
    return ids


def _constantes(arbre_py: ast.Module) -> Iterator[Litteral]:
    corps = list(arbre_py.body) + [n for c in arbre_py.body if isinstance(c, ast.ClassDef) for n in c.body]
    for noeud in corps:
        cibles: list[ast.expr] = []
        valeur: ast.expr | None = None
        if isinstance(noeud, ast.Assign):
            cibles, valeur = list(noeud.targets), noeud.value
        elif isinstance(noeud, ast.AnnAssign):
            cibles, valeur = [noeud.target], noeud.value
        if not isinstance(valeur, ast.Constant) or isinstance(valeur.value, bool):
            continue
        if not isinstance(valeur.value, int | float):
            continue
        for cible in cibles:
            if isinstance(cible, ast.Name) and _CONSTANTE.match(cible.id) and cible.id not in CONSTANTES_NON_LEGALES:
                yield Litteral("constante", f"{cible.id} = {valeur.value!r}")


def litteraux_python(source: str, motifs_: list[re.Pattern[str]]) -> list[Litteral]:
    module = ast.parse(source)
    docstrings = _docstrings(module)
    trouves = list(_constantes(module))
    for noeud in ast.walk(module):
        if isinstance(noeud, ast.Constant) and isinstance(noeud.value, str) and id(noeud) not in docstrings:
            trouves.extend(litteraux_texte(noeud.value, motifs_))
    return trouves


def _fichiers() -> list[Path]:
    fichiers = [
        p
        for p in ATTRIB.rglob("*")
        if p.suffix in (".py", ".html", ".txt")
        and "migrations" not in p.parts
        and ARBRE not in p.parents
        and "__pycache__" not in p.parts
    ]
    return sorted(fichiers)


@pytest.fixture(scope="module")
def motifs_arbre() -> list[re.Pattern[str]]:
    return motifs(charger_arbre())


# --- the detector itself: it must see what someone would write by hand ----------------------------------------


@pytest.mark.parametrize(
    "ecrit",
    [
        "<p>Le demandeur a dix jours pour répondre.</p>",
        "<p>Vous disposez de 10 jours.</p>",
        "<p>Votre demande est valable un an.</p>",
        "<p>Le renouvellement la prolonge d'un an.</p>",
        "<p>La demande vaut douze mois.</p>",
        "<p>Vous serez averti au moins un mois avant l'échéance.</p>",
        "<p>La commission examine au moins trois candidats par logement.</p>",
        "<p>La part de l'État ne dépasse pas 30 % du flux annuel.</p>",
        "<p>Objectif : au moins 25 % des attributions hors QPV.</p>",
        "<p>Plafond PLUS : 24 316 € pour une personne seule.</p>",
        "<dt>Revenus N-1 (baisse d'au moins 10 %)</dt>",
    ],
)
def test_le_detecteur_voit_une_valeur_legale_ecrite_a_la_main(
    ecrit: str, motifs_arbre: list[re.Pattern[str]], tmp_path: Path
) -> None:
    assert litteraux_texte(ecrit, motifs_arbre), f"non détecté : {ecrit}"
    module = tmp_path / "module.py"
    module.write_text(f'"""Docstring: {ecrit} (expliquer la règle est permis)."""\n\nMESSAGE = {ecrit!r}\n')
    trouves = litteraux_python(module.read_text(), motifs_arbre)
    assert trouves, f"non détecté dans une chaîne Python : {ecrit}"


@pytest.mark.parametrize(
    "ecrit",
    [
        '<p>Le demandeur a {% parametre_lettres "caleol.delai_reponse_offre_jours" %} pour répondre.</p>',
        "<p>Vous disposez de {{ delai_jours }} jours.</p>",
        "<p>Ancienneté : moins d'un mois.</p>",
        "<p>Une période d'au plus un an : exportez année par année.</p>",
        "<p>{{ point.candidats|length }} candidats examinés au lieu de {{ point.minimum }}.</p>",
        "<p>de 25 % à moins de 50 % des résidences notées 1 ou 2</p>",
        "<p>Part du flux en % (par exemple 25 ou 12,5).</p>",
    ],
)
def test_le_detecteur_laisse_passer_ce_qui_n_est_pas_une_valeur_legale(
    ecrit: str, motifs_arbre: list[re.Pattern[str]]
) -> None:
    assert litteraux_texte(ecrit, motifs_arbre) == []


def test_le_detecteur_voit_une_constante_et_pas_une_docstring(motifs_arbre: list[re.Pattern[str]]) -> None:
    source = (
        '"""Le demandeur a dix jours pour répondre (R441-10)."""\n\n'
        "NB_SUPPLEANTS = 2\n"
        "DELAI_REPONSE_JOURS: int = 10\n"
        "ETAPE_LECTURE = 1\n\n"
        "def f():\n"
        '    """Au moins trois candidats (R441-3)."""\n'
        '    return "vous aurez dix jours pour y répondre"\n'
    )
    trouves = litteraux_python(source, motifs_arbre)
    assert [t.texte for t in trouves] == ["NB_SUPPLEANTS = 2", "DELAI_REPONSE_JOURS = 10", "dix jours"]


def test_le_detecteur_suit_les_valeurs_de_l_arbre(tmp_path: Path) -> None:
    """Patterns come from the tree: a delay changed to 15 days on 2030-01-01 makes « quinze jours » a literal,
    and « dix jours » stays one (a value the tree ever had)."""
    dossier = tmp_path / "parametres"
    shutil.copytree(DOSSIER_PAR_DEFAUT, dossier)
    caleol = dossier / "caleol.yaml"
    caleol.write_text(
        caleol.read_text(encoding="utf-8").replace("delai_reponse_offre_jours:\n", _DELAI_2030, 1), encoding="utf-8"
    )
    motifs_ = motifs(charger_arbre(dossier))
    assert litteraux_texte("Vous aurez quinze jours pour répondre.", motifs_)
    assert litteraux_texte("Vous aurez dix jours pour répondre.", motifs_)
    assert not litteraux_texte("Vous aurez quinze jours pour répondre.", motifs(charger_arbre()))


_DELAI_2030 = (
    "delai_reponse_offre_jours:\n"
    "  - date_effet: 2030-01-01\n"
    "    valeur: 15\n"
    '    source: "Valeur d\'essai pour ce test, pas une donnée réelle."\n'
    "    fiabilite: K\n"
)


# --- the tree of the product ------------------------------------------------------------------------------------


def test_aucune_valeur_legale_ecrite_dans_les_gabarits_ni_le_python(motifs_arbre: list[re.Pattern[str]]) -> None:
    trouves: list[str] = []
    for chemin in _fichiers():
        texte = chemin.read_text(encoding="utf-8")
        lus = litteraux_python(texte, motifs_arbre) if chemin.suffix == ".py" else litteraux_texte(texte, motifs_arbre)
        trouves.extend(f"{chemin.relative_to(ATTRIB.parent)} : « {t.texte} »" for t in lus)
    assert trouves == [], "Valeurs légales écrites en dur (à lire dans l'arbre des paramètres) :\n" + "\n".join(trouves)


def test_le_balayage_lit_les_gabarits_et_le_python() -> None:
    fichiers = _fichiers()
    assert ATTRIB / "commissions" / "templates" / "commissions" / "offres.html" in fichiers
    assert ATTRIB / "rapprochement" / "services.py" in fichiers
    assert not any(ARBRE in p.parents for p in fichiers)
