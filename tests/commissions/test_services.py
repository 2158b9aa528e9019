"""CALEOL decisions, offers and leases through the services (R441-3, R441-10 CCH, SNE attribution fields)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from attrib.commissions import parametres
from attrib.commissions.enums import Contingent, MotifRefus, QualiteMembre, StatutOffre, TypeDecision, Voix
from attrib.commissions.models import Bail, Decision, Examen, Offre
from attrib.commissions.services import (
    bail_signer,
    commission_creer,
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    offre_suivante,
    offres_expirer,
)
from attrib.common.models import Evenement
from attrib.demandes.enums import MotifRadiation, StatutDemande
from attrib.flux.enums import StatutOrientation
from attrib.flux.services import convention_enregistrer, logement_declarer_libere, orientation_forcer
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from tests.factories import Caleol
from tests.factories.modeles import JOUR_SEANCE

pytestmark = pytest.mark.django_db

ENVOI = JOUR_SEANCE + timedelta(days=1)


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def _classer(c: Caleol, n: int = 3) -> list[Decision]:
    """Inscribe the first ``n`` demands for the dwelling and attribute by rank in that order."""
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=c.seance, logement=c.logement, candidats=c.demandes[:n]
    )
    return [
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=e.rang_propose,
            votes=c.pour,
        )
        for e in examens
    ]


def _evenements(demande: object, action: str) -> list[Evenement]:
    return list(Evenement.objects.filter(cible_id=str(demande.pk), action=action))  # type: ignore[attr-defined]


# --- parameters ------------------------------------------------------------------------------


def test_les_types_de_decision_du_fichier_de_parametres_sont_ceux_du_code() -> None:
    assert set(parametres.types_decision(JOUR_SEANCE)) == set(TypeDecision.values)
    assert parametres.candidats_minimum(JOUR_SEANCE) == 3
    assert set(parametres.exceptions_candidats(JOUR_SEANCE)) == {"designation_dalo", "plai_adapte"}


# --- commission --------------------------------------------------------------------------------


def test_un_reservataire_non_membre_n_a_pas_voix_deliberative(caleol: Caleol) -> None:
    with pytest.raises(ValidationError) as exc:
        commission_creer(
            auteur=acteur_systeme("test"),
            bailleur=caleol.bailleur,
            nom="CALEOL Gruissan",
            membres=[{"nom": "Action Logement", "qualite": QualiteMembre.RESERVATAIRE, "voix": Voix.DELIBERATIVE}],
        )
    assert "voix consultative selon L441-2" in _messages(exc)["membres[1].voix"][0]


def test_seul_un_gestionnaire_du_bailleur_inscrit_des_candidats(caleol: Caleol) -> None:
    from tests.factories import membre

    autre = membre(caleol.etat, username="prefecture")
    with pytest.raises(PermissionDenied):
        examen_inscrire(
            seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3], auteur=acteur_de(autre)
        )
    assert not Examen.objects.exists()


def test_le_reservataire_du_logement_inscrit_ses_candidats_un_autre_non(caleol: Caleol) -> None:
    """The State's managers designate the candidates of a dwelling oriented to the State and put them on the
    bailleur's agenda themselves (the entry is signed by them); Action Logement, not oriented, may not."""
    from tests.factories import membre

    debut = date(JOUR_SEANCE.year, 1, 1)
    etat = convention_enregistrer(
        auteur=acteur_systeme("test"),
        bailleur=caleol.bailleur,
        reservataire=caleol.etat,
        categorie="etat",
        part=Decimal("30"),
        debut=debut,
    )
    libere = logement_declarer_libere(
        auteur=acteur_systeme("test"),
        logement=caleol.logement,
        date_liberation=JOUR_SEANCE,
        nature="relocation",
        aujourd_hui=JOUR_SEANCE,
    )
    if libere.orientation.reservataire_id != caleol.etat.pk:
        orientation_forcer(
            orientation=libere.orientation,
            reservataire=etat,
            motif="Relogement prioritaire",
            auteur=acteur_de(caleol.gestionnaire),
            aujourd_hui=JOUR_SEANCE,
        )
    action_logement = Organisation.objects.create(
        nom="Action Logement", type=TypeOrganisation.RESERVATAIRE, categorie_reservataire="action_logement"
    )
    with pytest.raises(PermissionDenied):
        examen_inscrire(
            seance=caleol.seance,
            logement=caleol.logement,
            candidats=caleol.demandes[:3],
            auteur=acteur_de(membre(action_logement, username="action.logement")),
        )
    prefecture = membre(caleol.etat, username="prefecture")
    examens = examen_inscrire(
        seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3], auteur=acteur_de(prefecture)
    )
    assert [e.rang_propose for e in examens] == [1, 2, 3]


