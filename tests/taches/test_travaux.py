"""Long jobs: launched, run, told (result, file, link, or a French failure with what was kept), seen only by
their launcher (and superusers), their file downloaded by their launcher only; progress written outside the
work's transaction."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django_tasks import task

from attrib.taches import progression
from attrib.taches.execution import (
    MESSAGE_ERREUR_INATTENDUE,
    MESSAGE_REFUS,
    Contexte,
    EchecTravail,
    Resultat,
    executer,
    travail_lancer,
)
from attrib.taches.models import StatutTravail, Travail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _export(contexte: Contexte, lignes: int) -> Resultat:
    for i in range(1, lignes + 1):
        contexte.progression(1, "Écriture des lignes", i, lignes)
    return Resultat(
        resume=f"{lignes} lignes exportées.",
        fichier=b"a;b\n" * lignes,
        nom_fichier="export.csv",
        type_fichier="text/csv",
        lien_vue="taches:mes_travaux",
        lien_libelle="Retour à mes travaux",
    )


def _echec(contexte: Contexte, lignes: int) -> Resultat:
    contexte.progression(1, "Import des lignes", 312, 316)
    raise EchecTravail("Import interrompu à la ligne 313 : date de dépôt illisible.", conserve="312 lignes importées.")


def _erreur(contexte: Contexte, lignes: int) -> Resultat:
    raise RuntimeError("bug")


def _refus(contexte: Contexte, lignes: int) -> Resultat:
    raise PermissionDenied("Action non autorisée.")


TRAVAUX = {"export": _export, "echec": _echec, "erreur": _erreur, "refus": _refus}


@task()
def tache_de_test(*, travail_id: int, genre: str, lignes: int) -> str:
    return executer(travail_id, lambda contexte: TRAVAUX[genre](contexte, lignes))


def _lancer(user: Any, genre: str, lignes: int = 3) -> Travail:
    return travail_lancer(
        lance_par_id=user.pk,
        nature=f"test.{genre}",
        libelle=f"Travail de test ({genre})",
        tache=tache_de_test,
        unite="lignes",
        conserve="Rien n'a été modifié.",
        arguments={"genre": genre, "lignes": lignes},
    )


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _texte(reponse: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"</?(strong|p)>", "", reponse.content.decode())))


def test_un_travail_termine_donne_son_bilan_son_fichier_et_son_lien() -> None:
    user = UserFactory()
    travail = _lancer(user, "export", lignes=5)
    assert travail.statut == StatutTravail.TERMINE and travail.commence_le and travail.termine_le
    assert (travail.etape, travail.faites, travail.total, travail.pourcentage) == (1, 5, 5, 100)
    client = _client(user)
    page = _texte(client.get(reverse("taches:travail", args=[travail.pk])))
    assert "Travail terminé" in page and "5 lignes exportées." in page
    assert "Télécharger le fichier (CSV)" in page and "Retour à mes travaux" in page
    fichier = client.get(reverse("taches:travail_fichier", args=[travail.pk]))
    assert fichier.content == b"a;b\n" * 5 and fichier["Content-Disposition"] == 'attachment; filename="export.csv"'
    liste = _texte(client.get(reverse("taches:mes_travaux")))
    assert "Travail de test (export)" in liste and "Terminé" in liste


def test_un_echec_dit_en_francais_ce_qui_a_echoue_et_ce_qui_a_ete_garde() -> None:
    user = UserFactory()
    travail = _lancer(user, "echec")
    assert travail.statut == StatutTravail.ECHEC
    assert (travail.faites, travail.total) == (312, 316)
    page = _texte(_client(user).get(reverse("taches:travail", args=[travail.pk])))
    assert "Le travail n'a pas abouti" in page
    assert "Import interrompu à la ligne 313 : date de dépôt illisible." in page
    assert "Ce qui a été conservé : 312 lignes importées." in page
    assert _client(user).get(reverse("taches:travail_fichier", args=[travail.pk])).status_code == 404


def test_une_erreur_inattendue_est_dite_en_francais_sans_trace_technique() -> None:
    user = UserFactory()
    travail = _lancer(user, "erreur")
    assert travail.statut == StatutTravail.ECHEC and travail.resume == MESSAGE_ERREUR_INATTENDUE
    page = _texte(_client(user).get(reverse("taches:travail", args=[travail.pk])))
    assert MESSAGE_ERREUR_INATTENDUE in page and "Rien n'a été modifié." in page
    assert "RuntimeError" not in page and "bug" not in page


def test_des_droits_retires_avant_l_execution_sont_dits_en_francais() -> None:
    travail = _lancer(UserFactory(), "refus")
    assert (travail.statut, travail.resume, travail.conserve) == (
        StatutTravail.ECHEC,
        MESSAGE_REFUS,
        "Rien n'a été modifié.",
    )


def test_seul_le_lanceur_voit_son_travail_et_seul_lui_telecharge_son_fichier() -> None:
    lanceur, autre = UserFactory(), UserFactory()
    admin = UserFactory(is_superuser=True)
    travail = _lancer(lanceur, "export")
    for nom in ("taches:travail", "taches:travail_etat", "taches:travail_fichier"):
        assert _client(autre).get(reverse(nom, args=[travail.pk])).status_code == 404
    assert "Travail de test" not in _texte(_client(autre).get(reverse("taches:mes_travaux")))
    assert _client(admin).get(reverse("taches:travail", args=[travail.pk])).status_code == 200
    assert "Télécharger" not in _texte(_client(admin).get(reverse("taches:travail", args=[travail.pk])))
    assert _client(admin).get(reverse("taches:travail_fichier", args=[travail.pk])).status_code == 404


def test_un_travail_en_attente_montre_sa_barre_de_progression(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = UserFactory()
    travail = _lancer(user, "export")
    assert travail.statut == StatutTravail.EN_ATTENTE and travail.tache_id
    client = _client(user)
    page = _texte(client.get(reverse("taches:travail", args=[travail.pk])))
    assert "En attente du traitement en arrière-plan" in page
    assert '<progress max="100" value="0" aria-label="Avancement : Travail de test (export)">' in page
    assert 'role="status" aria-live="polite"' in page and "Vous pouvez quitter cette page" in page
    etat = client.get(reverse("taches:travail_etat", args=[travail.pk])).json()
    assert (etat["statut"], etat["fini"], etat["pourcentage"]) == ("en_attente", False, 0)


def test_la_progression_est_ecrite_hors_de_la_transaction_du_travail() -> None:
    travail = Travail.objects.create(lance_par=UserFactory(), nature="test", libelle="Test", etapes=2)
    suivi = progression.Suivi(Travail, travail.pk)
    suivi(1, "Lecture", 10, 10)  # outside the work's transaction: written at once
    assert Travail.objects.get(pk=travail.pk).faites == 10
    with transaction.atomic():
        assert progression.dans_une_transaction()
        suivi(2, "Écriture", 3, 7)
        if connection.vendor == "sqlite":
            # One writer at a time: kept, written when the transaction is over.
            assert suivi.en_attente
    assert not progression.dans_une_transaction()
    suivi.vider()
    assert Travail.objects.values_list("etape", "faites", "total").get(pk=travail.pk) == (2, 3, 7)
