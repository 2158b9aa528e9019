"""``importer_rpls``: the real Narbonne extract, line-level errors, idempotency, option ``--bailleur``."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.enums import Financement, SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from attrib.patrimoine.services import logement_modifier, rpls_importer
from attrib.territoires.models import Commune
from tests.factories import membre
from tests.patrimoine.conftest import FICHIER_NARBONNE, bailleur, lignes_narbonne

pytestmark = pytest.mark.django_db

Ecrire = Callable[[Sequence[str]], Path]


def importer(*args: str) -> tuple[list[str], list[str]]:
    sortie, erreurs = StringIO(), StringIO()
    call_command("importer_rpls", *args, stdout=sortie, stderr=erreurs)
    return sortie.getvalue().splitlines(), erreurs.getvalue().splitlines()


def etat() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (
        list(Residence.objects.order_by("identifiant").values_list()),
        list(Logement.objects.order_by("identifiant").values_list()),
    )


def test_fichier_reel_de_narbonne_sur_une_base_neuve_puis_reimport_sans_effet() -> None:
    with FICHIER_NARBONNE.open(encoding="utf-8") as f:
        lignes = list(csv.DictReader(f, delimiter=";"))
    logements_fichier = sum(int(float(li["nb"])) for li in lignes)
    en_qpv_fichier = sum(int(float(li["nb"])) for li in lignes if li["QPV"] == "1")
    assert Commune.objects.count() == 0

    sortie, erreurs = importer(str(FICHIER_NARBONNE))

    assert erreurs == []
    assert (logements_fichier, en_qpv_fichier) == (6043, 2437)
    assert sortie[-1] == "importé: 6043 logements, 1170 résidences, 2437 en QPV, 0 erreurs"
    assert sortie[-2] == "créés : 1170 résidences, 6043 logements ; modifiés : 0 résidences, 0 logements"
    assert sortie[0].startswith("référentiel chargé pour les communes du fichier")
    assert Logement.objects.count() == 6043
    assert Residence.objects.count() == 1170
    assert Logement.objects.en_qpv().count() == en_qpv_fichier
    assert Residence.objects.filter(en_qpv=True, qpv__isnull=False).count() == 0  # which QPV: unknown
    assert set(Residence.objects.values_list("commune_id", flat=True)) == {"11262"}
    avant = etat()

    sortie, erreurs = importer(str(FICHIER_NARBONNE))

    assert erreurs == []
    assert sortie == [
        "créés : 0 résidences, 0 logements ; modifiés : 0 résidences, 0 logements",
        "importé: 6043 logements, 1170 résidences, 2437 en QPV, 0 erreurs",
    ]
    assert etat() == avant


def test_une_ligne_de_19_logements(grand_narbonne: None, fichier_rpls: Ecrire) -> None:
    # Line 2 of the real file: 16 rue Voltaire, 19 T3 (the group's value) for 1,184 m², PLA ordinaire.
    resume = rpls_importer(chemin=fichier_rpls([lignes_narbonne()[1]]), auteur=acteur_systeme("test"))

    assert str(resume) == "importé: 19 logements, 1 résidences, 19 en QPV, 0 erreurs"
    residence = Residence.objects.get()
    assert residence.identifiant == "RPLS-11262-16-RUE-VOLTAIRE"
    assert residence.adresse == "16 RUE VOLTAIRE"
    assert (residence.code_postal, residence.en_qpv, residence.qpv) == ("11100", True, None)
    assert (residence.annee_construction, residence.type_construction) == (1851, TypeConstruction.COLLECTIF)
    assert (residence.source, residence.estimee, residence.bailleur) == (SourceResidence.RPLS_ADRESSES, False, None)
    logements = list(residence.logements.order_by("identifiant"))
    assert [lo.identifiant for lo in logements[:2]] == [
        "RPLS-11262-16-RUE-VOLTAIRE-001",
        "RPLS-11262-16-RUE-VOLTAIRE-002",
    ]
    # 1,184 / 19 = 62.315…: 11 dwellings of 62.32 m² and 8 of 62.31 m², 1,184.00 m² in all.
    assert [lo.surface_habitable for lo in logements].count(Decimal("62.32")) == 11
    assert [lo.surface_habitable for lo in logements].count(Decimal("62.31")) == 8
    assert sum(lo.surface_habitable for lo in logements) == Decimal("1184.00")
    premier = logements[0]
    assert (premier.nb_pieces, premier.surface_estimee, premier.typologie_estimee) == (3, True, True)
    assert (premier.financement, premier.code_finan) == (Financement.PLUS, "12")
    assert (premier.dpe_energie, premier.dpe_ges) == ("C", "B")
    assert (premier.annee_premiere_location, str(premier.date_conventionnement)) == (1988, "1986-11-24")
    # Rent: RPLS 2019 average of the Grand Narbonne, 5.3461822876929395 €/m² × 62.32 m² = 333.174… €.
    assert (premier.loyer_principal, premier.loyer_estime, premier.charges) == (Decimal("333.17"), True, None)
    assert logements[-1].loyer_principal == Decimal("333.12")  # × 62.31 m²
    assert premier.etage is None  # ETAGE of a group is the floor of one of its dwellings: not kept


def test_une_ligne_d_un_seul_logement_garde_son_etage(grand_narbonne: None, fichier_rpls: Ecrire) -> None:
    # Line 768: 9 route de Marcorignan, one T2 of 46 m² on the 2nd floor, PLA LM (FINAN 11), DPE A.
    rpls_importer(chemin=fichier_rpls([lignes_narbonne()[767]]), auteur=acteur_systeme("test"))

    logement = Logement.objects.get()
    assert logement.residence.identifiant == "RPLS-11262-9-ROUTE-DE-MARCORIGNAN-P132L-01"
    assert (logement.nb_pieces, logement.surface_habitable, logement.etage) == (2, Decimal("46.00"), 2)
    assert (logement.surface_estimee, logement.typologie_estimee) == (False, False)
    assert (logement.financement, logement.dpe_energie) == (Financement.PLAI, "A")
    assert logement.residence.en_qpv is False


def test_meme_adresse_et_meme_batiment_forment_une_residence(grand_narbonne: None, fichier_rpls: Ecrire) -> None:
    ligne = lignes_narbonne()[11]  # 72 rue Turenne, one house
    autre_ecriture = ligne.replace(";RUE;TURENNE;", ";R;Turenne;").replace(";3;73.0;", ";4;86.0;")
    autre_batiment = ligne.replace(";ENSEMBLE 1;", ";BAT B;")

    resume = rpls_importer(chemin=fichier_rpls([ligne, autre_ecriture, autre_batiment]), auteur=acteur_systeme("test"))

    assert str(resume) == "importé: 3 logements, 2 résidences, 0 en QPV, 0 erreurs"
    turenne = Residence.objects.get(identifiant="RPLS-11262-72-RUE-TURENNE-ENSEMBLE-1")
    assert sorted(turenne.logements.values_list("identifiant", "nb_pieces")) == [
        ("RPLS-11262-72-RUE-TURENNE-ENSEMBLE-1-001", 3),
        ("RPLS-11262-72-RUE-TURENNE-ENSEMBLE-1-002", 4),
    ]
    assert Residence.objects.filter(identifiant="RPLS-11262-72-RUE-TURENNE-BAT-B").exists()


def test_lignes_en_erreur_signalees_par_ligne_et_raison(grand_narbonne: None, fichier_rpls: Ecrire) -> None:
    valide = lignes_narbonne()[11]
    chemin = fichier_rpls(
        [
            valide,
            valide.replace(";1;12;01/09/1987;", ";1;77;01/09/1987;"),
            valide.replace(";I;3;73.0;", ";I;0;73.0;"),
            valide.replace(";I;3;73.0;", ";I;3;-5;"),
            valide.replace(";11262;", ";99999;"),
            valide.replace(";ENSEMBLE 1;;16 PLA TURENNE;;2;", ";ENSEMBLE 1;;16 PLA TURENNE;;3;"),
            valide.replace(";RUE;TURENNE;", ";RUE;;"),
            valide.replace(";1987;1987;1987;", ";19x7;1987;1987;").replace(";52;1.0", ";52;deux"),
            "76;11;AUDE;11262;11100",
        ]
    )

    sortie, erreurs = importer(str(chemin))

    assert erreurs == [
        "rpls.csv, ligne 3 : FINAN « 77 » invalide (code de financement de l'arrêté du 5 janvier 2010 : "
        "10, 11, 12, 13, 14, 15, 16, 17, 49, 50, 51, 52, 53, 54, 55, 99).",
        "rpls.csv, ligne 4 : NBPIECE « 0 » invalide (entier de 1 à 20).",
        "rpls.csv, ligne 5 : SURFHAB « -5 » invalide (surface habitable positive en m²).",
        "rpls.csv, ligne 6 : commune 99999 absente du référentiel des communes (COG 2026).",
        "rpls.csv, ligne 7 : QPV « 3 » invalide (1 : en QPV, 2 : hors QPV).",
        "rpls.csv, ligne 8 : adresse absente (NOMVOIE et LIEUDIT vides).",
        "rpls.csv, ligne 9 : nb « deux » invalide (nombre de logements, entier positif) ; "
        f"CONSTRUCT « 19x7 » invalide (année de 1000 à {timezone.localdate().year}).",
        "rpls.csv, ligne 10 : 5 champs au lieu de 39 (ceux de l'en-tête).",
    ]
    assert sortie[-1] == "importé: 1 logements, 1 résidences, 0 en QPV, 8 erreurs"
    assert Logement.objects.count() == 1


def test_tout_ou_rien_n_ecrit_rien_s_il_y_a_une_erreur(grand_narbonne: None, fichier_rpls: Ecrire) -> None:
    valide = lignes_narbonne()[11]
    chemin = fichier_rpls([valide, valide.replace(";I;3;73.0;", ";X;3;73.0;")])

    with pytest.raises(CommandError) as erreur:
        importer(str(chemin), "--tout-ou-rien")

    assert "import annulé, rien n'a été enregistré." in str(erreur.value)
    assert "rpls.csv, ligne 3 : TYPECONST « X » invalide (C : collectif, I : individuel)." in str(erreur.value)
    assert Residence.objects.count() == Logement.objects.count() == 0


def test_fichier_illisible(grand_narbonne: None, tmp_path: Path) -> None:
    virgules = tmp_path / "virgules.csv"
    virgules.write_text("DEPCOM,NOMVOIE\n11262,VOLTAIRE\n", encoding="utf-8")
    sans_colonnes = tmp_path / "incomplet.csv"
    sans_colonnes.write_text("DEPCOM;NOMVOIE;QPV\n11262;VOLTAIRE;1\n", encoding="utf-8")

    with pytest.raises(CommandError, match="introuvable"):
        importer(str(tmp_path / "absent.csv"))
    with pytest.raises(CommandError, match="virgules.csv, ligne 1 : séparateur attendu : point-virgule"):
        importer(str(virgules))
    with pytest.raises(
        CommandError, match="colonnes RPLS manquantes dans l'en-tête : TYPECONST, NBPIECE, SURFHAB, CONSTRUCT, FINAN"
    ):
        importer(str(sans_colonnes))


def test_option_bailleur(grand_narbonne: None, fichier_rpls: Ecrire) -> None:
    alogea = bailleur("Alogea")
    Organisation.objects.create(nom="Ville de Narbonne", type=TypeOrganisation.COMMUNE)
    chemin = fichier_rpls(lignes_narbonne()[11:14])

    sortie, _ = importer(str(chemin), "--bailleur", "alogea")

    assert sortie[-1] == "importé: 3 logements, 3 résidences, 0 en QPV, 0 erreurs"
    assert set(Residence.objects.values_list("bailleur", "bailleur_estime")) == {(alogea.pk, False)}
    assert importer(str(chemin), "--bailleur", str(alogea.pk))[0][0].startswith("créés : 0 résidences")
    with pytest.raises(CommandError, match="« Ville de Narbonne » : aucune organisation de type bailleur social"):
        importer(str(chemin), "--bailleur", "Ville de Narbonne")
    # Without --bailleur, a re-import does not erase the bailleur already known.
    importer(str(chemin))
    assert set(Residence.objects.values_list("bailleur", flat=True)) == {alogea.pk}


def test_reimport_garde_le_loyer_saisi_et_met_a_jour_ce_que_le_fichier_change(
    grand_narbonne: None, fichier_rpls: Ecrire
) -> None:
    alogea = bailleur()
    lignes = lignes_narbonne()[11:13]
    rpls_importer(chemin=fichier_rpls(lignes), bailleur=alogea, auteur=acteur_systeme("test"))
    logement = Logement.objects.get(identifiant="RPLS-11262-72-RUE-TURENNE-ENSEMBLE-1-001")
    logement_modifier(
        auteur=acteur_de(membre(alogea)), logement=logement, donnees={"loyer_principal": Decimal("412.50")}
    )

    nouvelles = [lignes[0].replace(";1;12;01/09/1987;;;;;", ";1;12;01/09/1987;;;D;E;"), lignes[1]]
    resume = rpls_importer(chemin=fichier_rpls(nouvelles), auteur=acteur_systeme("test"))

    assert str(resume.ecritures) == "créés : 0 résidences, 0 logements ; modifiés : 0 résidences, 1 logements"
    logement.refresh_from_db()
    assert (logement.dpe_energie, logement.dpe_ges) == ("D", "E")
    assert (logement.loyer_principal, logement.loyer_estime) == (Decimal("412.50"), False)


def test_bailleur_qui_n_en_est_pas_un_refuse(grand_narbonne: None, fichier_rpls: Ecrire) -> None:
    commune = Organisation.objects.create(nom="Ville de Narbonne", type=TypeOrganisation.COMMUNE)
    with pytest.raises(ValidationError, match="n'est pas un bailleur social"):
        rpls_importer(chemin=fichier_rpls(lignes_narbonne()[11:12]), bailleur=commune, auteur=acteur_systeme("test"))


def test_les_bornes_reglees_par_l_exploitant_s_appliquent_a_l_import_rpls(
    grand_narbonne: None, fichier_rpls: Ecrire, settings: Any
) -> None:
    chemin = fichier_rpls(lignes_narbonne()[1:4])
    settings.ATTRIB_IMPORT_LIGNES_MAX = 2
    with pytest.raises(ValidationError) as exc:
        rpls_importer(chemin=chemin, auteur=acteur_systeme("test"))
    assert exc.value.messages == ["rpls.csv, ligne 4 : trop de lignes : 2 au plus ; découpez le fichier."]
    settings.ATTRIB_IMPORT_LIGNES_MAX = 3
    settings.ATTRIB_IMPORT_OCTETS_MAX = 100
    with pytest.raises(ValidationError) as exc:
        rpls_importer(chemin=chemin, auteur=acteur_systeme("test"))
    (message,) = exc.value.messages
    assert message.startswith("rpls.csv, fichier trop volumineux : ") and "octets, 100 au plus" in message
    assert not Logement.objects.exists()
