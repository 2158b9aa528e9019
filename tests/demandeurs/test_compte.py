"""« Mot de passe oublié » of the applicant space (decision 0028): Django's reset token sent by email (the worker's
task, run at once in the tests) to a confirmed applicant account only, the same answer whatever the address, the
installation's password validators, the change journalled, the requests bounded per address and per address
typed."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from attrib.demandeurs.models import CompteDemandeur
from attrib.demandeurs.services import compte_inscrire
from attrib.journal.models import EntreeJournal, Operation
from attrib.organisations.acteurs import ANONYME
from tests.demandeurs.outils import MOT_DE_PASSE, SITE, client_de, compte_verifie
from tests.factories import guichet, membre, territoire_minimal

pytestmark = pytest.mark.django_db

NOUVEAU = "Un-autre-mot-de-passe-solide-73"
OBJET = "Attrib — choisir un nouveau mot de passe"


@pytest.fixture(autouse=True)
def _rapide(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _texte(reponse: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())))


def _demander(client: Client, courriel: str, adresse: str = "127.0.0.1") -> Any:
    return client.post(reverse("demandeurs:mot_de_passe_oublie"), {"courriel": courriel}, REMOTE_ADDR=adresse)


def _liens_recus(courriel: str) -> list[str]:
    return [
        re.search(r"http://testserver(/\S+)", m.body).group(1)  # type: ignore[union-attr]
        for m in mail.outbox
        if m.to == [courriel] and m.subject == OBJET
    ]


def _connexion(courriel: str, mot_de_passe: str) -> Any:
    return Client().post(reverse("demandeurs:connexion"), {"username": courriel, "password": mot_de_passe})


def test_le_menage_choisit_un_nouveau_mot_de_passe_par_le_lien_recu() -> None:
    compte = compte_verifie()
    ailleurs = client_de(compte)  # a session open elsewhere (a shared computer)
    assert ailleurs.get(reverse("demandeurs:espace")).status_code == 200

    client = Client()
    page = client.get(reverse("demandeurs:connexion")).content.decode()
    assert f'href="{reverse("demandeurs:mot_de_passe_oublie")}"' in page
    assert 'id="form-mot-de-passe-oublie"' in client.get(reverse("demandeurs:mot_de_passe_oublie")).content.decode()
    reponse = _demander(client, "Lea.Martin@example.org")
    assert reponse.status_code == 200 and "Vérifiez vos courriels" in _texte(reponse)
    (lien,) = _liens_recus("lea.martin@example.org")
    (message,) = [m for m in mail.outbox if m.subject == OBJET]
    assert "Ce lien est valable 24 heures et ne sert qu'une fois." in message.body

    # The token leaves the address bar before the form is shown (no Referer leak).
    reponse = client.get(lien)
    assert reponse.status_code == 302 and reponse["Location"].endswith("/definir/")
    formulaire = reponse["Location"]
    assert 'id="form-nouveau-mot-de-passe"' in client.get(formulaire).content.decode()
    # The installation's validators, in French, naming the field.
    reponse = client.post(formulaire, {"new_password1": "12345678", "new_password2": "12345678"})
    texte = _texte(reponse)
    assert "Confirmez le nouveau mot de passe : Ce mot de passe est trop court" in texte
    assert "Ce mot de passe est entièrement numérique" in texte
    reponse = client.post(formulaire, {"new_password1": NOUVEAU, "new_password2": NOUVEAU + "x"})
    assert "Les deux mots de passe ne correspondent pas" in _texte(reponse)
    compte.utilisateur.refresh_from_db()
    assert compte.utilisateur.check_password(MOT_DE_PASSE)  # nothing changed yet

    reponse = client.post(formulaire, {"new_password1": NOUVEAU, "new_password2": NOUVEAU})
    assert reponse.status_code == 302 and reponse["Location"] == reverse("demandeurs:mot_de_passe_change")
    assert "Votre mot de passe est changé" in _texte(client.get(reponse["Location"]))
    assert _connexion("lea.martin@example.org", NOUVEAU).status_code == 302
    assert _connexion("lea.martin@example.org", MOT_DE_PASSE).status_code == 200  # refused: the form again
    # The other session is closed; the link served once.
    assert ailleurs.get(reverse("demandeurs:espace"))["Location"].startswith(reverse("demandeurs:connexion"))
    reponse = client.get(lien)
    assert "Ce lien pour choisir un nouveau mot de passe n'est plus valable" in _texte(reponse)
    assert 'id="form-nouveau-mot-de-passe"' not in reponse.content.decode()

    # Journalled, under the account's holder.
    compte.refresh_from_db()
    assert compte.mot_de_passe_change_le is not None
    entree = EntreeJournal.objects.filter(
        table_objet="demandeurs.comptedemandeur", objet_id=str(compte.pk), operation=Operation.MODIFICATION
    ).latest("id")
    assert "mot_de_passe_change_le" in (entree.apres or {})
    assert entree.auteur_id == compte.utilisateur_id
    assert entree.auteur_libelle == "lea.martin@example.org (espace demandeur)"
    assert entree.origine == "mot de passe oublié (lien envoyé par courriel)"


def test_la_meme_reponse_quelle_que_soit_l_adresse_et_jamais_pour_le_personnel() -> None:
    compte_verifie()
    compte_inscrire(courriel="pas.confirme@example.org", mot_de_passe=MOT_DE_PASSE, adresse_site=SITE, auteur=ANONYME)
    territoire_minimal()
    agent = membre(guichet(), username="agent.guichet")
    agent.email = "agent@example.org"
    agent.save()
    avant = len(mail.outbox)

    pages = {}
    for courriel in ("lea.martin@example.org", "inconnu@example.org", "pas.confirme@example.org", "agent@example.org"):
        reponse = _demander(Client(), courriel)
        assert reponse.status_code == 200
        pages[courriel] = _texte(reponse).replace(courriel, "ADRESSE")
    assert len(set(pages.values())) == 1
    # Only the confirmed applicant account receives a link.
    assert [m.to for m in mail.outbox[avant:]] == [["lea.martin@example.org"]]


def test_un_lien_ne_sert_jamais_un_compte_du_personnel() -> None:
    territoire_minimal()
    agent = membre(guichet(), username="agent.guichet")
    uid = urlsafe_base64_encode(force_bytes(agent.pk))
    lien = reverse("demandeurs:mot_de_passe_nouveau", args=[uid, default_token_generator.make_token(agent)])
    reponse = Client().get(lien)
    assert reponse.status_code == 200 and "n'est plus valable" in _texte(reponse)
    # A staff member logged in does not reach these pages at all.
    personnel = Client()
    personnel.force_login(agent)
    for nom in ("demandeurs:mot_de_passe_oublie", "demandeurs:mot_de_passe_change"):
        assert personnel.get(reverse(nom)).status_code == 404
    assert personnel.get(lien).status_code == 404
    assert personnel.post(reverse("demandeurs:mot_de_passe_oublie"), {"courriel": "x@example.org"}).status_code == 404


def test_les_demandes_sont_bornees_par_adresse_et_par_adresse_saisie(settings: Any) -> None:
    compte_verifie()
    # From one address: beyond the scope's rate (5 an hour), the French 429 page, with Retry-After.
    client = Client()
    for n in range(5):
        assert _demander(client, f"personne{n}@example.org").status_code == 200
    reponse = _demander(client, "lea.martin@example.org")
    assert reponse.status_code == 429 and int(reponse["Retry-After"]) > 0
    assert "Réessayez dans" in _texte(reponse)
    assert _liens_recus("lea.martin@example.org") == []

    # For one address typed, from many addresses: five links, then nothing more (the page still says the same).
    for n in range(7):
        reponse = _demander(Client(), "lea.martin@example.org", adresse=f"198.51.100.{n}")
        assert reponse.status_code == 200 and "Vérifiez vos courriels" in _texte(reponse)
    assert len(_liens_recus("lea.martin@example.org")) == 5
    assert CompteDemandeur.objects.get().mot_de_passe_change_le is None
