"""Every CERFA part of a registered demand through the API: PATCH per section (household, resources, current
dwelling and eviction procedure, motives, priorities, DALO), the DALO decision the State records, and the audit
trail with the before/after of each change, persons' own fields included."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attrib.demandes.models import Demande
from attrib.organisations.models import CategorieReservataire, Organisation, Role, TypeOrganisation
from tests.api.aide import champs, client_jeton
from tests.factories import CARCASSONNE, NARBONNE, creer_demande, membre, personne

# Frozen clock (tests/conftest.py): expectations computed from today hold on any day the suite runs.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("horloge")]


@pytest.fixture
def demande(guichet_narbonne: Organisation) -> Demande:
    return creer_demande(guichet_org=guichet_narbonne, personnes=[personne(telephone="0468000000")])


def _url(demande: Demande, nom: str = "api-demande") -> str:
    return reverse(nom, kwargs={"numero_unique": demande.numero_unique})


def _changements(client: Any, demande: Demande, action: str = "modification") -> dict[str, Any]:
    historique = client.get(_url(demande, "api-demande-historique")).json()["results"]
    evenement = next(e for e in historique if e["action"] == action)
    return evenement["details"]["changements"]


def _prefecture(communes: tuple[str, ...] = (NARBONNE,), role: str = Role.GESTIONNAIRE) -> Any:
    org = Organisation.objects.create(
        nom="Préfecture de l'Aude",
        type=TypeOrganisation.RESERVATAIRE,
        categorie_reservataire=CategorieReservataire.ETAT,
    )
    org.perimetre.set(communes)
    return client_jeton(membre(org, role=role))


def _menage(demande: Demande) -> list[dict[str, Any]]:
    return [{k: v for k, v in p.items() if k != "revenus_mensuels"} for p in demande_lue(demande)["personnes"]]


def demande_lue(demande: Demande) -> dict[str, Any]:
    from attrib.api.serializers import DemandeDetailSortieSerializer

    return DemandeDetailSortieSerializer(Demande.objects.get(pk=demande.pk)).data


def test_patch_personnes_ajout_et_champs_propres_journalises(demande, api_narbonne):
    menage = _menage(demande)
    menage[0].update(
        {"telephone": "0611223344", "nationalite": "ue", "adresse": "12 avenue de la Mer", "salaires": "1800.00"}
    )
    menage.append(
        {
            "role": "personne_a_loger",
            "lien": "enfant",
            "nom": "Martin",
            "prenoms": "Jules",
            "date_naissance": "2015-03-01",
            "a_charge": True,
        }
    )
    r = api_narbonne.patch(_url(demande), {"personnes": menage}, format="json")
    assert r.status_code == 200, r.json()
    assert [p["prenoms"] for p in r.json()["personnes"]] == ["Léa", "Jules"]
    changements = _changements(api_narbonne, demande)
    assert changements["personnes[demandeur].telephone"] == {"avant": "0468000000", "apres": "0611223344"}
    assert changements["personnes[demandeur].nationalite"] == {"avant": None, "apres": "ue"}
    assert changements["personnes[demandeur].adresse"] == {"avant": None, "apres": "12 avenue de la Mer"}
    assert changements["personnes[demandeur].salaires"] == {"avant": "1500.00", "apres": "1800.00"}
    assert changements["personnes[Jules Martin].a_charge"] == {"avant": None, "apres": True}


def test_patch_retirer_une_personne(guichet_narbonne, api_narbonne):
    d = creer_demande(
        guichet_org=guichet_narbonne,
        personnes=[
            personne(),
            personne(role="codemandeur", lien="conjoint", prenoms="Karim", nom="Benali", salaires=900),
        ],
    )
    menage = _menage(d)[:1]
    assert api_narbonne.patch(_url(d), {"personnes": menage}, format="json").status_code == 200
    changements = _changements(api_narbonne, d)
    assert changements["personnes[codemandeur].salaires"] == {"avant": "900.00", "apres": None}
    assert d.personnes.count() == 1


def test_patch_procedure_d_expulsion_et_logement(demande, api_narbonne):
    jour = timezone.localdate() - timedelta(days=30)
    r = api_narbonne.patch(
        _url(demande),
        {
            "logement_actuel": {
                "procedure_expulsion": "commandement",
                "expulsion_date_etape": jour.isoformat(),
                "statut_logement_actuel": "heberge_famille",
            }
        },
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["logement_actuel"]["expulsion_date_etape"] == jour.isoformat()
    changements = _changements(api_narbonne, demande)
    assert changements["procedure_expulsion"] == {"avant": "aucune", "apres": "commandement"}
    assert changements["expulsion_date_etape"] == {"avant": None, "apres": jour.isoformat()}
    assert changements["statut_logement_actuel"]["apres"] == "heberge_famille"


def test_patch_date_d_etape_sans_procedure_erreur_localisee(demande, api_narbonne):
    r = api_narbonne.patch(_url(demande), {"logement_actuel": {"expulsion_date_etape": "2025-02-01"}}, format="json")
    assert r.status_code == 400
    assert "procédure d'expulsion en cours" in champs(r)["logement_actuel.expulsion_date_etape"]
    demande.refresh_from_db()
    assert demande.expulsion_date_etape is None


def test_patch_motifs_priorites_ressources_et_dalo(demande, api_narbonne):
    decision = timezone.localdate() - timedelta(days=5)
    r = api_narbonne.patch(
        _url(demande),
        {
            "situation": {
                "motif_principal": "non_decent",
                "dalo_reconnu": True,
                "dalo_date_decision": decision.isoformat(),
                "dalo_commission": "Commission de médiation de l'Aude",
            },
            "motifs_secondaires": ["trop_petit"],
            "priorites": ["l441_c"],
            "ressources": {"revenu_fiscal_reference": 15000},
        },
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["situation"]["dalo_commission"] == "Commission de médiation de l'Aude"
    changements = _changements(api_narbonne, demande)
    assert changements["dalo_reconnu"] == {"avant": False, "apres": True}
    assert changements["motifs_secondaires"] == {"avant": [], "apres": ["trop_petit"]}
    assert changements["priorites"] == {"avant": [], "apres": ["l441_c"]}
    assert changements["revenu_fiscal_reference"] == {"avant": 18000, "apres": 15000}


def test_l_etat_enregistre_une_decision_dalo(demande):
    etat = _prefecture()
    decision = timezone.localdate() - timedelta(days=8)
    r = etat.post(
        _url(demande, "api-demande-decision-dalo"),
        {"reconnu": True, "date_decision": decision.isoformat(), "commission": "Commission de médiation de l'Aude"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["situation"]["dalo_reconnu"] is True
    assert r.json()["situation"]["dalo_date_decision"] == decision.isoformat()
    changements = _changements(etat, demande, "decision_dalo")
    assert changements["dalo_date_decision"] == {"avant": None, "apres": decision.isoformat()}
    # The State records the DALO decision; the other updates stay with the desks (404 like outside the perimeter).
    assert etat.patch(_url(demande), {"ressources": {"revenu_fiscal_reference": 1}}, format="json").status_code == 404


def test_decision_dalo_erreurs_et_refus_en_francais(demande, api_ville, api_consultation):
    etat = _prefecture()
    demain = timezone.localdate() + timedelta(days=1)
    r = etat.post(
        _url(demande, "api-demande-decision-dalo"),
        {"reconnu": True, "date_decision": demain.isoformat()},
        format="json",
    )
    assert r.status_code == 400
    assert champs(r) == {"date_decision": f"Date de la décision DALO : le {demain:%d/%m/%Y} est dans le futur."}
    r = etat.post(_url(demande, "api-demande-decision-dalo"), {"reconnu": True}, format="json")
    assert r.status_code == 400 and "date_decision" in champs(r)
    for client in (api_ville, api_consultation, _prefecture(role=Role.CONSULTATION)):
        r = client.post(
            _url(demande, "api-demande-decision-dalo"),
            {"reconnu": True, "date_decision": timezone.localdate().isoformat()},
            format="json",
        )
        assert r.status_code == 403
        assert "décision DALO" in champs(r)["__all__"]
    hors = _prefecture(communes=(CARCASSONNE,))
    r = hors.post(
        _url(demande, "api-demande-decision-dalo"), {"reconnu": True, "date_decision": "2025-01-01"}, format="json"
    )
    assert r.status_code == 404 and "Aucune demande" in champs(r)["__all__"]
    demande.refresh_from_db()
    assert not demande.dalo_reconnu and demande.dalo_date_decision is None
