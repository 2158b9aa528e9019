"""Plain language of what a household reads about its score (issue 13, point 7; decision 0031).

The tool (``attrib.engine.lisibilite``: Kandel & Moles' readability, syllables, acronyms, trade words, internal
values) is checked on golden words and texts; then every criterion of the grid files the demo publishes
(``data/grilles/``), in every state a household can meet, is explained in the applicant's words
(``attrib.engine.cotation.explication_demandeur``) and must pass the rules of
``attrib/engine/donnees/langage_clair.yaml``; then the score part of « Ma demande » and the notices, as rendered.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.template.loader import render_to_string

from attrib.avis.redaction import TITRES, rediger_evenement
from attrib.cotation.calcul import criteres_sensibles
from attrib.demo.cotation import GRILLES_DEMO, cotation_demo_installer
from attrib.engine.cotation.explication_demandeur import (
    LignePoints,
    article_en_clair,
    etat_demandeur,
    origine_demandeur,
    phrase_demandeur,
    phrases_score,
    source_demandeur,
)
from attrib.engine.cotation.grille import Critere, Grille, charger_grille
from attrib.engine.cotation.priorites import charger_priorites
from attrib.engine.cotation.vectorise import PLAFOND_TOTAL, PREFIXE_PLAFOND
from attrib.engine.lisibilite import charger_regles, examiner, kandel_moles, lix, mesurer, mots, phrases, syllabes
from attrib.information import selectors
from attrib.organisations.acteurs import acteur_systeme
from tests.factories import creer_demande, guichet, personne, territoire_minimal
from tests.factories.modeles import organisation_epci

RACINE = Path(__file__).resolve().parents[2]
GRILLES = [RACINE / "data" / "grilles" / fichier for _, fichier in GRILLES_DEMO]
ARTICLES = {p.code: p.base_legale for p in charger_priorites()}
#: The names the pages print as they are.
NOMS = ["CA Le Grand Narbonne"]


def _codes_sensibles() -> frozenset[str]:
    donnees = yaml.safe_load((RACINE / "data" / "parametres" / "priorites_l441_1.yaml").read_text(encoding="utf-8"))
    return frozenset(p["code"] for p in donnees["priorites"] if p.get("sensible"))


# --- the tool --------------------------------------------------------------------------------------------------

SYLLABES = {
    "table": 1,
    "le": 1,
    "vie": 1,
    "points": 1,
    "eau": 1,
    "demande": 2,
    "ménage": 2,
    "ménages": 2,
    "famille": 2,
    "année": 2,
    "oiseau": 2,
    "question": 2,
    "client": 2,
    "créer": 2,
    "loyer": 2,
    "moyen": 2,
    "guérir": 2,
    "logement": 3,
    "commission": 3,
    "actuel": 3,
    "réaction": 3,
    "poésie": 3,
    "habitation": 4,
    "situation": 4,
    "priorité": 4,
    "ancienneté": 4,
}


@pytest.mark.parametrize(("mot", "attendu"), sorted(SYLLABES.items()))
def test_syllabes_des_mots_etalons(mot: str, attendu: int) -> None:
    assert syllabes(mot) == attendu


def test_mots_phrases_et_formules() -> None:
    assert mots("L'ancienneté de la demande : 1 000 points, c'est-à-dire beaucoup.") == [
        "L'ancienneté",
        "de",
        "la",
        "demande",
        "1 000",
        "points",
        "c'est-à-dire",
        "beaucoup",
    ]
    # A colon or a semicolon does not end a sentence; a full stop, a line break (a list item) does.
    assert phrases("Votre score : 30 points ; bravo. Suite !\n- Un point\n- Deux") == [
        "Votre score : 30 points ; bravo.",
        "Suite !",
        "Un point",
        "Deux",
    ]
    # 1 sentence, 3 words, 3 syllables: 207 − 1.015 × 3 − 73.6 × 1.
    assert kandel_moles("Le chat dort.") == pytest.approx(207 - 1.015 * 3 - 73.6)
    # 2 sentences, 6 words (« ménage » 2 syllables, « logement » 3, « vide » 1: its final e is mute), 9 syllables.
    texte = "Le ménage dort. Un logement vide."
    assert mesurer(texte).syllabes == 1 + 2 + 1 + 1 + 3 + 1
    assert kandel_moles(texte) == pytest.approx(207 - 1.015 * 3 - 73.6 * 9 / 6)
    # LIX: words per sentence + 100 × words longer than six letters / words.
    assert lix(texte) == pytest.approx(3 + 100 * 1 / 6)
    # Plain beats legal.
    assert kandel_moles("Vous avez des points en plus. Votre pièce est acceptée.") > kandel_moles(
        "Cotation subordonnée à la justification administrative préalable des circonstances déclarées."
    )


@pytest.mark.parametrize(
    ("texte", "raison"),
    [
        ("Ménage reconnu DALO : 1 000 points.", "sigle non expliqué : « DALO »"),
        ("Logement en QPV.", "sigle non expliqué : « QPV »"),
        ("Avis de la XYZT.", "sigle inconnu : « XYZT »"),
        ("Taux d'effort supérieur à 40 %.", "mot du métier non expliqué : « taux d'effort »"),
        ("Votre token a expiré.", "mot technique anglais"),
        ("Critère l441_g_violences.", "code interne"),
        ("Source : DOMAIN.md §1.3 [K].", "étiquette de fiabilité"),
        ("Voir socle.yaml.", "nom de fichier"),
        ("Valeur : None.", "valeur technique"),
        ("Bonjour {{ nom }}.", "gabarit non rendu"),
        (" ".join(["mot"] * 26) + ".", "phrase trop longue : 26 mots"),
        ("Incompatibilité administrative caractérisée.", "texte trop difficile"),
    ],
)
def test_l_examen_trouve_chaque_defaut(texte: str, raison: str) -> None:
    assert any(raison in d.raison for d in examiner(texte)), examiner(texte)


def test_un_texte_clair_passe_et_un_sigle_explique_une_fois_suffit() -> None:
    texte = [
        "Votre ménage est reconnu au titre du droit au logement opposable (DALO) : 1 000 points.",
        "Le DALO passe en premier.",
        "Loyer et charges : plus de 40 % des ressources (taux d'effort).",
    ]
    assert examiner(texte) == []
    # A proper name is read as it is.
    assert examiner("Grille adoptée par CA Le Grand Narbonne.", noms_propres=NOMS) == []
    regles = charger_regles()
    assert regles.seuil_texte == 60 and regles.mots_par_phrase_max == 25 and "CALEOL" in regles.sigles


# --- every criterion of the grid files --------------------------------------------------------------------------


def _points(critere: Critere) -> int:
    p = critere.points
    if p.proportionnel and p.par_unite is not None:
        brut = int(p.fixe + p.par_unite * 12)
        return max(-(p.plafond or abs(brut)), min(p.plafond or abs(brut), brut))
    return p.fixe


def _etats(critere: Critere) -> list[tuple[int, int]]:
    """(provisional, validated) points of every state a household can meet."""
    n = _points(critere)
    return [(n, 0), (n, n), (0, n)] if critere.a_valider else [(n, n)]


def _lignes(grille: Grille, sensibles: frozenset[str]) -> list[tuple[str, LignePoints]]:
    lignes = []
    for section, critere in grille.criteres():
        for p, v in _etats(critere):
            lignes.append((f"{critere.id} ({p}, {v})", LignePoints(critere.id, p, v, section, critere)))
            if critere.id in sensibles:
                lignes.append(
                    (f"{critere.id} ({p}, {v}) masqué", LignePoints(critere.id, p, v, section, critere, True))
                )
    for section in grille.sections:
        if section.bornee:
            lignes.append((section.id, LignePoints(PREFIXE_PLAFOND + section.id, -50, -50, section)))
    if grille.bornee:
        lignes.append(("total", LignePoints(PLAFOND_TOTAL, -50, -50)))
    return lignes


@pytest.mark.parametrize("chemin", GRILLES, ids=lambda c: c.name)
def test_chaque_critere_des_grilles_s_explique_en_langage_clair(chemin: Path) -> None:
    grille = charger_grille(chemin)
    sensibles = criteres_sensibles(grille, _codes_sensibles())
    assert sensibles, "the grid has sensitive criteria: their confidential wording is checked too"
    defauts: list[str] = []
    textes: dict[str, list[str]] = {"ménage": [], "autre lecteur": []}
    for nom, ligne in _lignes(grille, sensibles):
        # A row of the table: its name and points, how they are counted, where they stand, what it rests on.
        bloc = [*phrase_demandeur(ligne), source_demandeur(ligne, articles=ARTICLES)]
        if ligne.critere is None or not ligne.critere.a_valider:
            bloc.insert(-1, etat_demandeur(ligne))
        # What one criterion says, read alone (shorter than 100 words: the « short text » threshold).
        defauts += [f"{nom} : {d}" for d in examiner(bloc)]
        if ligne.critere is not None and not ligne.confidentiel:
            assert "loi" in bloc[-1] or "territoire" in bloc[-1], bloc  # its source, in words
        lecteurs = ["autre lecteur"] if ligne.confidentiel else ["ménage"]
        if ligne.critere is None or ligne.critere.id not in sensibles:
            lecteurs = ["ménage", "autre lecteur"]
        for lecteur in lecteurs:
            textes[lecteur] += bloc
    cadre = [
        origine_demandeur(organisation="CA Le Grand Narbonne", date_effet=grille.date_effet),
        *phrases_score(1250, 630),
        *phrases_score(630, 630),
    ]
    # The whole explanation, as the household and as a reader given access read it (far more than 100 words).
    for lecteur, phrases_lues in textes.items():
        assert mesurer(phrases_lues).mots >= charger_regles().mots_texte
        defauts += [f"texte lu par {lecteur} : {d}" for d in examiner([*cadre, *phrases_lues], noms_propres=NOMS)]
    assert not defauts, "\n".join(defauts)


def test_les_articles_de_loi_sont_dits_en_toutes_lettres_sans_la_lettre_de_la_priorite() -> None:
    assert article_en_clair("L441-1 g) CCH") == "article L441-1 du code de la construction et de l'habitation"
    assert article_en_clair("L441-1 h) CCH ; L121-9 CASF") == (
        "article L441-1 du code de la construction et de l'habitation"
    )
    assert article_en_clair("PPGD (critère local)") == ""


# --- as rendered -------------------------------------------------------------------------------------------------


def _visible(page: str) -> list[str]:
    page = re.sub(r"(?i)<(?:br|/p|/li|/h\d|/td|/th|/summary)\b[^>]*>", "\n", page)
    texte = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return [re.sub(r"\s+", " ", ligne).strip() for ligne in texte.splitlines() if ligne.strip()]


@pytest.mark.django_db
def test_la_partie_score_de_ma_demande_se_lit_facilement(horloge: Any) -> None:
    """A household with a DALO decision waiting for its document, a violence situation and seniority, on the
    demo's grids: its score part of « Ma demande », as it and as a social worker read it."""
    territoire_minimal()
    desk = guichet()
    demandes = [
        creer_demande(guichet_org=desk, personnes=[personne(nom=f"Voisin{n}")], date_depot=date(2024, 1, 1))
        for n in range(3)
    ]
    demande = creer_demande(
        guichet_org=desk,
        personnes=[personne(nom="Clair")],
        priorites=("l441_g",),
        dalo_reconnu=True,
        dalo_date_decision=date(2025, 1, 1),
        date_depot=date(2024, 6, 1),
    )
    cotation_demo_installer(epci_org=organisation_epci(), auteur=acteur_systeme("test"), jour=date(2026, 6, 15))
    assert all(d.pk for d in demandes)
    for voit in (True, False):
        situation = selectors.situation_de(demande=demande, jour=date(2026, 6, 15), voit_sensible=voit)
        simulations = selectors.simulations_de(demande=demande, jour=date(2026, 6, 15), voit_sensible=voit)
        assert situation is not None and simulations
        explication = [
            situation.origine,
            *situation.explication,
            *(ligne.source for ligne in situation.lignes),
        ]
        assert mesurer(explication).mots >= charger_regles().mots_texte
        assert examiner(explication, noms_propres=NOMS) == []
        assert any("droit au logement opposable (DALO)" in p for p in situation.explication) or not voit
        page = _visible(
            render_to_string("information/_situation.html", {"situation": situation})
            + render_to_string("information/_simulations.html", {"simulations": simulations})
        )
        noms = [*NOMS, situation.grille]
        # The whole part, tables and figures included: vocabulary and sentence length.
        fautes = [str(d) for d in examiner(page, noms_propres=noms) if "texte trop difficile" not in d.raison]
        assert not fautes, "\n".join(fautes)
        assert ("violences" in " ".join(page).lower()) is voit


@pytest.mark.django_db
def test_les_avis_se_lisent_facilement(horloge: Any) -> None:
    """Every notice Attrib writes from its own templates (``avis/textes/``), with the details a real event
    carries; the notices whose words come from the commission's record are read by ``tests/demandeurs``."""
    territoire_minimal()
    demande = creer_demande(guichet_org=guichet(), personnes=[personne(email="clair@example.org")])
    details: dict[str, dict[str, Any]] = {
        "enregistrement": {"echeance": "2027-06-15"},
        "renouvellement": {},
        "avis_renouvellement": {"echeance": "2026-07-15"},
        "pieces_attendues": {"ajoutees": ["identite : Pièce d'identité du demandeur"], "retirees": 0},
        "piece_validee": {},
        "piece_refusee": {"motif": "La pièce n'est pas lisible."},
        "situation_validee": {},
        "radiation": {"motif": "renonciation"},
    }
    defauts = []
    for action, faits in details.items():
        assert action in TITRES
        redaction = rediger_evenement(action=action, demande=demande, details=faits, resume="")
        defauts += [f"{action} : {d}" for d in examiner([redaction.titre, redaction.texte], noms_propres=NOMS)]
    assert not defauts, "\n".join(defauts)
