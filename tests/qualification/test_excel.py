"""Excel round-trip of a rater's notes: export its list, fill the notes, re-import with a per-line report."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.qualification.models import Notation
from attrib.qualification.services import notations_exporter_excel, notations_importer_excel
from tests.qualification.conftest import Territoire

pytestmark = pytest.mark.django_db


def lire(contenu: bytes) -> tuple[list[Any], list[list[Any]]]:
    feuille = load_workbook(io.BytesIO(contenu)).active
    lignes = [list(r) for r in feuille.iter_rows(values_only=True)]
    return lignes[0], lignes[1:]


def remplir(
    contenu: bytes,
    notes: dict[str, Any],
    commentaires: dict[str, str] | None = None,
    extra: list[list[Any]] | None = None,
) -> bytes:
    classeur = load_workbook(io.BytesIO(contenu))
    feuille = classeur["Notation"]
    entete = [c.value for c in feuille[1]]
    i_note, i_com = entete.index("Note") + 1, entete.index("Commentaire") + 1
    for rangee in range(2, feuille.max_row + 1):
        identifiant = feuille.cell(rangee, 1).value
        if identifiant in notes:
            feuille.cell(rangee, i_note).value = notes[identifiant]
        if commentaires and identifiant in commentaires:
            feuille.cell(rangee, i_com).value = commentaires[identifiant]
    for ligne in extra or []:
        feuille.append(ligne)
    flux = io.BytesIO()
    classeur.save(flux)
    return flux.getvalue()


def test_l_export_donne_la_liste_du_notateur_avec_ses_seules_notes(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    territoire.noter(campagne, "narbonne", "a", 2, "Note de la ville")
    territoire.noter(campagne, "alogea", "b", 4, "Note secrète du bailleur")

    entete, lignes = lire(
        notations_exporter_excel(campagne=campagne, organisation=territoire.narbonne, auteur=acteur_systeme("test"))
    )
    assert entete == [
        "Identifiant",
        "Commune",
        "Résidence",
        "Adresse",
        "Bailleur",
        "Logements",
        "QPV",
        "Note",
        "Commentaire",
    ]
    par_id = {li[0]: li for li in lignes}
    assert set(par_id) == {"A", "B", "C", "D", "E"}
    assert par_id["A"][5:] == [10, "oui", 2, "Note de la ville"]
    assert par_id["B"][7:] == [None, None]  # the bailleur's note never leaks
    assert par_id["D"][4] == "Domitia Habitat (estimé)"
    assert par_id["E"][4] == "inconnu"


def test_aller_retour_avec_une_ligne_fausse_signalee_par_sa_ligne(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    territoire.noter(campagne, "narbonne", "a", 2)
    export = notations_exporter_excel(
        campagne=campagne, organisation=territoire.narbonne, auteur=acteur_systeme("test")
    )
    _entete, lignes = lire(export)
    ligne_de = {li[0]: i for i, li in enumerate(lignes, start=2)}
    fichier = remplir(
        export,
        {"A": 3, "B": 7, "C": "2", "D": "trois", "E": 4.0},
        {"C": "Espaces extérieurs dégradés"},
        extra=[
            ["G", None, None, None, None, None, None, 2, None],
            ["ZZZ", None, None, None, None, None, None, 1, None],
            ["C", None, None, None, None, None, None, 1, None],
        ],
    )

    rapport = notations_importer_excel(
        campagne=campagne,
        organisation=territoire.narbonne,
        fichier=fichier,
        auteur=acteur_de(territoire.users["narbonne"]),
    )

    erreurs = {e.ligne: e.message for e in rapport.erreurs}
    assert erreurs == {
        ligne_de["B"]: "note « 7 » hors de l'échelle 1 à 4.",
        ligne_de["D"]: "note « trois » invalide : un nombre entier de 1 à 4 est attendu.",
        7: "la résidence G n'est pas à noter par Ville de Narbonne dans cette campagne.",
        8: "identifiant « ZZZ » inconnu.",
        9: f"résidence C déjà présente ligne {ligne_de['C']}.",
    }
    assert (rapport.nb_creees, rapport.nb_modifiees, rapport.annule) == (2, 1, False)
    notes = dict(
        Notation.objects.filter(organisation=territoire.narbonne).values_list("residence__identifiant", "note")
    )
    assert notes == {"A": 3, "C": 2, "E": 4}
    assert Notation.objects.get(residence__identifiant="C").commentaire == "Espaces extérieurs dégradés"

    # Re-importing the corrected file changes only what differs.
    corrige = remplir(export, {"A": 3, "B": 1, "C": 2, "E": 4}, {"C": "Espaces extérieurs dégradés"})
    rapport = notations_importer_excel(
        campagne=campagne, organisation=territoire.narbonne, fichier=corrige, auteur=acteur_systeme("test")
    )
    assert (
        rapport.nb_creees,
        rapport.nb_modifiees,
        rapport.nb_inchangees,
        rapport.nb_sans_note,
        len(rapport.erreurs),
    ) == (1, 0, 3, 1, 0)


def test_tout_ou_rien_n_enregistre_rien_si_une_ligne_est_fausse(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    export = notations_exporter_excel(campagne=campagne, organisation=territoire.alogea, auteur=acteur_systeme("test"))
    fichier = remplir(export, {"A": 2, "B": 0, "C": 3})

    rapport = notations_importer_excel(
        campagne=campagne,
        organisation=territoire.alogea,
        fichier=fichier,
        tout_ou_rien=True,
        auteur=acteur_systeme("test"),
    )

    assert rapport.annule and [e.message for e in rapport.erreurs] == ["note « 0 » hors de l'échelle 1 à 4."]
    assert rapport.nb_creees == 0
    assert "rien n'a été importé" in rapport.resume()
    assert not Notation.objects.exists()


def test_un_commentaire_sans_note_est_une_erreur(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    export = notations_exporter_excel(
        campagne=campagne, organisation=territoire.gruissan, auteur=acteur_systeme("test")
    )
    rapport = notations_importer_excel(
        campagne=campagne,
        organisation=territoire.gruissan,
        fichier=remplir(export, {}, {"G": "À revoir"}),
        auteur=acteur_systeme("test"),
    )
    assert [str(e) for e in rapport.erreurs] == ["ligne 2 : commentaire sans note : une note de 1 à 4 est nécessaire."]


def test_un_fichier_illisible_ou_sans_colonne_note_est_refuse(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    rapport = notations_importer_excel(
        campagne=campagne,
        organisation=territoire.alogea,
        fichier=b"identifiant;note\nA;3\n",
        auteur=acteur_systeme("test"),
    )
    assert rapport.annule and rapport.erreur_fichier == "le fichier n'est pas un classeur Excel (.xlsx) lisible."

    classeur = Workbook()
    classeur.active.append(["Identifiant", "Appréciation"])
    classeur.active.append(["A", 3])
    flux = io.BytesIO()
    classeur.save(flux)
    rapport = notations_importer_excel(
        campagne=campagne, organisation=territoire.alogea, fichier=flux.getvalue(), auteur=acteur_systeme("test")
    )
    assert rapport.erreur_fichier == "colonne « Note » absente de la première ligne."
    assert not Notation.objects.exists()


def test_les_colonnes_sont_trouvees_par_leur_nom(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    classeur = Workbook()
    classeur.active.append(["note", "Commentaire", "IDENTIFIANT"])
    classeur.active.append([4, "Calme", "K"])
    flux = io.BytesIO()
    classeur.save(flux)
    rapport = notations_importer_excel(
        campagne=campagne, organisation=territoire.alogea, fichier=flux, auteur=acteur_systeme("test")
    )
    assert rapport.nb_creees == 1
    assert Notation.objects.get().commentaire == "Calme"
