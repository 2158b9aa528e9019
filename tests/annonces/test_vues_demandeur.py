"""The household's pages of location voulue (``/mon-espace/annonces/``): the dwellings proposed that match its
wishes (or all of the territory), an advert with its pre-check (eligible or why not, effort rate, its place among
the applications so far, applications left, the suspension rule said in advance), applying after a confirmation,
withdrawing before the closing, « Mes candidatures » with the rank and what separated it; a co-applicant reads
only. Everything it reads is plain French (``attrib.engine.lisibilite``: no code, no unexplained acronym)."""

from __future__ import annotations

import html
import re

import pytest
import time_machine
from django.urls import reverse

from attrib.annonces.enums import StatutCandidature
from attrib.annonces.models import Candidature
from attrib.demandeurs.models import CompteDemandeur, Liaison, Qualite
from attrib.engine.lisibilite import examiner
from attrib.organisations.models import Organisation, User
from tests.annonces.test_vues import MondeLV, brouillon, candidater, close, construire, publiee, texte
from tests.rapprochement.conftest import seuil_connu

pytestmark = pytest.mark.django_db

#: Names printed as they are: the organisations, the licence of the software in the footer.
NOMS = ["AGPL-3.0"]


@pytest.fixture
def monde(db: None, monkeypatch: pytest.MonkeyPatch, horloge: time_machine.Coordinates) -> MondeLV:
    seuil_connu(monkeypatch)
    return construire()


def _visible(page: str) -> str:
    """The text a person reads or hears (alternative texts and labels included), one block a line."""
    page = re.sub(r"(?is)<(script|style|template|head)\b.*?</\1>", " ", page)
    attributs = re.findall(r'\b(?:alt|title|aria-label)="([^"]*)"', page)
    page = re.sub(
        r"(?i)<(?:br|/p|/li|/h\d|/div|/td|/th|/tr|/dd|/dt|/button|/a|/label|/legend|/option)\b[^>]*>", "\n", page
    )
    texte_ = html.unescape(re.sub(r"<[^>]+>", " ", page))
    lignes = [re.sub(r"\s+", " ", ligne).strip() for ligne in [*texte_.splitlines(), *attributs]]
    return "\n".join(ligne for ligne in lignes if ligne)


def _fautes(page: str, *, sauf: tuple[str, ...] = ()) -> list[str]:
    """The vocabulary faults of a page (codes, unexplained acronyms, English words, internal values); the hexadecimal
    commitment and seed and the token are figures, not words."""
    lu = re.sub(r"\b[0-9a-f]{64}\b|\b[0-9A-Z]{8,20}\b", " ", _visible(page))
    for s in sauf:
        lu = lu.replace(s, " ")
    noms = [*Organisation.objects.values_list("nom", flat=True), *NOMS]
    return [str(d) for d in examiner(lu, noms_propres=noms, lisibilite=False)]


# --- 6. « Logements proposés » ------------------------------------------------------------------------------------


def test_les_logements_proposes_suivent_les_souhaits_du_menage(monde: MondeLV) -> None:
    annonce = publiee(monde, titre="Trois pièces aux Pins")
    client = monde.client("famille")
    page = texte(client.get(reverse("annonces_demandeur:logements")))
    assert "1 logement proposé selon vos souhaits" in page
    assert "Trois pièces aux Pins" in page and "500 € par mois, charges comprises" in page
    assert reverse("annonces_demandeur:annonce", args=[annonce.pk]) in page
    assert not _fautes(page)
    # A household wishing only Gruissan sees it with « tous ceux du territoire » only.
    ailleurs = monde.demandes["recent"]
    ailleurs.communes_souhaitees.all().update(commune_id="11170")
    client = monde.client("recent")
    assert "Trois pièces aux Pins" not in texte(client.get(reverse("annonces_demandeur:logements")))
    assert "Trois pièces aux Pins" in texte(client.get(reverse("annonces_demandeur:logements") + "?tout=1"))


def test_le_menage_eligible_lit_sa_position_et_candidate_apres_confirmation(monde: MondeLV) -> None:
    annonce = publiee(monde)
    candidater(monde, annonce, "dalo")
    client = monde.client("famille")
    url = reverse("annonces_demandeur:annonce", args=[annonce.pk])
    page = texte(client.get(url))
    assert "Oui : votre demande remplit les conditions de ce logement." in page
    assert "Vous seriez à la 2e place sur 2 candidatures reçues à ce jour, la vôtre comprise." in page
    assert "Vous pouvez encore candidater à 3 annonces (3 candidatures ouvertes au plus)." in page
    assert "Aucun refus compté." in page
    assert annonce.empreinte in page and annonce.graine not in page
    assert reverse("annonces_demandeur:candidater", args=[annonce.pk]) in page
    assert not _fautes(page), _fautes(page)
    confirmation = texte(client.get(reverse("annonces_demandeur:candidater", args=[annonce.pk])))
    assert "Je confirme ma candidature" in confirmation and "Avant de confirmer" in confirmation
    assert not _fautes(confirmation)
    reponse = client.post(reverse("annonces_demandeur:candidater", args=[annonce.pk]))
    assert reponse.status_code == 302
    candidature = Candidature.objects.get(annonce=annonce, demande=monde.demandes["famille"])
    page = texte(client.get(url))
    assert "Votre candidature est enregistrée." in page
    assert "Vous êtes à la 2e place sur 2 candidatures reçues à ce jour" in page
    assert candidature.jeton in page and "Retirer ma candidature" in page
    # Applied once: the confirmation sends back to the advert.
    assert client.get(reverse("annonces_demandeur:candidater", args=[annonce.pk])).status_code == 302


