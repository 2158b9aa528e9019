"""The household answers an offer from its space (decision 0028): it reads the dwelling as the offer letter
describes it, the deadline and what its answer does, then accepts, or refuses with a reason; the bailleur's staff
see the answer, who gave it and that it was given online; the offer's notices reach the household by email with a
link to the answer page."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from attrib.avis.services import avis_traiter
from attrib.commissions.enums import MotifRefus, StatutOffre, TypeDecision
from attrib.commissions.models import Offre
from attrib.commissions.services import (
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    offres_expirer,
)
from attrib.common.models import Evenement
from attrib.cotation.services import version_publier
from attrib.demandes.models import Demande, Personne
from attrib.demandeurs.models import CanalCode, CompteDemandeur, Qualite
from attrib.demandeurs.services import acces_donner, code_emettre, demande_lier
from attrib.documents.models import NatureDocument
from attrib.documents.selectors import derniere
from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import Refus, acteur_systeme
from tests.demandeurs.outils import acteur, client_de, compte_verifie
from tests.factories import construire_caleol, membre
from tests.factories.modeles import GRILLE_SIMPLE, VersionGrilleFactory, organisation_epci

pytestmark = pytest.mark.django_db

SYSTEME = acteur_systeme("test")
#: The grid of the tests, with the refusal criterion of the territory's base grid (data/grilles/socle.yaml).
GRILLE_AVEC_REFUS = (
    GRILLE_SIMPLE.rstrip()
    + """
  - id: refus
    libelle: Refus de logements adaptés
    criteres:
      - id: refus_offres_adaptees
        libelle: Refus répétés de logements adaptés
        nature: malus
        base_legale: R441-2-10 11° CCH
        condition: {evenements: refus_offres_adaptees, mois: 12, sup_egal: 2}
        points: {par_unite: -150, valeur: {evenements: refus_offres_adaptees, mois: 12}, plafond: 450, unite: refus}
