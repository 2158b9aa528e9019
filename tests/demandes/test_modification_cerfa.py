"""Every part of the CERFA 14069 can be updated on a registered demand through the screens: the household
(persons added or removed, identity, nationality, contact, resources), the current dwelling and the eviction
procedure, the motives, the priorities and the DALO decision, which the State records too. Each change shows on
the demand's page and in its history with its value before and after."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.forms import CHAMPS_PERSONNE_MENAGE
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_decision_dalo_enregistrer, demande_modifier
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, Role, TypeOrganisation
from tests.factories import CARCASSONNE, NARBONNE, creer_demande, guichet, membre, personne, territoire_minimal

# Frozen clock (tests/conftest.py): expectations computed from today hold on any day the suite runs.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("horloge")]


@pytest.fixture
def narbonne() -> Organisation:
    territoire_minimal()
    return guichet()


@pytest.fixture
def client_agent(narbonne: Organisation) -> Client:
    c = Client()
    c.force_login(membre(narbonne, username="agent-narbonne"))
    return c


def _org(nom: str, type_: str, communes: tuple[str, ...], **kw: Any) -> Organisation:
    org = Organisation.objects.create(nom=nom, type=type_, **kw)
    org.perimetre.set(communes)
    return org


@pytest.fixture
def prefecture(narbonne: Organisation) -> Organisation:
    return _org(
        "Préfecture de l'Aude",
        TypeOrganisation.RESERVATAIRE,
        (NARBONNE,),
        categorie_reservataire=CategorieReservataire.ETAT,
    )


@pytest.fixture
def client_etat(prefecture: Organisation) -> Client:
    c = Client()
    c.force_login(membre(prefecture, username="agent-etat"))
    return c


@pytest.fixture
def demande(narbonne: Organisation) -> Demande:
    return creer_demande(
        guichet_org=narbonne,
        personnes=[
            personne(telephone="0468000000", adresse="3 rue des Lilas", nationalite="francaise"),
            personne(
                role=enums.RolePersonne.PERSONNE_A_LOGER,
                lien=enums.LienParente.ENFANT,
                prenoms="Jules",
                date_naissance=date(2015, 3, 1),
                salaires=0,
                a_charge=True,
            ),
        ],
    )


def html(reponse: Any) -> str:
    return reponse.content.decode()


def _historique(demande: Demande, client: Client) -> str:
    return html(client.get(reverse("demandes:detail", args=[demande.pk])))


def _lignes(evenement: Evenement) -> dict[str, dict[str, Any]]:
    return evenement.details["changements"]


# --- Household ---------------------------------------------------------------------------------


def _donnees_menage(demande: Demande) -> dict[str, str]:
    """What the household page posts when nothing is touched (the management form and every person's fields)."""
    personnes = sorted(demande.personnes.all(), key=lambda p: (p.role != "demandeur", p.pk))
    donnees = {
        "personnes-TOTAL_FORMS": str(len(personnes)),
        "personnes-INITIAL_FORMS": str(len(personnes)),
        "personnes-MIN_NUM_FORMS": "0",
        "personnes-MAX_NUM_FORMS": "20",
    }
    for i, p in enumerate(personnes):
        for champ in CHAMPS_PERSONNE_MENAGE:
            valeur = getattr(p, champ)
            if valeur is None or valeur is False:
                continue
            donnees[f"personnes-{i}-{champ}"] = "on" if valeur is True else str(valeur)
    return donnees


def test_ajouter_une_personne_et_changer_les_ressources(demande, client_agent):
    url = reverse("demandes:modifier_menage", args=[demande.pk])
    assert "Personne n° 2 — Jules Martin" in html(client_agent.get(url))
    donnees = _donnees_menage(demande)
    # « Ajouter une personne » only adds a blank row: nothing is written.
    ajout = client_agent.post(url, {**donnees, "action": "ajouter_personne"})
    assert ajout.status_code == 200 and 'name="personnes-2-nom"' in html(ajout)
    assert demande.personnes.count() == 2
    donnees.update(
        {
            "personnes-TOTAL_FORMS": "3",
            "personnes-0-salaires": "1720.50",
            "personnes-2-role": "personne_a_loger",
            "personnes-2-lien": "ascendant",
            "personnes-2-nom": "Durand",
            "personnes-2-prenoms": "Rose",
            "personnes-2-date_naissance": "1950-01-01",
            "personnes-2-pensions_retraite": "980",
            "action": "enregistrer",
        }
    )
    r = client_agent.post(url, donnees)
    assert r.status_code == 302, html(r)
    assert sorted(demande.personnes.values_list("prenoms", flat=True)) == ["Jules", "Léa", "Rose"]
    assert str(demande.personnes.get(role="demandeur").salaires) == "1720.50"
    evenement = Evenement.objects.pour(demande).filter(action="modification").first()
    assert "1 personne ajoutée" in evenement.resume
    changements = _lignes(evenement)
    assert changements["personnes[demandeur].salaires"] == {"avant": "1500.00", "apres": "1720.50"}
    assert changements["personnes[Rose Durand].pensions_retraite"] == {"avant": None, "apres": "980.00"}
    page = _historique(demande, client_agent)
    assert "Rose Durand" in page and "<td>1720,50 €</td>" in page
    assert "Demandeur — Salaires" in page and "1500,00 €" in page and "1720,50 €" in page
    assert "Rose Durand — Pensions, retraites" in page


def test_retirer_une_personne(demande, client_agent):
    url = reverse("demandes:modifier_menage", args=[demande.pk])
    page = html(client_agent.get(url))
    assert 'name="personnes-1-DELETE"' in page and 'name="personnes-0-DELETE"' not in page
    donnees = {**_donnees_menage(demande), "personnes-1-DELETE": "on"}
    assert client_agent.post(url, donnees).status_code == 302
    assert list(demande.personnes.values_list("prenoms", flat=True)) == ["Léa"]
    evenement = Evenement.objects.pour(demande).filter(action="modification").first()
    assert "1 personne retirée" in evenement.resume
    assert _lignes(evenement)["personnes[Jules Martin].a_charge"] == {"avant": True, "apres": None}
    assert "Jules" not in html(client_agent.get(reverse("demandes:detail", args=[demande.pk]))).split("Historique")[0]


def test_telephone_adresse_nationalite_ont_leur_avant_apres(demande, client_agent):
    url = reverse("demandes:modifier_menage", args=[demande.pk])
    donnees = _donnees_menage(demande)
    donnees.update(
        {
            "personnes-0-telephone": "0611223344",
            "personnes-0-adresse": "12 avenue de la Mer",
            "personnes-0-nationalite": "ue",
        }
    )
    assert client_agent.post(url, donnees).status_code == 302
    changements = _lignes(Evenement.objects.pour(demande).filter(action="modification").first())
    assert changements["personnes[demandeur].telephone"] == {"avant": "0468000000", "apres": "0611223344"}
    assert changements["personnes[demandeur].adresse"] == {"avant": "3 rue des Lilas", "apres": "12 avenue de la Mer"}
    assert changements["personnes[demandeur].nationalite"] == {"avant": "francaise", "apres": "ue"}
    page = _historique(demande, client_agent)
    assert "Demandeur — Téléphone" in page and "0468000000" in page and "0611223344" in page
    assert "Demandeur — Nationalité" in page and "Union européenne / EEE / Suisse" in page


def test_menage_erreur_localisee_rien_n_est_ecrit(demande, client_agent):
    url = reverse("demandes:modifier_menage", args=[demande.pk])
    donnees = {**_donnees_menage(demande), "personnes-1-role": "demandeur", "personnes-0-salaires": "2000"}
    page = html(client_agent.post(url, donnees))
    assert "Le ménage doit comporter exactement un demandeur." in page
    assert str(demande.personnes.get(prenoms="Léa").salaires) == "1500.00"
    hors_ue = {**_donnees_menage(demande), "personnes-0-nationalite": "hors_ue"}
    page = html(client_agent.post(url, hors_ue))
    assert "Indiquez le titre de séjour" in page and 'href="#id_personnes-0-titre_sejour_type"' in page


# --- Current dwelling, eviction, motives, priorities, DALO (main modification page) -------------


def _donnees_modifier(demande: Demande, **surcharges: str) -> dict[str, Any]:
    donnees: dict[str, Any] = {
        "recherche-typologie_min": str(demande.typologie_min),
        "recherche-typologie_max": str(demande.typologie_max),
        "recherche-type_logement_recherche": demande.type_logement_recherche,
        "recherche-commune_1": NARBONNE,
        "ressources-revenu_fiscal_reference": str(demande.revenu_fiscal_reference),
        "ressources-annee_revenu_fiscal": str(demande.annee_revenu_fiscal),
        "logement-statut_logement_actuel": demande.statut_logement_actuel,
        "logement-loyer_actuel": str(demande.loyer_actuel),
        "logement-charges_actuelles": str(demande.charges_actuelles),
        "logement-allocation_logement": str(demande.allocation_logement),
        "logement-procedure_expulsion": demande.procedure_expulsion,
        "logement-motif_principal": demande.motif_principal,
        "situations-dalo_date_decision": "",
        "situations-dalo_commission": "",
        "coordonnees-telephone": demande.demandeur.telephone,
        "coordonnees-adresse": demande.demandeur.adresse,
    }
    donnees.update(surcharges)
    return donnees


def test_procedure_d_expulsion_et_logement_actuel(demande, client_agent):
    jour = timezone.localdate() - timedelta(days=20)
    r = client_agent.post(
        reverse("demandes:modifier", args=[demande.pk]),
        _donnees_modifier(
            demande,
            **{
                "logement-procedure_expulsion": "jugement",
                "logement-expulsion_date_etape": jour.isoformat(),
                "logement-statut_logement_actuel": "heberge_tiers",
                "logement-loyer_actuel": "0",
            },
        ),
    )
    assert r.status_code == 302, html(r)
    demande.refresh_from_db()
    assert demande.procedure_expulsion == "jugement" and demande.expulsion_date_etape == jour
    changements = _lignes(Evenement.objects.pour(demande).filter(action="modification").first())
    assert changements["procedure_expulsion"] == {"avant": "aucune", "apres": "jugement"}
    assert changements["expulsion_date_etape"] == {"avant": None, "apres": jour.isoformat()}
    page = _historique(demande, client_agent)
    assert f"Jugement d&#x27;expulsion, le {jour:%d/%m/%Y}" in page
    assert "Date de l&#x27;étape de la procédure d&#x27;expulsion" in page
    assert "Hébergé chez un particulier" in page


def test_date_d_etape_sans_procedure_refusee_en_francais(demande, client_agent):
    page = html(
        client_agent.post(
            reverse("demandes:modifier", args=[demande.pk]),
            _donnees_modifier(demande, **{"logement-expulsion_date_etape": "2025-01-10"}),
        )
    )
    assert "Une date d&#x27;étape suppose une procédure d&#x27;expulsion en cours" in page
    assert 'href="#id_logement-expulsion_date_etape"' in page
    demande.refresh_from_db()
    assert demande.expulsion_date_etape is None


def test_motifs_priorites_et_dalo_par_le_guichet(demande, client_agent):
    decision = timezone.localdate() - timedelta(days=3)
    donnees = _donnees_modifier(
        demande,
        **{
            "logement-motif_principal": "expulsion",
            "situations-dalo_reconnu": "on",
            "situations-dalo_date_decision": decision.isoformat(),
            "situations-dalo_commission": "Commission de médiation de l'Aude",
        },
    )
    donnees["logement-motifs_secondaires"] = ["trop_cher", "trop_petit"]
    donnees["situations-priorites"] = ["l441_c"]
    r = client_agent.post(reverse("demandes:modifier", args=[demande.pk]), donnees)
    assert r.status_code == 302, html(r)
    demande.refresh_from_db()
    assert demande.motif_principal == "expulsion" and demande.dalo_reconnu
    assert sorted(demande.motifs_secondaires.values_list("motif", flat=True)) == ["trop_cher", "trop_petit"]
    assert list(demande.situations_prioritaires.values_list("priorite_id", flat=True)) == ["l441_c"]
    changements = _lignes(Evenement.objects.pour(demande).filter(action="modification").first())
    assert changements["motif_principal"] == {"avant": "trop_cher", "apres": "expulsion"}
    assert changements["dalo_reconnu"] == {"avant": False, "apres": True}
    assert changements["priorites"] == {"avant": [], "apres": ["l441_c"]}
    page = _historique(demande, client_agent)
    assert f"Oui, décision du {decision:%d/%m/%Y} — Commission de médiation de l&#x27;Aude" in page
    assert "Autres motifs" in page and "Logement trop petit" in page


def test_date_dalo_dans_le_futur_refusee(demande, client_agent):
    demain = timezone.localdate() + timedelta(days=1)
    page = html(
        client_agent.post(
            reverse("demandes:modifier", args=[demande.pk]),
            _donnees_modifier(
                demande, **{"situations-dalo_reconnu": "on", "situations-dalo_date_decision": demain.isoformat()}
            ),
        )
    )
    assert f"Date de la décision DALO : le {demain:%d/%m/%Y} est dans le futur." in page
    demande.refresh_from_db()
    assert not demande.dalo_reconnu


# --- The State records a DALO decision ---------------------------------------------------------


def test_l_etat_enregistre_une_decision_dalo(demande, client_etat):
    detail = html(client_etat.get(reverse("demandes:detail", args=[demande.pk])))
    url = reverse("demandes:decision_dalo", args=[demande.pk])
    assert url in detail
    assert reverse("demandes:modifier", args=[demande.pk]) not in detail
    decision = timezone.localdate() - timedelta(days=10)
    r = client_etat.post(
        url,
        {
            "dalo-decision": "reconnu",
            "dalo-date_decision": decision.isoformat(),
            "dalo-commission": "Commission de médiation de l'Aude",
        },
    )
    assert r.status_code == 302
    demande.refresh_from_db()
    assert demande.dalo_reconnu and demande.dalo_date_decision == decision
    evenement = Evenement.objects.pour(demande).get(action="decision_dalo")
    assert evenement.organisation.nom == "Préfecture de l'Aude"
    assert _lignes(evenement)["dalo_reconnu"] == {"avant": False, "apres": True}
    page = html(client_etat.get(reverse("demandes:detail", args=[demande.pk])))
    assert f"Décision DALO du {decision:%d/%m/%Y} enregistrée : ménage reconnu prioritaire et urgent" in page
    assert "Reconnu prioritaire DALO" in page and f"Oui, décision du {decision:%d/%m/%Y}" in page
    # The State records the DALO decision only: the other updates stay with the desks.
    assert client_etat.get(reverse("demandes:modifier", args=[demande.pk])).status_code == 404
    assert client_etat.get(reverse("demandes:modifier_menage", args=[demande.pk])).status_code == 404


def test_decision_dalo_erreurs_en_francais(demande, client_etat):
    url = reverse("demandes:decision_dalo", args=[demande.pk])
    page = html(client_etat.post(url, {"dalo-decision": "reconnu"}))
    assert "Indiquez la date de la décision." in page
    demain = timezone.localdate() + timedelta(days=1)
    page = html(client_etat.post(url, {"dalo-decision": "reconnu", "dalo-date_decision": demain.isoformat()}))
    assert "La date de la décision ne peut pas être dans le futur." in page
    demande.refresh_from_db()
    assert not demande.dalo_reconnu


def test_qui_n_en_a_pas_le_droit_recoit_404(demande, narbonne):
    commune = _org("Ville de Narbonne", TypeOrganisation.COMMUNE, (NARBONNE,))
    action_logement = _org(
        "Action Logement", TypeOrganisation.RESERVATAIRE, (NARBONNE,), categorie_reservataire="action_logement"
    )
    prefecture_hors = _org(
        "Préfecture", TypeOrganisation.RESERVATAIRE, (CARCASSONNE,), categorie_reservataire=CategorieReservataire.ETAT
    )
    lecteur = membre(narbonne, role=Role.CONSULTATION, username="lecteur")
    etat_lecteur = membre(
        _org("DDETS", TypeOrganisation.RESERVATAIRE, (NARBONNE,), categorie_reservataire="etat"),
        role=Role.CONSULTATION,
        username="etat-lecteur",
    )
    for user in (membre(commune), membre(action_logement), membre(prefecture_hors), lecteur, etat_lecteur):
        c = Client()
        c.force_login(user)
        for nom in ("decision_dalo", "modifier_menage", "modifier"):
            reponse = c.get(reverse(f"demandes:{nom}", args=[demande.pk]))
            assert reponse.status_code == 404, (user.username, nom)
            assert "Traceback" not in html(reponse)


def test_une_demande_radiee_ne_prend_plus_de_decision(demande, narbonne, client_etat):
    from attrib.demandes.services import demande_radier

    demande_radier(demande=demande, auteur=acteur_systeme("test"), motif="renonciation")
    assert client_etat.get(reverse("demandes:decision_dalo", args=[demande.pk])).status_code == 404
    with pytest.raises(Exception, match="radiée"):
        demande_decision_dalo_enregistrer(
            demande=demande, auteur=acteur_systeme("test"), reconnu=True, date_decision=timezone.localdate()
        )


# --- Registration wizard, service and import carry the new CERFA fields ----------------------------


def test_le_service_refuse_une_commission_sans_date(demande):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        demande_modifier(
            demande=demande, auteur=acteur_systeme("test"), donnees={"dalo_commission": "Commission de l'Aude"}
        )
    assert "dalo_date_decision" in exc.value.message_dict
    assert not Demande.objects.filter(dalo_commission__gt="").exists()


def test_l_assistant_d_enregistrement_porte_l_expulsion_et_la_commission_dalo(narbonne, client_agent):
    from tests.demandes.test_views import ETAPE_1, ETAPE_3, ETAPE_4, ETAPE_5, _avec_enregistrement, _etape

    jugement = timezone.localdate() - timedelta(days=60)
    decision = timezone.localdate() - timedelta(days=30)
    c = client_agent
    assert c.post(_etape(1), {**_avec_enregistrement(narbonne, ETAPE_1), "action": "suivant"}).url == _etape(2)
    vide = {"personnes-TOTAL_FORMS": "0", "personnes-INITIAL_FORMS": "0", "personnes-MIN_NUM_FORMS": "0"}
    assert c.post(_etape(2), {**vide, "personnes-MAX_NUM_FORMS": "20", "action": "suivant"}).url == _etape(3)
    assert c.post(_etape(3), {**ETAPE_3, "action": "suivant"}).url == _etape(4)
    etape4 = {
        **ETAPE_4,
        "logement_actuel-procedure_expulsion": "aucune",
        "logement_actuel-expulsion_date_etape": jugement.isoformat(),
        "action": "suivant",
    }
    assert "Une date d&#x27;étape suppose une procédure" in html(c.post(_etape(4), etape4))
    etape4["logement_actuel-procedure_expulsion"] = "jugement"
    assert c.post(_etape(4), etape4).url == _etape(5)
    etape5 = {
        **ETAPE_5,
        "logement_recherche-dalo_reconnu": "on",
        "logement_recherche-dalo_date_decision": decision.isoformat(),
        "logement_recherche-dalo_commission": "Commission de médiation de l'Aude",
        "action": "suivant",
    }
    assert c.post(_etape(5), etape5).url == _etape(6)
    recap = html(c.get(_etape(6)))
    assert "Commission de médiation de l&#x27;Aude" in recap and jugement.strftime("%d/%m/%Y") in recap
    c.post(_etape(6), {"action": "enregistrer"})
    demande = Demande.objects.get()
    assert (demande.procedure_expulsion, demande.expulsion_date_etape) == ("jugement", jugement)
    assert demande.dalo_commission == "Commission de médiation de l'Aude"
    page = html(c.get(reverse("demandes:detail", args=[demande.pk])))
    assert f"Jugement d&#x27;expulsion, le {jugement:%d/%m/%Y}" in page


def test_export_import_et_cotation_portent_les_nouveaux_champs(demande, narbonne):
    import csv
    import io

    from attrib.cotation.colonnes import colonnes_cotation
    from attrib.demandes.importexport import exporter_demandes_csv, importer_demandes

    jour = timezone.localdate() - timedelta(days=15)
    demande_modifier(
        demande=demande,
        auteur=acteur_systeme("test"),
        donnees={"procedure_expulsion": "commandement", "expulsion_date_etape": jour},
    )
    demande_decision_dalo_enregistrer(
        demande=demande,
        auteur=acteur_systeme("test"),
        reconnu=True,
        date_decision=jour,
        commission="Commission de l'Aude",
    )
    agent = membre(narbonne, username="agent-import")
    flux = io.StringIO()
    exporter_demandes_csv(demandes=Demande.objects.all(), flux=flux, auteur=acteur_de(agent))
    [ligne] = list(csv.DictReader(io.StringIO(flux.getvalue().removeprefix("\ufeff")), delimiter=";"))
    assert ligne["expulsion_date_etape"] == f"{jour:%d/%m/%Y}" and ligne["dalo_commission"] == "Commission de l'Aude"

    # The same file, edited, updates the demand through the import (and the history keeps the before/after).
    plus_tard = jour + timedelta(days=5)
    ligne.update({"procedure_expulsion": "jugement", "expulsion_date_etape": f"{plus_tard:%d/%m/%Y}"})
    sortie = io.StringIO()
    ecrivain = csv.DictWriter(sortie, fieldnames=list(ligne), delimiter=";")
    ecrivain.writeheader()
    ecrivain.writerow(ligne)
    rapport = importer_demandes(
        fichier=sortie.getvalue().encode(), guichet=narbonne, auteur=acteur_de(agent), tout_ou_rien=True
    )
    assert not rapport.erreurs and rapport.mises_a_jour == [demande.numero_unique]
    demande.refresh_from_db()
    assert (demande.procedure_expulsion, demande.expulsion_date_etape) == ("jugement", plus_tard)
    changements = _lignes(Evenement.objects.pour(demande).filter(action="modification").first())
    assert changements["expulsion_date_etape"] == {"avant": jour.isoformat(), "apres": plus_tard.isoformat()}

    # A grid can read them: they are columns of the cotation.
    colonnes = colonnes_cotation(Demande.objects.all(), jour=timezone.localdate())
    assert colonnes["expulsion_date_etape"].to_list() == [plus_tard]
    assert colonnes["dalo_commission"].to_list() == ["Commission de l'Aude"]


def test_fin_de_procedure_efface_la_date_d_etape(demande):
    jour = timezone.localdate() - timedelta(days=15)
    demande_modifier(
        demande=demande,
        auteur=acteur_systeme("test"),
        donnees={"procedure_expulsion": "jugement", "expulsion_date_etape": jour},
    )
    # A renewal form that only knows the stage: « aucune » ends the procedure and its date with it.
    demande_modifier(demande=demande, auteur=acteur_systeme("test"), donnees={"procedure_expulsion": "aucune"})
    demande.refresh_from_db()
    assert demande.expulsion_date_etape is None
    changements = _lignes(Evenement.objects.pour(demande).filter(action="modification").first())
    assert changements["expulsion_date_etape"] == {"avant": jour.isoformat(), "apres": None}


def test_carte_d_invalidite_d_une_personne_cachee_a_qui_ne_voit_pas_le_sensible(demande, narbonne, client_agent):
    menage = [
        {k: getattr(p, k) for k in CHAMPS_PERSONNE_MENAGE}
        for p in sorted(demande.personnes.all(), key=lambda p: (p.role != "demandeur", p.pk))
    ]
    menage[1]["handicap"] = True
    demande_modifier(demande=demande, auteur=acteur_systeme("test"), personnes=menage)
    evenement = Evenement.objects.pour(demande).filter(action="modification").first()
    assert evenement.details["sensible"] is True
    assert "Jules Martin — Titulaire de la carte mobilité inclusion" in _historique(demande, client_agent)
    ville = _org("Ville de Narbonne", TypeOrganisation.COMMUNE, (NARBONNE,))
    c = Client()
    c.force_login(membre(ville, username="agent-ville"))
    assert "carte mobilité inclusion" not in _historique(demande, c)


def test_la_page_de_modification_presente_chaque_rubrique(demande, client_agent):
    page = html(client_agent.get(reverse("demandes:modifier", args=[demande.pk])))
    for libelle in (
        "Logement recherché",
        "Revenu fiscal de référence",
        "Situation de logement actuelle",
        "Procédure d&#x27;expulsion",
        "Date de l&#x27;étape de la procédure d&#x27;expulsion",
        "Motif principal",
        "Autres motifs",
        "Situations déclarées",
        "Reconnu prioritaire DALO",
        "Commission de médiation DALO",
        "Coordonnées du demandeur",
    ):
        assert libelle in page, libelle
    assert reverse("demandes:modifier_menage", args=[demande.pk]) in page
    menage = html(client_agent.get(reverse("demandes:modifier_menage", args=[demande.pk])))
    for libelle in ("Nationalité", "Titre de séjour", "Téléphone", "Salaires", "Retirer cette personne du ménage"):
        assert libelle in menage, libelle


def test_le_renouvellement_met_a_jour_la_procedure_d_expulsion(demande, client_agent):
    jour = timezone.localdate() - timedelta(days=7)
    donnees = {
        "renouvellement-revenu_fiscal_reference": str(demande.revenu_fiscal_reference),
        "renouvellement-annee_revenu_fiscal": str(demande.annee_revenu_fiscal),
        "renouvellement-statut_logement_actuel": demande.statut_logement_actuel,
        "renouvellement-loyer_actuel": "0",
        "renouvellement-procedure_expulsion": "aucune",
        "renouvellement-expulsion_date_etape": jour.isoformat(),
    }
    url = reverse("demandes:renouveler", args=[demande.pk])
    assert "Une date d&#x27;étape suppose une procédure" in html(client_agent.post(url, donnees))
    donnees["renouvellement-procedure_expulsion"] = "concours_force_publique"
    assert client_agent.post(url, donnees).status_code == 302
    demande.refresh_from_db()
    assert (demande.procedure_expulsion, demande.expulsion_date_etape) == ("concours_force_publique", jour)
    evenement = Evenement.objects.pour(demande).get(action="renouvellement")
    assert _lignes(evenement)["expulsion_date_etape"] == {"avant": None, "apres": jour.isoformat()}
