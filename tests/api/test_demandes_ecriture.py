"""Writing demands through the API: register, update, renew, strike off; errors located."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.demandes import regles
from attrib.demandes.models import Demande
from attrib.organisations.models import Membership
from tests.api.aide import champs, client_jeton, corps_demande
from tests.factories import CARCASSONNE, COURSAN, GRUISSAN, NARBONNE, creer_demande, guichet, membre

pytestmark = pytest.mark.django_db


def test_enregistrer_puis_lire(api_narbonne, agent_narbonne):
    reponse = api_narbonne.post("/api/v1/demandes/", corps_demande(), format="json")
    assert reponse.status_code == 201, reponse.content
    cree = reponse.json()
    numero = cree["numero_unique"]
    assert numero.endswith("NAR01") and reponse["Location"] == f"/api/v1/demandes/{numero}/"
    assert cree["guichet"]["code"] == "NAR01" and cree["canal"] == "guichet"
    assert cree["date_echeance"] == regles.echeance(timezone.localdate()).isoformat()

    lue = api_narbonne.get(f"/api/v1/demandes/{numero}/").json()
    assert lue == cree
    assert lue["personnes"][0]["nom"] == "Martin"
    assert lue["logement_actuel"]["loyer_actuel"] == "620.00"
    evenement = Evenement.objects.pour(Demande.objects.get(numero_unique=numero)).get(action="enregistrement")
    assert evenement.auteur == agent_narbonne


def test_personne_mal_datee_erreur_localisee_et_rien_d_enregistre(api_narbonne):
    corps = corps_demande()
    corps["personnes"].append(
        {"role": "personne_a_loger", "nom": "Martin", "prenoms": "Noé", "date_naissance": "2015-13-45"}
    )
    reponse = api_narbonne.post("/api/v1/demandes/", corps, format="json")
    assert reponse.status_code == 400
    erreurs = champs(reponse)
    assert list(erreurs) == ["personnes[1].date_naissance"]
    assert "date" in erreurs["personnes[1].date_naissance"].lower()
    assert Demande.objects.count() == 0


def test_erreurs_du_service_localisees_dans_le_corps_envoye(api_narbonne):
    corps = corps_demande(
        logement_recherche={"typologie_min": 4, "typologie_max": 2},
        communes=[NARBONNE, "99999"],
        priorites=["l441_z"],
    )
    corps["personnes"].append({"role": "demandeur", "nom": "Bis", "prenoms": "Jean", "date_naissance": "1980-01-01"})
    reponse = api_narbonne.post("/api/v1/demandes/", corps, format="json")
    assert reponse.status_code == 400
    erreurs = champs(reponse)
    assert "logement_recherche.typologie_max" in erreurs
    assert erreurs["communes[1]"].startswith("Commune inconnue : « 99999 »")
    assert "priorites[0]" in erreurs
    assert "exactement un demandeur" in erreurs["personnes"]
    assert Demande.objects.count() == 0


def test_champ_inconnu_et_rubrique_manquante(api_narbonne):
    corps = corps_demande(logement_actuel={"statut_logement_actuel": "squat", "loyer": 300}, numero_unique="X")
    del corps["situation"]
    erreurs = champs(api_narbonne.post("/api/v1/demandes/", corps, format="json"))
    assert erreurs["logement_actuel.loyer"].startswith("Champ inconnu")
    assert erreurs["numero_unique"].startswith("Champ inconnu")
    assert erreurs["situation"] == "Ce champ est obligatoire."


def test_json_illisible_message_francais_localise(api_narbonne):
    reponse = api_narbonne.post("/api/v1/demandes/", data='{"personnes": [}', content_type="application/json")
    assert reponse.status_code == 400
    message = champs(reponse)["__all__"]
    assert message.startswith("Le corps de la requête n'est pas un JSON valide (ligne 1, colonne 16)")
    assert "Traceback" not in reponse.content.decode()


def test_corps_qui_n_est_pas_un_objet(api_narbonne):
    reponse = api_narbonne.post("/api/v1/demandes/", [1, 2], format="json")
    assert reponse.status_code == 400
    assert "__all__" in champs(reponse)


def test_enregistrement_refuse_hors_guichet(api_ville, api_consultation):
    for client in (api_ville, api_consultation):
        reponse = client.post("/api/v1/demandes/", corps_demande(), format="json")
        assert reponse.status_code == 403
        assert "guichet enregistreur" in champs(reponse)["__all__"]
    assert Demande.objects.count() == 0


def test_plusieurs_guichets_le_code_est_obligatoire(agent_narbonne, guichet_carcassonne):
    Membership.objects.create(user=agent_narbonne, organisation=guichet_carcassonne, role="gestionnaire")
    api = client_jeton(agent_narbonne)
    erreurs = champs(api.post("/api/v1/demandes/", corps_demande(), format="json"))
    assert erreurs["guichet"].startswith("Vous êtes gestionnaire de plusieurs guichets (CAR01, NAR01)")
    erreurs = champs(api.post("/api/v1/demandes/", corps_demande(guichet="ZZZ99"), format="json"))
    assert "ZZZ99" in erreurs["guichet"]
    reponse = api.post("/api/v1/demandes/", corps_demande(guichet="car01"), format="json")
    assert reponse.status_code == 201 and reponse.json()["guichet"]["code"] == "CAR01"


def test_date_de_depot_et_canal(api_narbonne):
    # A past day whatever the day the test runs (a fixed date would be in the future under an earlier clock).
    depot = (timezone.localdate() - timedelta(days=340)).isoformat()
    reponse = api_narbonne.post(
        "/api/v1/demandes/",
        corps_demande(date_depot_initiale=depot, canal="systeme_local"),
        format="json",
    )
    assert reponse.status_code == 201, reponse.content
    assert reponse.json()["date_depot_initiale"] == depot
    assert reponse.json()["canal"] == "systeme_local"
    futur = corps_demande(date_depot_initiale=date(timezone.localdate().year + 1, 1, 1).isoformat())
    assert "date_depot_initiale" in champs(api_narbonne.post("/api/v1/demandes/", futur, format="json"))


@pytest.fixture
def demande(guichet_narbonne):
    return creer_demande(guichet_org=guichet_narbonne, communes=(NARBONNE, GRUISSAN))


def test_modifier_seulement_les_rubriques_envoyees(demande, api_narbonne):
    url = f"/api/v1/demandes/{demande.numero_unique}/"
    avant = api_narbonne.get(url).json()
    reponse = api_narbonne.patch(
        url, {"logement_recherche": {"typologie_max": 4}, "communes": [COURSAN, NARBONNE]}, format="json"
    )
    assert reponse.status_code == 200, reponse.content
    apres = reponse.json()
    assert apres["logement_recherche"] == {**avant["logement_recherche"], "typologie_max": 4}
    assert [c["code_insee"] for c in apres["communes"]] == [COURSAN, NARBONNE]
    for rubrique in ("logement_actuel", "ressources", "situation", "personnes"):
        assert apres[rubrique] == avant[rubrique], rubrique
    evenement = Evenement.objects.pour(demande).filter(action="modification").get()
    assert set(evenement.details["changements"]) == {"typologie_max", "communes"}


def test_modifier_le_menage_remplace_la_liste(demande, api_narbonne):
    url = f"/api/v1/demandes/{demande.numero_unique}/"
    menage = [
        {"role": "demandeur", "nom": "Martin", "prenoms": "Léa", "date_naissance": "1990-05-17"},
        {"role": "codemandeur", "nom": "Roux", "prenoms": "Paul", "date_naissance": "1988-02-01", "lien": "conjoint"},
    ]
    reponse = api_narbonne.patch(url, {"personnes": menage}, format="json")
    assert reponse.status_code == 200, reponse.content
    assert [p["prenoms"] for p in reponse.json()["personnes"]] == ["Léa", "Paul"]


def test_modifier_erreur_localisee_rien_ne_change(demande, api_narbonne):
    url = f"/api/v1/demandes/{demande.numero_unique}/"
    reponse = api_narbonne.patch(
        url, {"situation": {"dalo_reconnu": True}, "logement_recherche": {"typologie_max": 9}}, format="json"
    )
    assert reponse.status_code == 400
    erreurs = champs(reponse)
    assert "logement_recherche.typologie_max" in erreurs
    reponse = api_narbonne.patch(url, {"situation": {"dalo_reconnu": True}}, format="json")
    assert "situation.dalo_date_decision" in champs(reponse)
    demande.refresh_from_db()
    assert demande.dalo_reconnu is False and demande.typologie_max == 3


def test_modifier_hors_perimetre_ou_sans_droit_404(demande, api_carcassonne, api_consultation, api_ville):
    url = f"/api/v1/demandes/{demande.numero_unique}/"
    for client in (api_carcassonne, api_consultation, api_ville):
        reponse = client.patch(url, {"logement_recherche": {"typologie_max": 4}}, format="json")
        assert reponse.status_code == 404
        assert (
            champs(reponse)["__all__"]
            == f"Aucune demande n'a le numéro « {demande.numero_unique} » dans votre périmètre."
        )
    assert api_consultation.get(url).status_code == 200, "la consultation lit sans pouvoir modifier"
    demande.refresh_from_db()
    assert demande.typologie_max == 3


def test_un_autre_guichet_qui_voit_la_demande_peut_la_mettre_a_jour(guichet_carcassonne, guichet_narbonne):
    demande = creer_demande(guichet_org=guichet_carcassonne, communes=(CARCASSONNE, NARBONNE))
    api = client_jeton(membre(guichet_narbonne, username="autre.agent"))
    reponse = api.patch(f"/api/v1/demandes/{demande.numero_unique}/", {"communes": [CARCASSONNE]}, format="json")
    assert reponse.status_code == 200, "la réponse donne le résultat, même si la demande sort du périmètre"
    assert [c["code_insee"] for c in reponse.json()["communes"]] == [CARCASSONNE]
    assert api.get(f"/api/v1/demandes/{demande.numero_unique}/").status_code == 404


def test_renouveler(guichet_narbonne, api_narbonne):
    aujourd_hui = timezone.localdate()
    depot = regles.ajouter_mois(aujourd_hui, -3)
    demande = creer_demande(guichet_org=guichet_narbonne, date_depot=depot)
    url = f"/api/v1/demandes/{demande.numero_unique}/renouveler/"
    reponse = api_narbonne.post(url, {"ressources": {"revenu_fiscal_reference": 17000}}, format="json")
    assert reponse.status_code == 200, reponse.content
    corps = reponse.json()
    assert corps["date_echeance"] == regles.echeance(aujourd_hui).isoformat()
    assert corps["date_depot_initiale"] == depot.isoformat(), "l'ancienneté est conservée"
    assert corps["ressources"]["revenu_fiscal_reference"] == 17000
    assert Evenement.objects.pour(demande).filter(action="renouvellement").exists()
    assert api_narbonne.post(url, format="json").status_code == 200, "le corps est facultatif"


def test_renouveler_une_demande_expiree_refuse(guichet_narbonne, api_narbonne):
    demande = creer_demande(guichet_org=guichet_narbonne, date_depot=date(2024, 1, 10), aujourd_hui=date(2024, 1, 10))
    reponse = api_narbonne.post(f"/api/v1/demandes/{demande.numero_unique}/renouveler/", format="json")
    assert reponse.status_code == 400
    assert "a expiré le" in champs(reponse)["date_echeance"]


def test_radier_puis_plus_de_modification(demande, api_narbonne):
    url = f"/api/v1/demandes/{demande.numero_unique}/"
    reponse = api_narbonne.post(
        url + "radier/", {"motif": "renonciation", "commentaire": "Relogé par sa famille."}, format="json"
    )
    assert reponse.status_code == 200, reponse.content
    corps = reponse.json()
    assert corps["statut"] == "radiee" and corps["motif_radiation"] == "renonciation"
    assert corps["commentaire_radiation"] == "Relogé par sa famille."
    assert corps["date_radiation"] == timezone.localdate().isoformat()
    assert (
        "est radiée"
        in champs(api_narbonne.patch(url, {"ressources": {"revenu_fiscal_reference": 1}}, format="json"))["statut"]
    )
    assert "statut" in champs(api_narbonne.post(url + "radier/", {"motif": "renonciation"}, format="json"))
    assert [
        d["numero_unique"] for d in api_narbonne.get("/api/v1/demandes/", {"statut": "radiee"}).json()["results"]
    ] == [demande.numero_unique]


def test_radier_motif_inconnu_ou_sans_droit(demande, api_narbonne, api_ville):
    url = f"/api/v1/demandes/{demande.numero_unique}/radier/"
    erreurs = champs(api_narbonne.post(url, {"motif": "demenagement"}, format="json"))
    assert list(erreurs) == ["motif"]
    assert api_ville.post(url, {"motif": "renonciation"}, format="json").status_code == 404
    demande.refresh_from_db()
    assert demande.statut == "active"


def test_guichet_sans_perimetre_voit_ses_propres_demandes(territoire):
    org = guichet(nom="Bailleur", code="BAI01", communes=())
    api = client_jeton(membre(org, username="agent.bailleur"))
    reponse = api.post("/api/v1/demandes/", corps_demande(), format="json")
    assert reponse.status_code == 201, reponse.content
    assert api.get(reponse["Location"]).status_code == 200