"""
)
#: What never reaches a household's page: internal codes, field names, tags.
INTERNE = ("refus_offres_adaptees", "motif_refus", "logement_adapte", "sans_reponse", "[K]", "[V]", ".yaml", "None")


@pytest.fixture(autouse=True)
def _rapide(settings: Any, horloge: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ATTRIB_AVIS_GARDE_S = 0
    settings.ATTRIB_URL_PUBLIQUE = "http://testserver"


@dataclass
class Monde:
    offre: Offre
    demande: Demande
    autre_offre: Offre
    client: Client
    compte: CompteDemandeur
    gestionnaire: Any
    guichet: Any


def _lier(compte: CompteDemandeur, demande: Demande) -> None:
    """The household links its account with the code of the letter its desk printed (the real services)."""
    code = code_emettre(demande=demande, canal=CanalCode.COURRIER, auteur=SYSTEME).code
    demande_lier(auteur=acteur(compte), numero_unique=demande.numero_unique, code=code, adresse="127.0.0.1")


def _monde() -> Monde:
    """Alogea's commission attributed OUEST-001 (ranked) and OUEST-002 to the first demands; the offers are sent
    today (15 June 2026): answer by 25 June. The household of the first demand has linked its account."""
    c = construire_caleol()
    version_publier(
        version=VersionGrilleFactory(organisation=organisation_epci(), contenu=GRILLE_AVEC_REFUS), auteur=SYSTEME
    )
    offres = []
    for logement, candidats in ((c.logement, c.demandes[:3]), (c.logement_plai, c.demandes[1:4])):
        for examen in examen_inscrire(auteur=SYSTEME, seance=c.seance, logement=logement, candidats=candidats):
            decision_enregistrer(
                auteur=SYSTEME,
                examen=examen,
                type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
                rang=examen.rang_propose,
                votes=c.pour,
            )
        offres.append(offre_emettre(auteur=SYSTEME, logement=logement))
    offre, autre = offres
    assert offre.demande != autre.demande
    compte = compte_verifie()
    _lier(compte, offre.demande)
    return Monde(
        offre=offre,
        demande=offre.demande,
        autre_offre=autre,
        client=client_de(compte),
        compte=compte,
        gestionnaire=c.gestionnaire,
        guichet=membre(c.desk, username="agent.narbonne"),
    )


def _url(m: Monde, offre: Offre | None = None, demande: Demande | None = None) -> str:
    return reverse("demandeurs:offre", args=[(demande or m.demande).pk, (offre or m.offre).pk])


def _texte(reponse: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())))


def _refuser(m: Monde, **donnees: str) -> Any:
    return m.client.post(_url(m), {"reponse": "refuse", **{f"refus-{k}": v for k, v in donnees.items()}})


def test_le_menage_lit_le_logement_le_delai_et_ce_que_change_sa_reponse() -> None:
    m = _monde()
    page = m.client.get(reverse("demandeurs:demande", args=[m.demande.pk]))
    assert "Réponse attendue avant le 25 juin 2026" in _texte(page)
    assert f'href="{_url(m)}"' in page.content.decode()

    reponse = m.client.get(_url(m))
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "Répondez au plus tard le 25 juin 2026" in texte
    # The dwelling as the offer letter describes it.
    for attendu in (
        "3 rue des Peupliers, 11100 Narbonne",
        "T3, 65,00 m² habitables",
        "Loyer mensuel 412,50 €",
        "Charges mensuelles communiquées par le bailleur",
        "Par Alogea, après la décision de la commission d'attribution du 10 mars 2026",
    ):
        assert attendu in texte, attendu
    # What the answer does, from the rules in force: the delay of R441-10 and the grid's refusal criterion.
    assert "vous disposez de dix jours" in texte
    assert "la proposition est considérée comme refusée, et ce refus compte comme celui d'un logement adapté" in texte
    assert (
        "la grille de cotation retire des points en cas de refus de logements adaptés : à partir de 2 refus en 12 "
        "mois, 150 points de moins par refus (au plus 450 points)"
    ) in texte
    assert "Votre demande reste en cours : vous pourrez recevoir d'autres propositions." in texte
    assert "Ce logement correspondait-il aux besoins et aux moyens de votre ménage ?" in texte
    assert not any(mot in texte for mot in INTERNE), [mot for mot in INTERNE if mot in texte]
    contenu = reponse.content.decode()
    for ident in ('id="form-acceptation"', 'id="accepter"', 'id="form-refus"', 'id="refuser"'):
        assert ident in contenu, ident

    # The letter, as it was frozen when the offer was made.
    lettre = m.client.get(reverse("demandeurs:offre_courrier", args=[m.demande.pk, m.offre.pk]))
    assert lettre.status_code == 200 and lettre["Content-Type"] == "application/pdf"
    document = derniere(m.offre, NatureDocument.COURRIER_OFFRE)
    assert document is not None and lettre.content == bytes(document.octets)


def test_le_refus_en_ligne_porte_son_motif_et_le_personnel_le_voit() -> None:
    m = _monde()
    # « Autre » without its detail, the adapted question unanswered, no confirmation: each error names its field.
    reponse = _refuser(m, motif_refus=MotifRefus.AUTRE)
    assert reponse.status_code == 400
    texte = _texte(reponse)
    assert "Cochez la case pour confirmer que vous refusez ce logement." in texte
    reponse = _refuser(m, motif_refus=MotifRefus.AUTRE, confirmation="on")
    texte = _texte(reponse)
    assert "Précisez la raison de votre refus : Motif « autre » : précisez la raison du refus." in texte
    assert "Ce logement correspondait-il aux besoins et aux moyens de votre ménage ? : Indiquez si" in texte
    reponse = _refuser(m, confirmation="on")
    assert "Pourquoi refusez-vous ce logement ? : Indiquez le motif du refus parmi : loyer ou charges" in _texte(
        reponse
    )
    m.offre.refresh_from_db()
    assert m.offre.statut == StatutOffre.EN_ATTENTE

    reponse = _refuser(
        m, motif_refus=MotifRefus.LOCALISATION, motif_refus_detail="Trop loin du travail", logement_adapte="oui",
        confirmation="on",
    )  # fmt: skip
    assert reponse.status_code == 302 and reponse["Location"] == _url(m)
    m.offre.refresh_from_db()
    assert (m.offre.statut, m.offre.motif_refus, m.offre.logement_adapte) == (
        StatutOffre.REFUSEE,
        MotifRefus.LOCALISATION,
        True,
    )
    assert m.offre.repondue_le == date(2026, 6, 15)
    page = _texte(m.client.get(_url(m)))
    assert "Votre refus est enregistré. Votre demande reste en cours." in page
    assert "Vous avez refusé ce logement le 15 juin 2026. Motif : localisation" in page
    assert 'id="form-refus"' not in m.client.get(_url(m)).content.decode()

    # The trail: the household's account is the author, the answer was given online.
    evenement = Evenement.objects.get(action="offre_refusee")
    assert evenement.auteur == m.compte.utilisateur and evenement.details["en_ligne"] is True
    entree = EntreeJournal.objects.filter(table_objet="commissions.offre", objet_id=str(m.offre.pk)).latest("id")
    assert entree.auteur_id == m.compte.utilisateur.pk
    assert entree.auteur_libelle == "lea.martin@example.org (espace demandeur)"
    # The bailleur's staff: the offer page and the demand's history say who answered, and how.
    personnel = Client()
    personnel.force_login(m.gestionnaire)
    offre_page = _texte(personnel.get(reverse("commissions:offre", args=[m.offre.pk])))
    assert "Refusée le 15/06/2026 — Localisation (quartier, commune, éloignement) (Trop loin du travail)" in offre_page
    assert "Donnée en ligne par le ménage, depuis son espace demandeur (lea.martin@example.org" in offre_page
    # The desk that registered the demand: its history.
    guichet = Client()
    guichet.force_login(m.guichet)
    historique = _texte(guichet.get(reverse("demandes:detail", args=[m.demande.pk])))
    assert "Par l'espace demandeur en ligne (compte lea.martin@example.org) (Alogea)" in historique


def test_l_acceptation_en_ligne_se_confirme_et_ne_se_donne_qu_une_fois() -> None:
    m = _monde()
    reponse = m.client.post(_url(m), {"reponse": "accepte"})
    assert reponse.status_code == 400
    assert "Cochez la case pour confirmer que vous acceptez ce logement." in _texte(reponse)
    reponse = m.client.post(_url(m), {"reponse": "accepte", "accepter-confirmation": "on"})
    assert reponse.status_code == 302
    m.offre.refresh_from_db()
    assert m.offre.statut == StatutOffre.ACCEPTEE and m.offre.motif_refus == ""
    assert "Vous avez accepté ce logement le 15 juin 2026" in _texte(m.client.get(_url(m)))
    # Its notice leaves by email like the others (no address: a letter queued for the desk, and the inbox).
    avis_traiter(auteur=SYSTEME)
    assert m.demande.avis.filter(titre="Votre acceptation est enregistrée").count() == 1
    # A second answer (a form kept open in another tab) is refused in French.
    reponse = _refuser(m, motif_refus=MotifRefus.LOYER, logement_adapte="non", confirmation="on")
    assert reponse.status_code == 400
    assert "L'offre a déjà une réponse : acceptée." in _texte(reponse)
    m.offre.refresh_from_db()
    assert m.offre.statut == StatutOffre.ACCEPTEE


def test_apres_la_date_limite_plus_de_reponse_en_ligne(horloge: Any) -> None:
    m = _monde()
    horloge.shift(timedelta(days=11))
    m.client.force_login(m.compte.utilisateur)  # a session lasts hours, not days
    reponse = m.client.get(_url(m))
    texte = _texte(reponse)
    assert "Délai de réponse dépassé" in texte and 'id="form-refus"' not in reponse.content.decode()
    reponse = m.client.post(_url(m), {"reponse": "accepte", "accepter-confirmation": "on"})
    assert reponse.status_code == 400
    assert "Le délai de réponse a expiré le 25/06/2026 : l'absence de réponse vaut refus" in _texte(reponse)
    m.offre.refresh_from_db()
    assert m.offre.statut == StatutOffre.EN_ATTENTE


def test_un_co_demandeur_lit_la_proposition_mais_seul_le_menage_repond() -> None:
    m = _monde()
    codemandeur = compte_verifie("paul.martin@example.org")
    acces_donner(
        auteur=acteur(m.compte), demande=m.demande, courriel="paul.martin@example.org", qualite=Qualite.CODEMANDEUR
    )
    client = client_de(codemandeur)
    reponse = client.get(_url(m))
    assert reponse.status_code == 200
    assert "Seul le ménage demandeur, connecté avec son propre compte, répond en ligne" in _texte(reponse)
    assert 'id="form-refus"' not in reponse.content.decode()
    assert client.post(_url(m), {"reponse": "accepte", "accepter-confirmation": "on"}).status_code == 404
    with pytest.raises(Refus):
        offre_repondre(offre=m.offre, accepte=True, auteur=acteur(codemandeur))
    m.offre.refresh_from_db()
    assert m.offre.statut == StatutOffre.EN_ATTENTE


def test_l_offre_d_un_autre_menage_n_existe_pas() -> None:
    m = _monde()
    # Another demand's offer under the household's own demand, and under its own number: 404 both.
    assert m.client.get(_url(m, offre=m.autre_offre)).status_code == 404
    assert m.client.get(_url(m, offre=m.autre_offre, demande=m.autre_offre.demande)).status_code == 404
    assert m.client.post(_url(m, offre=m.autre_offre), {"reponse": "accepte"}).status_code == 404
    lettre = reverse("demandeurs:offre_courrier", args=[m.demande.pk, m.autre_offre.pk])
    assert m.client.get(lettre).status_code == 404
    # The household is no actor of the other demand's offer, even called directly.
    with pytest.raises(Refus):
        offre_repondre(offre=m.autre_offre, accepte=True, auteur=acteur(m.compte))
    # The bailleur's staff do not reach the applicant's page (they have their own).
    personnel = Client()
    personnel.force_login(m.gestionnaire)
    assert personnel.get(_url(m)).status_code == 404


def _corps(message: Any) -> str:
    return str(message.body)


def test_les_avis_de_l_offre_partent_par_courriel_avec_le_lien_de_reponse(horloge: Any) -> None:
    m = _monde()
    Personne.objects.filter(demande=m.demande).update(email="foyer.martin@example.org")
    avant = len(mail.outbox)
    avis_traiter(auteur=SYSTEME)
    recus = [e for e in mail.outbox[avant:] if e.to == ["foyer.martin@example.org"]]
    (proposition,) = [e for e in recus if e.subject.startswith("Un logement vous est proposé")]
    assert proposition.subject == f"Un logement vous est proposé — demande n° {m.demande.numero_unique}"
    corps = _corps(proposition)
    assert "Répondez au plus tard le 25/06/2026" in corps
    assert f"Pour répondre en ligne à cette proposition : http://testserver{_url(m)}" in corps
    # The link opens the answer page for the household.
    assert m.client.get(_url(m)).status_code == 200

    # The answer given online, then its notice.
    _refuser(m, motif_refus=MotifRefus.TYPOLOGIE, logement_adapte="non", confirmation="on")
    avant = len(mail.outbox)
    avis_traiter(auteur=SYSTEME)
    (refus,) = [e for e in mail.outbox[avant:] if e.to == ["foyer.martin@example.org"]]
    assert refus.subject.startswith("Votre refus est enregistré")
    assert "Motif : Taille ou typologie inadaptée." in _corps(refus)
    assert f"http://testserver{reverse('demandeurs:demande', args=[m.demande.pk])}" in _corps(refus)

    # The other offer, left unanswered: its lapse is a notice too (R441-10).
    Personne.objects.filter(demande=m.autre_offre.demande).update(email="autre.foyer@example.org")
    avis_traiter(auteur=SYSTEME)
    horloge.shift(timedelta(days=12))
    assert offres_expirer(auteur=SYSTEME) == 1
    avant = len(mail.outbox)
    avis_traiter(auteur=SYSTEME)
    sujets = [e.subject for e in mail.outbox[avant:] if e.to == ["autre.foyer@example.org"]]
    assert sujets == [f"Proposition de logement sans réponse — demande n° {m.autre_offre.demande.numero_unique}"]
