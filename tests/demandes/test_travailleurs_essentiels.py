"""The declared "travailleur essentiel" status (L441-1 CCH 35th paragraph, loi 3DS art. 78): a job that
cannot be done remotely, in a sector of the CIL's list (data/parametres/travailleurs_essentiels.yaml)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from attrib.demandes import enums
from attrib.demandes.forms import DemandeurForm
from attrib.demandes.importexport import importer_demandes
from attrib.demandes.models import Personne
from attrib.engine.erreurs import ParametresInvalides
from attrib.engine.travailleurs_essentiels import charger_listes, liste_en_vigueur, tous_les_secteurs
from attrib.organisations.acteurs import acteur_de
from tests.demandes.test_importexport import ecrire_csv, exporter_csv, lignes_csv
from tests.factories import COURSAN, GRUISSAN, NARBONNE, creer_demande, guichet, membre, personne, territoire_minimal

pytestmark = pytest.mark.django_db

ESSENTIEL = {
    "situation_professionnelle": enums.SituationProfessionnelle.CDD,
    "emploi_non_teletravaillable": True,
    "secteur_essentiel": "sante_medico_social",
}


@pytest.fixture
def org():
    territoire_minimal()
    return guichet(communes=(NARBONNE, GRUISSAN, COURSAN))


@pytest.fixture
def agent(org):
    return membre(org)


@pytest.fixture
def client_agent(agent) -> Client:
    c = Client()
    c.force_login(agent)
    return c


def test_la_liste_livree_est_datee_sourcee_et_configurable():
    liste = liste_en_vigueur(date(2026, 1, 1))
    assert liste.date_effet == date(2022, 2, 23)
    assert liste.fiabilite == "choix_local" and "insee.fr" in liste.source
    assert "sante_medico_social" in liste.codes and "alimentation" in liste.codes
    with pytest.raises(Exception, match="Aucune liste"):
        liste_en_vigueur(date(2022, 1, 1))


def test_une_cil_ajoute_sa_liste_datee_et_les_anciens_codes_restent_lisibles(tmp_path):
    (tmp_path / "travailleurs_essentiels.yaml").write_text(
        """
versions:
  - date_effet: 2022-02-23
    fiabilite: choix_local
    source: "liste par défaut"
    secteurs:
      - {code: sante, libelle: "Santé"}
  - date_effet: 2026-01-01
    fiabilite: V
    source: "délibération de la CIL du 12/12/2025"
    secteurs:
      - {code: enseignement, libelle: "Enseignement"}
