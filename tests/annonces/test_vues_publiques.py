"""The public pages of location voulue (``/territoire/annonces/``), open without login: the outcomes of the
territory's closed adverts (applications received, the band of score and the seniority of the household housed,
nothing that identifies it), the published ranking data of each advert as a file that the documented command
replays to the same order, and the page that explains how. The world is ``tests/annonces/conftest.py``'s."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.annonces.enums import StatutAnnonce
from attrib.annonces.models import Annonce
from attrib.annonces.selectors import classement_publie
from attrib.annonces.services import annonce_clore, annonce_presenter, candidature_deposer
from attrib.commissions.enums import TypeDecision
from attrib.commissions.services import bail_signer, decision_enregistrer, offre_emettre, offre_repondre, seance_ouvrir
from attrib.engine.__main__ import main as moteur
from attrib.engine.annonces import rejouer
from attrib.engine.annonces.cli import IDENTIQUE
from tests.annonces.conftest import SYSTEME, MondeLV

pytestmark = pytest.mark.django_db

SIREN = "241100593"


def _attribuee(lv: MondeLV) -> Annonce:
    """The State's advert: four households apply, the first three go to a session, the first signs the lease."""
    annonce = lv.annonce()
    for nom in ("recent", "couple", "dalo", "famille"):
        candidature_deposer(annonce=annonce, demande=lv.d[nom], auteur=lv.menage(nom))
    lv.apres_cloture(annonce)
    annonce_clore(annonce=annonce, auteur=SYSTEME)
    seance = lv.seance_du_jour()
    examens = annonce_presenter(annonce=annonce, seance=seance, auteur=lv.etat)
    seance_ouvrir(seance=seance, auteur=SYSTEME)
    for e in examens:
        decision_enregistrer(
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=e.rang_propose,
            votes=lv.pour,
            auteur=SYSTEME,
        )
    offre = offre_repondre(offre=offre_emettre(logement=annonce.logement, auteur=SYSTEME), accepte=True, auteur=SYSTEME)
    bail_signer(
        offre=offre,
        date_signature=timezone.localdate(),
        accord_collectif=False,
        deja_locataire=False,
        auteur=lv.bailleur,
    )
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.ATTRIBUEE
    return annonce


def test_le_resultat_public_ne_dit_rien_qui_identifie_le_menage_loge(lv: MondeLV) -> None:
    annonce = _attribuee(lv)
    ouverte = lv.annonce(ll=lv.monde.ll_propre)
    page = Client().get(reverse("annonces_publiques:resultats", args=[SIREN]))
    assert page.status_code == 200 and "public" in page["Cache-Control"]
    html = unescape(page.content.decode())
    ligne = html.split(f'<th scope="row">{annonce.reference}</th>', 1)[1].split("</tr>", 1)[0]
    assert "<td>4</td>" in ligne
    assert f"score {annonce.resultat_tranche_score}, demande de {annonce.resultat_anciennete}" in ligne
    assert reverse("annonces_publiques:classement", args=[SIREN, annonce.reference]) in ligne
    # Nothing of the households: no demand number, no name; an advert still open is not listed.
    for d in lv.d.values():
        assert d.numero_unique not in html
    assert "Martin" not in html and ouverte.reference not in html
    assert 'aria-current="page">Résultats des annonces' in html


def test_les_donnees_publiees_se_telechargent_et_se_rejouent_a_l_identique(
    lv: MondeLV, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    annonce = lv.annonce()
    for nom in ("recent", "couple", "dalo"):
        candidature_deposer(annonce=annonce, demande=lv.d[nom], auteur=lv.menage(nom))
    url = reverse("annonces_publiques:classement", args=[SIREN, annonce.reference])
    # Before the closing, the ranking does not exist.
    assert Client().get(url).status_code == 404
    lv.apres_cloture(annonce)
    annonce_clore(annonce=annonce, auteur=SYSTEME)
    reponse = Client().get(url)
    assert reponse.status_code == 200 and reponse["Content-Type"].startswith("application/json")
    assert f'filename="classement-{annonce.reference}.json"' in reponse["Content-Disposition"]
    donnees = json.loads(reponse.content)
    annonce.refresh_from_db()
    assert donnees == classement_publie(annonce)
    resultat = rejouer(donnees)
    assert resultat.identique, resultat
    # The documented command, on the file as downloaded.
    fichier = tmp_path / f"classement-{annonce.reference}.json"
    fichier.write_bytes(reponse.content)
    assert moteur(["annonce-rejouer", str(fichier)]) == 0
    assert capsys.readouterr().out.rstrip().endswith(IDENTIQUE)
    assert [c["jeton"] for c in donnees["candidatures"]] == list(
        annonce.candidatures.filter(rang__isnull=False).order_by("rang").values_list("jeton", flat=True)
    )
    # Another territory does not serve it.
    assert (
        Client().get(reverse("annonces_publiques:classement", args=["200066017", annonce.reference])).status_code == 404
    )


def test_la_page_de_verification_donne_la_commande(lv: MondeLV) -> None:
    page = Client().get(reverse("annonces_publiques:verifier", args=[SIREN])).content.decode()
    assert '<code id="commande-rejouer">python -m attrib.engine annonce-rejouer FICHIER</code>' in page
    assert "la plus petite passe devant" in page
    territoires = Client().get(reverse("annonces_publiques:territoires")).content.decode()
    assert reverse("annonces_publiques:resultats", args=[SIREN]) in territoires


def test_un_menage_connecte_lit_aussi_les_pages_publiques(lv: MondeLV) -> None:
    menage = lv.menage("dalo")
    client = Client()
    assert menage.utilisateur is not None
    client.force_login(menage.utilisateur)
    assert client.get(reverse("annonces_publiques:resultats", args=[SIREN])).status_code == 200
