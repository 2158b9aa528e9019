"""Screens of the housing stock: the residence list and its filters, the residence page (characteristics,
estimated values marked with their rule, ratings after the close only, occupancy indicators), 404 outside
the territory."""

from __future__ import annotations

import html as html_
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import IndicateursOccupation, Logement, Residence
from attrib.qualification.services import (
    campagne_cloturer,
    campagne_ouvrir,
    notation_enregistrer,
    note_harmonisee_enregistrer,
)
from attrib.territoires.models import QPV
from tests.factories import CARCASSONNE, COURSAN, GRUISSAN, NARBONNE, UserFactory, membre, territoire_minimal

pytestmark = pytest.mark.django_db

SECRET_BAILLEUR = "Trafic signalé dans le hall B"


@dataclass
class Monde:
    users: dict[str, Any]
    r: dict[str, Residence]
    orgs: dict[str, Organisation]


def _residence(identifiant: str, commune: str, **champs: Any) -> Residence:
    valeurs: dict[str, Any] = {
        "type_construction": TypeConstruction.COLLECTIF,
        "source": SourceResidence.RPLS_ADRESSES,
        **champs,
    }
    return Residence.objects.create(identifiant=identifiant, commune_id=commune, **valeurs)


def _logement(residence: Residence, rang: int, **champs: Any) -> Logement:
    valeurs: dict[str, Any] = {"nb_pieces": 3, "surface_habitable": Decimal("60"), **champs}
    return Logement.objects.create(residence=residence, identifiant=f"{residence.identifiant}-{rang:03d}", **valeurs)


@pytest.fixture
def monde() -> Monde:
    gn = territoire_minimal()
    ouest = QPV.objects.create(code="QP011007", nom="Narbonne Ouest", commune_id=NARBONNE)
    orgs = {
        "epci": Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci=gn),
        "narbonne": Organisation.objects.create(
            nom="Ville de Narbonne", type=TypeOrganisation.COMMUNE, commune_id=NARBONNE
        ),
        "gruissan": Organisation.objects.create(
            nom="Ville de Gruissan", type=TypeOrganisation.COMMUNE, commune_id=GRUISSAN
        ),
        "alogea": Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR),
        "domitia": Organisation.objects.create(nom="Domitia Habitat", type=TypeOrganisation.BAILLEUR),
    }
    users = {nom: membre(org, username=nom) for nom, org in orgs.items()}
    users["sans_organisation"] = UserFactory(username="sans_organisation")

    r = {
        "ayguades": _residence("RPLS-11170-AYGUADES", GRUISSAN, nom="Les Ayguades", bailleur=orgs["alogea"]),
        "provence": _residence(
            "RPLS-11262-45-AVENUE-DE-PROVENCE",
            NARBONNE,
            nom="Les Estudiantines",
            numero_voie="45",
            type_voie="AVENUE",
            nom_voie="DE PROVENCE",
            code_postal="11100",
            bailleur=orgs["domitia"],
            bailleur_estime=True,
            en_qpv=True,
            qpv=ouest,
            annee_construction=1972,
        ),
        "voltaire": _residence(
            "RPLS-11262-16-RUE-VOLTAIRE", NARBONNE, numero_voie="16", type_voie="RUE", nom_voie="VOLTAIRE", en_qpv=True
        ),
        "ensemble": _residence(
            "RPLS2019-11106-1985-C-H-01",
            COURSAN,
            nom="Ensemble collectif achevé en 1985",
            bailleur=orgs["alogea"],
            source=SourceResidence.RPLS2019_COMPTAGES,
            estimee=True,
            enjeu_mixite=True,
            enjeu_mixite_motif="Concentration de ménages très modestes",
        ),
        "carcassonne": _residence("RPLS-11069-1-RUE-DE-VERDUN", CARCASSONNE, nom="Verdun"),
    }
    _logement(r["ayguades"], 1, loyer_principal=Decimal("320.76"), loyer_estime=True)
    _logement(
        r["provence"],
        1,
        surface_habitable=Decimal("62.32"),
        surface_estimee=True,
        typologie_estimee=True,
        loyer_principal=Decimal("333.16"),
        loyer_estime=True,
        financement="PLAI",
        code_finan="11",
        dpe_energie="C",
        dpe_ges="D",
    )
    _logement(r["provence"], 2, nb_pieces=4, loyer_principal=Decimal("410.00"), financement="PLUS", etage=0)
    _logement(r["voltaire"], 1, loyer_principal=Decimal("402.10"), charges=Decimal("55.00"), dpe_energie="B")
    _logement(r["ensemble"], 1, surface_estimee=True, loyer_principal=Decimal("356.48"), loyer_estime=True)
    _logement(r["carcassonne"], 1)

    jour = timezone.localdate()
    close = campagne_ouvrir(
        organisation=orgs["epci"],
        annee=jour.year - 1,
        date_limite=jour + timedelta(days=30),
        auteur=acteur_systeme("test"),
    )
    for org, residence, note in (
        ("gruissan", "ayguades", 2),
        ("alogea", "ayguades", 2),
        ("narbonne", "provence", 3),
        ("domitia", "provence", 1),
        ("narbonne", "voltaire", 4),
    ):
        notation_enregistrer(
            campagne=close, organisation=orgs[org], residence=r[residence], note=note, auteur=acteur_systeme("test")
        )
    campagne_cloturer(campagne=close, auteur=acteur_systeme("test"))
    note_harmonisee_enregistrer(
        campagne=close,
        residence=r["provence"],
        note=1,
        participants="Mme Vidal (Ville de Narbonne), M. Roques (Domitia Habitat)",
        motif="Tranquillité dégradée confirmée par le bailleur",
        auteur=acteur_systeme("test"),
    )
    ouverte = campagne_ouvrir(
        organisation=orgs["epci"], annee=jour.year, date_limite=jour + timedelta(days=30), auteur=acteur_systeme("test")
    )
    notation_enregistrer(
        campagne=ouverte,
        organisation=orgs["alogea"],
        residence=r["ayguades"],
        note=4,
        commentaire=SECRET_BAILLEUR,
        auteur=acteur_systeme("test"),
    )
    IndicateursOccupation.objects.create(
        residence=r["provence"], annee=2024, source="OPS 2024, bailleur", part_menages_q1=Decimal("41.5"),
        part_menages_emploi=Decimal("38.2"), taux_rotation=Decimal("12.4"), taux_vacance=Decimal("3.1"),
    )  # fmt: skip
    IndicateursOccupation.objects.create(
        residence=r["provence"], annee=2022, source="OPS 2022, bailleur", part_menages_q1=Decimal("39")
    )
    return Monde(users=users, r=r, orgs=orgs)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _noms(monde: Monde, reponse: Any) -> set[str]:
    par_pk = {r.pk: cle for cle, r in monde.r.items()}
    return {par_pk[r.pk] for r in reponse.context["page"].object_list}


