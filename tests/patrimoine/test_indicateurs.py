"""Occupancy indicators: the documented CSV format, per-line French errors, idempotent import, all or
nothing, the management command, and the example file of the documentation."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from attrib.organisations.acteurs import acteur_systeme
from attrib.patrimoine.indicateurs import (
    ErreursImportIndicateurs,
    indicateurs_importer,
    indicateurs_importer_fichier,
    pourcentage,
    pourcentage_texte,
)
from attrib.patrimoine.models import IndicateursOccupation, Residence
from attrib.patrimoine.services import patrimoine_reconstituer, rpls_importer
from tests.factories import GRUISSAN, NARBONNE, territoire_minimal
from tests.patrimoine.conftest import FICHIER_COMPTAGES, FICHIER_NARBONNE

SYSTEME = acteur_systeme("test : indicateurs")

pytestmark = pytest.mark.django_db

EXEMPLE = Path(__file__).resolve().parents[2] / "docs" / "formats" / "exemples" / "indicateurs_occupation.csv"
ENTETE = "identifiant;annee;source;part_menages_q1;part_menages_emploi;taux_rotation;taux_vacance"


def _residence(identifiant: str, commune: str = NARBONNE) -> Residence:
    return Residence.objects.create(
        identifiant=identifiant, commune_id=commune, type_construction="collectif", source="rpls_adresses"
    )


@pytest.fixture
def residences() -> dict[str, Residence]:
    territoire_minimal()
    return {i: _residence(i) for i in ("RES-A", "RES-B", "RES-C")} | {"RES-G": _residence("RES-G", GRUISSAN)}


def _csv(*lignes: str, entete: str = ENTETE) -> bytes:
    return ("\n".join([entete, *lignes]) + "\n").encode("utf-8")


def _valeurs(identifiant: str, annee: int) -> tuple[Decimal | None, ...]:
    i = IndicateursOccupation.objects.get(residence__identifiant=identifiant, annee=annee)
    return (i.part_menages_q1, i.part_menages_emploi, i.taux_rotation, i.taux_vacance)


def test_import_lit_virgules_pourcents_et_valeurs_vides(residences: dict[str, Residence]) -> None:
    resume = indicateurs_importer(
        auteur=SYSTEME,
        contenu=_csv(
            "RES-A;2024;OPS 2024;41,5;38.2;12,4 %;3",
            "RES-B;2024;RPLS 2024;;;8,9;1,25",
            "RES-A;2022;OPS 2022;39;40,5;;",
        ),
    )

    assert (resume.lignes_lues, resume.lignes_valides, resume.crees, resume.erreurs) == (3, 3, 3, [])
    assert _valeurs("RES-A", 2024) == (Decimal("41.5"), Decimal("38.2"), Decimal("12.4"), Decimal("3"))
    assert _valeurs("RES-B", 2024) == (None, None, Decimal("8.9"), Decimal("1.25"))
    assert IndicateursOccupation.objects.get(residence__identifiant="RES-A", annee=2022).source == "OPS 2022"
    assert str(resume) == "importé: 3 lignes valides sur 3 (3 créées, 0 modifiées, 0 inchangées), 0 erreurs"


def test_reimporter_le_meme_fichier_ne_change_rien(residences: dict[str, Residence]) -> None:
    contenu = _csv("RES-A;2024;OPS 2024;41,5;38,2;12,4;3", "RES-B;2024;OPS 2024;20;;;")
    indicateurs_importer(auteur=SYSTEME, contenu=contenu)
    avant = list(IndicateursOccupation.objects.order_by("pk").values())

    resume = indicateurs_importer(auteur=SYSTEME, contenu=contenu)

    assert (resume.crees, resume.modifies, resume.inchanges) == (0, 0, 2)
    assert list(IndicateursOccupation.objects.order_by("pk").values()) == avant


def test_une_valeur_changee_modifie_la_seule_ligne_concernee(residences: dict[str, Residence]) -> None:
    indicateurs_importer(auteur=SYSTEME, contenu=_csv("RES-A;2024;OPS 2024;41,5;;;", "RES-B;2024;OPS 2024;20;;;"))

    resume = indicateurs_importer(
        auteur=SYSTEME, contenu=_csv("RES-A;2024;OPS 2024;43;;;", "RES-B;2024;OPS 2024;20;;;")
    )

    assert (resume.crees, resume.modifies, resume.inchanges) == (0, 1, 1)
    assert _valeurs("RES-A", 2024)[0] == Decimal("43")
    assert IndicateursOccupation.objects.count() == 2


def test_lignes_en_erreur_signalees_par_ligne_les_autres_importees(residences: dict[str, Residence]) -> None:
    resume = indicateurs_importer(
        auteur=SYSTEME,
        contenu=_csv(
            "RES-A;2024;OPS 2024;41,5;;;",  # ligne 2 : valide
            "ZZZ;2024;OPS 2024;10;;;",  # ligne 3
            "RES-B;2031;;120;abc;;",  # ligne 4
            "RES-C;2024;OPS 2024;;;;",  # ligne 5
            "RES-A;2024;OPS bis;12;;;",  # ligne 6 : même résidence, même année que la ligne 2
            "RES-G;23;OPS;-4;;;",  # ligne 7
            "RES-C;2023;OPS 2023;5;;;;;",  # ligne 8 : colonnes en trop
        ),
        annee_max=2026,
    )

    messages = [str(e) for e in resume.erreurs]
    assert messages == [
        "ligne 3 : résidence « ZZZ » inconnue (identifiant de la résidence dans Attrib, par exemple "
        "RPLS-11262-16-RUE-VOLTAIRE).",
        "ligne 4 : annee « 2031 » invalide (année de 1990 à 2026) ; source vide (par exemple « OPS 2024, "
        "bailleur ») ; part_menages_q1 « 120 » hors de 0 à 100 (un pourcentage est attendu) ; "
        "part_menages_emploi « abc » invalide (pourcentage de 0 à 100, par exemple 23,5).",
        "ligne 5 : aucun indicateur renseigné (au moins une valeur est attendue).",
        "ligne 6 : résidence RES-A, année 2024 déjà présente ligne 2.",
        "ligne 7 : annee « 23 » invalide (année de 1990 à 2026) ; part_menages_q1 « -4 » hors de 0 à 100 "
        "(un pourcentage est attendu).",
        "ligne 8 : 9 colonnes au lieu de 7 (point-virgule en trop ?).",
    ]
    assert list(IndicateursOccupation.objects.values_list("residence__identifiant", "annee")) == [("RES-A", 2024)]
    assert (resume.lignes_lues, resume.lignes_valides) == (7, 1)


def test_tout_ou_rien_n_ecrit_rien_quand_une_ligne_est_fausse(residences: dict[str, Residence]) -> None:
    with pytest.raises(ErreursImportIndicateurs) as exc:
        indicateurs_importer(
            auteur=SYSTEME,
            contenu=_csv("RES-A;2024;OPS;41,5;;;", "RES-B;2024;OPS;200;;;"),
            fichier="occ.csv",
            tout_ou_rien=True,
        )

    assert exc.value.messages == [
        "occ.csv, ligne 3 : part_menages_q1 « 200 » hors de 0 à 100 (un pourcentage est attendu)."
    ]
    assert not IndicateursOccupation.objects.exists()


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (b"identifiant,annee,source,taux_vacance\nRES-A,2024,OPS,3\n", "ligne 1 : séparateur de colonnes non reconnu"),
        (b"identifiant;source;taux_vacance\nRES-A;OPS;3\n", "ligne 1 : colonnes obligatoires absentes : annee."),
        (b"identifiant;annee;source;loyer\nRES-A;2024;OPS;3\n", "ligne 1 : aucune colonne d'indicateur"),
        (b"", "fichier vide."),
    ],
)
def test_fichier_illisible_n_importe_rien(residences: dict[str, Residence], contenu: bytes, message: str) -> None:
    with pytest.raises(ErreursImportIndicateurs) as exc:
        indicateurs_importer(auteur=SYSTEME, contenu=contenu, fichier="occ.csv")

    assert exc.value.messages[0].startswith(f"occ.csv, {message}")
    assert not IndicateursOccupation.objects.exists()


def test_fichier_windows_1252_avec_colonnes_partielles(residences: dict[str, Residence]) -> None:
    contenu = "Identifiant;Annee;Source;Taux_vacance\nRES-A;2024;Enquête bailleur;4,5\n".encode("cp1252")

    resume = indicateurs_importer(auteur=SYSTEME, contenu=contenu)

    assert resume.erreurs == []
    indicateurs = IndicateursOccupation.objects.get()
    assert (indicateurs.source, indicateurs.taux_vacance, indicateurs.part_menages_q1) == (
        "Enquête bailleur",
        Decimal("4.5"),
        None,
    )


@pytest.mark.parametrize(
    ("brut", "attendu"),
    [
        ("23,5", Decimal("23.50")),
        ("23.456", Decimal("23.46")),
        (" 7 % ", Decimal("7.00")),
        ("100", Decimal("100")),
        ("", None),
    ],
)
def test_pourcentage(brut: str, attendu: Decimal | None) -> None:
    assert pourcentage(brut) == attendu


@pytest.mark.parametrize("brut", ["100,01", "-1", "1e2", "douze", "12,5,3"])
def test_pourcentage_refuse(brut: str) -> None:
    with pytest.raises(ValueError):
        pourcentage(brut)


def test_affichage_francais_des_pourcentages() -> None:
    assert [pourcentage_texte(v) for v in (Decimal("23.50"), Decimal("20.00"), Decimal("0.00"), None)] == [
        "23,5\u00a0%",
        "20\u00a0%",
        "0\u00a0%",
        "non renseigné",
    ]


def test_commande_signale_les_erreurs_et_resume(residences: dict[str, Residence], tmp_path: Path) -> None:
    fichier = tmp_path / "occupation.csv"
    fichier.write_bytes(_csv("RES-A;2024;OPS;41,5;;;", "ZZZ;2024;OPS;10;;;"))
    sortie, erreurs = StringIO(), StringIO()

    call_command("importer_indicateurs", str(fichier), stdout=sortie, stderr=erreurs)
    call_command("importer_indicateurs", str(fichier), stdout=sortie, stderr=StringIO())

    assert erreurs.getvalue().startswith("occupation.csv, ligne 3 : résidence « ZZZ » inconnue")
    assert sortie.getvalue().splitlines() == [
        "importé: 1 lignes valides sur 2 (1 créées, 0 modifiées, 0 inchangées), 1 erreurs",
        "importé: 1 lignes valides sur 2 (0 créées, 0 modifiées, 1 inchangées), 1 erreurs",
    ]


def test_commande_tout_ou_rien_et_fichier_absent(residences: dict[str, Residence], tmp_path: Path) -> None:
    fichier = tmp_path / "occupation.csv"
    fichier.write_bytes(_csv("RES-A;2024;OPS;41,5;;;", "ZZZ;2024;OPS;10;;;"))

    with pytest.raises(CommandError, match="import annulé, rien n'a été enregistré.\noccupation.csv, ligne 3"):
        call_command("importer_indicateurs", str(fichier), "--tout-ou-rien", stdout=StringIO())
    with pytest.raises(CommandError, match="fichier introuvable ou illisible"):
        call_command("importer_indicateurs", str(tmp_path / "absent.csv"), stdout=StringIO())
    assert not IndicateursOccupation.objects.exists()


def test_le_fichier_d_exemple_de_la_documentation_s_importe_sur_le_parc_de_demonstration(grand_narbonne: None) -> None:
    rpls_importer(chemin=FICHIER_NARBONNE, auteur=acteur_systeme("test"))
    patrimoine_reconstituer(chemin=FICHIER_COMPTAGES, graine=2026, auteur=acteur_systeme("test"))

    resume = indicateurs_importer_fichier(chemin=EXEMPLE, auteur=SYSTEME)

    assert resume.erreurs == []
    assert resume.crees == resume.lignes_lues == 4
    estudiantines = IndicateursOccupation.objects.filter(
        residence__identifiant="RPLS-11262-45-AVENUE-DE-PROVENCE-BATIMENT-1"
    )
    assert list(estudiantines.values_list("annee", flat=True)) == [2024, 2022]