# --- three candidates and the exceptions ------------------------------------------------------------


def test_moins_de_trois_candidats_est_refuse_avec_un_message_clair(caleol: Caleol) -> None:
    with pytest.raises(ValidationError) as exc:
        examen_inscrire(
            auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:2]
        )
    message = _messages(exc)["candidats"][0]
    assert "au moins 3 candidats par logement (R441-3 CCH) : 2 proposé(s) pour le logement OUEST-001" in message
    assert not Examen.objects.exists()


def test_trois_candidats_sont_inscrits_dans_l_ordre_et_notifies(caleol: Caleol) -> None:
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    assert [(e.demande, e.rang_propose) for e in examens] == [(d, i) for i, d in enumerate(caleol.demandes[:3], 1)]
    (evt,) = _evenements(caleol.demandes[0], "caleol_inscription")
    assert evt.visible_demandeur and "commission d'attribution du 10/03/2026" in evt.resume


def test_exception_dalo_un_seul_candidat_designe(caleol: Caleol) -> None:
    dalo = caleol.demande("Lefebvre", dalo_reconnu=True, dalo_date_decision=date(2025, 11, 4))
    (examen,) = examen_inscrire(
        auteur=acteur_systeme("test"),
        seance=caleol.seance,
        logement=caleol.logement,
        candidats=[dalo],
        exception="designation_dalo",
    )
    assert examen.exception_candidats == "designation_dalo"


def test_exception_dalo_refusee_pour_un_menage_non_dalo(caleol: Caleol) -> None:
    with pytest.raises(ValidationError) as exc:
        examen_inscrire(
            auteur=acteur_systeme("test"),
            seance=caleol.seance,
            logement=caleol.logement,
            candidats=caleol.demandes[:1],
            exception="designation_dalo",
        )
    assert "n'est pas reconnue prioritaire DALO" in _messages(exc)["candidats[1]"][0]


def test_exception_plai_adapte_seulement_pour_un_logement_plai(caleol: Caleol) -> None:
    (examen,) = examen_inscrire(
        auteur=acteur_systeme("test"),
        seance=caleol.seance,
        logement=caleol.logement_plai,
        candidats=caleol.demandes[:1],
        exception="plai_adapte",
    )
    assert examen.exception_candidats == "plai_adapte"
    with pytest.raises(ValidationError) as exc:
        examen_inscrire(
            auteur=acteur_systeme("test"),
            seance=caleol.seance,
            logement=caleol.logement,
            candidats=caleol.demandes[:1],
            exception="plai_adapte",
        )
    assert "n'est pas financé en PLAI" in _messages(exc)["exception"][0]


# --- decisions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("type_decision", [TypeDecision.NON_ATTRIBUTION, TypeDecision.IRRECEVABILITE])
def test_refus_et_rejet_sont_motives(caleol: Caleol, type_decision: str) -> None:
    examen = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )[0]
    with pytest.raises(ValidationError) as exc:
        decision_enregistrer(
            auteur=acteur_systeme("test"), examen=examen, type_decision=type_decision, motif="  ", votes=caleol.contre
        )
    assert "le motif est obligatoire (il est notifié au demandeur)" in _messages(exc)["motif"][0]
    decision = decision_enregistrer(
        auteur=acteur_systeme("test"),
        examen=examen,
        type_decision=type_decision,
        motif="Ressources supérieures au plafond PLUS.",
        votes=caleol.contre,
    )
    (evt,) = _evenements(examen.demande, "caleol_decision")
    assert evt.visible_demandeur and "Motif : Ressources supérieures au plafond PLUS." in evt.resume
    assert decision.rang is None


