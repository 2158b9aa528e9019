"""The life of a priority label (golden): who proposes, who validates by the dated local rule, refusal with a
reason, expiry, renewal; its effect on the legal priority and on the validated score."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from attrib.common.models import Evenement
from attrib.cotation.models import Cotation
from attrib.demandes.enums import StatutValidation
from attrib.demandes.models import SituationPrioritaire
from attrib.labellisation.enums import ObjetConsentement, StatutLabel
from attrib.labellisation.models import Label, RegleLabellisation
from attrib.labellisation.selectors import labels_en_vigueur, peut_valider, validateur_de
from attrib.labellisation.services import (
    accompagnement_ouvrir,
    consentement_recueillir,
    consentement_retirer,
    critere_valider,
    criteres_a_evaluer,
    label_attribuer,
    label_proposer,
    label_refuser,
    label_renouveler,
    label_retirer,
    label_valider,
    labels_expirer,
)
from attrib.organisations.acteurs import Refus
from tests.factories import creer_demande
from tests.labellisation.conftest import SYSTEME

EPCI = "241100593"


def _demande_violences(ml):
    return creer_demande(
        guichet_org=ml.desk, priorites=("l441_g",), date_depot=ml.jour - timedelta(days=400), aujourd_hui=ml.jour
    )


def _scores(demande):
    c = Cotation.objects.get(demande=demande)
    return c.score_provisoire, c.score_valide


def test_le_guichet_propose_l_etat_valide_par_defaut(ml):
    d = ml.d["couple"]
    label = label_proposer(demande=d, type_label="l441_k", motif="Hébergée chez un tiers", auteur=ml.guichet)
    assert label.statut == StatutLabel.PROPOSE and label.organisation == ml.desk
    assert validateur_de(EPCI, "l441_k", ml.jour) == ml.monde.etat
    assert not peut_valider(ml.epci, d, "l441_k", ml.jour)
    with pytest.raises(Refus):
        label_valider(label=label, auteur=ml.epci)
    with pytest.raises(Refus):
        label_valider(label=label, auteur=ml.guichet)
    label = label_valider(label=label, auteur=ml.etat, commentaire="Attestation d'hébergement vue")
    assert label.statut == StatutLabel.VALIDE
    assert label.valide_du == ml.jour and label.valide_jusqu_au == date(2027, 6, 14)
    assert label.validateur == ml.monde.etat
    situation = SituationPrioritaire.objects.get(demande=d, priorite_id="l441_k")
    assert situation.statut == StatutValidation.VALIDEE
    assert [x.code for x in labels_en_vigueur([d.pk], ml.jour)[d.pk]] == ["l441_k"]
    assert Evenement.objects.filter(action="label_valide", visible_demandeur=True).exists()


def test_la_regle_locale_datee_designe_le_validateur(ml):
    d = ml.d["couple"]
    RegleLabellisation.objects.create(
        epci_id=EPCI, type_label="l441_k", validateur=ml.monde.epci, debut=ml.jour - timedelta(days=1), duree_mois=6
    )
    assert validateur_de(EPCI, "l441_k", ml.jour) == ml.monde.epci
    assert validateur_de(EPCI, "l441_k", ml.jour - timedelta(days=2)) == ml.monde.etat
    label = label_proposer(demande=d, type_label="l441_k", motif="Sans logement", auteur=ml.guichet)
    with pytest.raises(Refus):
        label_valider(label=label, auteur=ml.etat)
    label = label_valider(label=label, auteur=ml.epci)
    assert label.valide_jusqu_au == date(2026, 12, 14)  # the rule's six months


def test_un_refus_dit_son_motif_et_clot_le_label(ml):
    d = ml.d["couple"]
    label = label_proposer(demande=d, type_label="l441_c", motif="Difficultés", auteur=ml.guichet)
    with pytest.raises(ValidationError) as e:
        label_refuser(label=label, auteur=ml.etat, motif="  ")
    assert "motif" in e.value.message_dict
    label = label_refuser(label=label, auteur=ml.etat, motif="Ressources au-dessus du seuil du plan")
    assert label.statut == StatutLabel.REFUSE and label.motif_refus
    with pytest.raises(ValidationError, match="clos"):
        label_valider(label=label, auteur=ml.etat)
    # A new proposal may follow.
    assert label_proposer(demande=d, type_label="l441_c", motif="Nouvelle situation", auteur=ml.guichet).pk


def test_une_seule_proposition_ouverte_par_type(ml):
    d = ml.d["couple"]
    label_proposer(demande=d, type_label="l441_k", motif="Sans logement", auteur=ml.guichet)
    with pytest.raises(ValidationError, match="attend déjà"):
        label_proposer(demande=d, type_label="l441_k", motif="Encore", auteur=ml.guichet)


def test_un_bailleur_ne_propose_pas(ml):
    with pytest.raises(Refus):
        label_proposer(demande=ml.d["couple"], type_label="l441_k", motif="x", auteur=ml.bailleur)


def test_expiration_et_effet_sur_le_score(ml):
    d = _demande_violences(ml)
    provisoire, valide = _scores(d)
    assert provisoire - valide == 500  # violences: waiting for a validation
    label = label_proposer(demande=d, type_label="l441_g", motif="Violences attestées", auteur=ml.guichet)
    label = label_valider(label=label, auteur=ml.etat, valide_du=ml.jour - timedelta(days=300))
    assert label.valide_jusqu_au == date(2026, 8, 18)
    assert _scores(d)[1] == provisoire  # validated: the 500 points count
    assert labels_expirer(aujourd_hui=date(2026, 8, 18), auteur=SYSTEME).expires == 0
    rapport = labels_expirer(aujourd_hui=date(2026, 8, 19), auteur=SYSTEME)
    assert rapport.expires == 1 and not rapport.sautes
    label.refresh_from_db()
    assert label.statut == StatutLabel.EXPIRE and label.clos_le == date(2026, 8, 19)
    assert SituationPrioritaire.objects.get(demande=d, priorite_id="l441_g").statut == StatutValidation.DECLAREE
    assert _scores(d)[1] == valide
    assert labels_expirer(aujourd_hui=date(2026, 8, 20), auteur=SYSTEME).expires == 0  # idempotent
    with pytest.raises(Refus):
        labels_expirer(aujourd_hui=ml.jour, auteur=ml.etat)


def test_renouvellement_dans_la_fenetre(ml):
    d = ml.d["couple"]
    label = label_proposer(demande=d, type_label="l441_k", motif="Sans logement", auteur=ml.guichet)
    label = label_valider(label=label, auteur=ml.etat, valide_du=ml.jour - timedelta(days=200))
    assert label.valide_jusqu_au == date(2026, 11, 26)
    with pytest.raises(ValidationError, match="à partir du 27/09/2026"):
        label_renouveler(label=label, auteur=ml.guichet, motif="Toujours sans logement")
    renouvellement = label_renouveler(
        label=label, auteur=ml.guichet, motif="Toujours sans logement", aujourd_hui=date(2026, 10, 1)
    )
    assert renouvellement.renouvelle == label and renouvellement.statut == StatutLabel.PROPOSE
    renouvellement = label_valider(label=renouvellement, auteur=ml.etat, aujourd_hui=date(2026, 10, 2))
    label.refresh_from_db()
    assert label.statut == StatutLabel.EXPIRE and label.valide_jusqu_au == date(2026, 10, 1)
    assert renouvellement.valide_du == date(2026, 10, 2)
    assert renouvellement.valide_jusqu_au == date(2027, 10, 1)


def test_retrait_d_un_label_valide_rend_la_situation_declaree(ml):
    d = ml.d["couple"]
    label = label_valider(
        label=label_proposer(demande=d, type_label="l441_k", motif="Sans logement", auteur=ml.guichet),
        auteur=ml.etat,
    )
    with pytest.raises(Refus):
        label_retirer(label=label, auteur=ml.guichet, motif="Relogé")
    label_retirer(label=label, auteur=ml.etat, motif="Hébergement stable trouvé")
    assert SituationPrioritaire.objects.get(demande=d, priorite_id="l441_k").statut == StatutValidation.DECLAREE
    assert labels_en_vigueur([d.pk], ml.jour) == {}


def test_decision_dalo_enregistree_par_l_etat(ml):
    d = ml.d["couple"]
    with pytest.raises(Refus):
        label_attribuer(
            demande=d, type_label="dalo", auteur=ml.guichet, date_decision=ml.jour, motif="Commission du 10/06"
        )
    with pytest.raises(ValidationError):
        label_attribuer(
            demande=d, type_label="dalo", auteur=ml.etat, date_decision=ml.jour + timedelta(days=1), motif="x"
        )
    label = label_attribuer(
        demande=d,
        type_label="dalo",
        auteur=ml.etat,
        date_decision=ml.jour - timedelta(days=5),
        motif="Commission de médiation de l'Aude, décision du 10/06/2026",
    )
    assert label.statut == StatutLabel.VALIDE and label.valide_jusqu_au is None
    assert SituationPrioritaire.objects.get(demande=d, priorite_id="dalo").statut == StatutValidation.VALIDEE
    assert labels_expirer(aujourd_hui=date(2040, 1, 1), auteur=SYSTEME).expires == 0


def test_le_menage_propose_depuis_son_espace(ml):
    from attrib.organisations.acteurs import Acteur, Nature

    d = ml.d["couple"]
    menage = Acteur(nature=Nature.DEMANDEUR, demande_ids=frozenset({d.pk}), demandes_titulaire=frozenset({d.pk}))
    label = label_proposer(demande=d, type_label="l441_k", motif="Je dors chez ma sœur", auteur=menage)
    assert label.par_demandeur and label.organisation is None
    with pytest.raises(Refus):  # the plan's priority is not proposed by the household
        label_proposer(demande=d, type_label="pdalhpd", motif="x", auteur=menage)
    autre = Acteur(nature=Nature.DEMANDEUR, demande_ids=frozenset({d.pk}))
    with pytest.raises(Refus):  # a co-applicant's access does not propose
        label_proposer(demande=d, type_label="l441_c", motif="x", auteur=autre)


def test_le_travailleur_social_valide_un_critere_du_menage_qu_il_suit(ml):
    d = _demande_violences(ml)
    provisoire, valide = _scores(d)
    assert [c for c, _ in criteres_a_evaluer(d)] == ["violences"]
    with pytest.raises(Refus):  # not followed yet
        critere_valider(demande=d, critere_id="violences", auteur=ml.social, evaluation="Entretien du 12/06")
    consentement = consentement_recueillir(
        demande=d,
        objet=ObjetConsentement.ACCOMPAGNEMENT_SOCIAL,
        auteur=ml.social,
        mode="entretien",
        organisation=ml.service,
    )
    accompagnement_ouvrir(demande=d, auteur=ml.social, consentement=consentement)
    with pytest.raises(ValidationError):
        critere_valider(demande=d, critere_id="anciennete", auteur=ml.social, evaluation="x")
    with pytest.raises(ValidationError):
        critere_valider(demande=d, critere_id="violences", auteur=ml.social, evaluation=" ")
    critere_valider(demande=d, critere_id="violences", auteur=ml.social, evaluation="Entretien du 12/06, suivi")
    assert _scores(d) == (provisoire, provisoire)
    assert criteres_a_evaluer(d) == []
    # The household withdraws its consent: the follow-up ends, no new validation by that service.
    consentement_retirer(consentement=consentement, auteur=ml.social)
    from attrib.labellisation.selectors import suit_le_menage

    assert not suit_le_menage(ml.social, d, ml.jour)
    assert valide < provisoire


def test_contraintes_de_la_base(ml):
    from django.db import IntegrityError, transaction

    d = ml.d["couple"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Label.objects.create(demande=d, type_label="l441_k", statut=StatutLabel.REFUSE, propose_le=ml.jour, motif="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Label.objects.create(
            demande=d,
            type_label="l441_k",
            statut=StatutLabel.VALIDE,
            propose_le=ml.jour,
            motif="x",
            examine_le=ml.jour,
            valide_du=ml.jour,
            valide_jusqu_au=ml.jour - timedelta(days=1),
        )