def _texte(reponse: Any) -> str:
    """The visible text of the page, whitespace collapsed."""
    html = reponse.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_.unescape(re.sub(r"<[^>]+>", " ", html)))


# --- list ---------------------------------------------------------------------------------------


def test_la_liste_montre_le_parc_du_territoire_seulement(monde: Monde) -> None:
    reponse = _client(monde.users["epci"]).get("/patrimoine/")

    assert reponse.status_code == 200
    assert _noms(monde, reponse) == {"ayguades", "provence", "voltaire", "ensemble"}
    assert "4 résidences" in _texte(reponse)


def test_la_liste_est_vide_sans_organisation(monde: Monde) -> None:
    reponse = _client(monde.users["sans_organisation"]).get("/patrimoine/")

    assert reponse.status_code == 200
    assert _noms(monde, reponse) == set()
    assert "Aucune résidence ne correspond" in _texte(reponse)


@pytest.mark.parametrize(
    ("filtres", "attendues"),
    [
        ({"commune": GRUISSAN}, {"ayguades"}),
        ({"commune": NARBONNE}, {"provence", "voltaire"}),
        ({"bailleur": "alogea"}, {"ayguades", "ensemble"}),
        ({"bailleur": "inconnu"}, {"voltaire"}),
        ({"qpv": "oui"}, {"provence", "voltaire"}),
        ({"qpv": "non"}, {"ayguades", "ensemble"}),
        ({"note": "1"}, {"provence"}),  # note convenue à l'harmonisation
        ({"note": "2"}, {"ayguades"}),  # notes concordantes
        ({"note": "aucune"}, {"voltaire", "ensemble"}),  # une seule partie, pas notée
        ({"enjeu": "oui"}, {"ensemble"}),
        ({"estimees": "oui"}, {"ayguades", "provence", "ensemble"}),
        ({"estimees": "non"}, {"voltaire"}),
        ({"q": "voltaire"}, {"voltaire"}),
        ({"commune": NARBONNE, "note": "1", "qpv": "oui"}, {"provence"}),
    ],
)
def test_filtres_de_la_liste(monde: Monde, filtres: dict[str, str], attendues: set[str]) -> None:
    parametres = {k: str(monde.orgs[v].pk) if k == "bailleur" and v in monde.orgs else v for k, v in filtres.items()}

    reponse = _client(monde.users["epci"]).get("/patrimoine/", parametres)

    assert reponse.status_code == 200
    assert _noms(monde, reponse) == attendues