def test_condition_suspensive_exige_piece_et_delai(caleol: Caleol) -> None:
    examen = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )[0]
    with pytest.raises(ValidationError) as exc:
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=examen,
            type_decision=TypeDecision.ATTRIBUTION_CONDITION,
            votes=caleol.pour,
        )
    assert set(_messages(exc)) == {"piece_manquante", "date_limite_piece"}
    decision = decision_enregistrer(
        auteur=acteur_systeme("test"),
        examen=examen,
        type_decision=TypeDecision.ATTRIBUTION_CONDITION,
        piece_manquante="Avis d'imposition 2025",
        date_limite_piece=JOUR_SEANCE + timedelta(days=15),
        votes=caleol.pour,
    )
    assert decision.rang == 1


def test_la_base_refuse_un_refus_sans_motif(caleol: Caleol) -> None:
    examen = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            examen=examen,
            seance=caleol.seance,
            logement=caleol.logement,
            demande=examen.demande,
            type=TypeDecision.NON_ATTRIBUTION,
        )


def test_deux_candidats_ne_partagent_pas_un_rang(caleol: Caleol) -> None:
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    decision_enregistrer(
        auteur=acteur_systeme("test"), examen=examens[0], type_decision=TypeDecision.ATTRIBUTION, votes=caleol.pour
    )
    with pytest.raises(ValidationError) as exc:
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=examens[1],
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=1,
            votes=caleol.pour,
        )
    assert "Le rang 1 est déjà donné" in _messages(exc)["rang"][0]


# --- offers -------------------------------------------------------------------------------------


def test_l_offre_va_au_premier_classe_avec_dix_jours_pour_repondre(caleol: Caleol) -> None:
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    decision_enregistrer(
        auteur=acteur_systeme("test"),
        examen=examens[0],
        type_decision=TypeDecision.NON_ATTRIBUTION,
        motif="Typologie inadaptée.",
        votes=caleol.contre,
    )
    decision_enregistrer(
        auteur=acteur_systeme("test"),
        examen=examens[1],
        type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
        rang=2,
        votes=caleol.pour,
    )
    decision_enregistrer(
        auteur=acteur_systeme("test"),
        examen=examens[2],
        type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
        rang=1,
        votes=caleol.pour,
    )
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI)
    assert offre.demande == caleol.demandes[2]
    assert offre.date_limite == date(2026, 3, 21)
    (evt,) = _evenements(offre.demande, "offre_emise")
    assert evt.visible_demandeur and "au plus tard le 21/03/2026" in evt.resume
    with pytest.raises(ValidationError) as exc:
        offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI)
    assert "attend la réponse de la demande" in _messages(exc)["logement"][0]


def test_refus_motive_avec_logement_adapte_puis_candidat_suivant(caleol: Caleol) -> None:
    _classer(caleol)
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI)
    with pytest.raises(ValidationError) as exc:
        offre_repondre(auteur=acteur_systeme("test"), offre=offre, accepte=False, repondue_le=ENVOI + timedelta(days=3))
    assert set(_messages(exc)) == {"motif_refus", "logement_adapte"}
    offre = offre_repondre(
        auteur=acteur_systeme("test"),
        offre=offre,
        accepte=False,
        motif_refus=MotifRefus.LOCALISATION,
        logement_adapte=True,
        repondue_le=ENVOI + timedelta(days=3),
    )
    assert (offre.statut, offre.logement_adapte) == (StatutOffre.REFUSEE, True)
    (evt,) = _evenements(offre.demande, "offre_refusee")
    assert evt.visible_demandeur and "Localisation" in evt.resume
    suivante = offre_suivante(auteur=acteur_systeme("test"), offre=offre, envoyee_le=ENVOI + timedelta(days=4))
    assert suivante.demande == caleol.demandes[1]


