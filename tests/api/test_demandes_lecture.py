"""Reading demands: perimeter, filters, pagination, detail, audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from attrib.demandes import enums
from attrib.demandes.models import Demande, PrioriteLegale
from tests.api.aide import champs
from tests.factories import CARCASSONNE, COURSAN, GRUISSAN, NARBONNE, creer_demande, personne

pytestmark = pytest.mark.django_db


def numeros(reponse) -> set[str]:
    assert reponse.status_code == 200, reponse.content
    return {d["numero_unique"] for d in reponse.json()["results"]}


@pytest.fixture
def demandes(guichet_narbonne, guichet_carcassonne):
    """Narbonne's own demand, Carcassonne's demand wishing Narbonne, Carcassonne's own demand."""
    return {
        "narbonne": creer_demande(guichet_org=guichet_narbonne, communes=(NARBONNE, GRUISSAN)),
        "souhaite_narbonne": creer_demande(
            guichet_org=guichet_carcassonne,
            communes=(CARCASSONNE, NARBONNE),
            personnes=[personne(nom="Durand", prenoms="Éloïse")],
            statut_logement_actuel=enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL,
            typologie_min=4,
            typologie_max=5,
        ),
        "carcassonne": creer_demande(
            guichet_org=guichet_carcassonne,
            communes=(CARCASSONNE,),
            dalo_reconnu=True,
            dalo_date_decision=timezone.localdate(),
        ),
    }


def test_la_liste_ne_montre_que_le_perimetre(demandes, api_narbonne, api_carcassonne, api_ville):
    assert numeros(api_narbonne.get("/api/v1/demandes/")) == {
        demandes["narbonne"].numero_unique,
        demandes["souhaite_narbonne"].numero_unique,
    }
    assert numeros(api_carcassonne.get("/api/v1/demandes/")) == {
        demandes["souhaite_narbonne"].numero_unique,
        demandes["carcassonne"].numero_unique,
    }
    assert numeros(api_ville.get("/api/v1/demandes/")) == {
        demandes["narbonne"].numero_unique,
        demandes["souhaite_narbonne"].numero_unique,
    }


def test_hors_perimetre_404_comme_une_demande_absente(demandes, api_narbonne):
    hors = api_narbonne.get(f"/api/v1/demandes/{demandes['carcassonne'].numero_unique}/")
    absente = api_narbonne.get("/api/v1/demandes/01126019999999NAR01/")
    assert hors.status_code == absente.status_code == 404
    assert "dans votre périmètre" in champs(hors)["__all__"]
    historique = api_narbonne.get(f"/api/v1/demandes/{demandes['carcassonne'].numero_unique}/historique/")
    assert historique.status_code == 404


def test_filtres(demandes, api_carcassonne):
    liste = "/api/v1/demandes/"
    d = {k: v.numero_unique for k, v in demandes.items()}
    assert numeros(api_carcassonne.get(liste, {"commune": NARBONNE})) == {d["souhaite_narbonne"]}
    assert numeros(api_carcassonne.get(liste, {"typologie": 4})) == {d["souhaite_narbonne"]}
    assert numeros(api_carcassonne.get(liste, {"typologie": 2})) == {d["carcassonne"]}
    assert numeros(api_carcassonne.get(liste, {"dalo": "true"})) == {d["carcassonne"]}
    assert numeros(api_carcassonne.get(liste, {"dalo": "false"})) == {d["souhaite_narbonne"]}
    assert numeros(api_carcassonne.get(liste, {"mutation": "true"})) == {d["souhaite_narbonne"]}
    recherche = "/api/v1/demandes/recherche/"
    assert numeros(api_carcassonne.post(recherche, {"recherche": "eloise dur"}, format="json")) == {
        d["souhaite_narbonne"]
    }
    assert numeros(api_carcassonne.post(recherche, {"recherche": d["carcassonne"][:14]}, format="json")) == {
        d["carcassonne"]
    }
    assert numeros(api_carcassonne.post(recherche, {"recherche": "eloise dur", "dalo": True}, format="json")) == set()
    assert numeros(api_carcassonne.get(liste, {"statut": "radiee"})) == set()
    assert numeros(api_carcassonne.get(liste, {"statut": "active", "commune": COURSAN})) == set()