""",
        encoding="utf-8",
    )
    assert liste_en_vigueur(date(2025, 6, 1), tmp_path).codes == ("sante",)
    assert liste_en_vigueur(date(2026, 6, 1), tmp_path).codes == ("enseignement",)
    assert {s.code for s in tous_les_secteurs(tmp_path)} == {"sante", "enseignement"}


def test_un_fichier_de_secteurs_invalide_est_refuse_avec_un_message_qui_dit_ou(tmp_path):
    (tmp_path / "travailleurs_essentiels.yaml").write_text(
        "versions:\n  - date_effet: 2026-01-01\n    fiabilite: V\n    source: x\n    secteurs:\n"
        "      - {code: Santé, libelle: Santé}\n",
        encoding="utf-8",
    )
    charger_listes.cache_clear()
    with pytest.raises(ParametresInvalides, match="version n° 1, secteur n° 1 : code « Santé » invalide"):
        charger_listes(tmp_path)


def test_enregistrement_et_affichage_sur_la_fiche(org, client_agent):
    d = creer_demande(guichet_org=org, personnes=[personne(**ESSENTIEL)])
    p = d.personnes.get()
    assert p.travailleur_essentiel and d.travailleurs_essentiels == [p]
    page = client_agent.get(reverse("demandes:detail", args=[d.pk])).content.decode()
    assert "Emploi non télétravaillable" in page
    assert "secteur essentiel : Santé et médico-social" in page and "pas un critère de priorité" in page


@pytest.mark.parametrize(
    ("surcharges", "champ", "message"),
    [
        (
            {"situation_professionnelle": "chomeur", "emploi_non_teletravaillable": True},
            "personnes[0].emploi_non_teletravaillable",
            "que pour une personne en emploi",
        ),
        (
            {"situation_professionnelle": "cdi", "secteur_essentiel": "alimentation"},
            "personnes[0].secteur_essentiel",
            "ne se renseigne que pour un emploi qui ne peut pas",
        ),
        (
            {"situation_professionnelle": "cdi", "emploi_non_teletravaillable": True, "secteur_essentiel": "banque"},
            "personnes[0].secteur_essentiel",
            "Secteur essentiel inconnu « banque »",
        ),
    ],
)
def test_le_service_refuse_une_declaration_incoherente_en_nommant_le_champ(org, surcharges, champ, message):
    with pytest.raises(ValidationError) as exc:
        creer_demande(guichet_org=org, personnes=[personne(**surcharges)])
    assert any(message in m for m in exc.value.message_dict[champ])


def test_la_base_refuse_aussi_une_declaration_incoherente(org):
    d = creer_demande(guichet_org=org)
    for valeurs in (
        {"situation_professionnelle": "retraite", "emploi_non_teletravaillable": True},
        {"emploi_non_teletravaillable": False, "secteur_essentiel": "alimentation"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Personne.objects.filter(demande=d).update(**valeurs)


def test_l_etape_du_demandeur_propose_la_liste_de_la_cil_et_explique_l_erreur():
    base = {
        "demandeur-civilite": "mme",
        "demandeur-nom": "Martin",
        "demandeur-prenoms": "Léa",
        "demandeur-date_naissance": "1990-05-17",
    }
    form = DemandeurForm(
        {**base, "demandeur-situation_professionnelle": "etudiant", "demandeur-emploi_non_teletravaillable": "on"},
        prefix="demandeur",
    )
    assert not form.is_valid()
    assert "que pour une personne en emploi" in form.errors["emploi_non_teletravaillable"][0]
    choix = dict(form.fields["secteur_essentiel"].choices)
    assert set(liste_en_vigueur().codes) <= set(choix)
    form = DemandeurForm(
        {
            **base,
            "demandeur-situation_professionnelle": "cdi",
            "demandeur-emploi_non_teletravaillable": "on",
            "demandeur-secteur_essentiel": "transports_logistique",
        },
        prefix="demandeur",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["secteur_essentiel"] == "transports_logistique"


def test_la_modification_enregistre_l_emploi_du_demandeur(org, client_agent):
    d = creer_demande(guichet_org=org, communes=(NARBONNE,))
    url = reverse("demandes:modifier", args=[d.pk])
    page = client_agent.get(url).content.decode()
    assert "Emploi du demandeur" in page and "Secteur essentiel de cet emploi" in page
    donnees = {
        "recherche-typologie_min": "2",
        "recherche-typologie_max": "3",
        "recherche-type_logement_recherche": "indifferent",
        "recherche-commune_1": NARBONNE,
        "ressources-revenu_fiscal_reference": "18000",
        "ressources-annee_revenu_fiscal": "2024",
        "emploi_demandeur-situation_professionnelle": "cdi",
        "emploi_demandeur-emploi_non_teletravaillable": "on",
        "emploi_demandeur-secteur_essentiel": "proprete_dechets",
    }
    assert client_agent.post(url, donnees).status_code == 302
    p = d.personnes.get(role="demandeur")
    assert (p.situation_professionnelle, p.secteur_essentiel, p.travailleur_essentiel) == (
        "cdi",
        "proprete_dechets",
        True,
    )
    # Incoherent: a job seeker cannot declare a non-remote job; the error sits on the field.
    page = client_agent.post(url, {**donnees, "emploi_demandeur-situation_professionnelle": "chomeur"}).content.decode()
    assert "que pour une personne en emploi" in page
    assert 'href="#id_emploi_demandeur-emploi_non_teletravaillable"' in page
    p.refresh_from_db()
    assert p.situation_professionnelle == "cdi"


def test_export_puis_import_conserve_la_declaration(org, agent):
    creer_demande(guichet_org=org, personnes=[personne(**ESSENTIEL)])
    export = exporter_csv(agent)
    [ligne] = lignes_csv(export)
    assert ligne["emploi_non_teletravaillable_demandeur"] == "oui"
    assert ligne["secteur_essentiel_demandeur"] == "sante_medico_social"
    rapport = importer_demandes(fichier=export.encode("utf-8"), guichet=org, auteur=acteur_de(agent), tout_ou_rien=True)
    assert not rapport.erreurs and len(rapport.inchangees) == 1


def test_import_d_un_secteur_inconnu_signale_ligne_et_colonne(org, agent):
    creer_demande(guichet_org=org, personnes=[personne(**ESSENTIEL)])
    [ligne] = lignes_csv(exporter_csv(agent))
    ligne |= {"numero_unique": "", "secteur_essentiel_demandeur": "finance"}
    rapport = importer_demandes(fichier=ecrire_csv([ligne]), guichet=org, auteur=acteur_de(agent), tout_ou_rien=True)
    [erreur] = rapport.erreurs
    assert (erreur.ligne, erreur.colonne) == (2, "secteur_essentiel_demandeur")
    assert "Secteur essentiel inconnu « finance »" in erreur.message
