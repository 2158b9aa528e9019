"""The tabular reader's bounds: a file too big, a zip bomb, too many rows, columns or characters are refused
with a French message naming the limit (and the line), before or while reading, never after."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from attrib.engine.formats.lecture import Bornes, ErreurLecture, lire_csv, lire_tableau, lire_xlsx

PETIT = Bornes(octets=10_000, lignes=3, colonnes=4, cellule=20, decompresse=1_000_000)


def _classeur(lignes: list[list[object]]) -> bytes:
    classeur = Workbook()
    feuille = classeur.active
    for ligne in lignes:
        feuille.append(ligne)
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def _lire(contenu: bytes, bornes: Bornes = PETIT) -> list[tuple[object, ...]]:
    return [ligne.cellules for ligne in lire_tableau(contenu, bornes=bornes).lignes]


def test_dans_les_bornes_tout_est_lu() -> None:
    assert _lire(b"a;b\n1;2\n3;4\n5;6\n") == [("a", "b"), ("1", "2"), ("3", "4"), ("5", "6")]
    assert _lire(_classeur([["a", "b"], [1, 2]])) == [("a", "b"), (1, 2)]


def test_fichier_trop_volumineux_refuse_avant_lecture() -> None:
    with pytest.raises(ErreurLecture, match=r"fichier trop volumineux : 20\u202f000 octets, 10\u202f000 au plus"):
        lire_csv(b"a;b\n" + b"x" * 19_996, bornes=PETIT)


def test_trop_de_lignes_refuse_a_la_premiere_de_trop() -> None:
    with pytest.raises(ErreurLecture) as exc:
        _lire(b"a;b\n1;2\n3;4\n5;6\n7;8\n9;10\n")
    assert str(exc.value) == "ligne 5 : trop de lignes : 3 au plus ; découpez le fichier"


def test_trop_de_colonnes_et_cellule_trop_longue_situees() -> None:
    with pytest.raises(ErreurLecture, match=r"^ligne 2 : trop de colonnes : 4 au plus$"):
        _lire(b"a;b\n1;2;3;4;5\n")
    # Empty trailing cells (a sheet's formatting) do not count.
    assert _lire(_classeur([["a", "b", None, None, None, None]])) == [("a", "b")]
    with pytest.raises(ErreurLecture, match=r"^ligne 2, colonne « n° 2 » : cellule trop longue : 21 caractères"):
        _lire(b"a;b\n1;" + b"x" * 21 + b"\n")


def test_bombe_zip_refusee_sans_decompresser() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 50_000_000)  # 50 MB of zeros, ~50 KB compressed
    contenu = archive.getvalue()
    assert len(contenu) < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(
            ErreurLecture, match=r"classeur refusé : 50\u202f000\u202f\d{3} octets une fois décompressé"
        ):
            lire_xlsx(contenu, bornes=Bornes(decompresse=10_000_000))
        _, pic = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pic < 5_000_000
