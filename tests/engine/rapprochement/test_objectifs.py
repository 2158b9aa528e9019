"""CIA objectives on small hand-computed sets of attributions, and the dated parameters behind them."""

from __future__ import annotations

import shutil
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides
from attrib.engine.parametres import DOSSIER_PAR_DEFAUT
from attrib.engine.rapprochement.objectifs import (
    NON_Q1_EN_QPV,
    Q1_HORS_QPV,
    RESIDENCES_FRAGILES,
    Compte,
    effets,
    objectifs_cia,
)
from attrib.engine.rapprochement.parametres import Regles, charger_parametres_rapprochement, charger_regles


def test_taux_legaux_et_choix_locaux(regles: Regles) -> None:
    o = regles.objectifs
    assert o.q1_hors_qpv.taux == Fraction(1, 4)
    assert o.non_q1_en_qpv.taux == Fraction(1, 2)
    assert o.prioritaires.taux == Fraction(1, 4)
    assert "CIL peut adapter" in o.q1_hors_qpv.note
    assert o.q1_hors_qpv.provenance.fiabilite == "V"
    assert o.residences_fragiles.provenance.choix_local
    assert o.residences_fragiles.notes == frozenset({1})
    assert regles.effort.taux_effort_maximum.provenance.choix_local
    assert regles.effort.formule.article.startswith("R441-3-1 CCH")
    assert regles.adequation.sous_occupation.provenance.fiabilite == "V"


def _objectif(code: str, regles: Regles):  # type: ignore[no-untyped-def]
    return next(o for o in objectifs_cia(regles.objectifs, ["etat", "commune"]) if o.code == code)


def test_objectif_hors_qpv_sur_un_jeu_calcule_a_la_main(regles: Regles) -> None:
    hors_qpv = _objectif(Q1_HORS_QPV, regles)
    # 8 attributions hors QPV dont 2 à des ménages du 1er quartile : 25 % — atteint, au ménage près.
    assert hors_qpv.atteint(Compte(8, 2))
    assert hors_qpv.etat(Compte(8, 2)) == "25\u00a0% ≥ 25\u00a0%"
    # 9 attributions dont 2 : 22,2 % — manqué.
    assert not hors_qpv.atteint(Compte(9, 2))
    assert hors_qpv.etat(Compte(9, 2)) == "22,2\u00a0% < 25\u00a0%"
    assert hors_qpv.atteint(Compte(0, 0))  # rien à atteindre sans attribution


def test_objectif_en_qpv_et_prioritaires(regles: Regles) -> None:
    en_qpv = _objectif(NON_Q1_EN_QPV, regles)
    assert en_qpv.atteint(Compte(4, 2)) and not en_qpv.atteint(Compte(5, 2))
    etat = _objectif("prioritaires:etat", regles)
    assert etat.portee.contient(en_qpv=False, reservataire="etat", note=None)
    assert not etat.portee.contient(en_qpv=False, reservataire="commune", note=None)
    assert etat.cible.contient(q1=False, dalo=True, prioritaire=False)
    assert etat.cible.contient(q1=False, dalo=False, prioritaire=True)
    assert not etat.cible.contient(q1=True, dalo=False, prioritaire=False)


def test_limite_des_residences_fragiles(regles: Regles) -> None:
    fragiles = _objectif(RESIDENCES_FRAGILES, regles)
    assert fragiles.portee.contient(en_qpv=True, reservataire="etat", note=1)
    assert not fragiles.portee.contient(en_qpv=True, reservataire="etat", note=None)
    assert fragiles.atteint(Compte(5, 2)) and not fragiles.atteint(Compte(5, 3))  # au plus 40 %
    assert fragiles.etat(Compte(5, 3)) == "60\u00a0% > 40\u00a0%"


def test_effets_d_un_candidat(regles: Regles) -> None:
    objectifs = objectifs_cia(regles.objectifs, ["etat"])
    etat = {Q1_HORS_QPV: Compte(4, 0), "prioritaires:etat": Compte(3, 1)}
    liste = effets(objectifs, etat, en_qpv=False, reservataire="etat", note=2, q1=True, dalo=False, prioritaire=False)
    assert [e.objectif.code for e in liste] == [Q1_HORS_QPV, "prioritaires:etat"]
    q1, prio = liste
    assert q1.favorable and q1.apres == Compte(5, 1)
    assert q1.phrase() == (
        "L'objectif hors QPV (ménage du 1er quartile) : 0\u00a0% → 20\u00a0% (cible ≥ 25\u00a0%, non atteint)"
    )
    assert not prio.favorable
    assert prio.phrase() == (
        "L'objectif prioritaire du réservataire etat (ne compte pas) : 33,3\u00a0% → 25\u00a0% (cible ≥ 25\u00a0%, atteint)"
    )


def test_compte_incoherent_refuse() -> None:
    with pytest.raises(ValueError, match="incohérent"):
        Compte(2, 3)


def _copie(tmp_path: Path) -> Path:
    dossier = tmp_path / "parametres"
    shutil.copytree(DOSSIER_PAR_DEFAUT, dossier)
    return dossier


def test_fichier_mal_forme_refuse_avec_lieu(tmp_path: Path) -> None:
    dossier = _copie(tmp_path)
    chemin = dossier / "objectifs_attribution.yaml"
    chemin.write_text(chemin.read_text(encoding="utf-8").replace('taux: "0.25"', 'taux: "1.25"', 1), encoding="utf-8")
    with pytest.raises(ParametresInvalides, match=r"objectifs_attribution.yaml, q1_hors_qpv\[1\], taux : une part"):
        charger_parametres_rapprochement(dossier)


def test_valeur_sans_source_refusee(tmp_path: Path) -> None:
    dossier = _copie(tmp_path)
    chemin = dossier / "taux_effort.yaml"
    texte = chemin.read_text(encoding="utf-8").replace("fiabilite: choix_local", "fiabilite: peut-etre", 1)
    chemin.write_text(texte, encoding="utf-8")
    with pytest.raises(ParametresInvalides, match=r"taux_effort.yaml, taux_effort_maximum\[1\] : fiabilité"):
        charger_parametres_rapprochement(dossier)


def test_taux_adapte_par_la_cil_a_partir_d_une_date(tmp_path: Path) -> None:
    dossier = _copie(tmp_path)
    chemin = dossier / "objectifs_attribution.yaml"
    ajout = (
        "q1_hors_qpv:\n"
        "  - date_effet: 2027-01-01\n"
        '    taux: "0.30"\n'
        '    article: "L441-1 CCH"\n'
        '    source: "Orientations de la CIL, accord du préfet (exemple)"\n'
        "    fiabilite: choix_local\n"
    )
    texte = chemin.read_text(encoding="utf-8").replace("q1_hors_qpv:\n", ajout, 1)
    chemin.write_text(texte, encoding="utf-8")
    assert charger_regles(date(2026, 12, 31), dossier).objectifs.q1_hors_qpv.taux == Fraction(1, 4)
    assert charger_regles(date(2027, 1, 1), dossier).objectifs.q1_hors_qpv.taux == Fraction(3, 10)


def test_regle_absente_a_une_date_trop_ancienne() -> None:
    with pytest.raises(ParametreNonRenseigne, match="non renseigné au 01/01/2010"):
        charger_regles(date(2010, 1, 1))
