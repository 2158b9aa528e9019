"""CSV interchange format of demands: import with a located report, CSV/Excel export, offline reader."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.importexport import (
    COLONNES,
    ErreurImport,
    FichierInvalide,
    documentation_codes,
    documentation_colonnes,
    exporter_demandes_csv,
    exporter_demandes_xlsx,
    importer_demandes,
    lire_demandes_polars,
)
from attrib.demandes.models import CompteurNumero, Demande, Personne, PieceJustificative
from attrib.organisations.acteurs import Refus, acteur_de, acteur_systeme
from attrib.organisations.models import Role, TypeOrganisation
from tests.factories import (
    CARCASSONNE,
    COURSAN,
    GRUISSAN,
    NARBONNE,
    OrganisationFactory,
    creer_demande,
    guichet,
    membre,
    personne,
    territoire_minimal,
)

RACINE = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
EXEMPLE = RACINE / "docs" / "formats" / "exemples" / "demandes_exemple.csv"
DOC = RACINE / "docs" / "formats" / "demandes_csv.md"
MIXTE = FIXTURES / "import_mixte.csv"

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    territoire_minimal()
    return guichet(communes=(NARBONNE, GRUISSAN, COURSAN))


@pytest.fixture
def agent(org):
    return membre(org)


def compter() -> dict[str, int]:
    return {
        "demandes": Demande.objects.count(),
        "personnes": Personne.objects.count(),
        "evenements": Evenement.objects.count(),
        "pieces": PieceJustificative.objects.count(),
        "numeros": sum(CompteurNumero.objects.values_list("valeur", flat=True)),
    }


def exporter_csv(user, demandes=None) -> str:
    flux = io.StringIO()
    auteur = acteur_systeme("test") if user is None else acteur_de(user)
    exporter_demandes_csv(demandes=demandes or Demande.objects.order_by("pk"), flux=flux, auteur=auteur)
    return flux.getvalue()


def lignes_csv(texte: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(texte.removeprefix("\ufeff")), delimiter=";"))


def ecrire_csv(lignes: list[dict[str, str]]) -> bytes:
    flux = io.StringIO()
    sortie = csv.DictWriter(flux, fieldnames=list(lignes[0]), delimiter=";")
    sortie.writeheader()
    sortie.writerows(lignes)
    return flux.getvalue().encode("utf-8")


def menage_complet(org, **donnees) -> Demande:
    return creer_demande(
        guichet_org=org,
        communes=(GRUISSAN, NARBONNE),
        personnes=[
            personne(telephone="+33 6 12 34 56 78", lieu_naissance="Béziers"),
            personne(
                role=enums.RolePersonne.CODEMANDEUR,
                lien=enums.LienParente.CONJOINT,
                prenoms="Karim",
                nom="Benali",
                civilite=enums.Civilite.MONSIEUR,
                date_naissance=date(1988, 2, 3),
                salaires=Decimal("1234.56"),
            ),
            personne(
                role=enums.RolePersonne.PERSONNE_A_LOGER,
                lien=enums.LienParente.ENFANT,
                prenoms="Jules",
                date_naissance=date(2015, 3, 1),
                salaires=0,
                a_charge=True,
                garde_alternee=True,
            ),
        ],
        priorites=("l441_k",),
        date_depot=date(2025, 6, 1),
        **donnees,
    )


# --- Import: located report -------------------------------------------------------------------


def test_fichier_mixte_chaque_ligne_fautive_est_signalee_avec_sa_raison(org, agent):
    rapport = importer_demandes(fichier=MIXTE, guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)

    par_ligne: dict[int | None, list[ErreurImport]] = {}
    for erreur in rapport.erreurs:
        par_ligne.setdefault(erreur.ligne, []).append(erreur)
    assert sorted(par_ligne) == [3, 4, 5, 6, 7, 8]
    assert [str(e) for e in par_ligne[3]] == [
        "ligne 3, colonne date_naissance_demandeur : date invalide « 31/02/1990 » (ce jour n'existe pas)"
    ]
    [commune] = par_ligne[4]
    assert commune.colonne == "communes_souhaitees" and "« 99999 »" in commune.message
    [code] = par_ligne[5]
    assert code.colonne == "situation_familiale_demandeur"
    assert code.message.startswith("code inconnu « mariee » ; valeurs admises : celibataire, marie,")
    [typologie] = par_ligne[6]
    assert typologie.colonne == "typologie_max" and "typologie minimale" in typologie.message
    [deux_demandeurs] = par_ligne[7]
    assert deux_demandeurs.colonne == "personnes" and "un seul demandeur" in deux_demandeurs.message
    assert [str(e) for e in par_ligne[8]] == ["ligne 8, colonne nom_demandeur : valeur obligatoire manquante"]
    assert rapport.resume() == "importé : 2 créées, 0 mises à jour, 6 erreurs"
    assert rapport.lignes_en_erreur == [3, 4, 5, 6, 7, 8] and rapport.lignes_lues == 8 and not rapport.annule


def test_mode_ligne_a_ligne_enregistre_les_lignes_valides(org, agent):
    rapport = importer_demandes(fichier=MIXTE, guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)

    assert Demande.objects.count() == 2
    martin = Demande.objects.get(personnes__nom="Martin", personnes__role=enums.RolePersonne.DEMANDEUR)
    assert martin.numero_unique in rapport.creees and martin.guichet == org
    assert martin.date_depot_initiale == date(2026, 1, 15)
    assert list(martin.communes_souhaitees.values_list("commune_id", flat=True)) == [NARBONNE, GRUISSAN]
    assert list(martin.motifs_secondaires.values_list("motif", flat=True)) == [enums.Motif.TROP_PETIT]
    assert (martin.typologie_min, martin.typologie_max, martin.revenu_fiscal_reference) == (3, 4, 17250)
    demandeur, jules, ines = martin.personnes.order_by("id")
    assert (demandeur.prenoms, demandeur.salaires, demandeur.situation_familiale) == (
        "Léa",
        Decimal("1480.50"),
        "divorce",
    )
    assert (jules.role, jules.lien, jules.date_naissance, jules.a_charge) == (
        "personne_a_loger",
        "enfant",
        date(2015, 3, 1),
        True,
    )
    assert (ines.prenoms, ines.garde_alternee) == ("Inès", True)
    assert Evenement.objects.pour(martin).filter(action="enregistrement", auteur=agent).exists()

    benali = Demande.objects.get(personnes__nom="Benali")
    codemandeur = benali.personnes.get(role=enums.RolePersonne.CODEMANDEUR)
    assert (codemandeur.prenoms, codemandeur.lien, codemandeur.date_naissance) == (
        "Chloé",
        "conjoint",
        date(1998, 7, 2),
    )
    assert benali.dalo_reconnu and benali.dalo_date_decision == date(2025, 2, 12)
    assert list(benali.situations_prioritaires.values_list("priorite_id", flat=True)) == ["l441_k"]
    assert benali.date_depot_initiale == date(2025, 11, 4)


def test_l_import_dit_sa_progression_ligne_par_ligne(org, agent):
    vus: list[tuple[int, str, int, int]] = []
    rapport = importer_demandes(
        fichier=MIXTE,
        guichet=org,
        auteur=acteur_de(agent),
        tout_ou_rien=False,
        progression=lambda *etat: vus.append(etat),
    )
    lignes = rapport.lignes_lues
    assert lignes > 2 and [faites for _, _, faites, _ in vus] == list(range(1, lignes + 1))
    assert {(etape, libelle, total) for etape, libelle, _, total in vus} == {(1, "Import des lignes", lignes)}


def test_tout_ou_rien_avec_une_erreur_n_ecrit_rien(org, agent):
    avant = compter()
    rapport = importer_demandes(fichier=MIXTE, guichet=org, auteur=acteur_de(agent), tout_ou_rien=True)

    assert compter() == avant
    assert rapport.annule and rapport.lignes_valides == 2
    assert rapport.resume() == "importé : 0 créées, 0 mises à jour, 6 erreurs"
    assert rapport.lignes_en_erreur == [3, 4, 5, 6, 7, 8]


def test_tout_ou_rien_sans_erreur_ecrit_tout(org, agent):
    lignes = MIXTE.read_text(encoding="utf-8").splitlines()
    fichier = "\n".join([lignes[0], lignes[1], lignes[8]]).encode("utf-8")

    rapport = importer_demandes(fichier=fichier, guichet=org, auteur=acteur_de(agent), tout_ou_rien=True)

    assert not rapport.erreurs and not rapport.annule
    assert rapport.nb_creees == 2 and Demande.objects.count() == 2


def test_erreurs_du_service_ramenees_aux_colonnes_du_fichier(org, agent):
    ligne = {
        "nom_demandeur": "Martin",
        "prenoms_demandeur": "Léa",
        "date_naissance_demandeur": "17/05/1990",
        "email_demandeur": "pas-un-courriel",
        "nom_codemandeur": "B" * 120,
        "prenoms_codemandeur": "Karim",
        "date_naissance_codemandeur": "03/02/1988",
        "personnes": f"enfant:01/03/2015:Jules:{'M' * 120}",
        "statut_logement_actuel": "locataire_parc_prive",
        "typologie_min": "2",
        "typologie_max": "3",
        "communes_souhaitees": NARBONNE,
        "revenu_fiscal_reference": "18000",
        "annee_revenu_fiscal": "2024",
        "motif_principal": "trop_cher",
        "dalo_reconnu": "oui",
    }
    rapport = importer_demandes(fichier=ecrire_csv([ligne]), guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)

    par_colonne = {e.colonne: e for e in rapport.erreurs}
    assert set(par_colonne) == {"email_demandeur", "nom_codemandeur", "personnes", "dalo_date_decision"}
    assert all(e.ligne == 2 for e in rapport.erreurs)
    assert par_colonne["personnes"].message.startswith("personne n° 1 (nom) : ")
    assert Demande.objects.count() == 0


# --- Import: header, encoding, rights ---------------------------------------------------------


def test_colonne_obligatoire_absente_une_seule_erreur_qui_la_nomme(org, agent):
    rapport = importer_demandes(
        fichier=FIXTURES / "import_sans_date_naissance.csv", guichet=org, auteur=acteur_de(agent), tout_ou_rien=False
    )

    assert [str(e) for e in rapport.erreurs] == [
        "ligne 1, colonne date_naissance_demandeur : colonne obligatoire absente de l'en-tête"
    ]
    assert rapport.annule and Demande.objects.count() == 0


@pytest.mark.parametrize(
    ("remplacer", "par", "attendu"),
    [
        ("date_naissance_demandeur", "date_naisance_demandeur", "vouliez-vous dire « date_naissance_demandeur »"),
        ("salaires_demandeur", "nom_demandeur", "colonne présente deux fois"),
        (";", ",", "le séparateur de colonnes doit être le point-virgule"),
    ],
)
def test_en_tete_invalide_refuse_le_fichier_avec_un_message_clair(org, agent, remplacer, par, attendu):
    entete, *reste = MIXTE.read_text(encoding="utf-8").splitlines()
    fichier = "\n".join([entete.replace(remplacer, par), *reste]).encode("utf-8")

    rapport = importer_demandes(fichier=fichier, guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)

    assert rapport.annule and any(attendu in str(e) and e.ligne == 1 for e in rapport.erreurs)
    assert Demande.objects.count() == 0


def test_bom_accepte_et_fichier_televerse(org, agent):
    televerse = SimpleUploadedFile("demandes.csv", b"\xef\xbb\xbf" + MIXTE.read_bytes(), content_type="text/csv")

    rapport = importer_demandes(fichier=televerse, guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)

    assert rapport.nb_creees == 2 and rapport.nb_erreurs == 6


def test_fichier_non_utf8_refuse_avec_sa_ligne(org, agent):
    fichier = MIXTE.read_text(encoding="utf-8").encode("latin-1")

    rapport = importer_demandes(fichier=fichier, guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)

    [erreur] = rapport.erreurs
    assert erreur.ligne == 2 and "UTF-8" in erreur.message
    assert Demande.objects.count() == 0


def test_ligne_au_mauvais_nombre_de_valeurs(org, agent):
    entete, bonne, *_ = MIXTE.read_text(encoding="utf-8").splitlines()
    fichier = "\n".join([entete, bonne.replace(";non;", ";non", 1), bonne]).encode("utf-8")

    rapport = importer_demandes(fichier=fichier, guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)

    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [(2, None)]
    assert "22 valeurs pour 23 colonnes" in rapport.erreurs[0].message
    assert rapport.nb_creees == 1


@pytest.mark.parametrize("cas", ["autre_guichet", "consultation"])
def test_import_reserve_aux_gestionnaires_du_guichet(org, cas):
    if cas == "autre_guichet":
        user = membre(guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,)))
    else:
        user = membre(org, role=Role.CONSULTATION)

    with pytest.raises(Refus) as refus:
        importer_demandes(fichier=MIXTE, guichet=org, auteur=acteur_de(user), tout_ou_rien=False)

    assert "gestionnaire du guichet" in refus.value.message
    assert Demande.objects.count() == 0


# --- Import: updates ------------------------------------------------------------------------


def test_mise_a_jour_par_numero_unique_colonnes_absentes_inchangees(org, agent):
    demande = menage_complet(org)
    ligne = {
        "numero_unique": demande.numero_unique.lower(),
        "nom_demandeur": "Martin",
        "prenoms_demandeur": "Léa",
        "date_naissance_demandeur": "1990-05-17",
        "statut_logement_actuel": "locataire_parc_prive",
        "typologie_min": "2",
        "typologie_max": "4",
        "communes_souhaitees": f"{GRUISSAN}|{NARBONNE}",
        "revenu_fiscal_reference": "18000",
        "annee_revenu_fiscal": "2024",
        "motif_principal": "trop_cher",
    }

    rapport = importer_demandes(fichier=ecrire_csv([ligne]), guichet=org, auteur=acteur_de(agent), tout_ou_rien=True)

    assert rapport.mises_a_jour == [demande.numero_unique] and not rapport.erreurs
    demande.refresh_from_db()
    assert demande.typologie_max == 4
    demandeur = demande.personnes.get(role=enums.RolePersonne.DEMANDEUR)
    assert (demandeur.telephone, demandeur.lieu_naissance, demandeur.salaires) == (
        "+33 6 12 34 56 78",
        "Béziers",
        Decimal("1500.00"),
    )
    assert demande.personnes.count() == 3
    assert list(demande.situations_prioritaires.values_list("priorite_id", flat=True)) == ["l441_k"]
    modification = Evenement.objects.pour(demande).get(action="modification")
    assert set(modification.details["changements"]) == {"typologie_max"}


def test_numero_inconnu_ou_hors_perimetre_meme_message(org, agent):
    carcassonne = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    ailleurs = creer_demande(guichet_org=carcassonne, communes=(CARCASSONNE,))
    [ligne] = lignes_csv(exporter_csv(None, Demande.objects.filter(pk=ailleurs.pk)))
    ligne["sensibles_masques"] = "non"
    inconnue = dict(ligne, numero_unique="01126019999999NAR01")

    rapport = importer_demandes(
        fichier=ecrire_csv([ligne, inconnue]), guichet=org, auteur=acteur_de(agent), tout_ou_rien=False
    )

    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [(2, "numero_unique"), (3, "numero_unique")]
    assert all(e.message.startswith("aucune demande accessible ne porte le numéro") for e in rapport.erreurs)


def test_guichet_et_date_de_depot_ne_se_modifient_pas(org, agent):
    demande = menage_complet(org)
    [ligne] = lignes_csv(exporter_csv(agent))
    fichier = ecrire_csv([dict(ligne, code_guichet="CAR01"), dict(ligne, date_depot_initiale="02/06/2025")])

    rapport = importer_demandes(fichier=fichier, guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)

    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [(2, "code_guichet"), (3, "numero_unique")]
    assert "ne peut pas être modifié" in rapport.erreurs[0].message
    assert "figure déjà ligne 2" in rapport.erreurs[1].message
    assert Demande.objects.get().date_depot_initiale == demande.date_depot_initiale


# --- Export and round trip --------------------------------------------------------------------


def test_aller_retour_export_import_ne_change_rien(org, agent):
    menage_complet(org)
    creer_demande(
        guichet_org=org,
        communes=(NARBONNE,),
        priorites=("l441_g", "dalo"),
        motif_principal=enums.Motif.VIOLENCES,
        dalo_reconnu=True,
        dalo_date_decision=date(2025, 1, 10),
    )
    creer_demande(guichet_org=org, communes=(COURSAN,), loyer_actuel=Decimal("612.40"), besoin_parking=True)
    export = exporter_csv(agent)
    avant = compter()

    rapport = importer_demandes(fichier=export.encode("utf-8"), guichet=org, auteur=acteur_de(agent), tout_ou_rien=True)

    assert not rapport.erreurs and len(rapport.inchangees) == 3
    assert rapport.resume() == "importé : 0 créées, 0 mises à jour, 0 erreurs"
    assert compter() == avant
    assert exporter_csv(agent) == export


def test_aller_retour_avec_une_modification_ne_change_que_cette_valeur(org, agent):
    demande = menage_complet(org)
    creer_demande(guichet_org=org, communes=(COURSAN,))
    export = exporter_csv(agent)
    lignes = lignes_csv(export)
    cible = next(ligne for ligne in lignes if ligne["numero_unique"] == demande.numero_unique)
    cible["typologie_max"] = "5"

    rapport = importer_demandes(fichier=ecrire_csv(lignes), guichet=org, auteur=acteur_de(agent), tout_ou_rien=True)

    assert rapport.mises_a_jour == [demande.numero_unique] and len(rapport.inchangees) == 1
    modification = Evenement.objects.pour(demande).get(action="modification")
    assert set(modification.details["changements"]) == {"typologie_max"}
    apres = lignes_csv(exporter_csv(agent))
    # The updated demand has a new version; everything else is what the file said.
    assert [ligne["version"] != avant["version"] for ligne, avant in zip(apres, lignes, strict=True)] == [
        ligne["numero_unique"] == demande.numero_unique for ligne in lignes
    ]
    assert [ligne | {"version": ""} for ligne in apres] == [ligne | {"version": ""} for ligne in lignes]


def test_deux_imports_du_meme_export_le_second_est_perime_et_ne_revient_pas_en_arriere(org, agent):
    demande = menage_complet(org)
    autre = creer_demande(guichet_org=org, communes=(COURSAN,))
    export = lignes_csv(exporter_csv(agent))
    assert all(ligne["version"] for ligne in export)
    premier = [dict(ligne) for ligne in export]
    premier[0]["typologie_max"] = "5"
    second = [dict(ligne) for ligne in export]
    second[0]["revenu_fiscal_reference"] = "9999"
    second[1]["typologie_max"] = "4"

    rapport = importer_demandes(fichier=ecrire_csv(premier), guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)
    assert rapport.mises_a_jour == [demande.numero_unique]
    rapport = importer_demandes(fichier=ecrire_csv(second), guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)

    # The first import's change is kept; the stale line is reported with its line; the batch went on.
    demande.refresh_from_db()
    autre.refresh_from_db()
    assert demande.typologie_max == 5 and demande.revenu_fiscal_reference != 9999
    assert autre.typologie_max == 4 and rapport.mises_a_jour == [autre.numero_unique]
    assert rapport.perimees == [demande.numero_unique]
    (erreur,) = rapport.erreurs
    assert (erreur.ligne, erreur.colonne) == (2, "version")
    assert f"la demande {demande.numero_unique} a été modifiée depuis l'export" in erreur.message
    assert "typologie maximale" in erreur.message.lower() or "typologie" in erreur.message
    # A line without version (a hand-made file) is not checked.
    sans_version = [dict(export[0]) | {"version": "", "typologie_max": "6"}]
    rapport = importer_demandes(
        fichier=ecrire_csv(sans_version), guichet=org, auteur=acteur_de(agent), tout_ou_rien=False
    )
    assert rapport.mises_a_jour == [demande.numero_unique]


def test_export_masque_les_situations_sensibles_a_qui_ne_doit_pas_les_voir(org, agent):
    demande = creer_demande(
        guichet_org=org,
        priorites=("l441_g", "l441_k"),
        motif_principal=enums.Motif.VIOLENCES,
    )
    mairie = OrganisationFactory(type=TypeOrganisation.COMMUNE, communes=[NARBONNE])
    elu = membre(mairie)

    [masquee] = lignes_csv(exporter_csv(elu))
    [complete] = lignes_csv(exporter_csv(agent))

    assert (masquee["priorites"], masquee["motif_principal"], masquee["sensibles_masques"]) == ("l441_k", "", "oui")
    assert (complete["priorites"], complete["motif_principal"], complete["sensibles_masques"]) == (
        "l441_g|l441_k",
        "violences",
        "non",
    )
    rapport = importer_demandes(fichier=ecrire_csv([masquee]), guichet=org, auteur=acteur_de(agent), tout_ou_rien=False)
    [erreur] = rapport.erreurs
    assert erreur.colonne == "sensibles_masques" and "export complet" in erreur.message
    assert set(demande.situations_prioritaires.values_list("priorite_id", flat=True)) == {"l441_g", "l441_k"}


def test_export_limite_aux_demandes_visibles(org, agent):
    carcassonne = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    ici = creer_demande(guichet_org=org)
    ailleurs = creer_demande(guichet_org=carcassonne, communes=(CARCASSONNE,))

    assert [ligne["numero_unique"] for ligne in lignes_csv(exporter_csv(agent))] == [ici.numero_unique]
    assert {ligne["numero_unique"] for ligne in lignes_csv(exporter_csv(None))} == {
        ici.numero_unique,
        ailleurs.numero_unique,
    }


def test_export_sans_requete_par_demande(org, agent):
    def requetes() -> int:
        with CaptureQueriesContext(connection) as contexte:
            exporter_csv(agent)
        return len(contexte.captured_queries)

    for _ in range(2):
        menage_complet(org)
    requetes()  # the user's memberships are loaded once, on the first call
    peu = requetes()
    for _ in range(4):
        menage_complet(org)

    assert requetes() == peu


def test_export_excel(org, agent):
    demande = menage_complet(org, loyer_actuel=Decimal("612.40"))
    creer_demande(guichet_org=org)
    flux = io.BytesIO()

    n = exporter_demandes_xlsx(demandes=Demande.objects.order_by("pk"), flux=flux, auteur=acteur_de(agent))

    feuille = load_workbook(io.BytesIO(flux.getvalue()))["Demandes"]
    lignes = list(feuille.iter_rows(values_only=True))
    assert n == 2 and len(lignes) == 3
    assert list(lignes[0]) == [c.nom for c in COLONNES]
    assert feuille.freeze_panes == "A2" and feuille["A1"].font.b
    assert feuille.column_dimensions["A"].width >= len("numero_unique")
    ligne = dict(zip(lignes[0], lignes[1], strict=True))
    assert ligne["numero_unique"] == demande.numero_unique
    assert ligne["date_depot_initiale"] == datetime(2025, 6, 1)
    assert ligne["loyer_actuel"] == pytest.approx(612.40)
    assert ligne["telephone_demandeur"] == "+33 6 12 34 56 78"
    assert ligne["personnes"] == "enfant:01/03/2015:Jules:Martin:a_charge+garde_alternee"


# --- Commands ---------------------------------------------------------------------------------


def test_commande_importer_ligne_a_ligne_avec_rapport(org, tmp_path):
    sortie, erreurs = io.StringIO(), io.StringIO()
    rapport = tmp_path / "rapport.csv"

    call_command(
        "importer_demandes", str(MIXTE), "--guichet", "nar01", "--rapport", str(rapport), stdout=sortie, stderr=erreurs
    )

    assert "importé : 2 créées, 0 mises à jour, 6 erreurs" in sortie.getvalue()
    assert "ligne 3, colonne date_naissance_demandeur : date invalide" in erreurs.getvalue()
    lignes = list(csv.reader(io.StringIO(rapport.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert lignes[0] == ["ligne", "colonne", "message"] and [ligne[0] for ligne in lignes[1:]] == list("345678")


def test_commande_importer_tout_ou_rien_echoue_sans_rien_ecrire(org):
    sortie = io.StringIO()
    with pytest.raises(CommandError, match="aucune demande n'a été enregistrée"):
        call_command(
            "importer_demandes", str(MIXTE), "--guichet", "NAR01", "--tout-ou-rien", stdout=sortie, stderr=io.StringIO()
        )

    assert "importé : 0 créées, 0 mises à jour, 6 erreurs" in sortie.getvalue()
    assert Demande.objects.count() == 0


def test_commande_importer_guichet_inconnu(org):
    with pytest.raises(CommandError, match="Aucun guichet enregistreur ne porte le code « INC99 »"):
        call_command("importer_demandes", str(MIXTE), "--guichet", "INC99")


@pytest.mark.parametrize("format_sortie", ["csv", "xlsx"])
def test_commande_exporter(org, agent, tmp_path, format_sortie):
    creer_demande(guichet_org=org, priorites=("l441_g",))
    fichier = tmp_path / f"demandes.{format_sortie}"
    sortie = io.StringIO()

    call_command(
        "exporter_demandes",
        "--format",
        format_sortie,
        "--sortie",
        str(fichier),
        "--utilisateur",
        agent.username,
        stdout=sortie,
    )

    assert sortie.getvalue().strip() == f"1 demande(s) exportée(s) dans {fichier}."
    if format_sortie == "csv":
        [ligne] = lignes_csv(fichier.read_text(encoding="utf-8"))
    else:
        entete, valeurs = load_workbook(fichier)["Demandes"].iter_rows(values_only=True)
        ligne = dict(zip(entete, valeurs, strict=True))
    assert ligne["priorites"] == "l441_g"
    assert [p.name for p in tmp_path.iterdir()] == [fichier.name]


def test_commande_exporter_sans_utilisateur_masque_les_situations_sensibles(org, tmp_path):
    creer_demande(guichet_org=org, priorites=("l441_g",))
    fichier = tmp_path / "demandes.csv"
    sortie = io.StringIO()

    call_command("exporter_demandes", "--format", "csv", "--sortie", str(fichier), stdout=sortie)

    assert "situations sensibles masquées" in sortie.getvalue()
    [ligne] = lignes_csv(fichier.read_text(encoding="utf-8"))
    assert (ligne["priorites"], ligne["sensibles_masques"]) == ("", "oui")


# --- Format: documentation, example, offline reader ---------------------------------------------


def test_la_documentation_reprend_toutes_les_colonnes():
    doc = DOC.read_text(encoding="utf-8")
    regenerer = "régénérez avec documentation_colonnes() / documentation_codes()"
    assert documentation_colonnes() in doc, regenerer
    assert documentation_codes() in doc, regenerer
    for colonne in COLONNES:
        assert f"| `{colonne.nom}` |" in doc, colonne.nom


def test_le_fichier_exemple_s_importe_sans_erreur(org, agent):
    rapport = importer_demandes(fichier=EXEMPLE, guichet=org, auteur=acteur_de(agent), tout_ou_rien=True)

    assert not rapport.erreurs and rapport.nb_creees == 3
    durand = Demande.objects.get(personnes__nom="Durand")
    assert durand.motif_principal == enums.Motif.HANDICAP_SANTE and durand.besoin_fauteuil
    assert set(durand.situations_prioritaires.values_list("priorite_id", flat=True)) == {"l441_a", "dalo"}


@pytest.mark.django_db(False)
def test_lecture_polars_colonnes_du_menage():
    menages = lire_demandes_polars(EXEMPLE, jour=date(2026, 7, 1))

    assert menages["ligne"].to_list() == [2, 3, 4]
    assert menages["nb_personnes"].to_list() == [3, 2, 1]
    assert menages["nb_personnes_a_charge"].to_list() == [2, 0, 0]
    assert menages["couple"].to_list() == [False, True, False]
    assert menages["age_demandeur"].to_list() == [36, 30, 73]
    assert menages["age_codemandeur"].to_list() == [None, 27, None]
    assert menages["nb_handicap"].to_list() == [0, 0, 1]
    assert menages["revenus_mensuels"].to_list() == pytest.approx([1622.5, 1840.0, 1105.3])
    assert menages["departement"].to_list() == ["11", "11", "11"]
    assert menages["date_naissance_codemandeur"].to_list() == [None, date(1998, 7, 2), None]
    assert menages["communes_souhaitees"].to_list()[1] == [NARBONNE, COURSAN, GRUISSAN]
    assert menages["personnes"].to_list()[0][1]["garde_alternee"] is True


@pytest.mark.django_db(False)
def test_lecture_polars_signale_toutes_les_lignes_fautives():
    with pytest.raises(FichierInvalide) as exc:
        lire_demandes_polars(MIXTE)

    assert [(e.ligne, e.colonne) for e in exc.value.erreurs] == [
        (3, "date_naissance_demandeur"),
        (5, "situation_familiale_demandeur"),
        (7, "personnes"),
        (8, "nom_demandeur"),
    ]


@pytest.mark.django_db(False)
def test_lecture_polars_sans_django_configure():
    programme = (
        "import sys\n"
        "from attrib.demandes.importexport import lire_demandes_polars\n"
        f"print(lire_demandes_polars({str(EXEMPLE)!r}).height)\n"
        "assert 'attrib.demandes.models' not in sys.modules\n"
        "from django.conf import settings\n"
        "assert not settings.configured\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    resultat = subprocess.run(
        [sys.executable, "-c", programme], cwd=RACINE, env=env, capture_output=True, text=True, check=False
    )

    assert resultat.returncode == 0, resultat.stderr
    assert resultat.stdout.strip() == "3"