def test_un_filtre_invalide_est_signale_en_francais(monde: Monde) -> None:
    reponse = _client(monde.users["epci"]).get("/patrimoine/", {"note": "7"})

    assert reponse.status_code == 200
    assert "Note retenue : Sélectionnez un choix valide" in _texte(reponse)


def test_la_note_retenue_et_son_annee_dans_la_liste(monde: Monde) -> None:
    reponse = _client(monde.users["epci"]).get("/patrimoine/", {"commune": GRUISSAN})

    ligne = re.search(r"Les Ayguades.*?</tr>", reponse.content.decode(), flags=re.S)
    assert ligne is not None
    assert f'2 <span class="fr-text--xs">({timezone.localdate().year - 1})</span>' in ligne.group(0)


# --- residence page -----------------------------------------------------------------------------


def test_page_residence_caracteristiques(monde: Monde) -> None:
    reponse = _client(monde.users["gruissan"]).get(f"/patrimoine/residences/{monde.r['provence'].pk}/")

    texte = _texte(reponse)
    assert reponse.status_code == 200
    for attendu in (
        "Les Estudiantines",
        "45 AVENUE DE PROVENCE, 11100",
        "Narbonne (11262)",
        "En QPV oui — Narbonne Ouest (QP011007)",
        "Année d'achèvement 1972",
        "Type de construction Collectif",
        "Logements 2",
        "T3 1 (dont 1 estimé )",
        "T4 1",
        "PLAI 1",
        "PLUS 1",
        "C 1 0",  # DPE énergie C : 1 logement, GES C : 0
        "D 0 1",
        "Sans DPE 1 1",
    ):
        assert attendu in texte, attendu


def test_valeurs_estimees_marquees_avec_leur_regle(monde: Monde) -> None:
    reponse = _client(monde.users["epci"]).get(f"/patrimoine/residences/{monde.r['provence'].pk}/")

    html = reponse.content.decode()
    texte = _texte(reponse)
    # Bailleur, total surface, typology table, rent summary, rent per m², and on the first dwelling's row
    # its typology, surface and rent.
    assert html.count(">estimé</span>") == 8
    assert "Domitia Habitat estimé" in texte
    assert (
        "Loyer estimé : 5,346 € par m² et par mois (loyer moyen du parc social, RPLS 2019, EPCI 241100593) × "
        "surface habitable, arrondi au centime." in texte
    )
    assert 'role="tooltip"' in html and 'aria-describedby="regle-loyer"' in html
    assert "Surface estimée : le fichier RPLS donne la surface totale de l'adresse" in texte
    assert "Bailleur estimé : les données ouvertes ne nomment pas le bailleur" in texte
    # The second dwelling's rent was entered by the bailleur: no marker on its row.
    ligne = re.search(r"<th scope=\"row\">2<span.*?</tr>", html, flags=re.S)
    assert ligne is not None and "estimé" not in ligne.group(0) and "410" in ligne.group(0)


def test_residence_sans_estimation_n_affiche_aucun_marqueur(monde: Monde) -> None:
    reponse = _client(monde.users["epci"]).get(f"/patrimoine/residences/{monde.r['voltaire'].pk}/")

    html = reponse.content.decode()
    assert ">estimé</span>" not in html
    assert "Règle d'estimation" not in html
    assert "oui — QPV non précisé par la source" in _texte(reponse)
    assert "Bailleur inconnu (absent des données ouvertes)" in _texte(reponse)


