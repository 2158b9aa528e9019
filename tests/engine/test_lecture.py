"""The one tabular reader (attrib/engine/formats/lecture.py): encodings, delimiters, located errors, Excel."""

import io

import pytest
from openpyxl import Workbook

from attrib.engine.formats.lecture import (
    ErreurLecture,
    decoder,
    lire_csv,
    lire_tableau,
    lire_xlsx,
    separateur,
    situer,
)

TEXTE = "nom;commune;date_naissance\nBérénice Œuvray;Béziers;1990-05-01\n"


def _rangees(tableau):
    return [(r.numero, list(r.cellules)) for r in tableau.lignes]


@pytest.mark.parametrize(
    ("contenu", "encodage"),
    [
        (TEXTE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXTE.encode("utf-8"), "utf-8"),
        (TEXTE.encode("cp1252"), "cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "windows-1252"],
)
def test_chaque_encodage_est_reconnu(contenu, encodage):
    tableau = lire_csv(contenu)
    assert tableau.encodage == encodage
    assert _rangees(tableau) == [
        (1, ["nom", "commune", "date_naissance"]),
        (2, ["Bérénice Œuvray", "Béziers", "1990-05-01"]),
    ]


def test_un_fichier_ni_utf8_ni_windows_1252_est_refuse_a_sa_ligne():
    # 0x81 is undefined in Windows-1252 and cannot start a UTF-8 character.
    contenu = b"nom;commune\nA;B\nC\x81;D\n"
    with pytest.raises(ErreurLecture) as erreur:
        lire_csv(contenu)
    assert erreur.value.ligne == 3
    assert str(erreur.value) == "ligne 3 : fichier illisible : ni UTF-8 ni Windows-1252"


def test_un_format_en_utf8_seul_refuse_windows_1252():
    with pytest.raises(ErreurLecture, match="n'est pas encodé en UTF-8") as erreur:
        decoder(TEXTE.encode("cp1252"), encodages=("utf-8",))
    assert erreur.value.ligne == 2


def test_un_fichier_utf16_ou_binaire_est_refuse():
    with pytest.raises(ErreurLecture, match="ni UTF-8 ni Windows-1252"):
        lire_csv(TEXTE.encode("utf-16"))


@pytest.mark.parametrize("sep", [";", ",", "\t"], ids=["point-virgule", "virgule", "tabulation"])
def test_chaque_separateur_est_reconnu(sep):
    texte = sep.join(["nom", "adresse", "code"]) + "\n" + sep.join(["Dupont", '"1, rue; des Lices"', "11100"]) + "\n"
    tableau = lire_csv(texte.encode())
    assert tableau.separateur == sep
    assert _rangees(tableau)[1] == (2, ["Dupont", "1, rue; des Lices", "11100"])


def test_separateur_hors_guillemets_et_par_defaut():
    assert separateur('"a;b;c",d,e\n') == ","
    assert separateur("colonne_unique\n") == ";"
    assert separateur("a,b\n", separateurs=(";",)) == ";"


def test_une_ligne_mal_formee_est_situee():
    # A cell beyond the csv module's field limit (131,072 characters) makes the record unreadable.
    contenu = b"nom;ville\nA;B\n" + b'"' + b"x" * 200_000 + b'";D\nE;F\n'
    tableau = lire_csv(contenu)
    lignes = []
    with pytest.raises(ErreurLecture) as erreur:
        for ligne in tableau.lignes:
            lignes.append(ligne.numero)
    assert lignes == [1, 2]
    assert erreur.value.ligne == 3 and str(erreur.value).startswith("ligne 3 : ligne CSV illisible")


def test_numero_de_ligne_apres_une_cellule_sur_deux_lignes():
    tableau = lire_csv(b'nom;note\n"A";"sur\ndeux lignes"\nB;x\n')
    assert [r.numero for r in tableau.lignes] == [1, 2, 4]


def test_message_situe_par_ligne_et_colonne():
    assert situer(12, "date_naissance", "date invalide") == "ligne 12, colonne « date_naissance » : date invalide"
    assert str(ErreurLecture(None, "nom", "absente")) == "colonne « nom » : absente"
    assert situer(None, None, "fichier vide") == "fichier vide"


def _classeur(feuilles):
    classeur = Workbook()
    classeur.remove(classeur.active)
    for titre, rangees in feuilles.items():
        feuille = classeur.create_sheet(titre)
        for rangee in rangees:
            feuille.append(rangee)
    flux = io.BytesIO()
    classeur.save(flux)
    return flux.getvalue()


def test_un_classeur_xlsx_est_lu_avec_ses_numeros_de_ligne_et_ses_types():
    contenu = _classeur({"Notes": [["identifiant", "note"], ["RES-1", 3], [None, None], ["RES-2", 4.5]]})
    tableau = lire_tableau(contenu, nom="notes.xlsx")
    assert tableau.format == "xlsx"
    rangees = list(tableau.lignes)
    assert [(r.numero, r.cellules) for r in rangees] == [
        (1, ("identifiant", "note")),
        (2, ("RES-1", 3)),
        (3, (None, None)),
        (4, ("RES-2", 4.5)),
    ]
    assert rangees[2].vide() and not rangees[1].vide()


def test_la_feuille_nommee_est_preferee_a_la_premiere():
    contenu = _classeur({"Lisez-moi": [["aide"]], "Notation": [["identifiant"], ["RES-9"]]})
    assert [r.cellules for r in lire_xlsx(contenu, feuille="Notation").lignes] == [("identifiant",), ("RES-9",)]
    assert [r.cellules for r in lire_xlsx(contenu, feuille="Absente").lignes] == [("aide",)]


def test_un_faux_classeur_est_refuse_en_francais():
    with pytest.raises(ErreurLecture, match=r"fichier illisible : ce n'est pas un classeur Excel \(\.xlsx\)"):
        lire_tableau(b"PK\x03\x04 pas un zip", nom="faux.xlsx")


def test_un_csv_est_reconnu_sans_nom():
    assert lire_tableau(TEXTE.encode()).format == "csv"
