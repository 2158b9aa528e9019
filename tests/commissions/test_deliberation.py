"""Quorum, votes and casting vote of the CALEOL (L441-2 CCH, caleol.yaml), remote voting (CAL numérique),
closing a session, and the applicant's notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from attrib.commissions import parametres, selectors
from attrib.commissions.enums import ModePresence, QualiteMembre, SensVote, StatutSeance, TypeDecision, Voix
from attrib.commissions.models import Presence, Vote
from attrib.commissions.services import (
    bail_signer,
    commission_creer,
    commission_quorum_fixer,
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    presences_enregistrer,
    seance_cloturer,
    seance_creer,
    seance_ouvrir,
    vote_enregistrer,
)
from attrib.engine.caleol import VoteCompte, decompter
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from tests.factories import Caleol, a_l_heure, membre
from tests.factories.modeles import JOUR_SEANCE

pytestmark = pytest.mark.django_db


def _membres(c: Caleol) -> dict[str, object]:
    return {m.nom: m for m in c.commission.membres.all()}


def _vote(nom: str, qualite: str, sens: str, president: bool = False) -> VoteCompte:
    return VoteCompte(membre=nom, qualite=qualite, qualite_libelle=qualite, president=president, sens=sens)


# --- counting rules (pure) -----------------------------------------------------------------------------


def test_majorite_des_suffrages_exprimes_sans_compter_les_abstentions() -> None:
    regles = {"qualites_preponderantes": ("maire",), "a_defaut_president": True, "majorite": "suffrages_exprimes"}
    d = decompter(
        [
            _vote("A", "administrateur", "pour"),
            _vote("B", "administrateur", "abstention"),
            _vote("C", "maire", "abstention"),
        ],
        **regles,
    )
    assert (d.pour, d.contre, d.abstentions, d.adopte) == (1, 0, 2, True)
    assert d.phrase == "1 voix pour, 0 contre, 2 abstentions : attribution adoptée."
    assert not decompter([_vote("A", "administrateur", "abstention")], **regles).adopte


def test_en_cas_d_egalite_la_voix_du_maire_est_preponderante_a_defaut_celle_du_president() -> None:
    regles = {"qualites_preponderantes": ("maire",), "a_defaut_president": True, "majorite": "suffrages_exprimes"}
    egalite = [_vote("Mme Durand", "administrateur", "pour", president=True), _vote("M. le maire", "maire", "contre")]
    d = decompter(egalite, **regles)
    assert not d.adopte and d.voix_preponderante == "M. le maire (maire)"
    sans_maire = [
        _vote("Mme Durand", "administrateur", "pour", president=True),
        _vote("M. Roux", "administrateur", "contre"),
    ]
    d = decompter(sans_maire, **regles)
    assert d.adopte and "voix prépondérante de Mme Durand (président)" in d.phrase
    assert not decompter(sans_maire, **(regles | {"a_defaut_president": False})).adopte


def test_les_regles_de_deliberation_sont_des_donnees_datees() -> None:
    assert parametres.voix_preponderante(JOUR_SEANCE) == (("maire",), True)
    assert parametres.majorite(JOUR_SEANCE) == "suffrages_exprimes"
    assert [parametres.quorum_defaut(n, JOUR_SEANCE) for n in (1, 3, 4, 9)] == [1, 2, 2, 5]


# --- quorum ---------------------------------------------------------------------------------------------


def test_la_seance_ne_s_ouvre_pas_sans_quorum(caleol: Caleol) -> None:
    seance = seance_creer(
        auteur=acteur_systeme("test"), commission=caleol.commission, date_seance=JOUR_SEANCE + timedelta(days=7)
    )
    m = _membres(caleol)
    # One deliberative member out of three, plus the consultative réservataire: 1 < 2 required.
    presences_enregistrer(
        auteur=acteur_systeme("test"),
        seance=seance,
        presences={m["Mme Durand"].pk: ModePresence.SEANCE, m["Action Logement"].pk: "seance"},
    )
    with pytest.raises(ValidationError) as exc:
        seance_ouvrir(auteur=acteur_systeme("test"), seance=seance, ouverte_le=a_l_heure(seance.date))
    assert exc.value.message_dict["presences"] == [
        "Quorum non atteint : 1 membre à voix délibérative présent sur 3 ; 2 requis (la moitié au moins des "
        "membres à voix délibérative, règle par défaut). La séance ne peut pas s'ouvrir."
    ]
    presences_enregistrer(
        auteur=acteur_systeme("test"), seance=seance, presences={m["M. Roux"].pk: ModePresence.SEANCE}
    )
    assert (
        seance_ouvrir(auteur=acteur_systeme("test"), seance=seance, ouverte_le=a_l_heure(seance.date)).statut
        == StatutSeance.OUVERTE
    )


def test_le_quorum_du_reglement_interieur_remplace_la_regle_par_defaut(caleol: Caleol) -> None:
    with pytest.raises(ValidationError) as exc:
        commission_quorum_fixer(auteur=acteur_systeme("test"), commission=caleol.commission, quorum=4)
    assert "dépasse le nombre de membres à voix délibérative (3)" in exc.value.message_dict["quorum"][0]
    commission_quorum_fixer(auteur=acteur_systeme("test"), commission=caleol.commission, quorum=3)
    caleol.commission.refresh_from_db()
    seance = seance_creer(
        auteur=acteur_systeme("test"), commission=caleol.commission, date_seance=JOUR_SEANCE + timedelta(days=7)
    )
    m = _membres(caleol)
    presences_enregistrer(
        auteur=acteur_systeme("test"),
        seance=seance,
        presences={m["Mme Durand"].pk: "seance", m["M. Roux"].pk: "seance"},
    )
    etat = selectors.quorum(seance)
    assert (etat.presents, etat.requis, etat.atteint) == (2, 3, False)
    assert "fixé par le règlement intérieur de la commission" in etat.phrase


def test_pas_de_decision_quand_le_quorum_est_perdu_en_cours_de_seance(caleol: Caleol) -> None:
    examen = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )[0]
    m = _membres(caleol)
    presences_enregistrer(
        auteur=acteur_systeme("test"),
        seance=caleol.seance,
        presences={m["M. Roux"].pk: "", m["Maire de Narbonne"].pk: ""},
    )
    with pytest.raises(ValidationError) as exc:
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=examen,
            type_decision=TypeDecision.ATTRIBUTION,
            votes={m["Mme Durand"].pk: "pour"},
        )
    assert "Quorum non atteint" in exc.value.message_dict["examen"][0]
    assert not Vote.objects.exists()


# --- votes ---------------------------------------------------------------------------------------------


def test_la_decision_suit_le_vote_et_garde_le_decompte(caleol: Caleol) -> None:
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    m = _membres(caleol)
    votes = {m["Mme Durand"].pk: "pour", m["M. Roux"].pk: "contre", m["Maire de Narbonne"].pk: "contre"}
    with pytest.raises(ValidationError) as exc:
        decision_enregistrer(
            auteur=acteur_systeme("test"), examen=examens[0], type_decision=TypeDecision.ATTRIBUTION, votes=votes
        )
    assert exc.value.message_dict["type_decision"] == [
        "Vote : 1 voix pour, 2 contre, 0 abstention : attribution rejetée. La décision ne peut pas être une attribution."
    ]
    assert not Vote.objects.exists(), "les votes d'une décision refusée ne sont pas gardés"
    decision = decision_enregistrer(
        auteur=acteur_systeme("test"),
        examen=examens[0],
        type_decision=TypeDecision.NON_ATTRIBUTION,
        motif="Typologie inadaptée.",
        votes=votes,
    )
    assert (decision.votes_pour, decision.votes_contre, decision.abstentions) == (1, 2, 0)
    assert (decision.presents_deliberatifs, decision.quorum_requis) == (3, 2)


def test_egalite_tranchee_par_le_maire(caleol: Caleol) -> None:
    examen = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )[0]
    m = _membres(caleol)
    votes = {m["Mme Durand"].pk: "contre", m["M. Roux"].pk: "abstention", m["Maire de Narbonne"].pk: "pour"}
    with pytest.raises(ValidationError):
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=examen,
            type_decision=TypeDecision.ATTRIBUTION,
            votes=votes | {m["M. Roux"].pk: "contre"},
        )
    decision = decision_enregistrer(
        auteur=acteur_systeme("test"),
        examen=examen,
        type_decision=TypeDecision.ATTRIBUTION,
        votes=votes | {m["Mme Durand"].pk: "contre"},
    )
    # 1 pour, 1 contre, 1 abstention: the mayor's vote breaks the tie.
    assert decision.voix_preponderante == "Maire de Narbonne (maire de la commune)"
    examen.refresh_from_db()
    assert selectors.decompte(examen).adopte


def test_seuls_les_membres_deliberatifs_presents_votent(caleol: Caleol) -> None:
    examen = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )[0]
    m = _membres(caleol)
    with pytest.raises(ValidationError) as exc:
        vote_enregistrer(auteur=acteur_systeme("test"), examen=examen, membre=m["Action Logement"], sens=SensVote.POUR)
    assert "voix consultative" in exc.value.message_dict["membre"][0]
    presence = Presence.objects.get(seance=caleol.seance, membre=m["Action Logement"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(examen=examen, presence=presence, voix=Voix.CONSULTATIVE, sens=SensVote.POUR)
    durand = Presence.objects.get(seance=caleol.seance, membre=m["Mme Durand"])
    Vote.objects.create(examen=examen, presence=durand, voix=Voix.DELIBERATIVE, sens=SensVote.POUR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(examen=examen, presence=durand, voix=Voix.DELIBERATIVE, sens=SensVote.CONTRE)


def test_vote_a_distance_par_le_compte_du_membre_pendant_une_seance_numerique_ouverte(caleol: Caleol) -> None:
    maire = membre(caleol.etat, username="maire.narbonne")
    commission = commission_creer(
        auteur=acteur_systeme("test"),
        bailleur=caleol.bailleur,
        nom="CAL numérique",
        membres=[
            {
                "nom": "Mme Durand",
                "qualite": QualiteMembre.ADMINISTRATEUR,
                "voix": Voix.DELIBERATIVE,
                "president": True,
            },
            {
                "nom": "Maire de Narbonne",
                "qualite": QualiteMembre.MAIRE,
                "voix": Voix.DELIBERATIVE,
                "utilisateur": maire,
            },
        ],
    )
    seance = seance_creer(
        auteur=acteur_systeme("test"), commission=commission, date_seance=JOUR_SEANCE, a_distance=True
    )
    m = {x.nom: x for x in commission.membres.all()}
    presences_enregistrer(
        auteur=acteur_systeme("test"), seance=seance, presences={m["Mme Durand"].pk: ModePresence.SEANCE}
    )
    examen = examen_inscrire(
        auteur=acteur_systeme("test"), seance=seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )[0]
    with pytest.raises(ValidationError):
        vote_enregistrer(
            examen=examen, membre=m["Maire de Narbonne"], sens="pour", a_distance=True, auteur=acteur_de(maire)
        )
    seance_ouvrir(auteur=acteur_systeme("test"), seance=seance, ouverte_le=a_l_heure(seance.date))
    with pytest.raises(PermissionDenied):
        vote_enregistrer(
            examen=examen,
            membre=m["Maire de Narbonne"],
            sens="pour",
            a_distance=True,
            auteur=acteur_de(caleol.gestionnaire),
        )
    vote = vote_enregistrer(
        examen=examen, membre=m["Maire de Narbonne"], sens="pour", a_distance=True, auteur=acteur_de(maire)
    )
    assert vote.a_distance and vote.presence.mode == ModePresence.DISTANCE
    assert selectors.quorum(seance).phrase.startswith(
        "Quorum atteint : 2 membres à voix délibérative présents sur 2, dont 1 à distance"
    )
    decision = decision_enregistrer(
        auteur=acteur_systeme("test"),
        examen=examen,
        type_decision=TypeDecision.ATTRIBUTION,
        votes={m["Mme Durand"].pk: "pour"},
    )
    assert decision.votes_pour == 2


def test_une_presence_a_distance_suppose_une_seance_numerique(caleol: Caleol) -> None:
    seance = seance_creer(
        auteur=acteur_systeme("test"), commission=caleol.commission, date_seance=JOUR_SEANCE + timedelta(days=7)
    )
    roux = _membres(caleol)["M. Roux"]
    with pytest.raises(ValidationError) as exc:
        presences_enregistrer(auteur=acteur_systeme("test"), seance=seance, presences={roux.pk: ModePresence.DISTANCE})
    assert "n'est pas ouverte à la participation à distance" in exc.value.message_dict[f"membre_{roux.pk}"][0]


# --- closing and notifications -------------------------------------------------------------------------


def test_la_seance_se_clot_quand_chaque_candidat_a_sa_decision(caleol: Caleol) -> None:
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    decision_enregistrer(
        auteur=acteur_systeme("test"), examen=examens[0], type_decision=TypeDecision.ATTRIBUTION, votes=caleol.pour
    )
    with pytest.raises(ValidationError) as exc:
        seance_cloturer(auteur=acteur_systeme("test"), seance=caleol.seance)
    assert "n'a pas encore statué sur 2 candidature(s)" in exc.value.message_dict["seance"][0]
    for rang, e in enumerate(examens[1:], start=2):
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=rang,
            votes=caleol.pour,
        )
    assert seance_cloturer(auteur=acteur_systeme("test"), seance=caleol.seance).statut == StatutSeance.TENUE
    with pytest.raises(ValidationError):
        vote_enregistrer(
            auteur=acteur_systeme("test"), examen=examens[0], membre=_membres(caleol)["M. Roux"], sens="pour"
        )


def test_le_demandeur_suit_son_attribution_en_francais_courant(caleol: Caleol) -> None:
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    decision_enregistrer(
        auteur=acteur_systeme("test"), examen=examens[0], type_decision=TypeDecision.ATTRIBUTION, votes=caleol.pour
    )
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=JOUR_SEANCE)
    offre_repondre(
        auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=JOUR_SEANCE + timedelta(days=2)
    )
    bail_signer(
        auteur=acteur_systeme("test"),
        offre=offre,
        date_signature=JOUR_SEANCE + timedelta(days=5),
        accord_collectif=False,
        deja_locataire=False,
    )
    notes = selectors.notifications_de(caleol.demandes[0])
    assert [n.titre for n in notes] == [
        "Présentation en commission",
        "Décision de la commission",
        "Offre de logement",
        "Offre acceptée",
        "Bail signé",
    ]
    assert notes[1].message.startswith(
        "La commission d'attribution du 10/03/2026 vous a attribué le logement T3 OUEST-001 à Narbonne."
    )
    assert "Répondez au plus tard le 20/03/2026" in notes[2].message
    assert "loyer 412.50 € par mois" in notes[2].message
    assert selectors.notifications_de(caleol.demandes[3]) == []
