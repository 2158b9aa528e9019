"""Screens of the shared demand file, driven through Django's test client."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.models import Demande, DoublonPotentiel, PieceJustificative
from attrib.demandes.services import demande_modifier
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Membership, Role, TypeOrganisation
from attrib.taches.models import Travail
from tests.factories import (
    CARCASSONNE,
    COURSAN,
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


@pytest.fixture
def narbonne():
    territoire_minimal()
    return guichet()


@pytest.fixture
def agent(narbonne):
    return membre(narbonne, username="agent-narbonne")


@pytest.fixture
def client_agent(agent) -> Client:
    c = Client()
    c.force_login(agent)
    return c


@pytest.fixture
def client_commune(narbonne) -> Client:
    """A member of the Ville de Narbonne (commune, not a registration desk)."""
    ville = OrganisationFactory(nom="Ville de Narbonne", type=TypeOrganisation.COMMUNE, communes=[NARBONNE])
    c = Client()
    c.force_login(membre(ville, username="agent-ville"))
    return c


def html(response) -> str:
    return response.content.decode()


# --- List and search -------------------------------------------------------------------------


def test_liste_ne_montre_que_les_demandes_du_perimetre(narbonne, client_agent):
    a_narbonne = creer_demande(guichet_org=narbonne, personnes=[personne(nom="Durand", prenoms="Paul")])
    carcassonne = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    ailleurs = creer_demande(
        guichet_org=carcassonne, communes=(CARCASSONNE,), personnes=[personne(nom="Lefebvre", prenoms="Anne")]
    )
    page = html(client_agent.get(reverse("demandes:liste")))
    assert a_narbonne.numero_unique in page and "Paul Durand" in page
    assert ailleurs.numero_unique not in page and "Lefebvre" not in page
    assert "1 demande" in page


def test_recherche_sans_accents_trouve_elodie(narbonne, client_agent):
    elodie = creer_demande(guichet_org=narbonne, personnes=[personne(nom="Bénard", prenoms="Élodie")])
    autre = creer_demande(guichet_org=narbonne, personnes=[personne(nom="Martin", prenoms="Léa")])
    page = html(client_agent.get(url_recherche(client_agent, "elodie benard")))
    assert elodie.numero_unique in page
    assert autre.numero_unique not in page
    par_numero = html(client_agent.get(url_recherche(client_agent, autre.numero_unique)))
    assert autre.numero_unique in par_numero and elodie.numero_unique not in par_numero


def test_filtres_de_la_liste(narbonne, client_agent):
    dalo = creer_demande(guichet_org=narbonne, dalo_reconnu=True, dalo_date_decision=date(2025, 1, 15))
    mutation = creer_demande(
        guichet_org=narbonne,
        communes=(GRUISSAN,),
        statut_logement_actuel=enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL,
        bailleur_actuel="Habitat Audois",
        typologie_min=4,
        typologie_max=5,
    )
    liste = reverse("demandes:liste")
    page = html(client_agent.get(liste, {"dalo": "oui"}))
    assert dalo.numero_unique in page and mutation.numero_unique not in page
    page = html(client_agent.get(liste, {"mutation": "oui"}))
    assert mutation.numero_unique in page and dalo.numero_unique not in page
    page = html(client_agent.get(liste, {"typologie": "5"}))
    assert mutation.numero_unique in page and dalo.numero_unique not in page
    page = html(client_agent.get(liste, {"commune": GRUISSAN}))
    assert mutation.numero_unique in page and dalo.numero_unique not in page


def test_liste_sans_requete_par_ligne(narbonne, client_agent, django_assert_max_num_queries):
    def creer(debut: int, fin: int) -> None:
        for i in range(debut, fin):
            creer_demande(
                guichet_org=narbonne,
                communes=(NARBONNE, GRUISSAN),
                personnes=[personne(nom=f"Nom{i}"), personne(role=enums.RolePersonne.PERSONNE_A_LOGER, lien="enfant")],
            )

    creer(0, 5)
    with CaptureQueriesContext(connection) as cinq:
        assert html(client_agent.get(reverse("demandes:liste"))).count("2 personnes") == 5
    creer(5, 30)
    # As many queries for 30 rows as for 5 (the first page's freshness keys and count included), and few.
    with django_assert_max_num_queries(len(cinq)):
        response = client_agent.get(reverse("demandes:liste"))
    assert html(response).count("2 personnes") == 30
    assert len(cinq) <= 14


# --- Detail, perimeter and sensitive situations ------------------------------------------------


def test_detail_hors_perimetre_repond_404(narbonne, client_agent):
    carcassonne = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    ailleurs = creer_demande(guichet_org=carcassonne, communes=(CARCASSONNE,))
    assert client_agent.get(reverse("demandes:detail", args=[ailleurs.pk])).status_code == 404
    assert client_agent.get(reverse("demandes:attestation", args=[ailleurs.pk])).status_code == 404
    assert client_agent.get(reverse("demandes:renouveler", args=[ailleurs.pk])).status_code == 404
    assert client_agent.get(reverse("demandes:detail", args=[999999])).status_code == 404


def test_detail_montre_les_sections_du_cerfa(narbonne, client_agent):
    d = creer_demande(
        guichet_org=narbonne,
        communes=(GRUISSAN, NARBONNE, COURSAN),
        personnes=[
            personne(nom="Durand", prenoms="Paul", adresse="3 rue des Lilas", ville="Narbonne"),
            personne(role=enums.RolePersonne.CODEMANDEUR, nom="Durand", prenoms="Inès", lien="conjoint"),
            personne(role=enums.RolePersonne.PERSONNE_A_LOGER, nom="Durand", prenoms="Lou", lien="enfant", salaires=0),
        ],
        priorites=("l441_k",),
        dalo_reconnu=True,
        dalo_date_decision=date(2025, 2, 3),
    )
    page = html(client_agent.get(reverse("demandes:detail", args=[d.pk])))
    for attendu in (
        "Co-demandeur",
        "Inès",
        "3 personnes",
        "3 rue des Lilas",
        "Revenu fiscal de référence",
        "Locataire du parc privé",
        "Logement trop cher",
        "T2 à T3",
        "Personne dépourvue de logement",
        "Déclarée, à valider",
        "décision du 03/02/2025",
        "Pièce d&#x27;identité du demandeur",
        reverse("demandes:attestation", args=[d.pk]),
    ):
        assert attendu in page, attendu
    # Communes in the order of preference.
    assert page.index("Gruissan (11170)") < page.index("Narbonne (11262)") < page.index("Coursan (11106)")


def test_situation_sensible_cachee_a_la_commune_et_visible_du_guichet(narbonne, client_agent, client_commune):
    d = creer_demande(guichet_org=narbonne, priorites=("l441_k",), motif_principal=enums.Motif.TROP_CHER)
    # Declared later: the history must not reveal it either.
    demande_modifier(
        demande=d,
        auteur=acteur_systeme("test"),
        priorites=["l441_g", "l441_k"],
        donnees={"motif_principal": enums.Motif.VIOLENCES},
    )
    url = reverse("demandes:detail", args=[d.pk])
    commune = html(client_commune.get(url))
    assert "dépourvue de logement" in commune
    assert "Violences" not in commune and "violence" not in commune.lower()
    guichet_page = html(client_agent.get(url))
    assert "violences au sein du couple" in guichet_page
    assert "Violences familiales" in guichet_page


# --- Registration wizard ----------------------------------------------------------------------


def _etape(n: int) -> str:
    return reverse("demandes:nouvelle_etape", args=[n])


ETAPE_1 = {
    "demandeur-civilite": "mme",
    "demandeur-nom": "Bénard",
    "demandeur-prenoms": "Élodie Marie",
    "demandeur-date_naissance": "1988-04-12",
    "demandeur-nationalite": "francaise",
    "demandeur-situation_familiale": "marie",
    "demandeur-situation_professionnelle": "cdi",
    "demandeur-adresse": "12 avenue de la Mer",
    "demandeur-code_postal": "11100",
    "demandeur-ville": "Narbonne",
}
ETAPE_2_UNE_PERSONNE = {
    "personnes-TOTAL_FORMS": "1",
    "personnes-INITIAL_FORMS": "1",
    "personnes-MIN_NUM_FORMS": "0",
    "personnes-MAX_NUM_FORMS": "20",
    "personnes-0-lien": "enfant",
    "personnes-0-nom": "Bénard",
    "personnes-0-prenoms": "Jules",
    "personnes-0-date_naissance": "2016-09-01",
    "personnes-0-a_charge": "on",
}
ETAPE_3 = {
    "ressources_demandeur-salaires": "1650.50",
    "ressources_demandeur-prestations_familiales": "120",
    "ressources_codemandeur-salaires": "900",
    "ressources_menage-revenu_fiscal_reference": "24000",
    # A year past on every day a test runs, frozen (``horloge``) or not: the module is imported on the
    # machine's day, which is not the frozen day of the tests that reuse these steps.
    "ressources_menage-annee_revenu_fiscal": "2024",
}
ETAPE_4 = {
    "logement_actuel-statut_logement_actuel": "locataire_parc_prive",
    "logement_actuel-loyer_actuel": "720",
    "logement_actuel-procedure_expulsion": "aucune",
    "logement_actuel-motif_principal": "trop_petit",
    "logement_actuel-motifs_secondaires": ["trop_cher", "rapprochement_travail"],
}
ETAPE_5 = {
    "logement_recherche-typologie_min": "3",
    "logement_recherche-typologie_max": "4",
    "logement_recherche-type_logement_recherche": "indifferent",
    "logement_recherche-commune_1": GRUISSAN,
    "logement_recherche-commune_2": NARBONNE,
    "logement_recherche-priorites": ["l441_k"],
}


def _avec_enregistrement(narbonne: Any, donnees: dict[str, Any]) -> dict[str, Any]:
    return {
        "enregistrement-guichet": str(narbonne.pk),
        "enregistrement-date_depot": timezone.localdate().isoformat(),
        **donnees,
    }


def test_assistant_enregistre_une_demande_de_bout_en_bout(narbonne, client_agent):
    c = client_agent
    assert c.get(reverse("demandes:nouvelle")).url == _etape(1)
    page1 = html(c.get(_etape(1)))
    for libelle in ("Nom d&#x27;usage", "Prénoms", "Date de naissance"):
        assert libelle in page1
    # Adding a co-applicant keeps what was typed.
    r = c.post(_etape(1), {**_avec_enregistrement(narbonne, ETAPE_1), "action": "ajouter_codemandeur"})
    assert r.status_code == 302
    page1 = html(c.get(_etape(1)))
    assert 'value="Bénard"' in page1 and "Identité du co-demandeur" in page1
    # Coming back later resumes the draft, and says so.
    reprise = c.get(reverse("demandes:nouvelle"))
    assert reprise.url == _etape(1) + "?reprise=1" and "saisie commencée plus tôt" in html(c.get(reprise.url))
    etape1 = {
        **_avec_enregistrement(narbonne, ETAPE_1),
        "codemandeur-lien": "conjoint",
        "codemandeur-civilite": "m",
        "codemandeur-nom": "Bénard",
        "codemandeur-prenoms": "Hugo",
        "codemandeur-date_naissance": "1986-01-30",
        "action": "suivant",
    }
    assert c.post(_etape(1), etape1).url == _etape(2)
    assert c.post(_etape(2), {**ETAPE_2_UNE_PERSONNE, "action": "suivant"}).url == _etape(3)
    assert c.post(_etape(3), {**ETAPE_3, "action": "suivant"}).url == _etape(4)
    assert c.post(_etape(4), {**ETAPE_4, "action": "suivant"}).url == _etape(5)
    assert c.post(_etape(5), {**ETAPE_5, "action": "suivant"}).url == _etape(6)
    recap = html(c.get(_etape(6)))
    assert "Élodie Marie" in recap and "Hugo" in recap and "Jules" in recap and "Gruissan (11170)" in recap

    r = c.post(_etape(6), {"action": "enregistrer"})
    demande = Demande.objects.get()
    assert r.status_code == 302 and r.url == reverse("demandes:detail", args=[demande.pk])
    roles = sorted(demande.personnes.values_list("role", "prenoms"))
    assert roles == [("codemandeur", "Hugo"), ("demandeur", "Élodie Marie"), ("personne_a_loger", "Jules")]
    assert list(demande.communes_souhaitees.order_by("rang").values_list("commune_id", flat=True)) == [
        GRUISSAN,
        NARBONNE,
    ]
    assert sorted(demande.motifs_secondaires.values_list("motif", flat=True)) == ["rapprochement_travail", "trop_cher"]
    assert list(demande.situations_prioritaires.values_list("priorite_id", flat=True)) == ["l441_k"]
    assert demande.personnes.get(role="demandeur").salaires == 1650.50
    assert (demande.typologie_min, demande.typologie_max, demande.guichet_id) == (3, 4, narbonne.pk)
    detail = html(c.get(r.url))
    assert demande.numero_unique in detail and "Demande enregistrée sous le numéro unique" in detail
    assert reverse("demandes:attestation", args=[demande.pk]) in detail
    # The draft is gone: a new registration starts empty.
    assert c.get(reverse("demandes:nouvelle")).url == _etape(1)
    assert 'value="Bénard"' not in html(c.get(_etape(1)))


def test_date_de_naissance_invalide_signalee_sur_le_champ(narbonne, client_agent):
    donnees = {**_avec_enregistrement(narbonne, ETAPE_1), "demandeur-date_naissance": "1988-02-31", "action": "suivant"}
    r = client_agent.post(_etape(1), donnees)
    page = html(r)
    assert r.status_code == 200
    assert "fr-input-group--error" in page and "fr-error-text" in page
    assert "Saisissez une date valide" in page
    assert 'href="#id_demandeur-date_naissance"' in page  # error summary links to the field
    assert 'aria-describedby="id_demandeur-date_naissance_error"' in page
    futur = timezone.localdate() + timedelta(days=3)
    page = html(client_agent.post(_etape(1), {**donnees, "demandeur-date_naissance": futur.isoformat()}))
    assert f"Date de naissance : le {futur:%d/%m/%Y} est dans le futur." in page
    # Nothing lets the user skip the step.
    assert client_agent.get(_etape(3)).url == _etape(1)


def test_erreur_des_regles_de_saisie_sur_son_etape_et_son_champ(narbonne, client_agent):
    """A tax-income year not yet assessed is refused on its own step, by the rule set the service applies."""
    c = client_agent
    c.post(_etape(1), {**_avec_enregistrement(narbonne, ETAPE_1), "action": "suivant"})
    c.post(_etape(2), {**ETAPE_2_UNE_PERSONNE, "action": "suivant"})
    annee = str(timezone.localdate().year + 1)
    r = c.post(_etape(3), {**ETAPE_3, "ressources_menage-annee_revenu_fiscal": annee, "action": "suivant"})
    page = html(r)
    assert r.status_code == 200 and Demande.objects.count() == 0
    assert "Étape 3 sur 6" in page
    assert c.get(_etape(4)).url == _etape(3)
    assert "Année du revenu fiscal de référence : entre" in page
    assert 'href="#id_ressources_menage-annee_revenu_fiscal"' in page


def test_assistant_reserve_aux_guichets(client_commune):
    assert client_commune.get(reverse("demandes:nouvelle")).status_code == 404
    assert client_commune.get(_etape(1)).status_code == 404


# --- Renewal, radiation, modification ---------------------------------------------------------


def test_renouveler_puis_radier_apparaissent_a_l_historique(narbonne, client_agent):
    d = creer_demande(guichet_org=narbonne)
    r = client_agent.post(
        reverse("demandes:renouveler", args=[d.pk]),
        {
            "renouvellement-revenu_fiscal_reference": "21000",
            "renouvellement-annee_revenu_fiscal": "2024",
            "renouvellement-statut_logement_actuel": "locataire_parc_prive",
            "renouvellement-loyer_actuel": "0",
            "renouvellement-procedure_expulsion": "aucune",
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.date_dernier_renouvellement == timezone.localdate() and d.revenu_fiscal_reference == 21000
    page = html(client_agent.get(reverse("demandes:detail", args=[d.pk])))
    assert "Demande renouvelée jusqu&#x27;au" in page
    assert "Revenu fiscal de référence N-2 (€)" in page and "18000" in page and "21000" in page

    url_radier = reverse("demandes:radier", args=[d.pk])
    sans_confirmation = client_agent.post(url_radier, {"radiation-motif": "renonciation"})
    assert "fr-error-text" in html(sans_confirmation)
    r = client_agent.post(
        url_radier,
        {
            "radiation-motif": "renonciation",
            "radiation-date_radiation": timezone.localdate().isoformat(),
            "radiation-commentaire": "Courrier du 2 mars",
            "radiation-confirmation": "on",
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.statut == enums.StatutDemande.RADIEE
    page = html(client_agent.get(reverse("demandes:detail", args=[d.pk])))
    assert "Renonciation du demandeur" in page and "Demande radiée le" in page
    # A struck-off demand offers no more actions.
    assert client_agent.get(url_radier).status_code == 404
    assert client_agent.get(reverse("demandes:renouveler", args=[d.pk])).status_code == 404


def test_modifier_logement_recherche_et_coordonnees(narbonne, client_agent):
    d = creer_demande(guichet_org=narbonne, communes=(NARBONNE,))
    r = client_agent.post(
        reverse("demandes:modifier", args=[d.pk]),
        {
            "recherche-typologie_min": "2",
            "recherche-typologie_max": "4",
            "recherche-type_logement_recherche": "maison",
            "recherche-commune_1": COURSAN,
            "recherche-commune_2": NARBONNE,
            "ressources-revenu_fiscal_reference": "18000",
            "ressources-annee_revenu_fiscal": "2024",
            "coordonnees-telephone": "0468000000",
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.typologie_max == 4 and d.type_logement_recherche == "maison"
    assert list(d.communes_souhaitees.order_by("rang").values_list("commune_id", flat=True)) == [COURSAN, NARBONNE]
    assert d.personnes.get(role="demandeur").telephone == "0468000000"
    page = html(client_agent.get(reverse("demandes:detail", args=[d.pk])))
    assert "Typologie maximale (pièces)" in page and "Coursan, Narbonne" in page


def test_modifier_signale_une_commune_en_double(narbonne, client_agent):
    d = creer_demande(guichet_org=narbonne)
    page = html(
        client_agent.post(
            reverse("demandes:modifier", args=[d.pk]),
            {
                "recherche-typologie_min": "2",
                "recherche-typologie_max": "3",
                "recherche-type_logement_recherche": "indifferent",
                "recherche-commune_1": NARBONNE,
                "recherche-commune_2": NARBONNE,
                "ressources-revenu_fiscal_reference": "18000",
                "ressources-annee_revenu_fiscal": "2024",
            },
        )
    )
    assert "Cette commune est déjà choisie en n° 1." in page
    assert 'href="#id_recherche-commune_2"' in page


def test_consultation_ne_peut_ni_modifier_ni_radier(narbonne):
    d = creer_demande(guichet_org=narbonne)
    c = Client()
    c.force_login(membre(narbonne, role=Role.CONSULTATION, username="lecteur"))
    assert c.get(reverse("demandes:detail", args=[d.pk])).status_code == 200
    for vue in ("renouveler", "radier", "modifier"):
        assert c.get(reverse(f"demandes:{vue}", args=[d.pk])).status_code == 404


# --- Attestation, documents, duplicates, home ---------------------------------------------------


def test_attestation_pdf(narbonne, client_agent):
    d = creer_demande(guichet_org=narbonne)
    r = client_agent.get(reverse("demandes:attestation", args=[d.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")


def test_deposer_puis_valider_une_piece(narbonne, client_agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    d = creer_demande(guichet_org=narbonne)
    piece = PieceJustificative.objects.filter(demande=d).first()
    assert piece is not None
    url = reverse("demandes:piece_deposer", args=[d.pk, piece.pk])
    mauvais = client_agent.post(url, {"piece-fichier": SimpleUploadedFile("notes.txt", b"bonjour")})
    assert "Format non accepté" in html(mauvais)
    fichier = SimpleUploadedFile("avis.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert client_agent.post(url, {"piece-fichier": fichier}).status_code == 302
    assert client_agent.post(reverse("demandes:piece_valider", args=[d.pk, piece.pk])).status_code == 302
    piece.refresh_from_db()
    assert piece.statut == enums.StatutPiece.VALIDEE
    page = html(client_agent.get(reverse("demandes:detail", args=[d.pk])))
    assert f"Pièce validée : {piece.libelle}" in page.replace("&#x27;", "'")


def test_doublons_cote_a_cote_et_decision(narbonne, client_agent):
    meme = {"nom": "Bénard", "prenoms": "Élodie", "date_naissance": date(1988, 4, 12)}
    a = creer_demande(guichet_org=narbonne, personnes=[personne(**meme)])
    b = creer_demande(guichet_org=narbonne, personnes=[personne(**{**meme, "nom": "Benard"})])
    doublon = DoublonPotentiel.objects.get()
    page = html(client_agent.get(reverse("demandes:doublons")))
    assert a.numero_unique in page and b.numero_unique in page and "Même personne" in page
    prefixe = f"doublon-{doublon.pk}"
    r = client_agent.post(
        reverse("demandes:doublon_decider", args=[doublon.pk]),
        {f"{prefixe}-statut": "ecarte", f"{prefixe}-commentaire": "Homonymes"},
    )
    assert r.status_code == 302
    doublon.refresh_from_db()
    assert doublon.statut == enums.StatutDoublon.ECARTE and doublon.commentaire == "Homonymes"
    assert Evenement.objects.pour(a).filter(action="doublon_decide").exists()
    assert "Aucun doublon potentiel à examiner" in html(client_agent.get(reverse("demandes:doublons")))


def test_accueil_compte_le_perimetre_et_marque_la_page_courante(narbonne, client_agent):
    creer_demande(guichet_org=narbonne)
    creer_demande(guichet_org=narbonne)
    page = html(client_agent.get(reverse("accueil")))
    assert '<p class="fr-tile__detail attrib-chiffre" id="nb-actives">2</p>' in page
    assert f'href="{reverse("accueil")}" aria-current="page"' in page
    assert "Enregistrer une demande" in page


def test_pages_privees(narbonne):
    d = creer_demande(guichet_org=narbonne)
    r = Client().get(reverse("demandes:detail", args=[d.pk]))
    assert r.status_code == 302 and r.url.startswith(reverse("login"))


# --- Import and export -------------------------------------------------------------------------

ENTETE_IMPORT = (
    "numero_unique;nom_demandeur;prenoms_demandeur;date_naissance_demandeur;statut_logement_actuel;"
    "typologie_min;typologie_max;communes_souhaitees;revenu_fiscal_reference;annee_revenu_fiscal;motif_principal"
)


def _csv(*lignes: str) -> SimpleUploadedFile:
    contenu = "\n".join([ENTETE_IMPORT, *lignes]) + "\n"
    return SimpleUploadedFile("demandes.csv", contenu.encode("utf-8"), content_type="text/csv")


def test_import_rapport_ligne_par_ligne(narbonne, client_agent):
    valide = f";Roux;Nina;12/03/1991;heberge_famille;1;2;{NARBONNE};9000;2024;heberge"
    invalide = f";Petit;Marc;31/02/1980;heberge_famille;1;2;{NARBONNE};9000;2024;heberge"
    url = reverse("demandes:import")
    # The POST answers at once with the job's page; the import ran there (at once in the tests).
    r = client_agent.post(url, {"guichet": narbonne.pk, "fichier": _csv(valide, invalide), "tout_ou_rien": "on"})
    travail = Travail.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("taches:travail", args=[travail.pk])
    assert travail.statut == "echec" and travail.conserve == "Aucune demande n'a été importée."
    page = html(client_agent.get(r["Location"]))
    assert "Le travail n'a pas abouti" in page and "Import de demandes.csv annulé : 1 erreur" in page
    assert "Aucune demande n'a été importée" in page and Demande.objects.count() == 0
    assert "<td>3</td><td>date_naissance_demandeur</td>" in page
    r = client_agent.post(url, {"guichet": narbonne.pk, "fichier": _csv(valide, invalide)}, follow=True)
    page = html(r)
    assert "demandes.csv : 1 ligne importée (1 créée, 0 mise à jour), 1 écartée." in page
    assert Demande.objects.count() == 1
    assert "1 demande créée" in page and "<td>3</td><td>date_naissance_demandeur</td>" in page
    assert Demande.objects.get().numero_unique in page


def test_import_sans_fichier_erreur_localisee(narbonne, client_agent):
    page = html(client_agent.post(reverse("demandes:import"), {"guichet": narbonne.pk}))
    assert 'href="#id_fichier"' in page and "fr-upload-group--error" in page


def test_export_csv_et_excel_du_perimetre(narbonne, client_agent):
    a = creer_demande(guichet_org=narbonne, personnes=[personne(nom="Durand")])
    carcassonne = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    ailleurs = creer_demande(guichet_org=carcassonne, communes=(CARCASSONNE,))
    # The export is a job: the GET answers with its page at once; the file waits there for its launcher.
    cle = url_recherche(client_agent, "durand").split("?", 1)[1]
    r = client_agent.get(f"{reverse('demandes:export_csv')}?{cle}")
    travail = Travail.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("taches:travail", args=[travail.pk])
    assert travail.statut == "termine" and travail.resume.startswith("1 demande exportée (CSV")
    assert "Télécharger le fichier (CSV)" in html(client_agent.get(r["Location"]))
    r = client_agent.get(reverse("taches:travail_fichier", args=[travail.pk]))
    contenu = r.content.decode("utf-8")
    assert r["Content-Type"].startswith("text/csv") and "attachment" in r["Content-Disposition"]
    assert a.numero_unique in contenu and ailleurs.numero_unique not in contenu
    autre = Client()
    autre.force_login(UserFactory())
    assert autre.get(reverse("taches:travail_fichier", args=[travail.pk])).status_code == 404
    r = client_agent.get(reverse("demandes:export_xlsx"))
    r = client_agent.get(reverse("taches:travail_fichier", args=[Travail.objects.latest("pk").pk]))
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r.content.startswith(b"PK")


def test_agent_de_plusieurs_guichets_choisit_le_guichet(narbonne, agent, client_agent):
    gruissan = guichet(nom="Guichet Gruissan", code="GRU01", communes=(GRUISSAN,))
    Membership.objects.create(user=agent, organisation=gruissan, role=Role.GESTIONNAIRE)
    page = html(client_agent.get(_etape(1)))
    assert 'name="enregistrement-guichet"' in page and "Guichet Gruissan" in page and "Guichet Narbonne" in page
    etranger = guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,))
    donnees = {**_avec_enregistrement(etranger, ETAPE_1), "action": "suivant"}
    page = html(client_agent.post(_etape(1), donnees))
    assert 'href="#id_enregistrement-guichet"' in page  # a desk the agent does not belong to is refused


def test_refuser_une_piece_avec_son_motif(narbonne, client_agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    d = creer_demande(guichet_org=narbonne)
    piece = PieceJustificative.objects.filter(demande=d).first()
    fichier = SimpleUploadedFile("avis.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    client_agent.post(reverse("demandes:piece_deposer", args=[d.pk, piece.pk]), {"piece-fichier": fichier})
    url = reverse("demandes:piece_refuser", args=[d.pk, piece.pk])
    assert 'href="#id_refus-motif"' in html(client_agent.post(url, {"refus-motif": ""}))
    assert client_agent.post(url, {"refus-motif": "Document illisible"}).status_code == 302
    piece.refresh_from_db()
    assert piece.statut == enums.StatutPiece.MANQUANTE and piece.motif_refus == "Document illisible"
    assert "Refusée : Document illisible" in html(client_agent.get(reverse("demandes:detail", args=[d.pk])))


def test_modifier_garde_une_commune_hors_epci(narbonne, client_agent):
    d = creer_demande(guichet_org=narbonne, communes=(NARBONNE, CARCASSONNE))
    page = html(client_agent.get(reverse("demandes:modifier", args=[d.pk])))
    assert f'<option value="{CARCASSONNE}" selected>Carcassonne ({CARCASSONNE})</option>' in page
