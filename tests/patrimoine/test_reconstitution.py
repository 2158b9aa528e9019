"""Reconstruction of the Grand Narbonne communes described only by the RPLS 2019 counts."""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from attrib.organisations.acteurs import acteur_systeme
from attrib.patrimoine.desagregation import LogementReconstitue, ResidenceReconstituee, lire_comptages, reconstituer
from attrib.patrimoine.enums import SourceResidence
from attrib.patrimoine.models import Logement, Residence
from attrib.patrimoine.parametres import estimations
from attrib.patrimoine.services import (
    ErreursImportPatrimoine,
    bailleurs_estimer,
    patrimoine_reconstituer,
    rpls_importer,
)
from tests.patrimoine.conftest import FICHIER_COMPTAGES, FICHIER_NARBONNE, bailleur

NARBONNE = "11262"


def comptes_du_fichier(cle: tuple[str, ...] = ("DEPCOM",)) -> Counter[tuple[str, ...]]:
    """Dwellings of the counts file outside Narbonne, summed by the given columns."""
    comptes: Counter[tuple[str, ...]] = Counter()
    with FICHIER_COMPTAGES.open(encoding="utf-8") as f:
        for ligne in csv.DictReader(f):
            if ligne["DEPCOM"] != NARBONNE:
                comptes[tuple(ligne[c] for c in cle)] += int(ligne["n"])
    return comptes


def composition(residences: list[ResidenceReconstituee]) -> list[tuple[str, tuple[LogementReconstitue, ...]]]:
    return [(r.identifiant, r.logements) for r in residences]


# --- the pure disaggregation (no database) ------------------------------------------------------


def test_totaux_par_commune_et_par_typologie_egaux_au_fichier() -> None:
    comptages, erreurs = lire_comptages(FICHIER_COMPTAGES, annee_max=2026)
    residences = reconstituer(comptages, exclure={NARBONNE}, taille_max=30, graine=2026)

    assert erreurs == []
    par_commune: Counter[tuple[str, ...]] = Counter()
    par_cellule: Counter[tuple[str, ...]] = Counter()
    for r in residences:
        par_commune[(r.depcom,)] += len(r.logements)
        for lo in r.logements:
            pieces = "5 et plus" if lo.nb_pieces == 5 else str(lo.nb_pieces)
            par_cellule[(r.depcom, str(r.annee_construction), lo.dpe_energie or "Inconnu", pieces)] += 1
    assert par_commune == comptes_du_fichier()
    assert par_cellule == comptes_du_fichier(("DEPCOM", "construct", "dpeenergie", "nbpiece"))
    assert sum(par_commune.values()) == 1737  # 7,877 in the EPCI − 6,140 in Narbonne
    assert len(par_commune) == 29
    assert max(len(r.logements) for r in residences) <= 30


def test_taille_des_residences_d_un_ensemble() -> None:
    comptages, _ = lire_comptages(FICHIER_COMPTAGES, annee_max=2026)
    residences = reconstituer(comptages, exclure={NARBONNE}, taille_max=30, graine=2026)

    # Port-la-Nouvelle (11266) has 100 collective dwellings completed in 1973: 4 residences of 25.
    ensemble = [
        r for r in residences if (r.depcom, r.annee_construction, r.type_construction) == ("11266", 1973, "collectif")
    ]
    assert [len(r.logements) for r in ensemble] == [25, 25, 25, 25]
    assert [r.identifiant for r in ensemble] == [f"RPLS2019-11266-1973-C-H-0{i}" for i in range(1, 5)]


def test_meme_graine_meme_resultat_autre_graine_autre_repartition() -> None:
    comptages, _ = lire_comptages(FICHIER_COMPTAGES, annee_max=2026)

    une = reconstituer(comptages, exclure={NARBONNE}, taille_max=30, graine=2026)
    encore = reconstituer(comptages, exclure={NARBONNE}, taille_max=30, graine=2026)
    autre = reconstituer(comptages, exclure={NARBONNE}, taille_max=30, graine=7)

    assert composition(une) == composition(encore)
    assert [r.identifiant for r in autre] == [r.identifiant for r in une]
    assert composition(autre) != composition(une)
    assert Counter(lo for r in autre for lo in r.logements) == Counter(lo for r in une for lo in r.logements)


def test_ligne_invalide_du_fichier_de_comptages(tmp_path: Path) -> None:
    chemin = tmp_path / "comptages.csv"
    lignes = FICHIER_COMPTAGES.read_text(encoding="utf-8").splitlines()
    chemin.write_text(
        "\n".join(
            [
                *lignes[:3],
                "11012,1976,E,C,six,Logements individuels,Hors QPV,1",
                "11012,1976,E,C,4,Logements individuels,Hors QPV,0",
            ]
        )
        + "\n"
    )

    comptages, erreurs = lire_comptages(chemin, annee_max=2026)

    assert len(comptages) == 2
    assert [str(e) for e in erreurs] == [
        "ligne 4 : nbpiece « six » invalide (attendu : « 1 », « 2 », « 3 », « 4 », « 5 et plus »).",
        "ligne 5 : n « 0 » invalide (nombre de logements, entier positif).",
    ]


