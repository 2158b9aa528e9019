"""Rule 8 of issue 10: a source is cited as a reader would (article, arrêté, date), never with the maintainers'
reliability tags, data-file names or working notes; a source that only says what is missing reads
« non publié à ce jour ». One presentation, ``attrib.engine.sources.texte_source``, used by the templates
(filter ``source``) and the exports."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.template import Context, Template

from attrib.engine.sources import NON_PUBLIE, texte_source
from tests.interface.test_exploration import problemes_du_texte

DATA = Path(settings.BASE_DIR) / "data"


def _textes(objet: object) -> Iterator[str]:
    if isinstance(objet, dict):
        for cle, valeur in objet.items():
            if cle in ("source", "manque", "base_legale", "description") and isinstance(valeur, str):
                yield valeur
            else:
                yield from _textes(valeur)
    elif isinstance(objet, list):
        for element in objet:
            yield from _textes(element)


def sources_des_fichiers() -> list[str]:
    textes: set[str] = set()
    for chemin in sorted([*DATA.glob("parametres/*.yaml"), *DATA.glob("grilles/*.yaml")]):
        textes.update(_textes(yaml.safe_load(chemin.read_text(encoding="utf-8"))))
    for chemin in sorted(DATA.glob("parametres/*.csv")):
        with chemin.open(encoding="utf-8") as f:
            textes.update(ligne["source"] for ligne in csv.DictReader(f) if ligne.get("source"))
    return sorted(textes)


@pytest.mark.parametrize(
    ("stocke", "lu"),
    [
        (
            "DOMAIN.md §1.3 [V] ; handicap reconnu par la carte mobilité inclusion « invalidité ».",
            "handicap reconnu par la carte mobilité inclusion « invalidité ».",
        ),
        ("Aucun arrêté 2026 trouvé dans les sources consultées.", NON_PUBLIE),
        ("Arrêté 2026 non trouvé.", NON_PUBLIE),
        (
            "Méthode de R441-3-1 CCH (arrêté du 10 mars 2011), comme data/parametres/taux_effort.yaml ; "
            "l'aide au logement est celle que le ménage déclare.",
            "Méthode de R441-3-1 CCH (arrêté du 10 mars 2011) ; l'aide au logement est celle que le ménage déclare.",
        ),
        (
            "Lecture bailleur de L822-10 / R822-25 CCH reprise par DOMAIN.md (addendum, « à confirmer ») [K].",
            "Lecture bailleur de L822-10 / R822-25 CCH.",
        ),
        ("Seule la situation la plus favorable compte (règle de Paris, DOMAIN.md §2.1).", None),
        ("L441-2 CCH (loi ELAN, art. 109) : la commission peut prendre une forme numérique.", None),
        ("R441-10 CCH : délai de dix jours [V] ; le défaut de réponse vaut refus [S]/[K].", None),
        ("DOMAIN.md §1.3 [V].", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_une_source_comme_la_cite_un_lecteur(stocke, lu):
    resultat = texte_source(stocke)
    if lu is not None:
        assert resultat == lu
    assert problemes_du_texte(resultat) == []


def test_les_citations_juridiques_sont_gardees_telles_quelles():
    for citation in (
        "R441-3 CCH, 1er alinéa : sauf en cas d'insuffisance du nombre des candidats.",
        "Arrêté du 29 juillet 1987, art. 2 et annexes : six catégories.",
        "L441-1 CCH (rédaction loi 3DS, art. 78) ; décret n° 2002-120 (logement décent).",
    ):
        assert texte_source(citation) == citation


def test_aucune_source_des_fichiers_de_donnees_ne_montre_de_texte_interne():
    textes = sources_des_fichiers()
    assert len(textes) > 100
    fautes = {t: problemes_du_texte(texte_source(t)) for t in textes}
    assert not {t: p for t, p in fautes.items() if p}
    # The tags and the working notes are really in the files: the presentation is what removes them.
    assert sum("[K]" in t or "DOMAIN.md" in t for t in textes) > 10


def test_le_filtre_des_gabarits():
    rendu = Template("{% load attrib_texte %}{{ s|source }}").render(Context({"s": "R441-3 CCH [V] (caleol.yaml)."}))
    assert rendu == "R441-3 CCH."
