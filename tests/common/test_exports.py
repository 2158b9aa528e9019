"""Exports of the demand file: safe cells, personal data only for the roles whose mission needs them (counts
for the others), every export journalled with its row count, and the interchange CSV still round-trips."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import resolve, reverse
from openpyxl import load_workbook

from attrib.common.models import Evenement
from attrib.demandes.importexport import exporter_demandes_csv, importer_demandes
from attrib.demandes.models import Demande, Personne
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import CategorieReservataire, Role, TypeOrganisation
from attrib.organisations.permissions import peut_exporter_donnees_personnelles
from tests.factories import (
    GRUISSAN,
    NARBONNE,
    OrganisationFactory,
    UserFactory,
    creer_demande,
    guichet,
    membre,
    personne,
    territoire_minimal,
)
from tests.recherches import url_recherche

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org() -> Any:
    territoire_minimal()
    return guichet(communes=(NARBONNE, GRUISSAN))


@pytest.fixture
def agent(org: Any) -> Any:
    return membre(org, username="agent")


@pytest.fixture
def elue_gruissan(org: Any) -> Any:
    """A read-only member of a commune (the demo's « gruissan »): she sees the demands wishing Gruissan."""
    mairie = OrganisationFactory(
        nom="Ville de Gruissan",
        type=TypeOrganisation.COMMUNE,
        categorie_reservataire=CategorieReservataire.COMMUNE,
        communes=[GRUISSAN],
    )
    return membre(mairie, role=Role.CONSULTATION, username="elue")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _fichier(reponse: Any) -> Any:
    """An export of the demand list answers with its job's page (the tests run the job at once): the file is
    downloaded from there."""
    if reponse.status_code == 302 and reponse["Location"].startswith(reverse("taches:mes_travaux")):
        travail = resolve(reponse["Location"]).kwargs["pk"]
        return reponse.client.get(reverse("taches:travail_fichier", args=[travail]))
    return reponse


def _contenu(reponse: Any) -> bytes:
    reponse = _fichier(reponse)
    return b"".join(reponse.streaming_content) if reponse.streaming else reponse.content


def _exports() -> list[Evenement]:
    return list(Evenement.objects.filter(action="export").order_by("pk"))


def test_un_nom_avec_un_caractere_de_controle_s_exporte_en_excel_sans_ce_caractere(org: Any, agent: Any) -> None:
    demande = creer_demande(guichet_org=org, personnes=[personne(nom="Durand")])
    # A legacy row: the character came in before the validation refused it.
    Personne.objects.filter(demande=demande).update(nom="Du\x01ra\x0bnd", prenoms="L\x1béa")

    r = _fichier(_client(agent).get(reverse("demandes:export_xlsx")))

    assert r.status_code == 200
    feuille = load_workbook(io.BytesIO(r.content))["Demandes"]
    entete, ligne = feuille.iter_rows(values_only=True)
    valeurs = dict(zip(entete, ligne, strict=True))
    assert (valeurs["nom_demandeur"], valeurs["prenoms_demandeur"]) == ("Durand", "Léa")
    texte = _contenu(_client(agent).get(reverse("demandes:export_csv"))).decode("utf-8")
    assert "\x01" not in texte and ";Durand;;Léa;" in texte


def test_un_texte_qui_serait_une_formule_est_neutralise_et_l_aller_retour_tient(org: Any, agent: Any) -> None:
    demande = creer_demande(
        guichet_org=org,
        personnes=[personne(telephone="+33 6 12 34 56 78")],
        bailleur_actuel='=HYPERLINK("http://exemple.invalid";"clic")',
        rpls_logement_actuel="@RPLS-1",
    )
    flux = io.StringIO()
    exporter_demandes_csv(demandes=Demande.objects.order_by("pk"), flux=flux, auteur=acteur_de(agent))
    [ligne] = csv.DictReader(io.StringIO(flux.getvalue().removeprefix("\ufeff")), delimiter=";")

    assert ligne["bailleur_actuel"] == '\'=HYPERLINK("http://exemple.invalid";"clic")'
    assert ligne["telephone_demandeur"] == "'+33 6 12 34 56 78"
    assert ligne["rpls_logement_actuel"] == "'@RPLS-1"
    rapport = importer_demandes(
        fichier=flux.getvalue().encode(), guichet=org, auteur=acteur_de(agent), tout_ou_rien=True
    )
    assert not rapport.erreurs and rapport.inchangees == [demande.numero_unique]
    demande.refresh_from_db()
    assert demande.bailleur_actuel.startswith("=HYPERLINK") and demande.rpls_logement_actuel == "@RPLS-1"

    r = _fichier(_client(agent).get(reverse("demandes:export_xlsx")))
    entete, valeurs = load_workbook(io.BytesIO(r.content))["Demandes"].iter_rows()
    cellule = dict(zip((c.value for c in entete), valeurs, strict=True))["bailleur_actuel"]
    assert cellule.data_type == "s" and cellule.value.startswith("=HYPERLINK")


def test_une_commune_en_consultation_n_exporte_pas_les_noms_mais_les_effectifs(
    org: Any, agent: Any, elue_gruissan: Any
) -> None:
    creer_demande(guichet_org=org, communes=(GRUISSAN,), personnes=[personne(nom="Durand")], typologie_min=2)
    creer_demande(guichet_org=org, communes=(GRUISSAN,), personnes=[personne(nom="Petit")], typologie_min=2)
    creer_demande(guichet_org=org, communes=(NARBONNE,), personnes=[personne(nom="Roux")])
    client = _client(elue_gruissan)

    assert not peut_exporter_donnees_personnelles(elue_gruissan) and peut_exporter_donnees_personnelles(agent)
    for route in ("demandes:export_csv", "demandes:export_xlsx"):
        assert client.get(reverse(route)).status_code == 403
    liste = client.get(reverse("demandes:liste")).content.decode()
    assert reverse("demandes:export_csv") not in liste and reverse("demandes:export_xlsx") not in liste
    assert reverse("demandes:export_effectifs_csv") in liste

    r = client.get(reverse("demandes:export_effectifs_csv"))
    texte = r.content.decode("utf-8-sig")
    assert r.status_code == 200 and "Durand" not in texte and "Petit" not in texte
    lignes = list(csv.reader(io.StringIO(texte), delimiter=";"))
    assert lignes == [
        ["Commune souhaitée en premier", "Typologie minimale", "Statut", "Demandes"],
        ["Gruissan", "T2", "Active", "2"],
    ]
    r = client.get(reverse("demandes:export_effectifs_xlsx"))
    assert list(load_workbook(io.BytesIO(r.content))["Effectifs"].iter_rows(min_row=2, values_only=True)) == [
        ("Gruissan", "T2", "Active", 2)
    ]
    [journal_csv, journal_xlsx] = _exports()
    assert journal_csv.auteur == elue_gruissan and journal_csv.details["lignes"] == 1
    assert not journal_csv.details["donnees_personnelles"] and journal_xlsx.details["format"] == "xlsx"


@pytest.mark.parametrize(
    ("type_", "role", "categorie", "permis"),
    [
        (TypeOrganisation.GUICHET, Role.GESTIONNAIRE, "", True),
        (TypeOrganisation.BAILLEUR, Role.ADMINISTRATEUR, "", True),
        (TypeOrganisation.RESERVATAIRE, Role.GESTIONNAIRE, CategorieReservataire.ETAT, True),
        (TypeOrganisation.EPCI, Role.ADMINISTRATEUR, CategorieReservataire.EPCI, True),
        (TypeOrganisation.COMMUNE, Role.GESTIONNAIRE, CategorieReservataire.COMMUNE, True),
        (TypeOrganisation.COMMUNE, Role.CONSULTATION, CategorieReservataire.COMMUNE, False),
        (TypeOrganisation.BAILLEUR, Role.CONSULTATION, "", False),
        (TypeOrganisation.SERVICE_SOCIAL, Role.GESTIONNAIRE, "", False),
    ],
)
def test_droit_d_exporter_des_donnees_personnelles_par_role(
    type_: str, role: str, categorie: str, permis: bool
) -> None:
    org = OrganisationFactory(type=type_, categorie_reservataire=categorie, code_guichet="")
    assert peut_exporter_donnees_personnelles(membre(org, role=role)) is permis
    assert not peut_exporter_donnees_personnelles(UserFactory())


def test_chaque_export_des_demandes_est_journalise_avec_son_nombre_de_lignes(org: Any, agent: Any) -> None:
    for nom in ("Durand", "Petit", "Roux"):
        creer_demande(guichet_org=org, personnes=[personne(nom=nom)])
    client = _client(agent)

    cle = url_recherche(client, "durand").split("?", 1)[1]
    _contenu(client.get(f"{reverse('demandes:export_csv')}?{cle}"))
    client.get(reverse("demandes:export_xlsx"))

    csv_, xlsx = _exports()
    assert (csv_.auteur, csv_.organisation, csv_.details["lignes"], csv_.details["format"]) == (agent, org, 1, "csv")
    assert csv_.details["filtres"] == {"q": ["durand"]} and csv_.details["donnees_personnelles"]
    assert "liste des demandes visibles, filtrée" in csv_.resume and "1 ligne(s)" in csv_.resume
    assert (xlsx.details["lignes"], xlsx.details["format"]) == (3, "xlsx")
    assert csv_.cible_type.model_class().__name__ == "ContentType"


def test_la_commande_d_export_est_journalisee_et_refusee_a_qui_n_a_pas_le_droit(
    org: Any, agent: Any, elue_gruissan: Any, tmp_path: Any
) -> None:
    creer_demande(guichet_org=org, communes=(GRUISSAN,))
    fichier = tmp_path / "demandes.csv"

    call_command("exporter_demandes", "--format", "csv", "--sortie", str(fichier), stdout=io.StringIO())
    [journal] = _exports()
    assert journal.auteur is None and journal.details["lignes"] == 1
    assert journal.details["perimetre"] == "toutes les demandes (commande exporter_demandes)"

    with pytest.raises(CommandError, match="ne permet pas d'exporter des données personnelles"):
        call_command(
            "exporter_demandes", "--format", "xlsx", "--sortie", str(tmp_path / "x.xlsx"), "--utilisateur", "elue"
        )
    assert len(_exports()) == 1 and not (tmp_path / "x.xlsx").exists()
