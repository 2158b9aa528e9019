"""One household, one attribution at a time (issue 10, rule 5): a household holding an offer waiting for its
answer or accepted is flagged on every shortlist, left out of batch proposals by default, and designating or
attributing it elsewhere takes an explicit decision with its reason, journalled; otherwise it is refused with a
French message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from attrib.commissions.enums import SensVote, TypeDecision, Voix
from attrib.commissions.models import Examen, Offre, Seance
from attrib.commissions.services import (
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    presences_enregistrer,
    seance_creer,
    seance_ouvrir,
)
from attrib.common.models import Evenement
from attrib.engine.appariement import instance_depuis_index
from attrib.engine.rapprochement.preselection import SIGNAL_OFFRE_EN_COURS
from attrib.organisations.acteurs import acteur_systeme
from attrib.rapprochement import moteur
from attrib.rapprochement.services import lot_proposer
from tests.rapprochement.conftest import Monde
from tests.rapprochement.test_vues import choix_poste

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _seance_du_jour(monde: Monde) -> Seance:
    seance = seance_creer(auteur=acteur_systeme("test"), commission=monde.commission, date_seance=monde.jour)
    presences_enregistrer(
        auteur=acteur_systeme("test"), seance=seance, presences={m.pk: "seance" for m in monde.commission.membres.all()}
    )
    return seance


def _pour(monde: Monde) -> dict[int, str]:
    return {m.pk: SensVote.POUR for m in monde.commission.membres.filter(voix=Voix.DELIBERATIVE)}


def _offre_acceptee(monde: Monde) -> Offre:
    """The DALO household is attributed PINS-1 today and accepts the offer."""
    d = monde.demandes
    seance = _seance_du_jour(monde)
    examens = examen_inscrire(
        auteur=acteur_systeme("test"),
        seance=seance,
        logement=monde.ll_propre.logement,
        candidats=[d["dalo"], d["famille"], d["couple"]],
    )
    seance_ouvrir(auteur=acteur_systeme("test"), seance=seance)
    for e in examens:
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=e.rang_propose,
            votes=_pour(monde),
        )
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=monde.ll_propre.logement, envoyee_le=monde.jour)
    assert offre.demande == d["dalo"]
    return offre_repondre(auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=monde.jour)


def test_le_menage_qui_a_accepte_une_offre_est_signale_sur_la_preselection(monde: Monde) -> None:
    _offre_acceptee(monde)
    d = monde.demandes
    html = _client(monde.gestionnaire_etat).get(reverse("rapprochement:preselection", args=[monde.ll_etat.pk]))
    page = html.content.decode()
    bloc = page.split(f'id="candidat-{d["dalo"].numero_unique}"', 1)[1].split("</section>", 1)[0]
    assert "Offre en cours</span>" in bloc
    assert f"Offre en cours : logement PINS-1, acceptée le {monde.jour:%d/%m/%Y}." in bloc
    assert "Un ménage n&#x27;a qu&#x27;une attribution à la fois" in bloc
    # Flagged, never chosen by default: the réservataire gives ranks itself.
    assert f'name="rang-{d["dalo"].numero_unique}" value=""' in page
    assert "1 candidat a déjà une offre de logement en cours (signalée)." in page
    # The engine carries the flag for every shortlist (the demo's included).
    it = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    pre = it.index.preselection(moteur.logement_moteur(monde.ll_etat), nombre=10)
    signales = {c.demande: c for c in pre.candidats if c.offre_en_cours}
    assert set(signales) == {d["dalo"].numero_unique}
    assert SIGNAL_OFFRE_EN_COURS in signales[d["dalo"].numero_unique].signaux()


def test_le_menage_est_laisse_hors_des_propositions_par_lot(monde: Monde) -> None:
    _offre_acceptee(monde)
    d = monde.demandes
    it = moteur.index_territoire(monde.epci.epci, jour=monde.jour)
    logements = [moteur.logement_moteur(monde.ll_etat)]
    assert d["dalo"].numero_unique not in instance_depuis_index(it.index, logements).demandes
    assert d["dalo"].numero_unique in instance_depuis_index(it.index, logements, inclure_offres_en_cours=True).demandes
    lot = lot_proposer(
        auteur=acteur_systeme("test"),
        organisation=monde.etat,
        epci=monde.epci.epci,
        debut=monde.jour,
        fin=monde.jour + timedelta(days=30),
        aujourd_hui=monde.jour,
    )
    r = lot.resultat
    assert r["offres_en_cours"] == 1 and r["logements"], lot.message
    for ligne in r["logements"]:
        assert d["dalo"].pk not in ligne["candidats_pk"]
    page = _client(monde.gestionnaire_etat).get(reverse("rapprochement:lot", args=[lot.pk])).content.decode()
    assert "1 ménage ayant une offre de logement en cours" in page


def test_le_designer_ailleurs_demande_une_decision_motivee_et_journalisee(monde: Monde) -> None:
    _offre_acceptee(monde)
    d = monde.demandes
    url = reverse("rapprochement:preselection", args=[monde.ll_etat.pk])
    client = _client(monde.gestionnaire_etat)
    rangs = {"dalo": 1, "famille": 2, "couple": 3}
    reponse = client.post(url, choix_poste(monde, rangs))
    assert reponse.status_code == 200
    assert (
        f"la demande {d['dalo'].numero_unique} a déjà une offre en cours (logement PINS-1, acceptée le "
        f"{monde.jour:%d/%m/%Y}) : un ménage n&#x27;a qu&#x27;une attribution à la fois."
    ) in reponse.content.decode()
    assert not Examen.objects.filter(logement=monde.ll_etat.logement).exists()
    motif = "Le ménage a demandé à se désister de PINS-1, logement trop éloigné de l'école ; courrier du 02/12."
    reponse = client.post(url, choix_poste(monde, rangs, **{"designation-derogation_offre": motif}))
    assert reponse.status_code == 302
    assert Examen.objects.filter(logement=monde.ll_etat.logement).count() == 3
    (journal,) = Evenement.objects.filter(action="designation_malgre_offre", cible_id=str(d["dalo"].pk))
    assert journal.details["motif"] == motif and journal.auteur == monde.gestionnaire_etat
    assert "malgré l'offre en cours (logement PINS-1)" in journal.resume


def test_l_attribuer_ailleurs_demande_une_decision_motivee(monde: Monde) -> None:
    _offre_acceptee(monde)
    d = monde.demandes
    seance = _seance_du_jour(monde)
    examens = examen_inscrire(
        auteur=acteur_systeme("test"),
        seance=seance,
        logement=monde.ll_etat.logement,
        candidats=[d["dalo"], d["recent"], d["modeste"]],
        derogation_offre="Désistement annoncé pour PINS-1.",
    )
    seance_ouvrir(auteur=acteur_systeme("test"), seance=seance)
    with pytest.raises(ValidationError) as exc:
        decision_enregistrer(
            auteur=acteur_systeme("test"), examen=examens[0], type_decision=TypeDecision.ATTRIBUTION, votes=_pour(monde)
        )
    assert exc.value.message_dict["derogation_attribution"] == [
        f"La demande {d['dalo'].numero_unique} a déjà une offre en cours (logement PINS-1, acceptée le "
        f"{monde.jour:%d/%m/%Y}) : un ménage n'a qu'une attribution à la fois. Pour lui attribuer aussi ce "
        "logement, indiquez le motif de cette décision."
    ]
    assert not hasattr(examens[0], "decision") or examens[0].decision is None
    decision = decision_enregistrer(
        auteur=acteur_systeme("test"),
        examen=examens[0],
        type_decision=TypeDecision.ATTRIBUTION,
        votes=_pour(monde),
        derogation_attribution="Le ménage renonce à PINS-1 (lettre reçue ce jour).",
    )
    assert decision.derogation_attribution == "Le ménage renonce à PINS-1 (lettre reçue ce jour)."
    (journal,) = Evenement.objects.filter(action="attribution_malgre_offre")
    assert journal.details["motif"] == decision.derogation_attribution
    # A non-attribution of another household needs no reason.
    decision_enregistrer(
        auteur=acteur_systeme("test"),
        examen=examens[1],
        type_decision=TypeDecision.NON_ATTRIBUTION,
        motif="Typologie inadaptée.",
        votes={k: SensVote.CONTRE for k in _pour(monde)},
    )


def test_la_seance_signale_l_offre_en_cours_et_demande_le_motif_a_l_ecran(monde: Monde) -> None:
    _offre_acceptee(monde)
    d = monde.demandes
    seance = _seance_du_jour(monde)
    examens = examen_inscrire(
        auteur=acteur_systeme("test"),
        seance=seance,
        logement=monde.ll_etat.logement,
        candidats=[d["dalo"], d["recent"], d["modeste"]],
        derogation_offre="Désistement annoncé pour PINS-1.",
    )
    seance_ouvrir(auteur=acteur_systeme("test"), seance=seance)
    client = _client(monde.gestionnaire_bailleur)
    page = client.get(reverse("commissions:seance", args=[seance.pk])).content.decode()
    assert "Offre en cours : logement PINS-1</p>" in page
    assert "Motif de l&#x27;attribution malgré l&#x27;offre en cours" in page
    prefixe = f"examen-{examens[0].pk}"
    votes = {f"{prefixe}-vote_{pk}": "pour" for pk in _pour(monde)}
    url = reverse("commissions:decision", args=[examens[0].pk])
    page = client.post(url, {f"{prefixe}-type_decision": "attribution", **votes}).content.decode()
    assert "un ménage n&#x27;a qu&#x27;une attribution à la fois" in page
    assert f'href="#id_{prefixe}-derogation_attribution"' in page
    reponse = client.post(
        url,
        {
            f"{prefixe}-type_decision": "attribution",
            f"{prefixe}-derogation_attribution": "Renonce à PINS-1 (courrier du jour).",
            **votes,
        },
    )
    assert reponse.status_code == 302
    assert Evenement.objects.filter(action="attribution_malgre_offre", auteur=monde.gestionnaire_bailleur).exists()