def test_residence_reconstituee_expliquee(monde: Monde) -> None:
    reponse = _client(monde.users["epci"]).get(f"/patrimoine/residences/{monde.r['ensemble'].pk}/")

    texte = _texte(reponse)
    assert "Résidence reconstituée : regroupement calculé à partir des comptages RPLS 2019" in texte
    assert "Adresse non connue" in texte
    assert "Surface estimée : surface moyenne des logements du même nombre de pièces (T1 : 33,00 m²" in texte
    assert "Résidence à enjeux prioritaires de mixité sociale. Motif : Concentration de ménages très modestes" in texte


def test_notes_par_partie_note_convenue_et_note_retenue(monde: Monde) -> None:
    reponse = _client(monde.users["gruissan"]).get(f"/patrimoine/residences/{monde.r['provence'].pk}/")

    texte = _texte(reponse)
    annee = timezone.localdate().year - 1
    assert f"{annee} — CA Le Grand Narbonne 3 1 Divergente (écart 2) 1 — Tranquillité dégradée" in texte
    assert "Note retenue 1 — difficultés importantes" in texte
    assert f"Campagne {annee} (CA Le Grand Narbonne) : note convenue en réunion d'harmonisation." in texte


def test_notes_de_la_campagne_en_cours_confidentielles(monde: Monde) -> None:
    for profil in ("gruissan", "epci"):
        reponse = _client(monde.users[profil]).get(f"/patrimoine/residences/{monde.r['ayguades'].pk}/")

        texte = _texte(reponse)
        assert SECRET_BAILLEUR not in texte
        assert (
            f"Campagne {timezone.localdate().year} en cours : les notes de la commune et du bailleur restent " in texte
        )
        assert "Note de votre organisation" not in texte
        # Last year's closed campaign: both sides, concordant.
        assert f"{timezone.localdate().year - 1} — CA Le Grand Narbonne 2 2 Concordante" in texte


def test_le_bailleur_voit_sa_propre_note_en_cours(monde: Monde) -> None:
    reponse = _client(monde.users["alogea"]).get(f"/patrimoine/residences/{monde.r['ayguades'].pk}/")

    assert "Note de votre organisation : 4." in _texte(reponse)


def test_indicateurs_d_occupation_a_cote_de_la_note(monde: Monde) -> None:
    reponse = _client(monde.users["epci"]).get(f"/patrimoine/residences/{monde.r['provence'].pk}/")

    texte = _texte(reponse)
    assert (
        "Indicateurs d'occupation Ménages du premier quartile : 41,5 % Ménages en emploi : 38,2 % "
        "Taux de rotation : 12,4 % Taux de vacance : 3,1 % Année 2024 — source : OPS 2024, bailleur." in texte
    )
    assert "2022 39 % non renseigné non renseigné non renseigné OPS 2022, bailleur" in texte


def test_sans_indicateurs(monde: Monde) -> None:
    reponse = _client(monde.users["epci"]).get(f"/patrimoine/residences/{monde.r['voltaire'].pk}/")

    assert "Aucun indicateur d'occupation importé pour cette résidence." in _texte(reponse)


@pytest.mark.parametrize(
    ("profil", "residence"),
    [("epci", "carcassonne"), ("gruissan", "carcassonne"), ("sans_organisation", "provence")],
)
def test_hors_territoire_404(monde: Monde, profil: str, residence: str) -> None:
    reponse = _client(monde.users[profil]).get(f"/patrimoine/residences/{monde.r[residence].pk}/")

    assert reponse.status_code == 404


def test_residence_inexistante_404(monde: Monde) -> None:
    assert _client(monde.users["epci"]).get("/patrimoine/residences/999999/").status_code == 404


def test_seul_l_epci_peut_marquer_l_enjeu(monde: Monde) -> None:
    url = f"/patrimoine/residences/{monde.r['ayguades'].pk}/"
    lien = f"/qualification/residences/{monde.r['ayguades'].pk}/enjeu-mixite/"

    assert lien in _client(monde.users["epci"]).get(url).content.decode()
    assert lien not in _client(monde.users["gruissan"]).get(url).content.decode()


def test_entree_de_menu_patrimoine(monde: Monde) -> None:
    reponse = _client(monde.users["gruissan"]).get(f"/patrimoine/residences/{monde.r['provence'].pk}/")

    assert '<a class="fr-nav__link" href="/patrimoine/" aria-current="true">Patrimoine</a>' in reponse.content.decode()
