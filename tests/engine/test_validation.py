"""The rule set of the demand file (``attrib.engine.validation``), pure: texts, numbers, dates, bounds file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import yaml

from attrib.engine import validation as v

JOUR = date(2026, 12, 6)


@pytest.mark.parametrize("code", [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069])
def test_chaque_caractere_d_inversion_est_refuse(code):
    message = v.erreur_texte(f"Martin{chr(code)}", libelle="Nom", longueur_max=100)
    assert message == f"Nom : caractère d'inversion du sens d'écriture interdit (U+{code:04X}) ; retirez-le."


def test_controles_refuses_sauts_de_ligne_admis_dans_un_texte_long_seulement():
    assert v.erreur_texte("a\tb", libelle="Nom", longueur_max=100) is not None
    assert v.erreur_texte("a\tb\r\nc", libelle="Commentaire", longueur_max=100, multiligne=True) is None
    assert "U+0000" in v.erreur_texte("a\x00b", libelle="Commentaire", longueur_max=100, multiligne=True)
    assert "U+0085" in v.erreur_texte("a\x85b", libelle="Nom", longueur_max=100)  # C1 control
    assert "U+D800" in v.erreur_texte("a\ud800", libelle="Nom", longueur_max=100)
    assert v.erreur_texte("Zoë-Léa O'Brien 🏠", libelle="Nom", longueur_max=100) is None
    assert v.erreur_texte("x" * 101, libelle="Nom", longueur_max=100) == "Nom : 100 caractères au plus (101 saisis)."


def test_nombres_bornes_et_decimales_sans_ecrire_un_nombre_demesure():
    regle = {"libelle": "Loyer", "minimum": 0, "maximum": 100_000, "decimales": 2, "unite": " €"}
    assert v.erreur_nombre(Decimal("620.50"), **regle) is None
    assert (
        v.erreur_nombre(Decimal("-1"), **regle)
        == "Loyer : la valeur doit être comprise entre 0 et 100 000 € (reçu -1)."
    )
    assert v.erreur_nombre(Decimal("1.005"), **regle) == "Loyer : 2 décimales au plus (reçu 1,005)."
    assert "hors de toute échelle" in v.erreur_nombre(Decimal("1e999999999"), **regle)
    assert "hors de toute échelle" in v.erreur_nombre(10**5000, **regle)
    assert v.erreur_nombre(Decimal("NaN"), **regle) == "Loyer : nombre attendu."


def test_date_de_naissance_dans_la_vie_d_une_personne():
    assert v.erreur_date_naissance(date(1990, 5, 17), jour=JOUR) is None
    assert (
        v.erreur_date_naissance(date(2027, 1, 1), jour=JOUR) == "Date de naissance : le 01/01/2027 est dans le futur."
    )
    # An unborn child: the expected birth, within ten months.
    assert v.erreur_date_naissance(date(2027, 6, 1), jour=JOUR, enfant_a_naitre=True) is None
    assert "10 mois" in v.erreur_date_naissance(date(2027, 12, 1), jour=JOUR, enfant_a_naitre=True)
    assert v.erreur_date_naissance(date(1906, 12, 6), jour=JOUR) is None
    assert "plus de 120 ans" in v.erreur_date_naissance(date(1906, 12, 5), jour=JOUR)


def test_date_de_depot_bornee_par_les_regles_de_validite_datees():
    premiere = v.premiere_date_depot()
    with v.FICHIER_CYCLE.open(encoding="utf-8") as f:
        cycle = yaml.safe_load(f)
    assert premiere == max(min(e["date_effet"] for e in cycle[nom]) for nom in v.PARAMETRES_DEPOT)
    assert v.erreur_date_depot(premiere, jour=JOUR) is None
    assert v.erreur_date_depot(date(2011, 3, 31), jour=JOUR).startswith(
        "Date de dépôt : le 31/03/2011 précède le 01/04/2011"
    )
    assert v.erreur_date_depot(date(2026, 12, 7), jour=JOUR) == "Date de dépôt : le 07/12/2026 est dans le futur."


def test_radiation_renouvellement_dalo_dans_la_vie_de_la_demande():
    depot = date(2024, 5, 2)
    erreurs = v.erreurs_demande(
        {"date_radiation": date(2024, 5, 1), "date_dernier_renouvellement": date(2030, 1, 1)}, jour=JOUR, depot=depot
    )
    assert erreurs == {
        "date_radiation": ["Date de radiation : le 01/05/2024 précède le dépôt de la demande (02/05/2024)."],
        "date_dernier_renouvellement": ["Date du renouvellement : le 01/01/2030 est dans le futur."],
    }
    assert (
        "ouverture des recours DALO"
        in v.erreurs_demande({"dalo_date_decision": date(2007, 6, 1)}, jour=JOUR)["dalo_date_decision"][0]
    )


def test_menage_localise_chaque_personne_et_borne_sa_taille():
    personnes = [{"nom": "Martin"}, {"nom": "Mar\x07tin", "salaires": Decimal("-5")}] + [{}] * 19
    erreurs = v.erreurs_menage(personnes, jour=JOUR)
    assert set(erreurs) == {"personnes", "personnes[1].nom", "personnes[1].salaires"}
    assert erreurs["personnes"] == ["Ménage : 20 personnes à loger au plus (21 déclarées)."]


def test_fichier_des_bornes_chaque_valeur_datee_avec_sa_raison():
    with v.FICHIER_BORNES.open(encoding="utf-8") as f:
        contenu = yaml.safe_load(f)
    attendus = set(v.Bornes.__dataclass_fields__) - {"jour", "depot_minimum"}
    assert set(contenu) == attendus
    for nom, entrees in contenu.items():
        for e in entrees:
            assert isinstance(e["date_effet"], date), nom
            assert e["source"].strip() and e["fiabilite"] in ("V", "S", "K", "parametrage"), nom
    b = v.bornes(JOUR)
    assert b.montant_mensuel_max_eur == 100_000 and b.dalo_premiere_decision == date(2008, 1, 1)
