"""The grid document: loading with located French messages, validation (legal block, types, codes,
signs) and legal-risk warnings, round trip, shipped grids and published schema."""

from __future__ import annotations

import json
import textwrap
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
import yaml

from attrib.engine.cotation import (
    Grille,
    GrilleInvalide,
    charger_grille,
    grille_vers_yaml,
    valider,
)
from attrib.engine.cotation.conditions import colonnes_condition
from attrib.engine.cotation.priorites import priorites_en_vigueur
from attrib.engine.cotation.schema import schema_json
from tests.engine.cotation.fabriques import GRILLES, RACINE

ENTETE = """\
identifiant: essai
libelle: Grille d'essai
date_effet: 2026-01-01
sections:
  - id: legal
    libelle: Priorités légales
    criteres:
      - id: dalo
        libelle: Ménage DALO
        base_legale: L441-2-3 CCH
        priorites_legales: [dalo]
        condition: {champ: dalo_reconnu, egal: true}
        points: 1000
      - id: priorites
        libelle: Publics prioritaires
        base_legale: L441-1 CCH
        priorites_legales: [l441_a, l441_b, l441_c, l441_d, l441_e, l441_f, l441_g, l441_h, l441_i, l441_j, l441_k, l441_l, l441_m]
        condition: {longueur: priorites, sup: 0}
        points: 300
"""


def document(criteres: str = "", entete: str = ENTETE) -> str:
    """The minimal valid grid plus a section ``locale`` holding ``criteres`` (YAML, indented by 6)."""
    if not criteres:
        return entete
    return (
        entete
        + "  - id: locale\n    libelle: Critères locaux\n    criteres:\n"
        + textwrap.indent(textwrap.dedent(criteres), "      ")
    )


def erreurs(texte: str, nom: str = "essai.yaml") -> list[str]:
    with pytest.raises(GrilleInvalide) as exc:
        charger_grille(texte, origine=nom)
    return [str(m) for m in exc.value.messages]


def avertissements(texte: str) -> list[str]:
    return [str(m) for m in valider(charger_grille(texte, origine="essai.yaml"))]


# --- shipped grids -----------------------------------------------------------------------------------


@pytest.mark.parametrize("nom", ["socle.yaml", "mutation.yaml"])
def test_les_grilles_livrees_sont_valides_sans_avertissement(nom: str):
    g = charger_grille(GRILLES / nom)

    assert valider(g) == []
    assert all(c.base_legale and c.source for _, c in g.criteres())


@pytest.mark.parametrize("nom", ["socle.yaml", "mutation.yaml"])
def test_les_grilles_livrees_couvrent_le_dalo_et_chaque_priorite_l441_1(nom: str):
    g = charger_grille(GRILLES / nom)

    couvertes = {code for _, c in g.criteres() for code in c.priorites_legales}

    assert {p.code for p in priorites_en_vigueur(g.date_effet)} <= couvertes


def test_la_grille_socle_couvre_les_criteres_locaux_usuels(socle: Grille):
    ids = {c.id for _, c in socle.criteres()}
    lues = {n for _, c in socle.criteres() if c.condition for n in colonnes_condition(c.condition)}

    assert {"anciennete", "refus_offres_adaptees", "fausse_declaration", "poulidor", "emploi_essentiel"} <= ids
    assert {"suroccupation", "taux_effort_40", "reste_a_vivre_faible", "heberge_famille"} <= ids
    assert any(s.exclusive for s in socle.sections) and any(s.plafond is not None for s in socle.sections)
    assert any(c.nature == "malus" for _, c in socle.criteres()) and any(c.a_valider for _, c in socle.criteres())
    assert "taux_effort" in lues and socle.public == "toutes"


def test_la_grille_mutation_est_distincte(mutation: Grille, socle: Grille):
    assert mutation.public == "mutations" and mutation.identifiant != socle.identifiant


@pytest.mark.parametrize("nom", ["socle.yaml", "mutation.yaml"])
def test_aller_retour_yaml_des_grilles_livrees(nom: str):
    g = charger_grille(GRILLES / nom)

    assert charger_grille(grille_vers_yaml(g)) == g


