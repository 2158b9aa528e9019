"""The partner committee's services: a case brought, put on the agenda, assessed, given opinions and decisions in
an open session, followed and closed; every date checked against the life of its object; a refused actor writes
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from attrib.organisations.acteurs import ANONYME, Refus
from attrib.partenariat import services
from attrib.partenariat.enums import MotifCloture, NatureDecision, SensAvis, StatutDossier, StatutSeance
from attrib.partenariat.models import DecisionCommission, Dossier, SeancePartenariale
from tests.partenariat.conftest import SYSTEME, Monde

pytestmark = pytest.mark.django_db


def _seance_ouverte(monde: Monde, dossier: Dossier, *, jours: int = 0) -> SeancePartenariale:
    seance = services.seance_creer(
        commission=monde.commission,
        date_seance=monde.jour - timedelta(days=jours),
        lieu="Hôtel d'agglomération",
        auteur=monde.acteur("epci"),
    )
    services.dossier_inscrire(dossier=dossier, seance=seance, auteur=monde.acteur("epci"))
    return services.seance_ouvrir(seance=seance, auteur=monde.acteur("epci"))


def test_une_saisine_par_un_service_social_puis_une_orientation_avec_echeance(monde: Monde) -> None:
    dossier = monde.saisir()
    assert dossier.statut == StatutDossier.OUVERT and dossier.echeance is None
    seance = _seance_ouverte(monde, dossier)
    services.avis_donner(
        dossier=dossier,
        seance=seance,
        organisation=monde.orgs["bailleur"],
        sens=SensAvis.FAVORABLE,
        texte="",
        auteur=monde.acteur("bailleur"),
    )
    echeance = monde.jour + timedelta(days=90)
    decision = services.decision_prendre(
        dossier=dossier,
        seance=seance,
        nature=NatureDecision.ORIENTATION,
        organisation_cible=monde.orgs["action_logement"],
        echeance=echeance,
        auteur=monde.acteur("epci"),
    )
    dossier.refresh_from_db()
    assert decision.date_decision == seance.date and dossier.echeance == echeance
    assert "Action Logement" in services.decision_en_clair(decision)


def test_une_demande_radiee_ne_saisit_pas_la_commission(monde: Monde) -> None:
    monde.demande.statut = "radiee"
    monde.demande.date_radiation = monde.jour
    monde.demande.motif_radiation = "abandon"
    monde.demande.save()
    with pytest.raises(ValidationError) as exc:
        monde.saisir()
    assert "radiée" in str(exc.value.message_dict["demande"])


def test_une_saisine_ne_precede_pas_l_enregistrement_ni_ne_suit_aujourd_hui(monde: Monde) -> None:
    with pytest.raises(ValidationError) as exc:
        monde.saisir(saisi_le=monde.demande.date_enregistrement - timedelta(days=1))
    assert "précède l'enregistrement" in str(exc.value.message_dict["saisi_le"])
    with pytest.raises(ValidationError):
        monde.saisir(saisi_le=monde.jour + timedelta(days=1))


def test_un_seul_dossier_ouvert_par_demande(monde: Monde) -> None:
    monde.saisir()
    with pytest.raises(ValidationError):
        monde.saisir()


def test_pas_de_decision_hors_d_une_seance_ouverte_ni_d_echeance_avant_la_decision(monde: Monde) -> None:
    dossier = monde.saisir()
    seance = services.seance_creer(
        commission=monde.commission, date_seance=monde.jour, lieu="Narbonne", auteur=monde.acteur("epci")
    )
    services.dossier_inscrire(dossier=dossier, seance=seance, auteur=monde.acteur("epci"))
    with pytest.raises(ValidationError) as exc:
        services.decision_prendre(
            dossier=dossier,
            seance=seance,
            nature=NatureDecision.AJOURNEMENT,
            motif="Pièces",
            auteur=monde.acteur("epci"),
        )
    assert "n'est pas ouverte" in str(exc.value.message_dict["seance"])
    services.seance_ouvrir(seance=seance, auteur=monde.acteur("epci"))
    with pytest.raises(ValidationError) as exc:
        services.decision_prendre(
            dossier=dossier,
            seance=seance,
            nature=NatureDecision.ORIENTATION,
            organisation_cible=monde.orgs["bailleur"],
            echeance=seance.date,
            auteur=monde.acteur("epci"),
        )
    assert "suit la décision" in str(exc.value.message_dict["echeance"])
    with pytest.raises(ValidationError) as exc:
        services.decision_prendre(
            dossier=dossier,
            seance=seance,
            nature=NatureDecision.ORIENTATION,
            organisation_cible=monde.orgs["service_social"],
            echeance=seance.date + timedelta(days=30),
            auteur=monde.acteur("epci"),
        )
    assert "ni un bailleur ni un réservataire" in str(exc.value.message_dict["organisation_cible"])


def test_une_seance_ne_s_ouvre_pas_avant_son_jour(monde: Monde) -> None:
    seance = services.seance_creer(
        commission=monde.commission,
        date_seance=monde.jour + timedelta(days=7),
        lieu="Narbonne",
        auteur=monde.acteur("epci"),
    )
    with pytest.raises(ValidationError):
        services.seance_ouvrir(seance=seance, auteur=monde.acteur("epci"))


def test_la_cloture_de_la_seance_fige_son_compte_rendu_sans_donnee_personnelle(monde: Monde) -> None:
    dossier = monde.saisir()
    seance = _seance_ouverte(monde, dossier)
    services.presences_enregistrer(
        seance=seance, membres=[m.pk for m in monde.commission.membres.all()[:3]], auteur=monde.acteur("epci")
    )
    services.decision_prendre(
        dossier=dossier,
        seance=seance,
        nature=NatureDecision.MESURE_ACCOMPAGNEMENT,
        mesure="avdl",
        operateur="Association fictive d'accompagnement",
        auteur=monde.acteur("epci"),
    )
    seance = services.seance_clore(seance=seance, auteur=monde.acteur("epci"))
    assert seance.statut == StatutSeance.CLOSE and len(seance.compte_rendu_empreinte) == 64
    assert monde.demande.numero_unique in seance.compte_rendu_html
    assert "AVDL" in seance.compte_rendu_html
    assert "Martin" not in seance.compte_rendu_html  # the household's name never reaches the minutes
    assert seance.compte_rendu_pdf.read()[:5] == b"%PDF-"
    with pytest.raises(ValidationError):
        services.avis_donner(
            dossier=dossier,
            seance=seance,
            organisation=monde.orgs["bailleur"],
            sens=SensAvis.FAVORABLE,
            texte="",
            auteur=monde.acteur("bailleur"),
        )


def test_un_avis_reserve_est_motive(monde: Monde) -> None:
    dossier = monde.saisir()
    seance = _seance_ouverte(monde, dossier)
    with pytest.raises(ValidationError) as exc:
        services.avis_donner(
            dossier=dossier,
            seance=seance,
            organisation=monde.orgs["bailleur"],
            sens=SensAvis.RESERVE,
            texte="",
            auteur=monde.acteur("bailleur"),
        )
    assert "texte" in exc.value.message_dict


def test_la_base_refuse_une_orientation_sans_echeance(monde: Monde) -> None:
    dossier = monde.saisir()
    seance = _seance_ouverte(monde, dossier)
    with pytest.raises(IntegrityError):
        DecisionCommission.objects.create(
            dossier=dossier,
            seance=seance,
            nature=NatureDecision.ORIENTATION,
            organisation_cible=monde.orgs["bailleur"],
            date_decision=seance.date,
        )


def test_un_acteur_sans_droit_n_ecrit_rien(monde: Monde) -> None:
    avant = Dossier.objects.count()
    for nom in ("guichet", "commune", "etat_consultation"):
        with pytest.raises(Refus):
            services.dossier_saisir(
                commission=monde.commission,
                demande=monde.demande,
                organisation=monde.orgs["service_social"],
                motif="Essai",
                auteur=monde.acteur(nom),
            )
    with pytest.raises(Refus):
        services.dossier_saisir(
            commission=monde.commission,
            demande=monde.demande,
            organisation=monde.orgs["service_social"],
            motif="Essai",
            auteur=ANONYME,
        )
    assert Dossier.objects.count() == avant
    dossier = monde.saisir()
    with pytest.raises(Refus):
        services.seance_creer(
            commission=monde.commission, date_seance=monde.jour, lieu="Narbonne", auteur=monde.acteur("bailleur")
        )
    with pytest.raises(Refus):
        services.evaluation_joindre(
            dossier=dossier,
            organisation=monde.orgs["bailleur"],
            texte="Essai",
            date_evaluation=monde.jour,
            auteur=monde.acteur("bailleur"),
        )
    with pytest.raises(Refus):
        services.dossier_clore(dossier=dossier, motif=MotifCloture.AUTRE, precision="x", auteur=monde.acteur("commune"))


def test_cloture_autre_motif_et_relogement_sans_bail_refuse(monde: Monde) -> None:
    dossier = monde.saisir()
    with pytest.raises(ValidationError) as exc:
        services.dossier_clore(dossier=dossier, motif=MotifCloture.RELOGE, auteur=monde.acteur("service_social"))
    assert "Aucun bail" in str(exc.value.message_dict["motif"])
    cloture = services.dossier_clore(
        dossier=dossier, motif=MotifCloture.AUTRE, precision="Ménage parti du département.", auteur=SYSTEME
    )
    dossier.refresh_from_db()
    assert dossier.statut == StatutDossier.CLOS and cloture.date_cloture == monde.jour


def test_le_label_decide_en_seance_est_attribue_par_la_labellisation_et_l_etat(monde: Monde) -> None:
    from attrib.labellisation.selectors import labels_en_vigueur
    from attrib.labellisation.services import consentement_recueillir

    consentement_recueillir(
        demande=monde.demande,
        objet="partage_partenaires",
        mode="ecrit",
        auteur=monde.acteur("guichet"),
    )
    dossier = monde.saisir()
    seance = _seance_ouverte(monde, dossier)
    with pytest.raises(Refus):  # a commune does not hold the validation right of the DALO label
        services.decision_prendre(
            dossier=dossier,
            seance=seance,
            nature=NatureDecision.LABEL,
            type_label="dalo",
            auteur=monde.acteur("commune"),
        )
    decision = services.decision_prendre(
        dossier=dossier,
        seance=seance,
        nature=NatureDecision.LABEL,
        type_label="dalo",
        motif="Reconnu prioritaire et urgent.",
        auteur=monde.acteur("etat"),
    )
    assert [label.code for label in labels_en_vigueur([monde.demande.pk], monde.jour)[monde.demande.pk]] == ["dalo"]
    assert decision.type_label_libelle.startswith("Reconnu prioritaire")