def test_une_recherche_par_nom_dans_l_adresse_est_refusee_et_renvoie_au_post(demandes, api_carcassonne):
    reponse = api_carcassonne.get("/api/v1/demandes/", {"recherche": "eloise dur"})
    assert reponse.status_code == 400
    assert "POST sur /api/v1/demandes/recherche/" in champs(reponse)["recherche"]


def test_filtre_invalide_erreur_localisee(demandes, api_narbonne):
    reponse = api_narbonne.get("/api/v1/demandes/", {"typologie": "neuf", "statut": "perdue"})
    assert reponse.status_code == 400
    erreurs = champs(reponse)
    assert set(erreurs) == {"typologie", "statut"}
    assert "entier" in erreurs["typologie"]


def test_synchronisation_par_date_de_modification(demandes, api_carcassonne):
    ancienne = timezone.now() - timedelta(days=3)
    Demande.objects.filter(pk=demandes["carcassonne"].pk).update(modifie_le=ancienne)
    Demande.objects.filter(pk=demandes["souhaite_narbonne"].pk).update(modifie_le=ancienne + timedelta(days=1))
    depuis = (ancienne + timedelta(hours=1)).isoformat()
    reponse = api_carcassonne.get("/api/v1/demandes/", {"modifie_depuis": depuis})
    assert [r["numero_unique"] for r in reponse.json()["results"]] == [demandes["souhaite_narbonne"].numero_unique]
    tout = api_carcassonne.get("/api/v1/demandes/", {"modifie_depuis": (ancienne - timedelta(hours=1)).isoformat()})
    assert [r["numero_unique"] for r in tout.json()["results"]] == [
        demandes["carcassonne"].numero_unique,
        demandes["souhaite_narbonne"].numero_unique,
    ], "du plus ancien au plus récent"
    assert api_carcassonne.get("/api/v1/demandes/", {"modifie_depuis": "hier"}).status_code == 400


