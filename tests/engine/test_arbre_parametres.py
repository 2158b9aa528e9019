"""The one parameter tree: every file loaded and checked, the value in force on a day with its source."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides
from attrib.engine.parametres.arbre import (
    DOSSIER_PAR_DEFAUT,
    FIABILITES,
    SCHEMAS,
    SchemaCsv,
    charger_arbre,
    parcourir,
    valeur,
)
from attrib.engine.parametres.nombres import duree_en_lettres, en_lettres, pourcentage

FICHIERS = sorted(p.name for p in DOSSIER_PAR_DEFAUT.iterdir() if p.suffix in (".yaml", ".csv"))


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    copie = tmp_path / "parametres"
    shutil.copytree(DOSSIER_PAR_DEFAUT, copie)
    return copie


def _remplacer(chemin: Path, avant: str, apres: str) -> None:
    texte = chemin.read_text(encoding="utf-8")
    assert avant in texte
    chemin.write_text(texte.replace(avant, apres, 1), encoding="utf-8")


# --- every file, through the one loader ---------------------------------------------------------------------------


@pytest.mark.parametrize("nom", FICHIERS)
def test_chaque_fichier_a_un_schema_et_se_charge(nom: str) -> None:
    arbre = charger_arbre()
    assert nom in SCHEMAS, f"{nom} n'a pas de schéma"
    assert nom in arbre.fichiers
    racine = nom.rsplit(".", 1)[0]
    feuilles = [c for c in arbre.feuilles if c.split(".")[0] == racine]
    if not getattr(SCHEMAS[nom], "non_date", False):
        assert feuilles, f"{nom} : aucune valeur datée"
    for chemin in feuilles:
        serie = arbre.serie(chemin)
        for v in serie:
            assert v.fichier == nom
            assert v.fiabilite in FIABILITES
            assert v.source.strip(), f"{chemin} : valeur sans source"
            assert v.renseignee or v.manque, f"{chemin} : valeur absente sans dire ce qui manque"
        # Periods follow each other without overlap.
        for avant, apres in zip(serie, serie[1:], strict=False):
            assert avant.fin is not None and avant.fin < apres.debut


def test_tous_les_fichiers_du_dossier_sont_declares() -> None:
    assert sorted(SCHEMAS) == FICHIERS


def test_une_seule_lecture_par_dossier() -> None:
    assert charger_arbre() is charger_arbre(DOSSIER_PAR_DEFAUT)


def test_les_tables_csv_sont_des_feuilles_datees() -> None:
    assert isinstance(SCHEMAS["plafonds_ressources.csv"], SchemaCsv)
    v = valeur("plafonds_ressources.PLUS.autres_regions.1", date(2026, 7, 14))
    assert (v.debut, v.fin, v.fiabilite) == (date(2026, 1, 1), date(2026, 12, 31), "V")
    assert isinstance(v.valeur, int) and v.valeur > 20_000
    # A ceiling holds for its year only: never carried to a year without a published table.
    with pytest.raises(ParametreNonRenseigne, match=r"plafonds_ressources\.PLAI\.autres_regions\.1.*01/06/2026"):
        valeur("plafonds_ressources.PLAI.autres_regions.1", date(2026, 6, 1))
    rennes = valeur("delai_anormalement_long.35.4.plus", date(2013, 6, 1))
    assert (rennes.valeur, rennes.unite, rennes.fin) == (24, "mois", date(2013, 12, 31))
    aude = valeur("delai_anormalement_long_departements.11", date(2026, 12, 6))
    assert aude.valeur == {"nom": "Aude", "etat": "non_publie"}


# --- the value in force on a day: golden cases --------------------------------------------------------------------


def test_valeur_en_vigueur_avec_sa_source_et_sa_periode() -> None:
    v = valeur("caleol.delai_reponse_offre_jours", date(2026, 12, 6))
    assert (v.valeur, v.unite, v.fiabilite, v.debut, v.fin) == (10, "jours", "V", date(2011, 4, 1), None)
    assert v.source.startswith("R441-10 CCH")
    assert v.etiquette == "[V]"


def test_avant_la_premiere_date_d_effet_une_erreur_claire() -> None:
    with pytest.raises(
        ParametreNonRenseigne, match=r"« caleol\.delai_reponse_offre_jours » non renseigné au 31/03/2011"
    ):
        valeur("caleol.delai_reponse_offre_jours", date(2011, 3, 31))


def test_chemin_inconnu_une_erreur_claire() -> None:
    with pytest.raises(ParametreNonRenseigne, match=r"« caleol\.delai_inconnu » inconnu"):
        valeur("caleol.delai_inconnu", date(2026, 1, 1))


def test_une_valeur_qui_change_a_une_date(dossier: Path) -> None:
    _remplacer(
        dossier / "caleol.yaml",
        "delai_reponse_offre_jours:\n",
        "delai_reponse_offre_jours:\n"
        "  - date_effet: 2030-01-01\n"
        "    valeur: 15\n"
        '    source: "Valeur d\'essai pour ce test, pas une donnée réelle."\n'
        "    fiabilite: K\n",
    )
    veille = valeur("caleol.delai_reponse_offre_jours", date(2029, 12, 31), dossier=dossier)
    jour = valeur("caleol.delai_reponse_offre_jours", date(2030, 1, 1), dossier=dossier)
    assert (veille.valeur, veille.debut, veille.fin) == (10, date(2011, 4, 1), date(2029, 12, 31))
    assert (jour.valeur, jour.debut, jour.fin, jour.fiabilite) == (15, date(2030, 1, 1), None, "K")
    # The repository's tree is untouched.
    assert valeur("caleol.delai_reponse_offre_jours", date(2030, 1, 1)).valeur == 10


def test_une_valeur_bornee_par_date_fin_laisse_un_trou(dossier: Path) -> None:
    _remplacer(
        dossier / "caleol.yaml",
        "    valeur: 10\n",
        "    date_fin: 2011-12-31\n    valeur: 10\n",
    )
    assert valeur("caleol.delai_reponse_offre_jours", date(2011, 12, 31), dossier=dossier).valeur == 10
    with pytest.raises(ParametreNonRenseigne, match="non renseigné au 01/01/2012"):
        valeur("caleol.delai_reponse_offre_jours", date(2012, 1, 1), dossier=dossier)


def test_une_valeur_connue_comme_manquante_le_dit() -> None:
    arbre = charger_arbre()
    entree = arbre.entree("seuils_q1.seuils.241100593", date(2025, 6, 1))
    assert (
        entree is not None
        and entree.valeur is None
        and (entree.debut, entree.fin)
        == (
            date(2025, 1, 1),
            date(2025, 12, 31),
        )
    )
    with pytest.raises(ParametreNonRenseigne, match=r"seuils_q1\.seuils\.241100593.*non publié.*arrêté du 3 juin 2025"):
        arbre.valeur("seuils_q1.seuils.241100593", date(2025, 6, 1))


def test_les_codes_d_une_liste_sont_des_branches() -> None:
    arbre = charger_arbre()
    exclusions = arbre.en_vigueur("flux.exclusions_assiette", date(2026, 1, 1))
    assert "mutation_interne" in exclusions
    assert exclusions["mutation_interne"].valeur["libelle"].startswith("Mutation interne")
    assert arbre.en_vigueur("flux.exclusions_assiette", date(2019, 1, 1)) == {}
    dalo = arbre.valeur("priorites_l441_1.priorites.dalo", date(2026, 1, 1))
    assert dalo.article == "L441-2-3 CCH" and dalo.valeur["code"] == "dalo"


def test_source_lisible_sans_etiquette_ni_fichier() -> None:
    v = valeur("objectifs_attribution.prioritaires_par_reservataire", date(2026, 1, 1))
    assert "DOMAIN.md" in v.source and v.fiabilite == "K"
    assert "DOMAIN.md" not in v.source_lisible and "[K]" not in v.source_lisible
    zones = valeur("zones_plafonds.paris_communes_limitrophes", date(2026, 1, 1))
    assert "legifrance.gouv.fr" in zones.source  # cited through the file's list of sources
    assert "[K]" not in zones.source_lisible


# --- schemas: refused at load, in French, naming the file and the key --------------------------------------------


def test_fichier_sans_schema_refuse(dossier: Path) -> None:
    (dossier / "nouveau.yaml").write_text("a: 1\n", encoding="utf-8")
    with pytest.raises(ParametresInvalides, match=r"nouveau\.yaml : fichier sans schéma"):
        charger_arbre(dossier)


@pytest.mark.parametrize(
    ("fichier", "avant", "apres", "message"),
    [
        (
            "caleol.yaml",
            "candidats_minimum:\n",
            "candidats_mini:\n",
            r"caleol\.yaml : clé « candidats_minimum » manquante",
        ),
        (
            "caleol.yaml",
            "    valeur: 3\n",
            '    valeur: "trois"\n',
            r"caleol\.yaml, candidats_minimum\[1\], valeur : entier",
        ),
        (
            "caleol.yaml",
            "    fiabilite: V\n",
            "    fiabilite: X\n",
            r"caleol\.yaml, candidats_minimum\[1\] : fiabilité « X » inconnue",
        ),
        (
            "caleol.yaml",
            "  - date_effet: 2015-09-01\n",
            "  - date_effet: 2015-13-01\n",
            r"caleol\.yaml : YAML illisible \(month must be in 1\.\.12\)",
        ),
        (
            "caleol.yaml",
            "  - date_effet: 2015-09-01\n",
            "  - date_effet: demain\n",
            r"caleol\.yaml, candidats_minimum\[1\] : « date_effet » manquante",
        ),
        (
            "cycle_demande.yaml",
            '    source: "R441-2-7 CCH : la demande a une durée de validité d\'un an à compter de son dépôt ou de son renouvellement."\n',
            '    source: ""\n',
            r"cycle_demande\.yaml, validite\[1\] : « source » vide",
        ),
        (
            "cycle_demande.yaml",
            "    unite: mois\n",
            "    unite: semaines\n",
            r"cycle_demande\.yaml, validite\[1\] : unité « semaines » inconnue",
        ),
        (
            "flux.yaml",
            'valeur: "0.30"',
            'valeur: "1.30"',
            r"flux\.yaml, plafond_part_etat\[1\], valeur : part entre 0 et 1",
        ),
        (
            "seuils_q1.yaml",
            '    manque: "Arrêté 2026 non trouvé."\n',
            "",
            r"seuils_q1\.yaml, seuils\[3\] : « source » vide",
        ),
        (
            "plafonds_ressources.csv",
            "PLUS,autres_regions,1,2026-01-01,",
            "PLUS,autres_regions,1,2026-01-32,",
            r"plafonds_ressources\.csv, ligne \d+, date_effet : date « 2026-01-32 » invalide",
        ),
    ],
)
def test_fichier_mal_forme_refuse(dossier: Path, fichier: str, avant: str, apres: str, message: str) -> None:
    _remplacer(dossier / fichier, avant, apres)
    with pytest.raises(ParametresInvalides, match=message):
        charger_arbre(dossier)


def test_deux_valeurs_le_meme_jour_refusees(dossier: Path) -> None:
    _remplacer(
        dossier / "caleol.yaml",
        "majorite:\n",
        'majorite:\n  - date_effet: 2015-09-01\n    valeur: unanimite\n    source: "Essai."\n    fiabilite: K\n',
    )
    with pytest.raises(
        ParametresInvalides, match=r"caleol\.yaml, majorite : deux valeurs à la même date d'effet \(01/09/2015\)"
    ):
        charger_arbre(dossier)


def test_periodes_qui_se_chevauchent_refusees(dossier: Path) -> None:
    _remplacer(
        dossier / "caleol.yaml",
        "majorite:\n  - date_effet: 2015-09-01\n",
        'majorite:\n  - date_effet: 2020-01-01\n    valeur: unanimite\n    source: "Essai."\n    fiabilite: K\n'
        "  - date_effet: 2015-09-01\n    date_fin: 2020-06-30\n",
    )
    with pytest.raises(
        ParametresInvalides, match=r"caleol\.yaml, majorite : la valeur du 01/09/2015 court jusqu'au 30/06/2020"
    ):
        charger_arbre(dossier)


# --- numbers in words ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "lettres"),
    [
        (0, "zéro"),
        (1, "un"),
        (3, "trois"),
        (10, "dix"),
        (17, "dix-sept"),
        (21, "vingt et un"),
        (30, "trente"),
        (71, "soixante et onze"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (99, "quatre-vingt-dix-neuf"),
        (100, "cent"),
        (200, "deux cents"),
        (201, "deux cent un"),
        (1000, "mille"),
        (2026, "deux mille vingt-six"),
        (80_000, "quatre-vingt mille"),
    ],
)
def test_en_lettres(n: int, lettres: str) -> None:
    assert en_lettres(n) == lettres


def test_durees_et_parts() -> None:
    assert duree_en_lettres(10, "jours") == "dix jours"
    assert duree_en_lettres(1, "mois") == "un mois"
    assert duree_en_lettres(12, "mois") == "un an"
    assert duree_en_lettres(24, "mois") == "deux ans"
    assert duree_en_lettres(30, "mois") == "trente mois"
    assert pourcentage("0.30") == "30 %" and pourcentage("0.05") == "5 %" and pourcentage("0.125") == "12,5 %"
    with pytest.raises(ValueError, match="Unité de durée inconnue"):
        duree_en_lettres(3, "semaines")
    with pytest.raises(ValueError, match="entre 0 et 999 999"):
        en_lettres(-1)


def test_chaque_entree_est_parcourue() -> None:
    assert sum(1 for _ in parcourir(charger_arbre())) >= len(charger_arbre().feuilles)
