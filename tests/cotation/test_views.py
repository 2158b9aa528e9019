"""The cotation screens: import with located errors, editor, publication and its progress, ranked lists,
the demand page, the simulation and its report."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from attrib.cotation import services
from attrib.cotation.enums import StatutTache, StatutVersion
from attrib.cotation.models import Cotation, TacheCotation, VersionGrille
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import User
from attrib.taches.models import Travail
from tests.cotation.conftest import GRILLE, Territoire, importer
from tests.factories import CARCASSONNE, creer_demande, membre
from tests.taches.outils import fichier_du_travail

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _texte(reponse: object) -> str:
    return re.sub(r"\s+", " ", reponse.content.decode())  # type: ignore[attr-defined]


def test_import_par_l_ecran_avec_erreurs_localisees(territoire: Territoire) -> None:
    client = _client(territoire.gestionnaire)
    mauvais = GRILLE.replace("points: 300", "points: trois cents")
    reponse = client.post(
        reverse("cotation:importer"),
        {
            "import-organisation": territoire.epci.pk,
            "import-type_grille": "generale",
            "import-fichier": SimpleUploadedFile("ma-grille.yaml", mauvais.encode()),
        },
    )
    assert reponse.status_code == 200
    texte = _texte(reponse)
    ligne = next(i for i, t in enumerate(mauvais.splitlines(), start=1) if "trois cents" in t)
    assert texte.count(f"ma-grille.yaml, ligne {ligne} (sections[1].criteres[0].points)") == 2  # summary and field
    assert 'id="id_import-fichier_error"' in texte
    assert not VersionGrille.objects.exists()
    reponse = client.post(
        reverse("cotation:importer"),
        {
            "import-organisation": territoire.epci.pk,
            "import-type_grille": "generale",
            "import-fichier": SimpleUploadedFile("ma-grille.yaml", GRILLE.encode()),
        },
    )
    version = VersionGrille.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("cotation:version", args=[version.pk])
    page = _texte(client.get(reponse["Location"]))
    assert "Version 1 importée comme brouillon" in page and "Personne dépourvue de logement" in page


def test_brouillons_reserves_aux_membres_de_l_epci(territoire: Territoire) -> None:
    brouillon = importer(territoire)
    extérieur = membre(territoire.guichet_carcassonne, username="agent.carcassonne")
    assert _client(extérieur).get(reverse("cotation:version", args=[brouillon.pk])).status_code == 404
    assert _client(territoire.consultation).get(reverse("cotation:version", args=[brouillon.pk])).status_code == 200
    assert "Version 1" not in _texte(_client(extérieur).get(reverse("cotation:grilles")))
    services.version_publier(version=brouillon, auteur=acteur_systeme("test"))
    # Published: public.
    assert _client(extérieur).get(reverse("cotation:version", args=[brouillon.pk])).status_code == 200
    assert _client(extérieur).get(reverse("cotation:version_yaml", args=[brouillon.pk])).content == GRILLE.encode()


def test_editeur_modifie_un_critere_ou_place_l_erreur_sur_le_champ(territoire: Territoire) -> None:
    brouillon = importer(territoire)
    client = _client(territoire.gestionnaire)
    url = reverse("cotation:critere", args=[brouillon.pk, "anciennete"])
    formulaire = client.get(url)
    assert formulaire.status_code == 200 and 'value="anciennete"' in formulaire.content.decode()
    donnees = {
        "critere-id": "anciennete",
        "critere-libelle": "Ancienneté de la demande",
        "critere-nature": "critere",
        "critere-base_legale": "PPGD",
        "critere-validation": "aucune",
        "critere-type_points": "proportionnels",
        "critere-par_unite": "20",
        "critere-valeur": "anciennete_mois",
        "critere-plafond_points": "1200",
        "critere-unite": "mois",
        "critere-mode_condition": "aucune",
        "action": "enregistrer",
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302
    brouillon.refresh_from_db()
    assert brouillon.charger().sections[2].criteres[0].points.par_unite == 20
    refuse = client.post(url, {**donnees, "critere-nature": "malus"})
    assert refuse.status_code == 200
    texte = _texte(refuse)
    assert "un malus retire des points" in texte and 'id="id_critere-par_unite_error"' in texte


def test_publication_par_l_ecran_et_suivi(territoire: Territoire) -> None:
    demande = territoire.demande(mois=4)
    brouillon = importer(territoire)
    client = _client(territoire.gestionnaire)
    page = client.get(reverse("cotation:publier", args=[brouillon.pk]))
    assert "Toutes les demandes actives du territoire (<strong>1</strong>) seront recotées" in _texte(page)
    # The POST launches the job and answers with its page (the tests run the job at once).
    reponse = client.post(reverse("cotation:publier", args=[brouillon.pk]))
    travail = Travail.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("taches:travail", args=[travail.pk])
    assert (travail.nature, travail.statut, travail.lance_par) == (
        "cotation.publication",
        "termine",
        territoire.gestionnaire,
    )
    tache = TacheCotation.objects.get()
    assert tache.statut == StatutTache.TERMINEE and travail.resume == tache.message
    etat = client.get(reverse("taches:travail_etat", args=[travail.pk])).json()
    assert etat["fini"] and etat["pourcentage"] == 100 and (etat["etape"], etat["faites"], etat["total"]) == (3, 1, 1)
    page = _texte(client.get(reponse["Location"]))
    assert "Travail terminé" in page and tache.message in page
    assert reverse("cotation:tache", args=[tache.pk]) in page
    assert client.get(reverse("cotation:progression", args=[territoire.epci.pk])).json()["id"] == tache.pk
    assert "Calcul terminé" in _texte(client.get(reverse("cotation:tache", args=[tache.pk])))
    assert Cotation.objects.get(demande=demande).score == 40
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutVersion.PUBLIEE
    # Re-scoring on demand, a job too.
    reponse = client.post(reverse("cotation:recalculer", args=[territoire.epci.pk]))
    assert reponse.status_code == 302 and TacheCotation.objects.count() == 2
    assert Travail.objects.filter(nature="cotation.recotation", statut="termine").count() == 1


def test_classement_par_typologie_et_secteur_limite_au_perimetre(territoire: Territoire) -> None:
    a = territoire.demande(mois=10)
    b = territoire.demande(mois=20)
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))
    version = VersionGrille.objects.get()
    url = reverse("cotation:classement") + f"?version={version.pk}&typologie=2&secteur=11262"
    texte = _texte(_client(territoire.agent_guichet).get(url))
    assert texte.index(b.numero_unique) < texte.index(a.numero_unique)
    assert "1 / 2" in texte and "2 / 2" in texte
    carcassonne = membre(territoire.guichet_carcassonne, username="agent.carcassonne")
    creer_demande(guichet_org=territoire.guichet_carcassonne, communes=(CARCASSONNE,))
    texte = _texte(_client(carcassonne).get(url))
    assert a.numero_unique not in texte and "Aucune demande de votre périmètre" in texte


def test_page_de_la_demande_montre_le_score_et_sa_version(territoire: Territoire) -> None:
    demande = territoire.demande(mois=7)
    client = _client(territoire.agent_guichet)
    assert "Cette demande n'est pas cotée" in _texte(client.get(reverse("demandes:detail", args=[demande.pk])))
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))
    texte = _texte(client.get(reverse("demandes:detail", args=[demande.pk])))
    assert "70 points" in texte and "Grille générale, version 1" in texte
    assert "1er sur 1 demande de typologie T2 dont la première commune souhaitée est Narbonne" in texte
    assert "Ancienneté de la demande : 7 mois × 10 points : +70 points" in texte


def test_simulation_et_rapport(territoire: Territoire) -> None:
    territoire.demande(mois=7)
    publiee = importer(territoire)
    services.version_publier(version=publiee, auteur=acteur_systeme("test"))
    brouillon = services.version_copier(version=publiee, auteur=acteur_systeme("test"))
    client = _client(territoire.consultation)
    reglages = client.get(reverse("cotation:simulation", args=[brouillon.pk]) + "?top=3")
    assert reglages.status_code == 200 and 'value="3"' in reglages.content.decode()
    # The simulation runs in the worker (at once in tests); its job's page shows it.
    lancee = client.post(reverse("cotation:simulation", args=[brouillon.pk]), {"top": "3"})
    assert lancee.status_code == 302 and lancee["Location"].startswith(reverse("taches:mes_travaux"))
    page = client.get(lancee["Location"])
    texte = _texte(page)
    assert "Travail terminé" in texte and "Simulation de la version 2" in texte
    assert "premier quartile des ressources annuelles par unité de consommation des demandes simulées" in texte
    assert '<svg class="cotation-graphique"' in texte and "3 premiers par typologie" in texte
    pdf = fichier_du_travail(client.get(reverse("cotation:simulation_pdf", args=[brouillon.pk])))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # Consultation members follow the EPCI's work but do not manage it.
    assert client.post(reverse("cotation:publier", args=[brouillon.pk])).status_code == 404


def test_supprimer_et_copier_un_brouillon(territoire: Territoire) -> None:
    brouillon = importer(territoire)
    client = _client(territoire.gestionnaire)
    reponse = client.post(reverse("cotation:version_copier", args=[brouillon.pk]))
    copie = VersionGrille.objects.get(numero=2)
    assert reponse["Location"] == reverse("cotation:editeur", args=[copie.pk])
    client.post(reverse("cotation:version_supprimer", args=[copie.pk]))
    assert list(VersionGrille.objects.values_list("numero", flat=True)) == [1]