def test_pagination_limit_offset(guichet_narbonne, api_narbonne):
    for _ in range(3):
        creer_demande(guichet_org=guichet_narbonne)
    page = api_narbonne.get("/api/v1/demandes/", {"limit": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2
    assert "offset=2" in page["next"]
    suite = api_narbonne.get("/api/v1/demandes/", {"limit": 2, "offset": 2}).json()
    assert len(suite["results"]) == 1 and suite["next"] is None


def test_ligne_de_liste(demandes, api_narbonne):
    lignes = {r["numero_unique"]: r for r in api_narbonne.get("/api/v1/demandes/").json()["results"]}
    ligne = lignes[demandes["souhaite_narbonne"].numero_unique]
    assert ligne["guichet"] == "CAR01"
    assert ligne["communes"] == [CARCASSONNE, NARBONNE]
    assert (ligne["demandeur_nom"], ligne["demandeur_prenoms"], ligne["nb_personnes"]) == ("Durand", "Éloïse", 1)
    assert ligne["est_mutation"] is True


def test_detail_toutes_les_rubriques(guichet_narbonne, api_narbonne):
    demande = creer_demande(
        guichet_org=guichet_narbonne,
        communes=(GRUISSAN, NARBONNE, COURSAN),
        personnes=[
            personne(),
            personne(role=enums.RolePersonne.PERSONNE_A_LOGER, prenoms="Noé", lien=enums.LienParente.ENFANT),
        ],
        priorites=("l441_k",),
        loyer_actuel=620,
    )
    corps = api_narbonne.get(f"/api/v1/demandes/{demande.numero_unique}/").json()
    assert corps["numero_unique"] == demande.numero_unique
    assert corps["guichet"] == {"code": "NAR01", "nom": "Guichet Narbonne"}
    assert corps["logement_actuel"]["statut_logement_actuel"] == "locataire_parc_prive"
    assert corps["logement_actuel"]["loyer_actuel"] == "620.00"
    assert corps["logement_recherche"]["typologie_min"] == 2
    assert corps["ressources"]["revenu_fiscal_reference"] == 18000
    assert corps["situation"]["motif_principal"] == "trop_cher"
    assert [c["code_insee"] for c in corps["communes"]] == [GRUISSAN, NARBONNE, COURSAN]
    assert [c["rang"] for c in corps["communes"]] == [1, 2, 3]
    assert [p["prenoms"] for p in corps["personnes"]] == ["Léa", "Noé"]
    assert corps["personnes"][0]["revenus_mensuels"] == "1500.00"
    assert corps["priorites"] == [
        {
            "code": "l441_k",
            "lettre": "k",
            "libelle": PrioriteLegale.objects.get(code="l441_k").libelle,
            "statut": "declaree",
            "validee_le": None,
        }
    ]
    attendues = {(p.critere, p.libelle) for p in demande.pieces.all()}
    assert attendues and {(p["critere"], p["libelle"]) for p in corps["pieces"]} == attendues
    assert {p["statut"] for p in corps["pieces"]} == {"manquante"}
    assert corps["date_echeance"] == demande.date_echeance.isoformat()


@pytest.fixture
def demande_sensible(guichet_narbonne):
    return creer_demande(
        guichet_org=guichet_narbonne,
        motif_principal=enums.Motif.VIOLENCES,
        motifs_secondaires=(enums.Motif.HANDICAP_SANTE, enums.Motif.TROP_CHER),
        priorites=("l441_g", "l441_k"),
    )


def test_situations_sensibles_cachees_a_une_commune(demande_sensible, api_ville, api_narbonne):
    url = f"/api/v1/demandes/{demande_sensible.numero_unique}/"
    vue_commune = api_ville.get(url).json()
    assert vue_commune["situation"]["motif_principal"] is None
    assert vue_commune["motifs_secondaires"] == ["trop_cher"]
    assert [p["code"] for p in vue_commune["priorites"]] == ["l441_k"]
    pieces_sensibles = {p.libelle for p in demande_sensible.pieces.filter(sensible=True)}
    assert pieces_sensibles, "la priorité g) appelle des pièces sensibles"
    assert not pieces_sensibles & {p["libelle"] for p in vue_commune["pieces"]}
    assert "violences" not in api_ville.get(url).content.decode()

    vue_guichet = api_narbonne.get(url).json()
    assert vue_guichet["situation"]["motif_principal"] == "violences"
    assert vue_guichet["motifs_secondaires"] == ["handicap_sante", "trop_cher"]
    assert sorted(p["code"] for p in vue_guichet["priorites"]) == ["l441_g", "l441_k"]
    assert pieces_sensibles <= {p["libelle"] for p in vue_guichet["pieces"]}


def test_historique_sans_situation_sensible_pour_une_commune(demande_sensible, api_narbonne, api_ville):
    url = f"/api/v1/demandes/{demande_sensible.numero_unique}/"
    reponse = api_narbonne.patch(url, {"priorites": ["l441_k"]}, format="json")
    assert reponse.status_code == 200, reponse.content
    api_narbonne.patch(url, {"logement_recherche": {"typologie_max": 4}}, format="json")

    complet = api_narbonne.get(url + "historique/").json()["results"]
    assert complet[-1]["action"] == "enregistrement", "du plus récent au plus ancien"
    modifications = [e for e in complet if e["action"] == "modification"]
    assert modifications[1]["details"]["changements"]["priorites"] == {
        "avant": ["l441_g", "l441_k"],
        "apres": ["l441_k"],
    }
    assert modifications[0]["details"]["changements"]["typologie_max"] == {"avant": 3, "apres": 4}
    assert modifications[0]["auteur"].startswith("Camille ")
    assert modifications[0]["organisation"] == "Guichet Narbonne"

    vue_commune = api_ville.get(url + "historique/").json()["results"]
    assert "l441_g" not in str(vue_commune)
    assert [e["details"]["changements"] for e in vue_commune if e["action"] == "modification"] == [
        {"typologie_max": {"avant": 3, "apres": 4}}
    ]