def test_sans_reponse_dans_le_delai_l_offre_vaut_refus(caleol: Caleol) -> None:
    _classer(caleol)
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI)
    assert offres_expirer(auteur=acteur_systeme("test"), aujourd_hui=offre.date_limite) == 0
    assert offres_expirer(auteur=acteur_systeme("test"), aujourd_hui=offre.date_limite + timedelta(days=1)) == 1
    offre.refresh_from_db()
    assert (offre.statut, offre.motif_refus) == (StatutOffre.EXPIREE, MotifRefus.SANS_REPONSE)
    assert "considérée comme refusée (article R441-10" in _evenements(offre.demande, "offre_expiree")[0].resume
    with pytest.raises(ValidationError):
        offre_repondre(
            auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=offre.date_limite + timedelta(days=1)
        )
    assert (
        offre_suivante(
            auteur=acteur_systeme("test"), offre=offre, envoyee_le=offre.date_limite + timedelta(days=2)
        ).demande
        == caleol.demandes[1]
    )


def test_une_reponse_apres_le_delai_est_refusee(caleol: Caleol) -> None:
    _classer(caleol)
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI)
    with pytest.raises(ValidationError) as exc:
        offre_repondre(
            auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=offre.date_limite + timedelta(days=1)
        )
    assert "a expiré le 21/03/2026 : l'absence de réponse vaut refus" in _messages(exc)["repondue_le"][0]


def test_plus_de_candidat_apres_le_dernier_refus(caleol: Caleol) -> None:
    _classer(caleol)
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI)
    for _ in range(3):
        offre = offre_repondre(
            auteur=acteur_systeme("test"),
            offre=offre,
            accepte=False,
            motif_refus=MotifRefus.LOYER,
            logement_adapte=False,
            repondue_le=ENVOI,
        )
        if _ < 2:
            offre = offre_suivante(auteur=acteur_systeme("test"), offre=offre, envoyee_le=ENVOI)
    with pytest.raises(ValidationError) as exc:
        offre_suivante(auteur=acteur_systeme("test"), offre=offre, envoyee_le=ENVOI)
    assert "inscrivez-le à une nouvelle séance" in _messages(exc)["logement"][0]


# --- lease -----------------------------------------------------------------------------------


def _orienter_vers_l_etat(c: Caleol) -> None:
    convention = convention_enregistrer(
        auteur=acteur_systeme("test"),
        bailleur=c.bailleur,
        reservataire=c.etat,
        categorie="etat",
        part=Decimal("30"),
        debut=date(2026, 1, 1),
    )
    ll = logement_declarer_libere(
        auteur=acteur_systeme("test"),
        logement=c.logement,
        date_liberation=date(2026, 2, 1),
        nature="relocation",
        aujourd_hui=date(2026, 2, 1),
    )
    assert ll.orientation is not None
    if ll.orientation.reservataire != c.etat:
        orientation_forcer(
            orientation=ll.orientation,
            reservataire=convention,
            motif="Relogement prioritaire demandé par la préfecture.",
            auteur=acteur_de(c.gestionnaire),
            aujourd_hui=date(2026, 2, 1),
        )
    ll.refresh_from_db()
    assert ll.orientation is not None and ll.orientation.reservataire == c.etat


def test_bail_signe_radie_la_demande_et_renseigne_l_orientation(caleol: Caleol) -> None:
    _orienter_vers_l_etat(caleol)
    _classer(caleol)
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI)
    offre = offre_repondre(
        auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=ENVOI + timedelta(days=2)
    )
    bail = bail_signer(
        auteur=acteur_systeme("test"),
        offre=offre,
        date_signature=date(2026, 3, 20),
        accord_collectif=True,
        deja_locataire=False,
    )
    assert (bail.siren_bailleur, bail.identifiant_rpls, bail.en_qpv, bail.contingent, bail.dalo) == (
        "272500022",
        "0001234567",
        True,
        Contingent.ETAT_PRIORITAIRES,
        False,
    )
    demande = offre.demande
    demande.refresh_from_db()
    assert (demande.statut, demande.motif_radiation, demande.date_radiation) == (
        StatutDemande.RADIEE,
        MotifRadiation.ATTRIBUTION,
        date(2026, 3, 20),
    )
    orientation = bail.orientation
    assert orientation is not None
    orientation.refresh_from_db()
    assert (orientation.statut, orientation.demande_attribuee, orientation.attribuee_le) == (
        StatutOrientation.ATTRIBUEE,
        demande,
        date(2026, 3, 20),
    )
    (evt,) = _evenements(demande, "attribution")
    assert evt.visible_demandeur and "Bail signé le 20/03/2026" in evt.resume


