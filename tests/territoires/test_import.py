"""Import of EPCI, communes and QPV from the real referential files."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from attrib.organisations.acteurs import acteur_systeme
from attrib.territoires.models import EPCI, QPV, Commune, ZonePlafond
from attrib.territoires.services import (
    DOSSIER_REFERENTIELS,
    FICHIER_COMMUNES,
    FICHIER_EPCI,
    FICHIER_QPV,
    ErreursImport,
    territoires_importer,
)
from tests.territoires.conftest import GRAND_NARBONNE, remplacer_ligne

pytestmark = pytest.mark.django_db


def _etat() -> tuple[list[tuple[object, ...]], ...]:
    return (
        list(EPCI.objects.order_by("siren").values_list()),
        list(Commune.objects.order_by("code_insee").values_list()),
        list(QPV.objects.order_by("code").values_list()),
    )


def test_commande_importe_le_grand_narbonne() -> None:
    sortie = StringIO()
    call_command("importer_territoires", "--epci", GRAND_NARBONNE, stdout=sortie)

    assert sortie.getvalue().strip() == "territoires : 1 EPCI, 37 communes, 3 QPV"
    epci = EPCI.objects.get()
    assert (epci.siren, epci.nom, epci.nature, epci.population) == (
        GRAND_NARBONNE,
        "CA Le Grand Narbonne",
        "CA",
        133006,
    )
    communes = Commune.objects.de_epci(GRAND_NARBONNE)
    assert communes.count() == 37
    assert set(communes.values_list("zone_plafond", flat=True)) == {ZonePlafond.AUTRES_REGIONS}
    narbonne = Commune.objects.get(code_insee="11262")
    assert (narbonne.nom, narbonne.departement, narbonne.region, narbonne.population) == ("Narbonne", "11", "76", 57587)
    assert sorted(narbonne.qpvs.values_list("code", "nom")) == [
        ("QP011007", "Narbonne Ouest"),
        ("QP011008", "Narbonne Centre"),
        ("QP011009", "Narbonne Est"),
    ]
    centre = QPV.objects.get(code="QP011008")
    assert centre.generation == "2015"
    contour = centre.contour
    assert contour is not None
    assert contour["type"] == "Polygon"
    assert contour["coordinates"][0][0] == [3.0095, 43.1855]


def test_relancer_l_import_ne_change_rien() -> None:
    premier = territoires_importer(epcis=[GRAND_NARBONNE], auteur=acteur_systeme("test"))
    avant = _etat()

    second = territoires_importer(epcis=[GRAND_NARBONNE], auteur=acteur_systeme("test"))

    assert (premier.crees, premier.modifies) == (41, 0)
    assert (second.crees, second.modifies) == (0, 0)
    assert str(second) == str(premier)
    assert _etat() == avant


def test_l_import_remet_les_valeurs_du_referentiel() -> None:
    territoires_importer(epcis=[GRAND_NARBONNE], auteur=acteur_systeme("test"))
    Commune.objects.filter(code_insee="11262").update(nom="Narbone", zone_plafond=ZonePlafond.ILE_DE_FRANCE)
    QPV.objects.filter(code="QP011009").update(contour=None)

    resume = territoires_importer(epcis=[GRAND_NARBONNE], auteur=acteur_systeme("test"))

    assert (resume.crees, resume.modifies) == (0, 2)
    narbonne = Commune.objects.get(code_insee="11262")
    assert (narbonne.nom, narbonne.zone_plafond) == ("Narbonne", ZonePlafond.AUTRES_REGIONS)
    assert QPV.objects.get(code="QP011009").contour is not None


def test_filtre_par_departement() -> None:
    attendues = sum(
        1
        for ligne in (DOSSIER_REFERENTIELS / FICHIER_COMMUNES).read_text(encoding="utf-8").splitlines()[1:]
        if ligne.split(",")[2] == "11"
    )

    resume = territoires_importer(departements=["11"], auteur=acteur_systeme("test"))

    assert resume.communes == attendues == Commune.objects.count()
    assert set(Commune.objects.values_list("departement", flat=True)) == {"11"}
    # Every QPV of the Aude, and only those.
    assert resume.qpv == QPV.objects.count() > 3
    assert {code[:5] for code in QPV.objects.values_list("code", flat=True)} == {"QP011"}
    # The EPCIs are those of the loaded communes.
    assert set(EPCI.objects.values_list("siren", flat=True)) == set(
        Commune.objects.values_list("epci_id", flat=True).distinct()
    )


def test_filtre_inconnu_refuse_en_francais() -> None:
    with pytest.raises(ValidationError) as exc:
        territoires_importer(departements=["99"], epcis=["123456789"], auteur=acteur_systeme("test"))

    assert exc.value.message_dict == {
        "departements": ["Département inconnu du référentiel des communes : 99."],
        "epcis": ["EPCI inconnu de epci_2026.csv : 123456789."],
    }
    assert not Commune.objects.exists()


def test_commande_signale_un_filtre_inconnu() -> None:
    with pytest.raises(CommandError, match="EPCI inconnu de epci_2026.csv : 999999999"):
        call_command("importer_territoires", "--epci", "999999999", stdout=StringIO())


# --- malformed files -------------------------------------------------------------------------


def _numero_ligne(chemin: Path, debut: str) -> int:
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    return next(i for i, ligne in enumerate(lignes, start=1) if ligne.startswith(debut))


def test_le_dossier_reduit_importe_comme_le_vrai(dossier_narbonne: Path) -> None:
    resume = territoires_importer(dossier=dossier_narbonne, auteur=acteur_systeme("test"))

    assert str(resume) == "territoires : 1 EPCI, 37 communes, 3 QPV"


def test_ligne_malformee_signalee_avec_fichier_et_ligne(dossier_narbonne: Path) -> None:
    communes = dossier_narbonne / FICHIER_COMMUNES
    numero = _numero_ligne(communes, "11262,")
    remplacer_ligne(
        communes, numero, f"1126X,Narbonne,11,76,beaucoup,211102629,{GRAND_NARBONNE},CA Le Grand Narbonne,CA"
    )

    with pytest.raises(ErreursImport) as exc:
        territoires_importer(dossier=dossier_narbonne, auteur=acteur_systeme("test"))

    assert exc.value.messages == [
        f"communes_epci_2026.csv, ligne {numero} : code_commune « 1126X » invalide.",
        f"communes_epci_2026.csv, ligne {numero} : population « beaucoup » n'est pas un entier positif.",
    ]
    assert not EPCI.objects.exists() and not Commune.objects.exists() and not QPV.objects.exists()


def test_toutes_les_erreurs_sont_signalees_et_rien_n_est_ecrit(dossier_narbonne: Path) -> None:
    territoires_importer(epcis=[GRAND_NARBONNE], auteur=acteur_systeme("test"))
    avant = _etat()
    epci = dossier_narbonne / FICHIER_EPCI
    remplacer_ligne(epci, 2, f"{GRAND_NARBONNE},,CA,FPU,135323,133006,37")
    communes = dossier_narbonne / FICHIER_COMMUNES
    remplacer_ligne(communes, 3, "11014,Armissan,11,76,1461.0,211100144,200035715,CA Carcassonne Agglo,CA")
    remplacer_ligne(communes, 4, "11024,Bages,11")

    with pytest.raises(ErreursImport) as exc:
        territoires_importer(dossier=dossier_narbonne, auteur=acteur_systeme("test"))

    assert exc.value.messages == [
        "epci_2026.csv, ligne 2 : epci_nom vide.",
        "communes_epci_2026.csv, ligne 3 : EPCI 200035715 absent de epci_2026.csv.",
        "communes_epci_2026.csv, ligne 4 : nombre de colonnes différent de l'en-tête.",
    ]
    assert _etat() == avant


def test_en_tete_incomplet(dossier_narbonne: Path) -> None:
    remplacer_ligne(
        dossier_narbonne / FICHIER_COMMUNES,
        1,
        "code_commune,nom,departement,region,population,siren_commune,epci_siren,epci_nom,epci_type",
    )

    with pytest.raises(ErreursImport) as exc:
        territoires_importer(dossier=dossier_narbonne, auteur=acteur_systeme("test"))

    assert exc.value.messages == ["communes_epci_2026.csv, ligne 1 : colonnes manquantes dans l'en-tête : nom_commune."]


def test_geojson_illisible_signale_sa_ligne(dossier_narbonne: Path) -> None:
    qpv = dossier_narbonne / FICHIER_QPV
    ligne_7 = qpv.read_text(encoding="utf-8").splitlines()[6]
    remplacer_ligne(qpv, 7, ligne_7.replace('"Feature",', '"Feature"', 1))  # a comma forgotten

    with pytest.raises(ErreursImport) as exc:
        territoires_importer(dossier=dossier_narbonne, auteur=acteur_systeme("test"))

    [message] = exc.value.messages
    assert message.startswith("qpv2015_occitanie_contours.geojson, ligne 7 : GeoJSON illisible")


def test_qpv_incorrect_designe_par_son_rang_et_son_code(tmp_path: Path, dossier_narbonne: Path) -> None:
    (dossier_narbonne / FICHIER_QPV).write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {"code_qp": "QP011008", "nom_qp": "Narbonne Centre",'
        ' "code_commune": "11262"}, "geometry": {"type": "Point", "coordinates": [3.0, 43.18]}}]}',
        encoding="utf-8",
    )

    with pytest.raises(ErreursImport) as exc:
        territoires_importer(dossier=dossier_narbonne, auteur=acteur_systeme("test"))

    assert exc.value.messages == [
        "qpv2015_occitanie_contours.geojson : features[0] (QP011008) : géométrie absente ou qui n'est pas un polygone."
    ]


def test_fichier_absent(dossier_narbonne: Path) -> None:
    (dossier_narbonne / FICHIER_EPCI).unlink()

    with pytest.raises(ErreursImport) as exc:
        territoires_importer(dossier=dossier_narbonne, auteur=acteur_systeme("test"))

    assert exc.value.messages[0].startswith("epci_2026.csv : fichier introuvable")


def test_commande_affiche_l_erreur_localisee(dossier_narbonne: Path) -> None:
    remplacer_ligne(dossier_narbonne / FICHIER_EPCI, 2, f"{GRAND_NARBONNE},CA Le Grand Narbonne,CA,FPU,135323,n/a,37")

    with pytest.raises(CommandError) as exc:
        call_command("importer_territoires", "--dossier", str(dossier_narbonne), stdout=StringIO())

    assert str(exc.value).splitlines() == [
        "import annulé, rien n'a été enregistré.",
        "epci_2026.csv, ligne 2 : population_municipale « n/a » n'est pas un entier positif.",
    ]


def test_les_bornes_reglees_par_l_exploitant_s_appliquent_aux_referentiels(
    dossier_narbonne: Path, settings: Any
) -> None:
    settings.ATTRIB_IMPORT_LIGNES_MAX = 5
    with pytest.raises(ErreursImport) as exc:
        territoires_importer(dossier=dossier_narbonne, auteur=acteur_systeme("test"))
    assert exc.value.messages == ["communes_epci_2026.csv, ligne 7 : trop de lignes : 5 au plus ; découpez le fichier."]
    assert not EPCI.objects.exists() and not Commune.objects.exists()
