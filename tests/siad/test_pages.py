"""The public pages work without login, for an applicant logged in too, and say the same to everybody (kept by
caches); the booking journey; « how it works here » in plain French; the staff's pages of a place."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.cotation.enums import TypeGrille
from attrib.cotation.services import grille_importer_yaml, version_publier
from attrib.organisations.models import Organisation
from attrib.siad.models import Creneau, LieuAccueil, RendezVous
from tests.factories import GRILLE_SIMPLE, creer_demande
from tests.permissions.matrice_demandeurs import demandeur_lie
from tests.siad.conftest import SIREN, SYSTEME, MondeSiad, demain

pytestmark = pytest.mark.django_db


def _pages(monde: MondeSiad) -> list[str]:
    return [
        reverse("siad:territoires"),
        reverse("siad:accueil", args=[SIREN]),
        reverse("siad:lieux", args=[SIREN]),
        reverse("siad:lieu", args=[SIREN, monde.lieu.pk]),
        reverse("siad:fonctionnement", args=[SIREN]),
        reverse("siad:chiffres", args=[SIREN]),
    ]


def test_pages_publiques_sans_connexion_et_les_memes_pour_tous(monde: MondeSiad) -> None:
    demandeur = demandeur_lie(creer_demande(guichet_org=monde.guichet))
    clients = {"anonyme": Client(), "agent": Client(), "demandeur": Client()}
    clients["agent"].force_login(monde.agent)
    clients["demandeur"].force_login(demandeur)
    for url in _pages(monde):
        contenus = {}
        for nom, client in clients.items():
            reponse = client.get(url)
            assert reponse.status_code == 200, (nom, url)
            assert "public" in reponse["Cache-Control"] and "max-age" in reponse["Cache-Control"], url
            texte = reponse.content.decode()
            assert "Mon espace demandeur" in texte and reverse("demandeurs:connexion") in texte
            assert "Se déconnecter" not in texte and "Liste des demandes" not in texte  # no staff menu, no name
            contenus[nom] = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", texte)
        assert contenus["anonyme"] == contenus["agent"] == contenus["demandeur"], url
    # The applicant still gets 404 on every staff page (the allow-list opened /territoire/ only).
    assert clients["demandeur"].get(reverse("siad_gestion:lieux")).status_code == 404
    assert clients["demandeur"].get("/territoires/").status_code == 404


def test_un_epci_sans_pages_publiques_repond_404(monde: MondeSiad) -> None:
    assert Client().get(reverse("siad:accueil", args=["200035715"])).status_code == 404  # Carcassonne
    assert Client().get(reverse("siad:lieu", args=["200035715", monde.lieu.pk])).status_code == 404


def test_lieu_horaires_services_accessibilite_et_creneaux(monde: MondeSiad) -> None:
    creneaux = monde.ouvrir(demain(), time(9), time(10))
    reponse = Client().get(reverse("siad:lieu", args=[SIREN, monde.lieu.pk]))
    texte = reponse.content.decode()
    for attendu in (
        "10 avenue de l&#x27;Essai",
        "Rez-de-chaussée",
        "11100 Narbonne",
        "Lundi</th><td>9h-12h, 13h30-17h",
        "Samedi</th><td>Fermé",
        "Enregistrer ou renouveler une demande de logement social",
        "Boucle magnétique",
    ):
        assert attendu in texte, attendu
    for c in creneaux:
        assert f'id="reserver-{c.pk}"' in texte


def test_reservation_sans_compte_de_bout_en_bout(monde: MondeSiad) -> None:
    creneau = monde.ouvrir(demain(), time(9), time(9, 20))[0]
    client = Client()
    url = reverse("siad:reserver", args=[SIREN, creneau.pk])
    page = client.get(url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    vide = client.post(url, {})
    texte = vide.content.decode()
    assert vide.status_code == 200 and 'href="#id_nom"' in texte and "Le formulaire contient" in texte
    reponse = client.post(
        url, {"nom": "Camille Martin", "email": "camille@example.org", "telephone": "", "motif": "enregistrement"}
    )
    assert reponse.status_code == 302 and "reserve=courriel" in reponse["Location"]
    suite = client.get(reponse["Location"])
    assert "Votre rendez-vous est réservé" in suite.content.decode()
    assert RendezVous.objects.get().nom == "Camille Martin"
    assert len(mail.outbox) == 1 and reponse["Location"].split("?")[0] in mail.outbox[0].body
    # Now full: the place's page offers it no more, and its booking page says so.
    assert (
        f'id="reserver-{creneau.pk}"'
        not in client.get(reverse("siad:lieu", args=[SIREN, monde.lieu.pk])).content.decode()
    )
    complet = client.post(url, {"nom": "Autre", "email": "autre@example.org", "motif": "information"})
    assert "Ce créneau n'est plus disponible" in complet.content.decode()
    assert RendezVous.objects.count() == 1


def test_le_demandeur_connecte_trouve_son_courriel_et_reserve(monde: MondeSiad) -> None:
    user = demandeur_lie(creer_demande(guichet_org=monde.guichet))
    creneau = monde.ouvrir(demain(), time(9), time(9, 20))[0]
    client = Client()
    client.force_login(user)
    url = reverse("siad:reserver", args=[SIREN, creneau.pk])
    assert 'value="menage@example.org"' in client.get(url).content.decode()
    reponse = client.post(url, {"nom": "Léa Martin", "email": "menage@example.org", "motif": "information"})
    assert reponse.status_code == 302
    assert RendezVous.objects.get().compte_id == user.pk


def test_comment_ca_marche_en_clair_sans_code_interne(monde: MondeSiad) -> None:
    epci_org = Organisation.objects.get(type="epci")
    version = grille_importer_yaml(
        organisation=epci_org,
        type_grille=TypeGrille.GENERALE,
        contenu=GRILLE_SIMPLE,
        nom_fichier="grille.yaml",
        auteur=SYSTEME,
    )
    version_publier(version=version, auteur=SYSTEME)
    texte = Client().get(reverse("siad:fonctionnement", args=[SIREN])).content.decode()
    grille = version.charger()
    for _, critere in grille.criteres():
        assert critere.libelle.replace("'", "&#x27;") in texte
        if "_" in critere.id:  # an internal code (a word of the label, such as « violences », may be read)
            assert critere.id not in texte, critere.id
    assert "+10 points par mois, 600 points au plus" in texte
    assert "+1\u202f000 points" in texte or "+1000 points" in texte
    for interne in ("anciennete_mois", "DOMAIN.md", "[K]", "yaml", "priorites_legales", "l441_"):
        assert interne not in texte, interne
    # The CIA's objectives, the flux, the committee, the documents.
    for attendu in (
        "Au moins 25\u00a0%",
        "premier quartile",
        "au moins 3 candidats",
        "10 jours",
        "Pièce d&#x27;identité du demandeur",
    ):
        assert attendu in texte, attendu


def test_pages_du_guichet(monde: MondeSiad) -> None:
    client = Client()
    client.force_login(monde.agent)
    liste = client.get(reverse("siad_gestion:lieux"))
    assert monde.lieu.nom.replace("'", "&#x27;") in liste.content.decode()
    url = reverse("siad_gestion:serie", args=[monde.lieu.pk])
    reponse = client.post(
        url,
        {
            "premier_jour": demain().isoformat(),
            "dernier_jour": (demain() + timedelta(days=27)).isoformat(),
            "jours": ["1"],
            "heure_debut": "09:00",
            "heure_fin": "12:00",
            "duree_minutes": "20",
            "capacite": "1",
        },
    )
    assert reponse.status_code == 302 and Creneau.objects.filter(lieu=monde.lieu).count() == 36
    erreur = client.post(
        url,
        {
            "premier_jour": "2026-06-01",
            "dernier_jour": "2026-06-30",
            "jours": ["1"],
            "heure_debut": "09:00",
            "heure_fin": "12:00",
            "duree_minutes": "20",
            "capacite": "1",
        },
    )
    assert erreur.status_code == 400 and "Le premier jour est passé" in erreur.content.decode()
    horaires = client.post(
        reverse("siad_gestion:horaires", args=[monde.lieu.pk]),
        {"horaires_0": "9h-12h", "horaires_1": "12h-9h", "exceptions": ""},
    )
    assert horaires.status_code == 200 and "l&#x27;heure de fermeture doit être après" in horaires.content.decode()
    lecteur = Client()
    lecteur.force_login(monde.lecteur)
    agenda = lecteur.get(reverse("siad_gestion:agenda", args=[monde.lieu.pk]) + f"?debut={demain()}")
    assert agenda.status_code == 200 and "Ouvrir des créneaux" not in agenda.content.decode()
    assert lecteur.get(reverse("siad_gestion:lieu_modifier", args=[monde.lieu.pk])).status_code == 404
    journal = client.get(reverse("siad_gestion:journal", args=[monde.lieu.pk]))
    assert journal.status_code == 200 and "créneau de rendez-vous" in journal.content.decode()


def test_lieu_cree_par_le_guichet(monde: MondeSiad) -> None:
    client = Client()
    client.force_login(monde.agent)
    reponse = client.post(
        reverse("siad_gestion:lieu_nouveau"),
        {
            "organisation": monde.guichet.pk,
            "nom": "Permanence de Gruissan",
            "adresse": "1 place de l'Essai",
            "code_postal": "11430",
            "commune": "11170",
            "services": ["information"],
            "rendez_vous_en_ligne": "on",
            "actif": "on",
        },
    )
    assert reponse.status_code == 302
    lieu = LieuAccueil.objects.get(nom="Permanence de Gruissan")
    assert lieu.epci_id == SIREN and lieu.organisation == monde.guichet
    assert lieu.nom in Client().get(reverse("siad:lieux", args=[SIREN])).content.decode()


def test_a_375_pixels_les_tableaux_defilent_dans_leur_cadre(monde: MondeSiad, settings: Any) -> None:
    """The DSFR wraps each table in ``fr-table`` (it scrolls inside its box on a narrow screen); every field has
    its label."""
    monde.ouvrir(demain(), time(9), time(9, 20))
    for url in _pages(monde):
        texte = Client().get(url).content.decode()
        assert texte.count("<table") == texte.count('class="fr-table'), url
    creneau = Creneau.objects.first()
    assert creneau is not None
    texte = Client().get(reverse("siad:reserver", args=[SIREN, creneau.pk])).content.decode()
    for champ in ("id_nom", "id_email", "id_telephone", "id_motif"):
        assert f'for="{champ}"' in texte
    assert timezone.now()
