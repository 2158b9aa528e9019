"""Import / export of the agreements (CSV, Excel) and the yearly report (Excel, PDF)."""

from __future__ import annotations

import io
from datetime import date

from django.utils import timezone
from openpyxl import load_workbook

from attrib.flux.bilan import MENTION_ATTRIBUTIONS, bilan_excel, bilan_pdf
from attrib.flux.models import ConventionReservation
from attrib.flux.selectors import bilan
from attrib.flux.services import (
    conventions_exporter_csv,
    conventions_exporter_excel,
    conventions_importer,
    orientation_candidats_proposer,
)
from attrib.organisations.acteurs import acteur_systeme
from tests.flux.conftest import Monde

ENTETE = (
    "Bailleur;Réservataire;Contingent;Libellé;Part du flux (%);Nombre de logements par an;"
    "Territoire (codes INSEE);Mixité;Délai de proposition (jours);Délai dépassé décompté;Début;Fin"
)


def _csv(*lignes: str) -> bytes:
    return ("\n".join([ENTETE, *lignes]) + "\n").encode("utf-8")


def test_l_export_csv_se_reimporte_sans_rien_changer(monde: Monde) -> None:
    monde.conventions_standard()
    monde.convention(monde.ville, "commune", "12.5", communes=["11262"], mixite=["qpv"], delai_proposition_jours=15)
    conventions = ConventionReservation.objects.order_by("pk")
    contenu = conventions_exporter_csv(conventions=conventions)
    texte = contenu.decode("utf-8-sig")
    assert texte.splitlines()[0] == ENTETE
    assert "Alogea;Ville de Narbonne;Commune;;12,5;;11262;qpv;15;oui;01/01/" in texte
    rapport = conventions_importer(
        auteur=acteur_systeme("test"), bailleur=monde.alogea, fichier=contenu, nom_fichier="conventions.csv"
    )
    assert not rapport.annule, rapport.resume()
    assert [ligne.resultat for ligne in rapport.lignes] == ["inchangee"] * 4
    assert ConventionReservation.objects.count() == 4


def test_l_export_excel_se_reimporte(monde: Monde) -> None:
    monde.conventions_standard()
    contenu = conventions_exporter_excel(conventions=ConventionReservation.objects.all())
    classeur = load_workbook(io.BytesIO(contenu))
    assert classeur.sheetnames == ["Conventions", "Mode d'emploi"]
    assert classeur["Conventions"]["E2"].value in (20, 5, 25)
    ConventionReservation.objects.all().delete()
    rapport = conventions_importer(
        auteur=acteur_systeme("test"), bailleur=monde.alogea, fichier=contenu, nom_fichier="conventions.xlsx"
    )
    assert rapport.compte("creee") == 3, rapport.resume()
    assert sorted(ConventionReservation.objects.values_list("part", flat=True)) == [5, 20, 25]


def test_un_import_en_erreur_nomme_ligne_et_colonne_et_n_enregistre_rien(monde: Monde) -> None:
    annee = timezone.localdate().year
    rapport = conventions_importer(
        auteur=acteur_systeme("test"),
        bailleur=monde.alogea,
        fichier=_csv(
            f";Action Logement Services;action_logement;;25;;;;;oui;01/01/{annee};",
            f";Préfecture de l'Aude;etat;;vingt;;;;;oui;01/01/{annee};",
            f";Mairie inconnue;commune;;10;;99999;;;peut-être;01/01/{annee};",
        ),
        nom_fichier="conventions.csv",
    )
    assert rapport.annule and ConventionReservation.objects.count() == 0
    assert rapport.lignes[0].resultat == "creee"
    assert rapport.lignes[1].messages == [
        "colonne « Part du flux (%) » : « vingt » illisible (un pourcentage, par exemple 25 ou 12,5)."
    ]
    erreurs = " ".join(rapport.lignes[2].messages)
    assert "« Mairie inconnue » : aucune organisation" in erreurs
    assert "colonne « Délai dépassé décompté » : « peut-être » illisible (oui ou non)" in erreurs
    assert "colonne « Territoire (codes INSEE) » : code(s) INSEE inconnu(s) : 99999" in erreurs
    assert rapport.resume() == "Aucune convention enregistrée : 2 erreurs à corriger."


def test_un_import_qui_depasse_la_part_de_l_etat_est_refuse(monde: Monde) -> None:
    annee = timezone.localdate().year
    rapport = conventions_importer(
        auteur=acteur_systeme("test"),
        bailleur=monde.alogea,
        fichier=_csv(
            f"Alogea;Préfecture de l'Aude;État (publics prioritaires);;30;;;;;;01/01/{annee};",
            f"Alogea;Préfecture de l'Aude;etat_agents;;5;;;;;;01/01/{annee};",
        ),
    )
    assert rapport.annule and ConventionReservation.objects.count() == 0
    assert any("La part de l'État (35 %) dépasse le plafond de 30 %" in m for m in rapport.erreurs_ensemble)
    assert any("R441-5 CCH" in m for m in rapport.erreurs_ensemble)


def test_un_fichier_sans_colonnes_obligatoires_est_refuse(monde: Monde) -> None:
    rapport = conventions_importer(
        auteur=acteur_systeme("test"), bailleur=monde.alogea, fichier=b"nom;part\nx;3\n", nom_fichier="x.csv"
    )
    assert (
        rapport.annule
        and "Colonne(s) manquante(s) en ligne 1 : Réservataire, Contingent, Début" in rapport.erreur_fichier
    )


def test_le_bilan_annuel_en_excel_et_en_pdf(monde: Monde) -> None:
    monde.conventions_standard()
    annee = timezone.localdate().year
    for logement in monde.logements("ouest")[:12]:
        monde.declarer(logement)
    b = bilan(monde.alogea, monde.action_logement, annee)
    assert b.nb_proposes == 3 and b.nb_attribues == 0
    assert b.date_limite == date(annee + 1, 2, 28) and b.article == "R441-5-1 CCH"
    assert {t.titre for t in b.proposes} == {"Typologie", "Commune", "Situation", "Financement"}
    situation = next(t for t in b.proposes if t.titre == "Situation")
    assert situation.lignes == [("En QPV", 3), ("Hors QPV", 0)]
    orientation_candidats_proposer(auteur=acteur_systeme("test"), orientation=b.orientations[0], nombre_candidats=2)
    b = bilan(monde.alogea, monde.action_logement, annee)
    assert ("Candidats proposés", 1) in b.statuts

    classeur = load_workbook(io.BytesIO(bilan_excel(b)))
    assert classeur.sheetnames == ["Synthèse", "Proposés", "Attribués", "Logements"]
    synthese = [c for ligne in classeur["Synthèse"].iter_rows(values_only=True) for c in ligne if c is not None]
    assert f"Bilan annuel {annee} de la gestion en flux — Alogea à Action Logement Services (R441-5-1 CCH)" in synthese
    assert MENTION_ATTRIBUTIONS in synthese
    assert "non disponible : aucune attribution enregistrée" in synthese
    assert classeur["Logements"].max_row == 4
    assert classeur["Attribués"]["A1"].value == MENTION_ATTRIBUTIONS

    pdf = bilan_pdf(b)
    assert pdf[:4] == b"%PDF" and len(pdf) > 5_000