def test_le_bail_renseigne_l_orientation_de_la_liberation_qu_il_suit_pas_une_plus_recente(caleol: Caleol) -> None:
    _orienter_vers_l_etat(caleol)
    _classer(caleol)
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI)
    offre = offre_repondre(
        auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=ENVOI + timedelta(days=2)
    )
    # The same dwelling declared freed again later (the file was replayed, or a new turn was opened).
    suivante = logement_declarer_libere(
        auteur=acteur_systeme("test"),
        logement=caleol.logement,
        date_liberation=date(2026, 5, 1),
        nature="relocation",
        aujourd_hui=date(2026, 5, 1),
    )
    bail = bail_signer(
        auteur=acteur_systeme("test"),
        offre=offre,
        date_signature=date(2026, 3, 20),
        accord_collectif=False,
        deja_locataire=False,
    )
    assert bail.orientation is not None and bail.orientation.logement_libere.date_liberation == date(2026, 2, 1)
    assert bail.orientation.statut == StatutOrientation.ATTRIBUEE
    assert suivante.orientation is not None
    suivante.orientation.refresh_from_db()
    assert suivante.orientation.statut != StatutOrientation.ATTRIBUEE


def test_sans_orientation_le_contingent_est_la_part_du_bailleur(caleol: Caleol) -> None:
    _classer(caleol)
    offre = offre_repondre(
        auteur=acteur_systeme("test"),
        offre=offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI),
        accepte=True,
        repondue_le=ENVOI,
    )
    bail = bail_signer(
        auteur=acteur_systeme("test"), offre=offre, date_signature=ENVOI, accord_collectif=False, deja_locataire=True
    )
    assert (bail.contingent, bail.orientation, bail.deja_locataire) == (Contingent.NON_RESERVE, None, True)


def test_pas_de_bail_sans_offre_acceptee_ni_sans_siren(caleol: Caleol) -> None:
    _classer(caleol)
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI)
    with pytest.raises(ValidationError) as exc:
        bail_signer(
            auteur=acteur_systeme("test"),
            offre=offre,
            date_signature=ENVOI,
            accord_collectif=False,
            deja_locataire=False,
        )
    assert "le bail suit une offre acceptée" in _messages(exc)["offre"][0]
    offre = offre_repondre(auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=ENVOI)
    caleol.bailleur.siren = ""
    caleol.bailleur.save()
    with pytest.raises(ValidationError) as exc:
        bail_signer(
            auteur=acteur_systeme("test"),
            offre=offre,
            date_signature=ENVOI,
            accord_collectif=False,
            deja_locataire=False,
        )
    assert "Le SIREN de Alogea (9 chiffres) manque" in _messages(exc)["siren_bailleur"][0]
    assert not Bail.objects.exists()
    offre.demande.refresh_from_db()
    assert offre.demande.statut == StatutDemande.ACTIVE


def test_un_logement_attribue_ne_peut_plus_etre_offert_ni_reinscrit(caleol: Caleol) -> None:
    _classer(caleol)
    offre = offre_repondre(
        auteur=acteur_systeme("test"),
        offre=offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI),
        accepte=True,
        repondue_le=ENVOI,
    )
    bail_signer(
        auteur=acteur_systeme("test"), offre=offre, date_signature=ENVOI, accord_collectif=False, deja_locataire=False
    )
    with pytest.raises(ValidationError) as exc:
        offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=ENVOI)
    assert "est déjà attribué (bail signé le 11/03/2026" in _messages(exc)["logement"][0]
    assert Offre.objects.count() == 1
