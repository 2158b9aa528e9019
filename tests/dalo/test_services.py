"""Services of the DALO follow-up: the decision's history kept in step with the demand, its frozen deadline, the
checks of its date, the designation, the lifting of the obligation, the litigation, and the nightly alerts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from attrib.commissions.enums import Contingent, StatutOffre
from attrib.commissions.models import Offre
from attrib.dalo import selectors
from attrib.dalo.alertes import alertes_dalo_ecrire
from attrib.dalo.enums import EtatDecision, NatureAlerte, SensDecision
from attrib.dalo.models import AlerteDalo, DecisionDalo
from attrib.dalo.services import designation_enregistrer, obligation_lever, recours_enregistrer
from attrib.demandes.services import demande_decision_dalo_enregistrer, demande_modifier
from attrib.engine.dalo import StatutDalo
from attrib.organisations.acteurs import Refus, acteur_de
from tests.dalo.conftest import SYSTEME, MondeDalo, reconnaitre
from tests.factories import creer_demande, personne

pytestmark = pytest.mark.django_db


def _statuts(monde: MondeDalo) -> dict[str, StatutDalo]:
    rangees = selectors.tableau(acteur_de(monde.agent_etat), timezone.localdate())
    return {r.decision.demande.numero_unique: r.statut for r in rangees}


def test_une_reconnaissance_a_la_creation_de_la_demande_porte_son_echeance(monde_dalo: MondeDalo) -> None:
    bail = monde_dalo.base.baux[0]  # lease 1: recognised on 10/01/2024 in the Aude, rehoused on 20/01/2026
    d = DecisionDalo.objects.get(demande=bail.demande)
    assert (d.sens, d.delai_mois, d.date_limite_relogement) == (SensDecision.FAVORABLE, 3, date(2024, 4, 10))
    ligne = selectors.lignes([d], timezone.localdate())[0]
    assert ligne.statut == StatutDalo.RELOGE and ligne.bail_le == date(2026, 1, 20)
    assert not ligne.reloge_dans_le_delai


def test_le_tableau_classe_par_echeance_avec_les_situations(monde_dalo: MondeDalo) -> None:
    statuts = _statuts(monde_dalo)
    assert statuts[monde_dalo.dans_le_delai.numero_unique] == StatutDalo.DANS_LE_DELAI
    assert statuts[monde_dalo.proche.numero_unique] == StatutDalo.ECHEANCE_PROCHE
    assert statuts[monde_dalo.depasse.numero_unique] == StatutDalo.DELAI_DEPASSE
    limites = [
        r.decision.date_limite_relogement
        for r in selectors.tableau(acteur_de(monde_dalo.agent_etat), timezone.localdate())
    ]
    assert limites == sorted(limites)


def test_l_echeance_est_figee_a_l_enregistrement(monde_dalo: MondeDalo, monkeypatch: pytest.MonkeyPatch) -> None:
    d = DecisionDalo.objects.get(demande=monde_dalo.proche, etat=EtatDecision.EN_VIGUEUR)
    limite = d.date_limite_relogement
    # the rule changes afterwards: the recorded deadline does not move
    from attrib.engine import dalo as moteur

    regle = moteur.regle(timezone.localdate())
    monkeypatch.setattr(moteur, "regle", lambda jour: regle.__class__(**{**regle.__dict__, "delai_mois": 6}))
    ligne = selectors.lignes([d], timezone.localdate())[0]
    assert ligne.decision.date_limite_relogement == limite


def test_une_nouvelle_decision_remplace_et_une_decision_videe_annule(monde_dalo: MondeDalo) -> None:
    demande = monde_dalo.dans_le_delai
    premiere = DecisionDalo.objects.get(demande=demande, etat=EtatDecision.EN_VIGUEUR)
    reconnaitre(demande, timezone.localdate(), sens=SensDecision.REORIENTATION)
    premiere.refresh_from_db()
    assert premiere.etat == EtatDecision.REMPLACEE and premiere.close_le is not None
    nouvelle = DecisionDalo.objects.get(demande=demande, etat=EtatDecision.EN_VIGUEUR)
    assert nouvelle.sens == SensDecision.REORIENTATION and nouvelle.date_limite_relogement is None
    demande.refresh_from_db()
    assert demande.dalo_reconnu is False
    # the desk clears the DALO fields of the demand: the decision in force is annulled
    demande_modifier(
        demande=demande,
        auteur=SYSTEME,
        donnees={"dalo_reconnu": False, "dalo_date_decision": None, "dalo_commission": ""},
    )
    nouvelle.refresh_from_db()
    assert nouvelle.etat == EtatDecision.ANNULEE
    assert not DecisionDalo.objects.filter(demande=demande, etat=EtatDecision.EN_VIGUEUR).exists()
    assert demande.numero_unique not in _statuts(monde_dalo)


def test_la_page_historique_sans_sens_garde_une_reorientation(monde_dalo: MondeDalo) -> None:
    demande = monde_dalo.dans_le_delai
    jour = timezone.localdate()
    reconnaitre(demande, jour, sens=SensDecision.REORIENTATION)
    # the same decision recorded again through the demand's own service (« non reconnu »): nothing changes
    demande_decision_dalo_enregistrer(
        demande=demande, auteur=SYSTEME, reconnu=False, date_decision=jour, commission="COMED de l'Aude"
    )
    assert DecisionDalo.objects.get(demande=demande, etat=EtatDecision.EN_VIGUEUR).sens == SensDecision.REORIENTATION


@pytest.mark.parametrize(
    ("ecart", "message"),
    [(1, "futur"), (None, "01/01/2008")],
)
def test_date_de_decision_refusee(monde_dalo: MondeDalo, ecart: int | None, message: str) -> None:
    jour = timezone.localdate() + timedelta(days=ecart) if ecart else date(2007, 12, 31)
    with pytest.raises(ValidationError) as exc:
        reconnaitre(monde_dalo.dans_le_delai, jour)
    assert message in str(exc.value.message_dict["dalo_date_decision"])
    assert DecisionDalo.objects.filter(demande=monde_dalo.dans_le_delai).count() == 1


def test_une_decision_ne_precede_pas_celle_qu_elle_remplace(monde_dalo: MondeDalo) -> None:
    with pytest.raises(ValidationError) as exc:
        reconnaitre(monde_dalo.proche, timezone.localdate() - timedelta(days=200))
    assert "ne peut pas lui être antérieure" in str(exc.value)
    monde_dalo.proche.refresh_from_db()
    assert monde_dalo.proche.dalo_date_decision == timezone.localdate() - timedelta(days=80)  # nothing written


def test_une_decision_peut_preceder_l_enregistrement_de_la_demande(monde_dalo: MondeDalo) -> None:
    demande = creer_demande(guichet_org=monde_dalo.base.desk, personnes=[personne(nom="Apres")])
    d = reconnaitre(demande, demande.date_depot_initiale - timedelta(days=40))
    assert d.date_decision < demande.date_depot_initiale and d.favorable


def test_designation_par_l_etat_seulement(monde_dalo: MondeDalo) -> None:
    d = DecisionDalo.objects.get(demande=monde_dalo.depasse, etat=EtatDecision.EN_VIGUEUR)
    jour = timezone.localdate()
    for agent in (monde_dalo.agent_epci, monde_dalo.agent_bailleur, monde_dalo.lecteur_etat):
        with pytest.raises(Refus):
            designation_enregistrer(
                decision=d, auteur=acteur_de(agent), bailleur=monde_dalo.base.bailleur, date_designation=jour
            )
    x = designation_enregistrer(
        decision=d,
        auteur=acteur_de(monde_dalo.agent_etat),
        bailleur=monde_dalo.base.bailleur,
        date_designation=jour,
        contingent=Contingent.ACTION_LOGEMENT,
        reservataire=monde_dalo.base.action_logement,
    )
    assert x.reservataire == monde_dalo.base.action_logement
    # the bailleur now sees the household designated to it, and only it
    vus = {r.decision.pk for r in selectors.tableau(acteur_de(monde_dalo.agent_bailleur), jour)}
    assert vus == {d.pk}
    par_reservataire = selectors.tableau(
        acteur_de(monde_dalo.agent_etat), jour, {"reservataire": str(monde_dalo.base.action_logement.pk)}
    )
    assert [r.decision.pk for r in par_reservataire] == [d.pk]


def test_designation_datee_dans_la_vie_de_la_decision(monde_dalo: MondeDalo) -> None:
    d = DecisionDalo.objects.get(demande=monde_dalo.depasse, etat=EtatDecision.EN_VIGUEUR)
    etat = acteur_de(monde_dalo.agent_etat)
    with pytest.raises(ValidationError) as exc:
        designation_enregistrer(
            decision=d, auteur=etat, bailleur=monde_dalo.base.etat, date_designation=d.date_decision - timedelta(days=1)
        )
    erreurs = exc.value.message_dict
    assert "n'est pas un bailleur social" in erreurs["bailleur"][0]
    assert "ne peut pas précéder la décision" in erreurs["date_designation"][0]


def _figue(monde: MondeDalo) -> tuple[DecisionDalo, Offre]:
    figue = monde.base.figurants[0]
    d = reconnaitre(figue, date(2026, 6, 15))
    offre = Offre.objects.get(demande=figue, statut=StatutOffre.REFUSEE)
    return d, offre


def test_obligation_levee_apres_le_refus_d_une_offre_adaptee(monde_dalo: MondeDalo) -> None:
    d, offre = _figue(monde_dalo)
    etat = acteur_de(monde_dalo.agent_etat)
    with pytest.raises(ValidationError) as exc:
        obligation_lever(decision=d, auteur=etat, offre=offre, date_levee=date(2026, 7, 5), motif="")
    assert set(exc.value.message_dict) == {"motif", "date_levee"}
    obligation_lever(
        decision=d, auteur=etat, offre=offre, date_levee=date(2026, 7, 10), motif="T3 adapté, loyer couvert par l'APL."
    )
    ligne = selectors.lignes([DecisionDalo.objects.get(pk=d.pk)], timezone.localdate())[0]
    assert ligne.statut == StatutDalo.OBLIGATION_LEVEE
    assert ligne.refus and "Loyer" in ligne.refus[0].texte
    with pytest.raises(ValidationError):
        designation_enregistrer(
            decision=d, auteur=etat, bailleur=monde_dalo.base.bailleur, date_designation=date(2026, 8, 1)
        )


def test_l_offre_doit_etre_celle_du_menage_et_posterieure(monde_dalo: MondeDalo) -> None:
    d, offre = _figue(monde_dalo)
    etat = acteur_de(monde_dalo.agent_etat)
    autre = Offre.objects.exclude(demande=d.demande).filter(statut=StatutOffre.ACCEPTEE).first()
    assert autre is not None
    with pytest.raises(ValidationError) as exc:
        obligation_lever(decision=d, auteur=etat, offre=autre, date_levee=date(2026, 7, 10), motif="adaptée")
    assert "n'a pas été faite à ce ménage" in exc.value.message_dict["offre"][0]


def test_recours_seulement_apres_l_echeance(monde_dalo: MondeDalo) -> None:
    etat = acteur_de(monde_dalo.agent_etat)
    proche = DecisionDalo.objects.get(demande=monde_dalo.proche, etat=EtatDecision.EN_VIGUEUR)
    with pytest.raises(ValidationError) as exc:
        recours_enregistrer(decision=proche, auteur=etat, date_recours=timezone.localdate())
    assert "qu'après l'échéance" in exc.value.message_dict["date_recours"][0]
    depasse = DecisionDalo.objects.get(demande=monde_dalo.depasse, etat=EtatDecision.EN_VIGUEUR)
    assert recours_enregistrer(decision=depasse, auteur=etat, date_recours=timezone.localdate()).recours_le


def test_alertes_de_la_nuit_une_fois_par_nature(monde_dalo: MondeDalo) -> None:
    jour = timezone.localdate()
    rapport = alertes_dalo_ecrire(auteur=SYSTEME, jour=jour)
    assert rapport.examinees == 2 and rapport.ecrites == 2 and not rapport.sautees
    natures = dict(AlerteDalo.objects.values_list("decision__demande_id", "nature"))
    assert natures == {
        monde_dalo.proche.pk: NatureAlerte.ECHEANCE_PROCHE,
        monde_dalo.depasse.pk: NatureAlerte.DELAI_DEPASSE,
    }
    assert set(AlerteDalo.objects.values_list("organisation_id", flat=True)) == {monde_dalo.etat.pk}
    again = alertes_dalo_ecrire(auteur=SYSTEME, jour=jour)
    assert again.ecrites == 0 and again.deja_ecrites == 2
    # the near one's deadline passes: it gets its « délai dépassé » alert too
    call_command("alerter_dalo", "--maintenant", "--date", (jour + timedelta(days=40)).isoformat())
    assert AlerteDalo.objects.filter(decision__demande=monde_dalo.proche).count() == 2
    assert selectors.alertes(acteur_de(monde_dalo.agent_action)) == []


def test_alertes_un_dossier_illisible_n_arrete_pas_le_lot(
    monde_dalo: MondeDalo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from attrib.dalo import alertes

    vrai = alertes._destinataires

    def casse(decision: DecisionDalo) -> list:  # type: ignore[type-arg]
        if decision.demande_id == monde_dalo.proche.pk:
            raise RuntimeError("enregistrement illisible")
        return vrai(decision)

    monkeypatch.setattr(alertes, "_destinataires", casse)
    rapport = alertes_dalo_ecrire(auteur=SYSTEME, jour=timezone.localdate())
    assert rapport.ecrites == 1
    assert rapport.sautees == [f"Demande {monde_dalo.proche.numero_unique} : alerte non écrite."]


def test_chiffres_du_pilotage(monde_dalo: MondeDalo) -> None:
    jour = timezone.localdate()
    c = selectors.chiffres(monde_dalo.agent_etat, date(2008, 1, 1), jour, jour)
    # leases 1 and 9 (rehoused after their deadline), the three households waiting, one of them past its deadline
    assert (c.reconnus, c.reloges_dans_le_delai, c.reloges_hors_delai, c.en_attente, c.delai_depasse) == (5, 0, 2, 3, 1)


def test_le_label_dalo_suit_la_decision(monde_dalo: MondeDalo) -> None:
    from attrib.labellisation.enums import StatutLabel
    from attrib.labellisation.models import Label

    demande = monde_dalo.dans_le_delai
    label = Label.objects.get(demande=demande, type_label="dalo")
    assert label.statut == StatutLabel.VALIDE
    assert label.valide_du == max(demande.date_depot_initiale, timezone.localdate() - timedelta(days=20))
    reconnaitre(demande, timezone.localdate(), sens=SensDecision.DEFAVORABLE)
    label.refresh_from_db()
    assert label.statut == StatutLabel.RETIRE
    assert not Label.objects.filter(demande=demande, type_label="dalo", statut=StatutLabel.VALIDE).exists()


def test_une_decision_enregistree_hors_de_l_etat_propose_le_label_a_l_etat(monde_dalo: MondeDalo) -> None:
    from attrib.labellisation.enums import StatutLabel
    from attrib.labellisation.models import Label
    from attrib.labellisation.services import label_valider

    # A desk's or an import's recording of the commission's decision is the household's declaration: the State,
    # which holds the right, checks it; until then the DALO points stay provisional.
    demande = creer_demande(guichet_org=monde_dalo.base.desk, personnes=[personne(nom="Declare")])
    reconnaitre(demande, timezone.localdate() - timedelta(days=5))
    label = Label.objects.get(demande=demande, type_label="dalo")
    assert label.statut == StatutLabel.PROPOSE
    assert "à vérifier" in label.motif
    assert not demande.situations_prioritaires.filter(priorite_id="dalo", statut="validee").exists()
    label_valider(label=label, auteur=acteur_de(monde_dalo.agent_etat))
    label.refresh_from_db()
    assert label.statut == StatutLabel.VALIDE
    assert demande.situations_prioritaires.filter(priorite_id="dalo", statut="validee").exists()
    # A later unfavourable decision withdraws it.
    reconnaitre(demande, timezone.localdate(), sens=SensDecision.DEFAVORABLE, auteur=monde_dalo.agent_etat)
    label.refresh_from_db()
    assert label.statut == StatutLabel.RETIRE
