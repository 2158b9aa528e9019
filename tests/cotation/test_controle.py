"""Grid lint on the screens (rule 10): the editor, the publication page and the simulation show, in
French and with their location, overlapping bands, criteria whose value is unknown for every demand of
the territory (délai anormalement long not published for the Aude) and criteria no demand meets; the
publication is not blocked."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from attrib.cotation import controle, services, simulation
from attrib.cotation.enums import StatutVersion
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import User
from tests.cotation.conftest import GRILLE, Territoire, importer, mois_avant, un_adulte
from tests.factories import NARBONNE, creer_demande

pytestmark = pytest.mark.django_db
JOUR = date(2026, 6, 1)

SECTIONS_LOCALES = """\
  - id: delai
    libelle: Délai anormalement long
    criteres:
      - id: dal_depasse
        libelle: Demande au-delà du délai anormalement long
        base_legale: L441-1-4 CCH
        condition: {champ: dal_depasse, egal: true}
        points: 200
  - id: locale
    libelle: Critères locaux
    criteres:
      - id: anc_12_24
        libelle: Ancienneté de 12 à 24 mois
        base_legale: PPGD
        condition: {champ: anciennete_mois, entre: [12, 24]}
        points: 20
      - id: anc_24
        libelle: Ancienneté de 24 mois et plus
        base_legale: PPGD
        condition: {champ: anciennete_mois, sup_egal: 24}
        points: 40
      - id: tres_ancien
        libelle: Demande de plus de 20 ans
        base_legale: PPGD
        condition: {champ: anciennete_mois, sup: 240}
        points: 10
"""


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _texte(reponse: object) -> str:
    return html.unescape(re.sub(r"\s+", " ", reponse.content.decode()))  # type: ignore[attr-defined]


@pytest.fixture
def brouillon(territoire: Territoire):  # type: ignore[no-untyped-def]
    for mois, kwargs in ((30, {"dalo_reconnu": True, "dalo_date_decision": date(2025, 1, 1)}), (14, {}), (3, {})):
        creer_demande(
            guichet_org=territoire.guichet,
            communes=(NARBONNE,),
            date_depot=mois_avant(JOUR, mois),
            aujourd_hui=JOUR,
            personnes=un_adulte(1500),
            **kwargs,
        )
    return importer(territoire, GRILLE + SECTIONS_LOCALES)


def test_chevauchement_enregistre_a_la_validation(brouillon) -> None:  # type: ignore[no-untyped-def]
    (avertissement,) = [a for a in brouillon.avertissements if "« anc_12_24 »" in a["message"]]
    assert avertissement["chemin"] == "sections[4].criteres[1].condition"
    assert avertissement["ligne"] == 58  # the line of anc_24's condition in the imported document
    assert (
        "« anc_12_24 » (anciennete_mois de 12 à 24) et « anc_24 » (anciennete_mois 24 et plus)"
        in (avertissement["message"])
    )


def test_controle_sur_les_demandes_du_territoire(brouillon) -> None:  # type: ignore[no-untyped-def]
    resultat = controle.controler(brouillon, jour=JOUR)
    assert resultat.effectif == 3
    messages = [a["message"] for a in resultat.avertissements]
    assert all(a["chemin"].endswith(".condition") for a in resultat.avertissements)
    dal = next(m for m in messages if "dal_depasse" in m)
    assert dal == (
        "section « Délai anormalement long », critère « dal_depasse » : la valeur lue (dal_depasse) est inconnue "
        "pour les 3 demandes du territoire : délai anormalement long non publié à ce jour pour le département 11 "
        "(Aude). Ce critère ne peut rapporter de points à aucune demande"
    )
    assert (
        "section « Critères locaux », critère « tres_ancien » : aucune des 3 demandes du territoire ne remplit "
        "« Demande de plus de 20 ans ». Vérifiez sa condition (seuils, codes) ou retirez-le" in messages
    )
    # Criteria met by some demand, reading known values, are not reported.
    assert not any("« anc_24 »" in m or "« anciennete »" in m for m in messages)


def test_editeur_et_publication_montrent_le_controle_sans_bloquer(  # type: ignore[no-untyped-def]
    brouillon, territoire: Territoire
) -> None:
    client = _client(territoire.gestionnaire)
    editeur = _texte(client.get(reverse("cotation:editeur", args=[brouillon.pk])))
    assert "Contrôle sur les 3 demandes du territoire" in editeur
    assert "délai anormalement long non publié à ce jour pour le département 11 (Aude)" in editeur
    assert "les tranches des critères « anc_12_24 »" in editeur
    publier = _texte(client.get(reverse("cotation:publier", args=[brouillon.pk])))
    assert "critère « tres_ancien » : aucune des 3 demandes du territoire ne remplit" in publier
    assert "La publication reste possible." in publier
    services.version_publier(version=brouillon, jour=JOUR, auteur=acteur_systeme("test"))
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutVersion.PUBLIEE


def test_simulation_montre_le_controle(brouillon, territoire: Territoire) -> None:  # type: ignore[no-untyped-def]
    s = simulation.simuler(brouillon, jour=JOUR)
    assert s.controle is not None and s.controle.effectif == 3
    assert any("dal_depasse" in a["message"] for a in s.controle.avertissements)
    client = _client(territoire.gestionnaire)
    lancee = client.post(reverse("cotation:simulation", args=[brouillon.pk]))  # the worker computes it
    page = _texte(client.get(lancee["Location"]))
    assert "délai anormalement long non publié à ce jour pour le département 11 (Aude)" in page