def test_le_schema_publie_est_a_jour_et_valide_les_grilles_livrees():
    publie = RACINE / "docs" / "schemas" / "grille-cotation.schema.json"

    assert publie.read_text(encoding="utf-8") == schema_json()
    schema = json.loads(publie.read_text(encoding="utf-8"))
    for nom in ("socle.yaml", "mutation.yaml"):
        donnees = json.loads(json.dumps(yaml.safe_load((GRILLES / nom).read_text(encoding="utf-8")), default=str))
        jsonschema.validate(donnees, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_charger_depuis_un_chemin_ou_un_texte(tmp_path: Path):
    fichier = tmp_path / "ma_grille.yaml"
    fichier.write_text(document(), encoding="utf-8")

    assert charger_grille(fichier) == charger_grille(str(fichier)) == charger_grille(document())
    assert charger_grille(fichier).origine == "ma_grille.yaml"
    assert erreurs(str(tmp_path / "absente.yaml")) == [f"{tmp_path / 'absente.yaml'} : fichier introuvable"]


# --- legal block ---------------------------------------------------------------------------------------


def test_une_grille_sans_bloc_dalo_est_refusee_avec_un_message_localise():
    texte = """\
identifiant: sans_dalo
libelle: Grille sans priorités légales
date_effet: 2026-01-01
sections:
  - id: anciennete
    libelle: Ancienneté
    criteres:
      - id: anciennete
        libelle: Ancienneté
        base_legale: PPGD
        points: {par_unite: 10, valeur: anciennete_mois}
"""

    messages = erreurs(texte, "sans_dalo.yaml")

    assert messages[0].startswith(
        "sans_dalo.yaml, ligne 4 (sections) : la grille n'a pas de bloc « priorités légales »"
    )
    assert "DALO" in messages[0] and "L441-2-8" in messages[0]
    assert messages[1].startswith("sans_dalo.yaml, ligne 4 (sections) : aucun critère ne met en œuvre les priorités")


def test_priorites_non_couvertes_et_dalo_depasse_sont_signales():
    texte = ENTETE.replace("l441_a, l441_b, l441_c, ", "") + (
        "  - id: anciennete\n"
        "    libelle: Ancienneté\n"
        "    criteres:\n"
        "      - id: anciennete\n"
        "        libelle: Ancienneté de la demande\n"
        "        base_legale: PPGD\n"
        "        points: {par_unite: 10, valeur: anciennete_mois, plafond: 1200}\n"
    )

    messages = avertissements(texte)

    assert any("a) (l441_a), b) (l441_b), c) (l441_c)" in m for m in messages)
    assert any(
        m.startswith(
            "essai.yaml, ligne 26 (sections[1].criteres[0].points) : « Ancienneté de la demande » peut rapporter 1200"
        )
        for m in messages
    )


def test_code_de_priorite_inconnu():
    texte = ENTETE.replace("priorites_legales: [dalo]", "priorites_legales: [dallo]")

    messages = erreurs(texte)

    assert any(
        "(sections[0].criteres[0].priorites_legales[0]) : priorité légale « dallo » inconnue (vouliez-vous dire « dalo » ?)"
        in m
        for m in messages
    )


# --- located errors ------------------------------------------------------------------------------------


def test_cle_inconnue_avec_suggestion_et_ligne():
    texte = document(
        """\
        - id: heberge
          libelle: Hébergé
          base_legale: PPGD
          pionts: 100
        """
    )

    messages = erreurs(texte)

    assert messages[0] == "essai.yaml, ligne 23 (sections[1].criteres[0]) : clé obligatoire « points » absente"
    assert messages[1].startswith(
        "essai.yaml, ligne 26 (sections[1].criteres[0].pionts) : clé inconnue « pionts » (vouliez-vous dire « points » ?)"
    )


def test_points_mal_ecrits_et_champ_obligatoire_absent():
    texte = document(
        """\
        - id: heberge
          libelle: Hébergé
          points: beaucoup
        """
    )

    messages = erreurs(texte)

    assert "essai.yaml, ligne 23 (sections[1].criteres[0]) : clé obligatoire « base_legale » absente" in messages
    assert any(
        m.startswith("essai.yaml, ligne 25 (sections[1].criteres[0].points) : attendu un nombre entier de points")
        for m in messages
    )


def test_identifiant_et_date_invalides():
    texte = document().replace("identifiant: essai", "identifiant: Essai-1").replace("2026-01-01", "2026-13-01")

    messages = erreurs(texte)

    assert messages == [
        "essai.yaml, ligne 3 (date_effet) : date « 2026-13-01 » invalide (format AAAA-MM-JJ)",
        "essai.yaml, ligne 1 (identifiant) : identifiant « Essai-1 » invalide : lettres minuscules sans accent, "
        "chiffres et « _ », en commençant par une lettre",
    ]


def test_cle_en_double_et_yaml_illisible():
    double = document().replace("        points: 1000\n", "        points: 1000\n        points: 900\n", 1)
    illisible = document().replace("libelle: Ménage DALO", "libelle: Ménage : DALO")

    assert erreurs(double) == [
        "essai.yaml, ligne 14 (sections[0].criteres[0].points) : clé « points » présente deux fois (déjà ligne 13)"
    ]
    [message] = erreurs(illisible)
    assert message.startswith("essai.yaml, ligne 9 : YAML illisible : « : » inattendu")


def test_conditions_mal_formees():
    deux_tests = document(
        """\
        - id: deux_tests
          libelle: Deux tests
          base_legale: PPGD
          condition: {champ: nb_personnes, sup: 2, inf: 5}
          points: 10
        - id: sans_sujet
          libelle: Sans sujet
          base_legale: PPGD
          condition: {egal: 2}
          points: 10
        """
    )
    test_inconnu = document(
        """\
        - id: test_inconnu
          libelle: Test inconnu
          base_legale: PPGD
          condition: {champ: nb_personnes, sup_ou_egal: 2}
          points: 10
        """
    )

    assert erreurs(deux_tests) == [
        "essai.yaml, ligne 26 (sections[1].criteres[0].condition) : un seul test par condition : inf, sup sont "
        "présents ensemble (utilisez « tous »)",
        "essai.yaml, ligne 31 (sections[1].criteres[1].condition) : ce qui est testé manque (« egal ») : attendu "
        "l'une des clés champ, evenements, longueur, mois_depuis, calcul",
    ]
    [message] = erreurs(test_inconnu)
    assert message.startswith(
        "essai.yaml, ligne 26 (sections[1].criteres[0].condition.sup_ou_egal) : clé inconnue « sup_ou_egal » "
        "(vouliez-vous dire « sup_egal » ?)"
    )


def test_types_codes_signes_et_diviseur():
    texte = document(
        """\
        - id: liste_comparee
          libelle: Liste comparée
          base_legale: PPGD
          condition: {champ: motifs_secondaires, egal: voisinage}
          points: 10
        - id: faute_de_code
          libelle: Sans abri
          base_legale: PPGD
          condition: {champ: statut_logement_actuel, parmi: [sans_abris, hotel]}
          points: 10
        - id: malus_positif
          libelle: Malus positif
          nature: malus
          base_legale: PPGD
          condition: {champ: dalo_reconnu, egal: false}
          points: 10
        - id: negatif_sans_malus
          libelle: Points négatifs
          base_legale: PPGD
          points: -10
        - id: divise_par_constante
          libelle: Revenus en centaines
          base_legale: PPGD
          points: {par_unite: 1, valeur: {quotient: [revenus_mensuels, 100]}}
        - id: texte_et_nombre
          libelle: Texte et nombre
          base_legale: PPGD
          condition: {champ: typologie_min, egal: T3}
          points: 10
        """
    )

    messages = erreurs(texte)

    attendus = [
        "(sections[1].criteres[0].condition) : une liste se teste avec contient",
        "(sections[1].criteres[1].condition.parmi) : code « sans_abris » inconnu pour « statut_logement_actuel » (vouliez-vous dire « sans_abri » ?)",
        "(sections[1].criteres[2].points) : un malus retire des points",
        "(sections[1].criteres[3].points) : points négatifs pour « negatif_sans_malus » : déclarez « nature: malus »",
        "(sections[1].criteres[4].points.valeur) : diviseur constant : écrivez un produit par l'inverse",
        "(sections[1].criteres[5].condition.egal) : comparaison entre un(e) nombre et un(e) texte",
    ]
    for attendu in attendus:
        assert any(attendu in m for m in messages), attendu
    assert len(messages) == len(attendus)


def test_identifiants_en_double_bornes_et_valeurs_dans_l_ordre():
    texte = document(
        """\
        - id: dalo
          libelle: Encore DALO
          base_legale: PPGD
          points: 1
        """
    ).replace("    libelle: Critères locaux\n", "    libelle: Critères locaux\n    plafond: 10\n    plancher: 20\n")
    texte = texte.replace(
        "sections:\n",
        "valeurs:\n  - id: a\n    libelle: A\n    calcul: {somme: [b, 1]}\n  - id: b\n    libelle: B\n    calcul: {somme: [nb_personnes, 1]}\nsections:\n",
    )

    messages = erreurs(texte)

    assert any(
        "(sections[1].criteres[0].id) : identifiant « dalo » déjà employé (sections[0].criteres[0])" in m
        for m in messages
    )
    assert any("(sections[1].plancher) : plancher 20 supérieur au plafond 10" in m for m in messages)
    assert any("(valeurs[0].calcul) : « b » est défini plus loin" in m for m in messages)


# --- legal-risk warnings -------------------------------------------------------------------------------


def test_critere_de_seule_residence_signale():
    texte = document(
        """\
        - id: narbonnais
          libelle: Habite Narbonne
          base_legale: PPGD
          condition: {champ: ville_demandeur, egal: Narbonne}
          points: 100
        - id: habite_ou_travaille
          libelle: Habite ou travaille à Narbonne
          base_legale: PPGD
          condition:
            un_de:
              - {champ: ville_demandeur, egal: Narbonne}
              - {champ: motif_principal, egal: rapprochement_travail}
          points: 100
        - id: habite_et_travaille
          libelle: Habite et travaille à Narbonne
          base_legale: PPGD
          condition:
            tous:
              - {champ: ville_demandeur, egal: Narbonne}
              - {champ: motif_principal, egal: rapprochement_travail}
          points: 100
        """
    )

    messages = avertissements(texte)

    assert len(messages) == 2
    assert messages[0].startswith(
        "essai.yaml, ligne 26 (sections[1].criteres[0].condition) : « Habite Narbonne » peut être rempli par le seul lieu de résidence"
    )
    assert "Code pénal 225-1" in messages[0] and "L441-1" in messages[0]
    assert "(sections[1].criteres[1].condition) : « Habite ou travaille à Narbonne »" in messages[1]


def test_motifs_proteges_du_code_penal_signales():
    texte = document(
        """\
        - id: francais
          libelle: Demandeur français
          base_legale: PPGD
          condition: {champ: nationalite_demandeur, egal: francaise}
          points: 100
        - id: culte
          libelle: Proximité d'un lieu de culte de sa religion
          base_legale: PPGD
          points: 5
        - id: jeune_ase
          libelle: Jeune majeur
          base_legale: L441-1 m) CCH
          priorites_legales: [l441_m]
          condition: {champ: age_demandeur, inf_egal: 21}
          points: 100
        - id: jeune
          libelle: Moins de 30 ans
          base_legale: PPGD
          condition: {champ: age_demandeur, inf: 30}
          points: 100
        """
    )

    messages = avertissements(texte)

    assert len(messages) == 4
    # The two age criteria of this additive section also overlap (21 years and less ⊂ under 30).
    assert "les tranches des critères « jeune_ase » (age_demandeur jusqu'à 21) et « jeune »" in messages[3]
    assert (
        "« Demandeur français » repose sur la nationalité ou l'origine : motif de discrimination de l'article 225-1 du Code pénal"
        in messages[0]
    )
    assert "repose sur la religion" in messages[1]
    assert "(sections[1].criteres[3]) : « Moins de 30 ans » repose sur l'âge" in messages[2]


def test_colonne_inconnue_signalee_avec_suggestion():
    texte = document(
        """\
        - id: anciennete
          libelle: Ancienneté
          base_legale: PPGD
          points: {par_unite: 10, valeur: ancienete_mois}
        """
    )

    [message] = avertissements(texte)

    assert "(sections[1].criteres[0].points.valeur) : colonne « ancienete_mois » inconnue" in message
    assert "vouliez-vous dire « anciennete_mois » ?" in message


def test_grille_ecrite_en_code_validee_sans_lignes():
    g = charger_grille(document())
    legal = g.sections[0]
    sans_dalo = replace(
        g,
        sections=(replace(legal, criteres=(replace(legal.criteres[0], priorites_legales=()), legal.criteres[1])),),
        lignes={},
        origine="",
    )

    with pytest.raises(GrilleInvalide) as exc:
        valider(sans_dalo)

    assert str(exc.value.messages[0]).startswith("grille essai (sections) : la grille n'a pas de bloc")
