"""The journal follows every tracked domain and survives schema changes: the triggers come back after a
``migrate`` that dropped them, an import names its origin, a rater's notes stay confidential on the
campaign's journal until the close, an agreement's journal shows its share before → after."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.demandes.importexport import importer_demandes
from attrib.demandes.models import Demande, Personne
from attrib.flux.services import convention_enregistrer
from attrib.journal import declencheurs
from attrib.journal.models import EntreeJournal, Operation
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from attrib.patrimoine.models import Residence
from attrib.qualification.services import campagne_ouvrir, notation_enregistrer
from tests.factories import GRUISSAN, NARBONNE, creer_demande, guichet, membre, territoire_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _hachage_rapide(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_les_declencheurs_reviennent_apres_migrate():
    territoire_minimal()
    demande = creer_demande(guichet_org=guichet())
    if connection.vendor == "sqlite":
        declencheurs.avant_migration(sender=None, using="default")  # as a SQLite table rebuild would, too
    else:
        declencheurs.supprimer(connection, apps)
    Personne.objects.filter(demande=demande).update(ville="Gruissan")
    assert not EntreeJournal.objects.filter(racine_id=str(demande.pk), operation=Operation.MODIFICATION).exists()
    declencheurs.apres_migration(sender=None, using="default")
    Personne.objects.filter(demande=demande).update(ville="Narbonne")
    entree = EntreeJournal.objects.get(racine_id=str(demande.pk), operation=Operation.MODIFICATION)
    assert entree.avant == {"ville": "Gruissan"} and entree.apres == {"ville": "Narbonne"}


def test_un_import_csv_nomme_son_origine_et_son_auteur(tmp_path):
    territoire_minimal()
    g = guichet()
    agent = membre(g, username="importeur")
    demande = creer_demande(guichet_org=g)
    from attrib.demandes.importexport import exporter_demandes_csv

    chemin = tmp_path / "demandes.csv"
    with chemin.open("w", encoding="utf-8", newline="") as flux:
        exporter_demandes_csv(demandes=Demande.objects.filter(pk=demande.pk), flux=flux, auteur=acteur_de(agent))
    texte = chemin.read_text(encoding="utf-8").replace(";18000;", ";19500;")
    assert ";19500;" in texte
    chemin.write_text(texte, encoding="utf-8")
    rapport = importer_demandes(fichier=str(chemin), guichet=g, auteur=acteur_de(agent), tout_ou_rien=True)
    assert not rapport.erreurs, rapport.erreurs
    entree = EntreeJournal.objects.get(
        table_objet="demandes.demande", objet_id=str(demande.pk), operation=Operation.MODIFICATION
    )
    assert entree.avant["revenu_fiscal_reference"] == 18000 and entree.apres["revenu_fiscal_reference"] == 19500
    assert entree.auteur == agent and entree.origine == "import CSV de demandes"


def test_notes_confidentielles_jusqu_a_la_cloture():
    gn = territoire_minimal()
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci=gn)
    epci.perimetre.set([NARBONNE, GRUISSAN])
    commune = Organisation.objects.create(
        nom="Ville de Gruissan", type=TypeOrganisation.COMMUNE, commune_id=GRUISSAN, categorie_reservataire="commune"
    )
    commune.perimetre.set([GRUISSAN])
    bailleur = Organisation.objects.create(nom="Bailleur", type=TypeOrganisation.BAILLEUR)
    bailleur.perimetre.set([NARBONNE, GRUISSAN])
    residence = Residence.objects.create(
        identifiant="R1", commune_id=GRUISSAN, bailleur=bailleur, type_construction="collectif", source="rpls_adresses"
    )
    campagne = campagne_ouvrir(
        organisation=epci,
        annee=timezone.localdate().year,
        date_limite=timezone.localdate() + timedelta(days=30),
        auteur=acteur_systeme("test"),
    )
    notation_enregistrer(
        campagne=campagne, organisation=commune, residence=residence, note=1, auteur=acteur_systeme("test")
    )
    url = reverse("journal:campagne", args=[campagne.pk])
    page_commune = _client(membre(commune, username="maire")).get(url).content.decode()
    page_bailleur = _client(membre(bailleur, username="bailleur")).get(url).content.decode()
    assert "notation n°" in page_commune
    assert "notation n°" not in page_bailleur
    assert "campagne de qualification" in page_bailleur.lower()


def test_journal_d_une_convention():
    territoire_minimal()
    bailleur = Organisation.objects.create(nom="Bailleur", type=TypeOrganisation.BAILLEUR)
    bailleur.perimetre.set([NARBONNE])
    etat = Organisation.objects.create(
        nom="Préfecture", type=TypeOrganisation.RESERVATAIRE, categorie_reservataire=CategorieReservataire.ETAT
    )
    etat.perimetre.set([NARBONNE])
    agent = membre(bailleur, username="bailleur", first_name="Paul", last_name="Bailleur")
    debut = timezone.localdate().replace(month=1, day=1)
    c = convention_enregistrer(
        auteur=acteur_systeme("test"),
        bailleur=bailleur,
        reservataire=etat,
        categorie="etat",
        part=Decimal("30"),
        debut=debut,
    )
    from attrib.journal.contexte import contexte_journal

    with contexte_journal(origine="test", auteur=acteur_de(agent)):
        convention_enregistrer(
            auteur=acteur_systeme("test"),
            bailleur=bailleur,
            reservataire=etat,
            categorie="etat",
            part=Decimal("25"),
            debut=debut,
            convention=c,
        )
    page = _client(agent).get(reverse("journal:convention", args=[c.pk])).content.decode()
    assert "Par Paul Bailleur" in page
    assert "<tr><td>part du flux (%)</td><td>30</td><td>25</td></tr>" in page


def test_journal_d_une_seance_decision_et_votes():
    from attrib.commissions.enums import QualiteMembre, Voix
    from attrib.commissions.services import (
        commission_creer,
        decision_enregistrer,
        examen_inscrire,
        presences_enregistrer,
        seance_creer,
        seance_ouvrir,
    )
    from attrib.patrimoine.models import Logement

    territoire_minimal()
    g = guichet(communes=(GRUISSAN,))
    bailleur = Organisation.objects.create(nom="Bailleur", type=TypeOrganisation.BAILLEUR, code_guichet="BAI01")
    bailleur.perimetre.set([GRUISSAN])
    agent = membre(bailleur, username="caleol", first_name="Anne", last_name="Caleol")
    commission = commission_creer(
        auteur=acteur_systeme("test"),
        bailleur=bailleur,
        nom="CALEOL Gruissan",
        membres=[
            {"nom": "Mme Blanc", "qualite": QualiteMembre.ADMINISTRATEUR, "voix": Voix.DELIBERATIVE, "president": True}
        ],
    )
    jour = timezone.localdate()
    seance = seance_creer(auteur=acteur_systeme("test"), commission=commission, date_seance=jour, a_distance=True)
    blanc = commission.membres.get(president=True)
    presences_enregistrer(auteur=acteur_systeme("test"), seance=seance, presences={blanc.pk: "seance"})
    seance_ouvrir(auteur=acteur_systeme("test"), seance=seance)
    residence = Residence.objects.create(
        identifiant="R-CALEOL", commune_id=GRUISSAN, bailleur=bailleur, type_construction="collectif", source="rpls"
    )
    logement = Logement.objects.create(residence=residence, identifiant="L1", nb_pieces=3, surface_habitable=60)
    candidats = [creer_demande(guichet_org=g, communes=(GRUISSAN,)) for _ in range(3)]
    examens = examen_inscrire(auteur=acteur_systeme("test"), seance=seance, logement=logement, candidats=candidats)
    from attrib.journal.contexte import contexte_journal

    with contexte_journal(origine="test", auteur=acteur_de(agent)):
        decision_enregistrer(
            examen=examens[0], type_decision="attribution", votes={blanc.pk: "pour"}, auteur=acteur_de(agent)
        )
    page = _client(agent).get(reverse("journal:seance", args=[seance.pk])).content.decode()
    assert "Création : décision n°" in page
    assert "Création : vote n°" in page
    assert "Par Anne Caleol" in page
    assert "Attribution" in page
