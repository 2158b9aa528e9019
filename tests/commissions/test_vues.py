"""The CALEOL screens through HTTP: a secretary records attendance, opens the session, decides with votes
(errors on the fields), downloads the minutes, emits the offer, records a refusal then an acceptance and the
lease; a member votes remotely; the nightly command; the demand page's « Suivi de l'attribution »."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.commissions import proces_verbal
from attrib.commissions.enums import QualiteMembre, StatutOffre, StatutSeance, Voix
from attrib.commissions.models import Commission, Decision, Offre
from attrib.commissions.services import (
    commission_creer,
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    offre_suivante,
    seance_creer,
)
from attrib.demandes.enums import StatutDemande
from attrib.organisations.acteurs import acteur_systeme
from tests.factories import NARBONNE, Caleol, construire_caleol, membre

pytestmark = pytest.mark.django_db


@pytest.fixture
def monde(db: None) -> Caleol:
    """A session held today (offers and answers are dated today by default)."""
    c = construire_caleol()
    c.seance = seance_creer(auteur=acteur_systeme("test"), commission=c.commission, date_seance=timezone.localdate())
    return c


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _membres(c: Caleol) -> dict[str, int]:
    return {m.nom: m.pk for m in c.commission.membres.all()}


def test_le_secretariat_tient_la_seance_de_bout_en_bout(monde: Caleol) -> None:
    c = monde
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=c.seance, logement=c.logement, candidats=c.demandes[:3]
    )
    client = _client(c.gestionnaire)
    url = reverse("commissions:seance", args=[c.seance.pk])
    page = client.get(url).content.decode()
    assert "Logement OUEST-001 — T3, 3 rue des Peupliers, 11100 Narbonne" in page
    assert "412,50 € par mois hors charges" in page and "Quartier prioritaire (QPV)</dt><dd>Oui" in page
    assert "la règle d'au moins 3 candidats par logement (R441-3 CCH) est respectée" in page
    assert "Quorum non atteint : 0 membre à voix délibérative présent sur 3" in page

    # Opening without quorum is refused with the reason.
    page = client.post(reverse("commissions:ouvrir", args=[c.seance.pk])).content.decode()
    assert "La séance ne peut pas s&#x27;ouvrir" in page
    m = _membres(c)
    reponse = client.post(
        reverse("commissions:presences", args=[c.seance.pk]),
        {
            f"presences-membre_{m['Mme Durand']}": "seance",
            f"presences-membre_{m['M. Roux']}": "seance",
            f"presences-membre_{m['Maire de Narbonne']}": "",
            f"presences-membre_{m['Action Logement']}": "seance",
        },
    )
    assert reponse.status_code == 302
    client.post(reverse("commissions:ouvrir", args=[c.seance.pk]))
    c.seance.refresh_from_db()
    assert c.seance.statut == StatutSeance.OUVERTE

    # A non-attribution without a reason: the error is on the « Motif » field.
    decision_url = reverse("commissions:decision", args=[examens[0].pk])
    prefixe = f"examen-{examens[0].pk}"
    page = client.post(
        decision_url,
        {
            f"{prefixe}-type_decision": "non_attribution",
            f"{prefixe}-vote_{m['Mme Durand']}": "contre",
            f"{prefixe}-vote_{m['M. Roux']}": "contre",
        },
    ).content.decode()
    assert f'href="#id_{prefixe}-motif"' in page
    assert "le motif est obligatoire (il est notifié au demandeur)" in page
    assert not Decision.objects.exists()

    for e, rang in zip(examens, (1, 2, 3), strict=True):
        p = f"examen-{e.pk}"
        reponse = client.post(
            reverse("commissions:decision", args=[e.pk]),
            {
                f"{p}-type_decision": "attribution_classement",
                f"{p}-rang": rang,
                f"{p}-vote_{m['Mme Durand']}": "pour",
                f"{p}-vote_{m['M. Roux']}": "abstention" if rang == 3 else "pour",
            },
        )
        assert reponse.status_code == 302, reponse.content.decode()[:2000]
    page = client.get(url).content.decode()
    assert "2 pour, 0 contre, 0 abstention" in page and "1 pour, 0 contre, 1 abstention" in page

    client.post(reverse("commissions:cloturer", args=[c.seance.pk]))
    c.seance.refresh_from_db()
    assert c.seance.statut == StatutSeance.TENUE

    pdf = client.get(reverse("commissions:proces_verbal", args=[c.seance.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    html = render_to_string(proces_verbal.GABARIT, proces_verbal.contexte(c.seance, voit_sensible=True))
    assert "Quorum atteint : 2 membres à voix délibérative présents sur 3 ; 2 requis" in html
    assert "<td>Absent</td><td>Maire de Narbonne</td>" in html
    assert html.count("Attribution par classement (R441-3 b)") == 3
    assert "1 / 0 / 1" in html

    # Offer to the first ranked, refusal (reason required), then the next one accepts; the lease.
    reponse = client.post(
        reverse("commissions:offre_emettre", args=[c.logement.pk]),
        {"offre-envoyee_le": timezone.localdate().isoformat()},
    )
    offre = Offre.objects.get()
    assert reponse.url == reverse("commissions:offre", args=[offre.pk])
    assert offre.demande == c.demandes[0] and offre.date_limite == timezone.localdate() + timedelta(days=10)
    offre_url = reverse("commissions:offre", args=[offre.pk])
    page = client.post(
        offre_url, {"reponse-reponse": "refuse", "reponse-repondue_le": timezone.localdate().isoformat()}
    ).content.decode()
    assert 'href="#id_reponse-motif_refus"' in page and 'href="#id_reponse-logement_adapte-groupe"' in page
    client.post(
        offre_url,
        {
            "reponse-reponse": "refuse",
            "reponse-repondue_le": timezone.localdate().isoformat(),
            "reponse-motif_refus": "localisation",
            "reponse-logement_adapte": "oui",
        },
    )
    offre.refresh_from_db()
    assert (offre.statut, offre.motif_refus, offre.logement_adapte) == (StatutOffre.REFUSEE, "localisation", True)
    reponse = client.post(reverse("commissions:offre_suivante", args=[offre.pk]))
    seconde = Offre.objects.exclude(pk=offre.pk).get()
    assert seconde.demande == c.demandes[1]
    client.post(
        reverse("commissions:offre", args=[seconde.pk]),
        {"reponse-reponse": "accepte", "reponse-repondue_le": timezone.localdate().isoformat()},
    )
    reponse = client.post(
        reverse("commissions:bail", args=[seconde.pk]),
        {"bail-date_signature": timezone.localdate().isoformat(), "bail-accord_collectif": "on"},
    )
    assert reponse.status_code == 302
    c.demandes[1].refresh_from_db()
    assert c.demandes[1].statut == StatutDemande.RADIEE
    page = client.get(reverse("commissions:offres")).content.decode()
    assert "Acceptée, bail signé" in page and "Refusée" in page

    # The demand page tells the story in plain French (the bailleur works in Narbonne, wished by the demand).
    c.bailleur.perimetre.add(NARBONNE)
    page = client.get(reverse("demandes:detail", args=[c.demandes[1].pk])).content.decode()
    assert "Suivi de l'attribution" in page
    assert "vous a classé au rang 2 pour le logement T3 OUEST-001 à Narbonne" in page
    assert "votre demande est satisfaite" in page


def test_un_membre_vote_a_distance_depuis_son_compte(monde: Caleol) -> None:
    c = monde
    maire = membre(c.etat, username="maire.narbonne")
    commission = commission_creer(
        auteur=acteur_systeme("test"),
        bailleur=c.bailleur,
        nom="CAL numérique",
        membres=[
            {
                "nom": "Mme Durand",
                "qualite": QualiteMembre.ADMINISTRATEUR,
                "voix": Voix.DELIBERATIVE,
                "president": True,
            },
            {"nom": "Maire", "qualite": QualiteMembre.MAIRE, "voix": Voix.DELIBERATIVE, "utilisateur": maire},
        ],
    )
    seance = seance_creer(
        auteur=acteur_systeme("test"), commission=commission, date_seance=timezone.localdate(), a_distance=True
    )
    examen = examen_inscrire(
        auteur=acteur_systeme("test"), seance=seance, logement=c.logement, candidats=c.demandes[:3]
    )[0]
    url = reverse("commissions:vote", args=[examen.pk])
    vote_maire = _client(maire)
    assert vote_maire.get(reverse("commissions:seance", args=[seance.pk])).status_code == 200
    assert vote_maire.post(url, {f"vote-{examen.pk}-sens": "pour"}).status_code == 404  # not open yet
    durand = commission.membres.get(nom="Mme Durand")
    secretariat = _client(c.gestionnaire)
    secretariat.post(reverse("commissions:presences", args=[seance.pk]), {f"presences-membre_{durand.pk}": "seance"})
    secretariat.post(reverse("commissions:ouvrir", args=[seance.pk]))
    page = vote_maire.get(reverse("commissions:seance", args=[seance.pk])).content.decode()
    assert "Votre vote à distance" in page and "Enregistrer la décision" not in page
    page = vote_maire.post(url, {}).content.decode()
    assert f'href="#id_vote-{examen.pk}-sens-groupe"' in page
    assert vote_maire.post(url, {f"vote-{examen.pk}-sens": "pour"}).status_code == 302
    page = secretariat.get(reverse("commissions:seance", args=[seance.pk])).content.decode()
    assert "Maire pour l&#x27;attribution (à distance)" in page
    assert "2 membres à voix délibérative présents sur 2, dont 1 à distance" in page
    # The secretary's account is not the member's: no remote vote for it.
    assert secretariat.post(url, {f"vote-{examen.pk}-sens": "contre"}).status_code == 404


def test_creer_une_commission_avec_ses_membres(monde: Caleol) -> None:
    client = _client(monde.gestionnaire)
    donnees = {
        "commission-bailleur": monde.bailleur.pk,
        "commission-nom": "CALEOL Coursan",
        "commission-quorum": "2",
        "membres-TOTAL_FORMS": "9",
        "membres-INITIAL_FORMS": "0",
        "membres-0-nom": "M. Leroy",
        "membres-0-qualite": "administrateur",
        "membres-0-voix": "deliberative",
        "membres-0-president": "on",
        "membres-1-nom": "Préfecture",
        "membres-1-qualite": "reservataire",
        "membres-1-voix": "deliberative",
    }
    page = client.post(reverse("commissions:nouvelle"), donnees).content.decode()
    assert 'href="#id_membres-1-voix"' in page and "voix consultative selon L441-2 CCH" in page
    donnees["membres-1-voix"] = "consultative"
    page = client.post(reverse("commissions:nouvelle"), donnees).content.decode()
    assert "dépasse le nombre de membres à voix délibérative (1)" in page
    donnees["commission-quorum"] = "1"
    reponse = client.post(reverse("commissions:nouvelle"), donnees)
    commission = Commission.objects.get(nom="CALEOL Coursan")
    assert reponse.url == reverse("commissions:commission", args=[commission.pk])
    assert commission.quorum == 1 and commission.membres.count() == 2
    page = client.get(reverse("commissions:commission", args=[commission.pk])).content.decode()
    assert "Quorum : <strong>1 membre à voix délibérative</strong> (fixé par le règlement intérieur" in page


def test_la_commande_de_nuit_constate_les_offres_sans_reponse(caleol: Caleol) -> None:
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    decision_enregistrer(
        auteur=acteur_systeme("test"), examen=examens[0], type_decision="attribution", votes=caleol.pour
    )
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=caleol.seance.date)
    sortie = StringIO()
    call_command("expirer_offres", date=(offre.date_limite + timedelta(days=1)).isoformat(), stdout=sortie)
    assert sortie.getvalue().strip() == (
        f"Au {offre.date_limite + timedelta(days=1):%d/%m/%Y} : 1 offre(s) sans réponse dans le délai, réputée(s) "
        "refusée(s) ; les logements peuvent être offerts au candidat suivant."
    )
    offre.refresh_from_db()
    assert offre.statut == StatutOffre.EXPIREE


def test_le_courrier_de_proposition_dit_le_logement_le_rang_et_l_echeance(caleol: Caleol) -> None:
    """The bailleur prints the offer letter: addressed to the applicant, the dwelling, its rent, the decision and
    its rank, the deadline (10 days, R441-10) and what no answer means; other organisations cannot print it."""
    from attrib.commissions import courrier

    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    for rang, examen in enumerate(examens, start=1):
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=examen,
            type_decision="attribution_classement",
            rang=rang,
            votes=caleol.pour,
        )
    premiere = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=caleol.seance.date)
    offre_repondre(
        auteur=acteur_systeme("test"),
        offre=premiere,
        accepte=False,
        repondue_le=caleol.seance.date,
        motif_refus="loyer",
        logement_adapte=True,
    )
    offre = offre_suivante(
        auteur=acteur_systeme("test"), offre=premiere, envoyee_le=caleol.seance.date + timedelta(days=1)
    )

    html = render_to_string(courrier.GABARIT, courrier.contexte(offre))
    demandeur = offre.demande.demandeur
    assert f"{demandeur.prenoms} {demandeur.nom}" in html
    assert "Attribution par classement (R441-3 b)</strong>, au rang 2" in html
    assert "T3, 65" in html and ("412,50 €" in html or "412.50 €" in html)
    assert f"au plus tard le {offre.date_limite:%d/%m/%Y}" in html
    assert "Vous disposez de 10 jours" in html and "la proposition est considérée comme refusée" in html
    assert "R441-10 CCH" in html

    client = Client()
    client.force_login(caleol.gestionnaire)
    reponse = client.get(reverse("commissions:offre_courrier", args=[offre.pk]))
    assert reponse["Content-Type"] == "application/pdf" and reponse.content.startswith(b"%PDF")
    assert f"proposition-logement-OUEST-001-{offre.demande.numero_unique}.pdf" in reponse["Content-Disposition"]
    autre = Client()
    autre.force_login(membre(caleol.etat, username="prefecture"))
    assert autre.get(reverse("commissions:offre_courrier", args=[offre.pk])).status_code == 404


def test_l_accueil_du_bailleur_montre_les_offres_en_attente_et_les_seances_prevues(caleol: Caleol) -> None:
    """The bailleur's home page counts the offers waiting for an answer and the sessions planned from today; a
    guichet without access to the CALEOL does not get the section."""
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    decision_enregistrer(
        auteur=acteur_systeme("test"), examen=examens[0], type_decision="attribution", votes=caleol.pour
    )
    offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=caleol.seance.date)
    seance_creer(
        auteur=acteur_systeme("test"),
        commission=caleol.commission,
        date_seance=timezone.localdate() + timedelta(days=14),
    )
    client = Client()
    client.force_login(caleol.gestionnaire)
    page = client.get(reverse("accueil")).content.decode()
    assert '<p class="fr-tile__detail attrib-chiffre" id="nb-offres-en-attente">1</p>' in page
    assert '<p class="fr-tile__detail attrib-chiffre" id="nb-seances-prevues">1</p>' in page
    guichet = Client()
    guichet.force_login(membre(caleol.desk, username="agent.guichet"))
    assert "nb-offres-en-attente" not in guichet.get(reverse("accueil")).content.decode()
