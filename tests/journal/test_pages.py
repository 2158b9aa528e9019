"""What a user sees of the change journal: a PATCH through the API or the screen, a bulk update, a grid
criterion edit each show who changed what, before → after, on the object's journal page; those who may not
see the object get 404; sensitive situations stay confidential; the EPCI and the data-protection officer
export a period."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db.models import Max, Min
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attrib.common.models import Evenement
from attrib.cotation import services as cotation
from attrib.cotation.enums import TypeGrille
from attrib.demandes.models import Personne
from attrib.journal.contexte import contexte_journal
from attrib.journal.models import EntreeJournal, Operation
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Organisation, Role, TypeOrganisation
from tests.api.aide import client_jeton
from tests.cotation.outils import GRILLE
from tests.factories import (
    CARCASSONNE,
    COURSAN,
    GRUISSAN,
    NARBONNE,
    UserFactory,
    creer_demande,
    guichet,
    membre,
    territoire_minimal,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def monde() -> dict[str, Any]:
    gn = territoire_minimal()
    g = guichet(nom="Maison de l'habitat", code="MHN01", communes=(NARBONNE,))
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci=gn)
    epci.perimetre.set([NARBONNE, GRUISSAN, COURSAN])
    car = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    return {
        "guichet": g,
        "epci": epci,
        "agent": membre(g, username="agent", first_name="Inès", last_name="Roux"),
        "agent_epci": membre(epci, username="epci"),
        "consultation_epci": membre(epci, role=Role.CONSULTATION, username="lecteur.epci"),
        "agent_carcassonne": membre(car, username="carcassonne"),
        "demande": creer_demande(guichet_org=g, communes=(NARBONNE,), priorites=("l441_g",)),
    }


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _page_journal(user: Any, demande: Any) -> str:
    reponse = _client(user).get(reverse("journal:demande", args=[demande.pk]))
    assert reponse.status_code == 200
    return reponse.content.decode()


def _ligne(page: str, libelle: str, avant: str, apres: str) -> bool:
    return f"<tr><td>{libelle}</td><td>{avant}</td><td>{apres}</td></tr>" in page


def test_patch_api_ressources_telephone_adresse_nationalite(monde):
    demande, agent = monde["demande"], monde["agent"]
    menage = [
        {
            "role": "demandeur",
            "nom": "Martin",
            "prenoms": "Léa",
            "date_naissance": "1990-05-17",
            "salaires": "1720.50",
            "telephone": "0611223344",
            "adresse": "3 rue des Olivettes",
            "nationalite": "ue",
        }
    ]
    reponse = client_jeton(agent).patch(
        f"/api/v1/demandes/{demande.numero_unique}/",
        {"personnes": menage, "ressources": {"revenu_fiscal_reference": 21000}},
        format="json",
    )
    assert reponse.status_code == 200, reponse.content
    entrees = EntreeJournal.objects.filter(racine_id=str(demande.pk), auteur=agent)
    assert entrees.filter(table_objet="demandes.personne").exists()
    modif = entrees.get(table_objet="demandes.demande", operation=Operation.MODIFICATION)
    assert modif.avant["revenu_fiscal_reference"] == 18000 and modif.apres["revenu_fiscal_reference"] == 21000
    assert modif.origine.startswith("API PATCH")

    page = _page_journal(agent, demande)
    assert _ligne(page, "salaires", "1\u202f500", "1\u202f720,50")
    assert _ligne(page, "téléphone", "(vide)", "0611223344")
    assert _ligne(page, "adresse", "(vide)", "3 rue des Olivettes")
    assert _ligne(page, "nationalité", "Française", "Union européenne / EEE / Suisse") or _ligne(
        page, "nationalité", "(vide)", "Union européenne / EEE / Suisse"
    )
    assert _ligne(page, "revenu fiscal de référence N-2 (€)", "18000", "21000")
    assert "Par Inès Roux" in page


def test_modification_a_l_ecran_des_coordonnees(monde):
    demande, agent = monde["demande"], monde["agent"]
    reponse = _client(agent).post(
        reverse("demandes:modifier", args=[demande.pk]),
        {
            "recherche-typologie_min": "2",
            "recherche-typologie_max": "3",
            "recherche-type_logement_recherche": "indifferent",
            "recherche-commune_1": NARBONNE,
            "ressources-revenu_fiscal_reference": "18000",
            "ressources-annee_revenu_fiscal": "2024",
            "coordonnees-telephone": "0468000000",
            "coordonnees-adresse": "12 quai Vallière",
            "coordonnees-code_postal": "11100",
            "coordonnees-ville": "Narbonne",
        },
    )
    assert reponse.status_code == 302
    entree = EntreeJournal.objects.filter(
        table_objet="demandes.personne", racine_id=str(demande.pk), auteur=agent
    ).latest("id")
    assert entree.origine.startswith("écran POST")
    page = _page_journal(agent, demande)
    assert _ligne(page, "téléphone", "(vide)", "0468000000")
    assert _ligne(page, "adresse", "(vide)", "12 quai Vallière")


def test_mise_a_jour_en_masse_visible_sur_la_page(monde):
    demande = monde["demande"]
    with contexte_journal(origine="commande reprise_salaires"):
        Personne.objects.filter(demande=demande).update(salaires=Decimal("1600"))
    page = _page_journal(monde["agent"], demande)
    assert _ligne(page, "salaires", "1\u202f500", "1\u202f600")
    assert "traitement automatique (commande reprise_salaires)" in page


def test_page_journal_404_hors_perimetre(monde):
    demande = monde["demande"]
    url = reverse("journal:demande", args=[demande.pk])
    assert _client(monde["agent_carcassonne"]).get(url).status_code == 404
    assert _client(UserFactory(username="seul")).get(url).status_code == 404
    assert _client(monde["agent_epci"]).get(url).status_code == 200


def test_situation_sensible_confidentielle_pour_l_epci(monde):
    demande = creer_demande(guichet_org=monde["guichet"], communes=(NARBONNE,), priorites=("l441_g",))
    page_epci = _page_journal(monde["agent_epci"], demande)
    page_guichet = _page_journal(monde["agent"], demande)
    assert "situation prioritaire (situation confidentielle)" in page_epci
    assert "situation prioritaire (situation confidentielle)" not in page_guichet


def test_edition_d_un_critere_de_grille_avant_apres(monde):
    agent_epci = monde["agent_epci"]
    version = cotation.grille_importer_yaml(
        organisation=monde["epci"],
        type_grille=TypeGrille.GENERALE,
        contenu=GRILLE,
        nom_fichier="grille.yaml",
        auteur=acteur_systeme("test"),
    )
    doc = cotation.document(version)
    i, j = cotation.position_critere(doc, "anciennete")
    critere = doc["sections"][i]["criteres"][j]
    critere["points"] = {"par_unite": 20, "valeur": "anciennete_mois", "plafond": 1200, "unite": "mois"}
    with contexte_journal(origine="test", auteur=acteur_de(agent_epci)):
        cotation.critere_enregistrer(
            version=version,
            section_id="anciennete",
            critere_id="anciennete",
            donnees=critere,
            auteur=acteur_de(agent_epci),
        )
    evenement = Evenement.objects.pour(version).get(action="grille_modifiee")
    assert evenement.details["modifications"][0]["champ"] == "critère « anciennete » : points"
    reponse = _client(agent_epci).get(reverse("journal:version", args=[version.pk]))
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "critère « anciennete » : points" in page
    assert "par_unite: 10" in page and "par_unite: 20" in page
    # A draft's journal, like the draft, is for the EPCI's members only.
    assert _client(monde["agent"]).get(reverse("journal:version", args=[version.pk])).status_code == 404


def _jours_du_journal() -> tuple[date, date]:
    """The days of the journal's first and last entries. The database stamps each entry with its own clock,
    which a moved Python clock (``horloge``, ``ATTRIB_VRAIE_HORLOGE``) does not move: a period built from
    ``timezone.localdate()`` would miss them."""
    bornes = EntreeJournal.objects.aggregate(premiere=Min("horodatage"), derniere=Max("horodatage"))
    return timezone.localdate(bornes["premiere"]), timezone.localdate(bornes["derniere"])


def _export(user: Any, format_: str = "csv", **periode: Any) -> Any:
    premier, dernier = _jours_du_journal()
    params = {"debut": premier.isoformat(), "fin": dernier.isoformat(), "format": format_}
    params.update(periode)
    return _client(user).get(reverse("journal:export"), params)


def test_export_de_la_periode_epci_et_delegue(monde):
    demande = monde["demande"]
    Personne.objects.filter(demande=demande).update(telephone="=HYPERLINK(1)")
    hors = creer_demande(guichet_org=Organisation.objects.get(code_guichet="CAR01"), communes=(CARCASSONNE,))

    reponse = _export(monde["agent_epci"])
    assert reponse.status_code == 200
    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:3] == ["Date", "Auteur", "Organisation"]
    identifiants = {(ligne[6], ligne[7]) for ligne in lignes[1:]}
    assert ("demande", str(demande.pk)) in identifiants
    assert ("demande", str(hors.pk)) not in identifiants  # outside the EPCI's perimeter
    assert any(ligne[9] == "téléphone" and ligne[11] == "'=HYPERLINK(1)" for ligne in lignes)
    trace = Evenement.objects.get(action="export", auteur=monde["agent_epci"])
    assert trace.details["lignes"] == len(lignes) - 1 and trace.details["perimetre"] == "son périmètre"

    dpo = UserFactory(username="dpo")
    dpo.user_permissions.add(Permission.objects.get(codename="exporter_journal"))
    reponse = _export(dpo, "xlsx")
    assert reponse.status_code == 200
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    ids = {(r[6], r[7]) for r in feuille.iter_rows(min_row=2, values_only=True)}
    assert ("demande", str(hors.pk)) in ids

    # The day before the first entry: nothing.
    hier = (_jours_du_journal()[0] - timedelta(days=1)).isoformat()
    vide = _export(monde["agent_epci"], debut=hier, fin=hier)
    assert len(vide.content.decode("utf-8-sig").splitlines()) == 1


def test_export_refuse_hors_epci_et_dpo(monde):
    for user in (monde["agent"], monde["consultation_epci"], monde["agent_carcassonne"]):
        assert _export(user).status_code == 404
    assert _client(monde["agent_epci"]).get(reverse("journal:export")).status_code == 200
    page = _export(monde["agent_epci"], debut="2026-03-01", fin="2026-01-01").content.decode()
    assert "La fin de la période doit suivre son début." in page