# --- the service ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_reconstitution_en_base_puis_relance_sans_effet(grand_narbonne: None) -> None:
    sortie = StringIO()
    call_command("generer_patrimoine_grand_narbonne", "--seed", "2026", stdout=sortie)

    assert sortie.getvalue().splitlines() == [
        "créés : 140 résidences, 1737 logements ; modifiés : 0 résidences, 0 logements",
        "reconstitué: 1737 logements, 140 résidences, 29 communes, 0 en QPV",
    ]
    par_commune = dict(Logement.objects.values_list("residence__commune").annotate(n=Count("pk")))
    assert Counter({(c,): n for c, n in par_commune.items()}) == comptes_du_fichier()
    assert NARBONNE not in par_commune
    assert set(Residence.objects.values_list("source", "estimee", "bailleur")) == {
        (SourceResidence.RPLS2019_COMPTAGES, True, None)
    }
    parametres = estimations()
    t4 = Logement.objects.filter(nb_pieces=4).first()
    assert t4 is not None
    assert (t4.surface_habitable, t4.surface_estimee, t4.financement) == (Decimal("82.07"), True, "")
    # 5.3461822876929395 €/m² (Grand Narbonne, RPLS 2019) × 82.07 m² = 438.76…
    assert (t4.loyer_principal, t4.loyer_estime) == (Decimal("438.76"), True)
    assert parametres.surface(7) == parametres.surface(5)
    avant = list(Logement.objects.order_by("identifiant").values_list())

    resume = patrimoine_reconstituer(chemin=FICHIER_COMPTAGES, graine=2026, auteur=acteur_systeme("test"))

    assert str(resume.ecritures) == "créés : 0 résidences, 0 logements ; modifiés : 0 résidences, 0 logements"
    assert list(Logement.objects.order_by("identifiant").values_list()) == avant


@pytest.mark.django_db
def test_grand_narbonne_complet_et_bailleurs_estimes(grand_narbonne: None) -> None:
    rpls_importer(chemin=FICHIER_NARBONNE, auteur=acteur_systeme("test"))
    alogea, domitia = bailleur("Alogea"), bailleur("Domitia Habitat")

    resume = patrimoine_reconstituer(
        chemin=FICHIER_COMPTAGES, graine=2026, bailleurs=[domitia, alogea], auteur=acteur_systeme("test")
    )

    assert resume.bailleurs_attribues == 140
    assert Logement.objects.count() == 6043 + 1737
    reconstituees = Residence.objects.filter(source=SourceResidence.RPLS2019_COMPTAGES)
    assert set(reconstituees.values_list("bailleur_estime", flat=True)) == {True}
    assert set(reconstituees.values_list("bailleur", flat=True)) == {alogea.pk, domitia.pk}
    assert not Residence.objects.filter(commune_id=NARBONNE).exclude(bailleur=None).exists()
    tirage = dict(reconstituees.values_list("identifiant", "bailleur"))

    assert (
        bailleurs_estimer(
            bailleurs=[alogea, domitia], graine=2026, residences=reconstituees, auteur=acteur_systeme("test")
        )
        == 0
    )
    assert (
        patrimoine_reconstituer(
            chemin=FICHIER_COMPTAGES, graine=2026, bailleurs=[alogea, domitia], auteur=acteur_systeme("test")
        ).bailleurs_attribues
        == 0
    )
    assert dict(reconstituees.values_list("identifiant", "bailleur")) == tirage


@pytest.mark.django_db
def test_erreur_dans_les_comptages_n_ecrit_rien(grand_narbonne: None, tmp_path: Path) -> None:
    chemin = tmp_path / "comptages.csv"
    lignes = FICHIER_COMPTAGES.read_text(encoding="utf-8").splitlines()
    chemin.write_text("\n".join([*lignes[:50], "11012,1976,E,H,4,Logements individuels,Hors QPV,1"]) + "\n")

    with pytest.raises(ErreursImportPatrimoine):
        patrimoine_reconstituer(chemin=chemin, auteur=acteur_systeme("test"))
    with pytest.raises(CommandError, match=r"comptages.csv, ligne 51 : dpeserre « H » invalide"):
        call_command("generer_patrimoine_grand_narbonne", "--fichier", str(chemin), stdout=StringIO())
    assert Residence.objects.count() == 0


def test_les_bornes_reglees_par_l_exploitant_s_appliquent_aux_comptages(settings: Any) -> None:
    settings.ATTRIB_IMPORT_LIGNES_MAX = 10
    comptages, erreurs = lire_comptages(FICHIER_COMPTAGES, annee_max=2026)
    assert comptages == [] and [str(e) for e in erreurs] == [
        "ligne 12 : trop de lignes : 10 au plus ; découpez le fichier."
    ]
    settings.ATTRIB_IMPORT_LIGNES_MAX = 500_000
    settings.ATTRIB_IMPORT_CELLULE_MAX = 3
    comptages, erreurs = lire_comptages(FICHIER_COMPTAGES, annee_max=2026)
    assert comptages == [] and len(erreurs) == 1
    assert str(erreurs[0]).startswith("ligne 1 : ") and "caractères, 3 au plus" in str(erreurs[0])