def test_le_menage_ineligible_sait_pourquoi_et_ne_peut_pas_candidater(monde: MondeLV) -> None:
    annonce = publiee(monde)
    client = monde.client("aise")
    page = texte(client.get(reverse("annonces_demandeur:annonce", args=[annonce.pk])))
    assert "Vous ne pouvez pas candidater à ce logement" in page
    assert "Plafond de ressources" in page and "Non remplie" in page
    assert reverse("annonces_demandeur:candidater", args=[annonce.pk]) not in page
    assert not _fautes(page), _fautes(page)
    # The confirmation sends back to the advert; forcing it, the service says why, nothing is recorded.
    assert client.get(reverse("annonces_demandeur:candidater", args=[annonce.pk])).status_code == 302
    reponse = client.post(reverse("annonces_demandeur:candidater", args=[annonce.pk]))
    assert reponse.status_code == 400
    assert "Votre candidature n'est pas enregistrée" in texte(reponse) and "Plafond de ressources" in texte(reponse)
    assert not Candidature.objects.exists()


def test_le_menage_retire_sa_candidature_avant_la_cloture(monde: MondeLV) -> None:
    annonce = publiee(monde)
    candidater(monde, annonce, "famille")
    candidature = Candidature.objects.get()
    client = monde.client("famille")
    reponse = client.post(reverse("annonces_demandeur:retirer", args=[candidature.pk]), {"retour": "candidatures"})
    assert reponse.status_code == 302 and reponse["Location"] == reverse("annonces_demandeur:candidatures")
    candidature.refresh_from_db()
    assert candidature.statut == StatutCandidature.RETIREE
    page = texte(client.get(reponse["Location"]))
    assert f"Votre candidature à l&#x27;annonce {annonce.reference} est retirée." in page
    assert "retirée le" in page
    # Another household's application answers 404.
    candidater(monde, annonce, "dalo")
    autre = Candidature.objects.get(demande=monde.demandes["dalo"])
    assert client.post(reverse("annonces_demandeur:retirer", args=[autre.pk])).status_code == 404


def test_un_codemandeur_lit_l_annonce_sans_candidater(monde: MondeLV) -> None:
    annonce = publiee(monde)
    titulaire = Liaison.objects.get(demande=monde.demandes["famille"], qualite=Qualite.TITULAIRE)
    user = User.objects.create(username="paul", email="paul@example.org")
    compte = CompteDemandeur.objects.create(utilisateur=user, courriel="paul@example.org")
    Liaison.objects.create(
        compte=compte, demande=monde.demandes["famille"], qualite=Qualite.CODEMANDEUR, accordee_par=titulaire
    )
    monde.comptes["paul"] = compte
    client = monde.client("paul")
    page = texte(client.get(reverse("annonces_demandeur:annonce", args=[annonce.pk])))
    assert "Seul le ménage demandeur, connecté avec son propre compte, candidate en ligne." in page
    assert reverse("annonces_demandeur:candidater", args=[annonce.pk]) not in page
    assert client.get(reverse("annonces_demandeur:candidater", args=[annonce.pk])).status_code == 404
    assert client.post(reverse("annonces_demandeur:candidater", args=[annonce.pk])).status_code == 404
    assert not Candidature.objects.exists()


def test_apres_la_cloture_le_menage_lit_son_rang_et_ce_qui_l_a_departage(
    monde: MondeLV, horloge: time_machine.Coordinates
) -> None:
    annonce = close(monde, horloge, "couple", "dalo", "famille")
    client = monde.client("famille")
    page = texte(client.get(reverse("annonces_demandeur:candidatures")))
    assert "classée 2e. Score moins élevé que celui de la candidature classée juste devant." in page
    assert "Les premiers du classement seront présentés à la commission d'attribution." in page
    assert not _fautes(page), _fautes(page)
    advert = texte(client.get(reverse("annonces_demandeur:annonce", args=[annonce.pk])))
    assert "Votre demande est classée <strong>2e</strong>." in advert
    assert annonce.graine in advert
    assert not _fautes(advert), _fautes(advert)
    assert "Retirer ma candidature" not in advert


def test_mes_candidatures_disent_la_limite_et_la_regle_des_refus(monde: MondeLV) -> None:
    annonce = publiee(monde)
    candidater(monde, annonce, "famille")
    page = texte(monde.client("famille").get(reverse("annonces_demandeur:candidatures")))
    assert "Vous pouvez encore candidater à 2 annonces (3 candidatures ouvertes au plus)." in page
    assert (
        "Si vous refusez 2 logements obtenus par vos candidatures en moins de 12 mois, vos candidatures sont "
        "suspendues 6 mois." in html.unescape(page)
    )
    assert not _fautes(page), _fautes(page)


def test_le_menu_de_l_espace_et_ma_demande_menent_aux_logements_proposes(monde: MondeLV) -> None:
    client = monde.client("famille")
    espace = texte(client.get(reverse("demandeurs:espace")))
    assert f'href="{reverse("annonces_demandeur:logements")}"' in espace and "Logements proposés" in espace
    demande = monde.demandes["famille"]
    page = texte(client.get(reverse("demandeurs:demande", args=[demande.pk])))
    assert f"{reverse('annonces_demandeur:logements')}?demande={demande.pk}" in page


def test_un_compte_du_personnel_n_atteint_pas_les_pages_du_menage(monde: MondeLV) -> None:
    annonce = publiee(monde)
    client = monde.client("bailleur")
    assert client.get(reverse("annonces_demandeur:logements")).status_code == 404
    assert client.get(reverse("annonces_demandeur:annonce", args=[annonce.pk])).status_code == 404


def test_un_brouillon_n_existe_pas_pour_le_menage(monde: MondeLV) -> None:
    annonce = brouillon(monde)
    assert monde.client("famille").get(reverse("annonces_demandeur:annonce", args=[annonce.pk])).status_code == 404
