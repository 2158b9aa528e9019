"""The life of a case: brought by a member (saisine), the social assessment attached, the partners' opinions and
the committee's decisions in an open session, the follow-up until it is closed (by hand, or by itself with the
motif « relogé » when the household's lease is signed)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from attrib.commissions.models import Bail
from attrib.common.services import evenement_enregistrer
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.partenariat import permissions
from attrib.partenariat.enums import (
    QUALITES_EVALUATION,
    QUALITES_SAISINE,
    MesureAccompagnement,
    MotifCloture,
    NatureDecision,
    SensAvis,
    StatutDossier,
    StatutSeance,
)
from attrib.partenariat.models import (
    AvisPartenaire,
    ClotureDossier,
    CommissionPartenariale,
    DecisionCommission,
    Dossier,
    EvaluationSociale,
    InscriptionDossier,
    MembreCommissionPartenariale,
    SeancePartenariale,
)
from attrib.partenariat.services._commun import (
    EVALUATION_MAX,
    _aujourd_hui,
    _texte,
    _utilisateur,
    _verrouiller,
    lever,
)

#: Largest attachment of a social assessment, in megabytes (technical knob).
FICHIER_MAX_MO = 10


def _membre(commission_id: int, organisation: Organisation) -> MembreCommissionPartenariale | None:
    return MembreCommissionPartenariale.objects.filter(commission_id=commission_id, organisation=organisation).first()


def _agit_pour(auteur: Acteur, organisation: Organisation) -> bool:
    """The actor writes in the name of ``organisation`` (its manager), or is the system or a superuser."""
    return auteur.voit_tout or auteur.est_membre(organisation.pk, ecriture=True)


def _dossier_verrouille(dossier: Dossier) -> Dossier:
    _verrouiller(Dossier.objects.filter(pk=dossier.pk))
    return Dossier.objects.select_related("demande", "commission").get(pk=dossier.pk)


# --- saisine ------------------------------------------------------------------------------------------------------


@transaction.atomic
def dossier_saisir(
    *,
    commission: CommissionPartenariale,
    demande: Demande,
    organisation: Organisation,
    motif: str,
    auteur: Acteur,
    saisi_le: date | None = None,
) -> Dossier:
    """Bring the household of ``demande`` to the committee, in the name of the member ``organisation``."""
    auteur.exiger(permissions.peut_saisir(auteur, commission, demande), permissions.REFUS_SAISIR)
    auteur.exiger(_agit_pour(auteur, organisation), permissions.REFUS_SAISIR)
    jour = _aujourd_hui(None)
    saisi_le = saisi_le or jour
    erreurs: dict[str, list[str]] = {}
    membre = _membre(commission.pk, organisation)
    if membre is None or membre.qualite not in QUALITES_SAISINE:
        erreurs.setdefault("organisation", []).append(
            f"{organisation.nom} ne siège pas à la commission en une qualité qui la saisit."
        )
    motif = _texte(motif, "motif", "le motif de la saisine", erreurs, requis=True)
    _verrouiller(Demande.objects.filter(pk=demande.pk))
    demande.refresh_from_db()
    if demande.statut != StatutDemande.ACTIVE:
        erreurs.setdefault("demande", []).append(
            f"La demande {demande.numero_unique} n'est pas active ({demande.get_statut_display().lower()}) : "
            "la commission n'est pas saisie d'une demande radiée."
        )
    if saisi_le > jour:
        erreurs.setdefault("saisi_le", []).append("La saisine n'est pas datée dans le futur.")
    if saisi_le < demande.date_enregistrement:
        erreurs.setdefault("saisi_le", []).append(
            f"La saisine précède l'enregistrement de la demande ({demande.date_enregistrement:%d/%m/%Y})."
        )
    if Dossier.objects.filter(demande=demande, commission=commission, statut=StatutDossier.OUVERT).exists():
        erreurs.setdefault("demande", []).append("Cette demande a déjà un dossier ouvert devant la commission.")
    lever(erreurs)
    dossier = Dossier.objects.create(
        demande=demande,
        commission=commission,
        saisi_par=_utilisateur(auteur),
        saisi_par_organisation=organisation,
        saisi_le=saisi_le,
        motif_saisine=motif,
    )
    evenement_enregistrer(
        objet=dossier,
        action="dossier_partenarial_saisi",
        resume=f"Commission saisie par {organisation.nom} le {saisi_le:%d/%m/%Y}.",
        auteur=_utilisateur(auteur),
        organisation=organisation,
    )
    return dossier


# --- social assessment ----------------------------------------------------------------------------------------------


def _verifier_fichier(fichier: UploadedFile[bytes], erreurs: dict[str, list[str]]) -> None:
    if fichier.size is not None and fichier.size > FICHIER_MAX_MO * 1024 * 1024:
        erreurs.setdefault("fichier", []).append(f"La pièce jointe dépasse {FICHIER_MAX_MO} Mo.")
        return
    debut = fichier.read(5)
    fichier.seek(0)
    if debut != b"%PDF-":
        erreurs.setdefault("fichier", []).append("La pièce jointe est un fichier PDF.")


@transaction.atomic
def evaluation_joindre(
    *,
    dossier: Dossier,
    organisation: Organisation,
    texte: str,
    date_evaluation: date,
    auteur: Acteur,
    fichier: UploadedFile[bytes] | None = None,
) -> EvaluationSociale:
    """Attach the social assessment written by a member social service or SIAO (sensitive: read only by the
    qualités that need it, with the household's consent)."""
    auteur.exiger(permissions.peut_evaluer(auteur, dossier), permissions.REFUS_EVALUER)
    auteur.exiger(_agit_pour(auteur, organisation), permissions.REFUS_EVALUER)
    dossier = _dossier_verrouille(dossier)
    erreurs: dict[str, list[str]] = {}
    membre = _membre(dossier.commission_id, organisation)
    if membre is None or membre.qualite not in QUALITES_EVALUATION:
        erreurs.setdefault("organisation", []).append(
            f"{organisation.nom} ne siège pas à la commission comme service social ou SIAO."
        )
    texte = _texte(texte, "texte", "l'évaluation", erreurs, longueur=EVALUATION_MAX, requis=True)
    if dossier.statut != StatutDossier.OUVERT:
        erreurs.setdefault("texte", []).append("Le dossier est clos.")
    if date_evaluation > _aujourd_hui(None):
        erreurs.setdefault("date_evaluation", []).append("L'évaluation n'est pas datée dans le futur.")
    if date_evaluation < dossier.demande.date_enregistrement:
        erreurs.setdefault("date_evaluation", []).append(
            f"L'évaluation précède l'enregistrement de la demande ({dossier.demande.date_enregistrement:%d/%m/%Y})."
        )
    if fichier is not None:
        _verifier_fichier(fichier, erreurs)
    lever(erreurs)
    evaluation = EvaluationSociale(
        dossier=dossier,
        organisation=organisation,
        auteur=_utilisateur(auteur),
        date_evaluation=date_evaluation,
        texte=texte,
    )
    if fichier is not None:
        evaluation.nom_fichier = f"evaluation-sociale-{dossier.demande.numero_unique}-{date_evaluation:%Y-%m-%d}.pdf"
        evaluation.fichier.save(evaluation.nom_fichier, fichier, save=False)
    evaluation.save()
    evenement_enregistrer(
        objet=dossier,
        action="evaluation_sociale_jointe",
        resume=f"Évaluation sociale du {date_evaluation:%d/%m/%Y} jointe par {organisation.nom}.",
        auteur=_utilisateur(auteur),
        organisation=organisation,
    )
    return evaluation


# --- in session -------------------------------------------------------------------------------------------------------


def _en_seance(dossier: Dossier, seance: SeancePartenariale, erreurs: dict[str, list[str]]) -> None:
    if seance.commission_id != dossier.commission_id:
        erreurs.setdefault("seance", []).append("Cette séance n'est pas celle de la commission du dossier.")
    if seance.statut != StatutSeance.OUVERTE:
        erreurs.setdefault("seance", []).append(
            f"La séance du {seance.date:%d/%m/%Y} n'est pas ouverte : la commission ne se prononce qu'en séance."
        )
    if not InscriptionDossier.objects.filter(seance=seance, dossier=dossier).exists():
        erreurs.setdefault("seance", []).append("Le dossier n'est pas à l'ordre du jour de cette séance.")
    if dossier.statut != StatutDossier.OUVERT:
        erreurs.setdefault("seance", []).append("Le dossier est clos.")


@transaction.atomic
def avis_donner(
    *,
    dossier: Dossier,
    seance: SeancePartenariale,
    organisation: Organisation,
    sens: str,
    texte: str,
    auteur: Acteur,
) -> AvisPartenaire:
    auteur.exiger(permissions.peut_donner_avis(auteur, dossier), permissions.REFUS_AVIS)
    auteur.exiger(_agit_pour(auteur, organisation), permissions.REFUS_AVIS)
    dossier = _dossier_verrouille(dossier)
    erreurs: dict[str, list[str]] = {}
    _en_seance(dossier, seance, erreurs)
    if _membre(dossier.commission_id, organisation) is None:
        erreurs.setdefault("organisation", []).append(f"{organisation.nom} ne siège pas à la commission.")
    if sens not in SensAvis.values:
        erreurs.setdefault("sens", []).append("Choisissez un avis : favorable, réservé ou défavorable.")
    texte = _texte(texte, "texte", "la motivation de l'avis", erreurs, requis=sens != SensAvis.FAVORABLE)
    if AvisPartenaire.objects.filter(dossier=dossier, seance=seance, organisation=organisation).exists():
        erreurs.setdefault("organisation", []).append(
            f"{organisation.nom} a déjà donné son avis sur ce dossier dans cette séance."
        )
    lever(erreurs)
    avis = AvisPartenaire.objects.create(
        dossier=dossier,
        seance=seance,
        organisation=organisation,
        sens=sens,
        texte=texte,
        donne_par=_utilisateur(auteur),
    )
    evenement_enregistrer(
        objet=dossier,
        action="avis_partenaire",
        resume=f"Avis {avis.get_sens_display().lower()} de {organisation.nom}.",
        auteur=_utilisateur(auteur),
        organisation=organisation,
    )
    return avis


def _cible_admise(organisation: Organisation) -> bool:
    return organisation.type == TypeOrganisation.BAILLEUR or bool(organisation.categorie_reservataire)


@transaction.atomic
def decision_prendre(
    *,
    dossier: Dossier,
    seance: SeancePartenariale,
    nature: str,
    auteur: Acteur,
    motif: str = "",
    type_label: str = "",
    valide_jusqu_au: date | None = None,
    organisation_cible: Organisation | None = None,
    echeance: date | None = None,
    mesure: str = "",
    operateur: str = "",
) -> DecisionCommission:
    """Record the committee's collective decision on the case, dated by the open session: a label (attributed
    through the labellisation, which checks the auteur's validation right), an orientation to a bailleur or a
    réservataire with a deadline after the session, a support measure with its operator, or an adjournment."""
    auteur.exiger(permissions.peut_decider(auteur, dossier, nature), permissions.REFUS_DECIDER)
    dossier = _dossier_verrouille(dossier)
    erreurs: dict[str, list[str]] = {}
    _en_seance(dossier, seance, erreurs)
    jour = seance.date
    if jour < dossier.saisi_le:
        erreurs.setdefault("seance", []).append("La séance précède la saisine de la commission.")
    if nature not in NatureDecision.values:
        erreurs.setdefault("nature", []).append("Choisissez la nature de la décision.")
    motif = _texte(motif, "motif", "le motif", erreurs, requis=nature == NatureDecision.AJOURNEMENT)
    if nature == NatureDecision.LABEL and not type_label:
        erreurs.setdefault("type_label", []).append("Choisissez le label décidé.")
    if nature == NatureDecision.ORIENTATION:
        if organisation_cible is None:
            erreurs.setdefault("organisation_cible", []).append(
                "Choisissez le bailleur ou le réservataire chargé du relogement."
            )
        elif not _cible_admise(organisation_cible):
            erreurs.setdefault("organisation_cible", []).append(
                f"{organisation_cible.nom} n'est ni un bailleur ni un réservataire : le ménage ne lui est pas orienté."
            )
        if echeance is None:
            erreurs.setdefault("echeance", []).append("Fixez l'échéance du relogement.")
        elif echeance <= jour:
            erreurs.setdefault("echeance", []).append(f"L'échéance suit la décision du {jour:%d/%m/%Y}.")
    if nature == NatureDecision.MESURE_ACCOMPAGNEMENT:
        if mesure not in MesureAccompagnement.values:
            erreurs.setdefault("mesure", []).append("Choisissez la mesure : ASLL, AVDL ou intermédiation locative.")
        operateur = _texte(operateur, "operateur", "l'opérateur de la mesure", erreurs, longueur=200, requis=True)
    if DecisionCommission.objects.filter(dossier=dossier, seance=seance, nature=nature).exists():
        erreurs.setdefault("nature", []).append(
            "La commission a déjà pris une décision de cette nature sur ce dossier dans cette séance."
        )
    lever(erreurs)
    valeurs: dict[str, Any] = {"motif": motif}
    if nature == NatureDecision.LABEL:
        from attrib.labellisation.services import label_attribuer

        label_attribuer(
            demande=dossier.demande,
            type_label=type_label,
            auteur=auteur,
            date_decision=jour,
            motif=motif or f"Décision de la commission partenariale du {jour:%d/%m/%Y}.",
            valide_jusqu_au=valide_jusqu_au,
        )
        valeurs["type_label"] = type_label
    elif nature == NatureDecision.ORIENTATION:
        valeurs.update(organisation_cible=organisation_cible, echeance=echeance)
    elif nature == NatureDecision.MESURE_ACCOMPAGNEMENT:
        valeurs.update(mesure=mesure, operateur=operateur)
    try:
        with transaction.atomic():
            decision = DecisionCommission.objects.create(
                dossier=dossier,
                seance=seance,
                nature=nature,
                date_decision=jour,
                decide_par=_utilisateur(auteur),
                **valeurs,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"nature": ["La commission a déjà pris une décision de cette nature sur ce dossier dans cette séance."]}
        ) from exc
    if nature == NatureDecision.ORIENTATION:
        dossier.echeance = echeance
        dossier.save(update_fields=["echeance"])
    evenement_enregistrer(
        objet=dossier,
        action="decision_partenariale",
        resume=f"Décision du {jour:%d/%m/%Y} : {decision_en_clair(decision)}.",
        auteur=_utilisateur(auteur),
    )
    return decision


def decision_en_clair(decision: DecisionCommission) -> str:
    if decision.nature == NatureDecision.LABEL:
        return f"label « {decision.type_label_libelle} »"
    if decision.nature == NatureDecision.ORIENTATION and decision.organisation_cible and decision.echeance:
        return f"orientation vers {decision.organisation_cible.nom} avant le {decision.echeance:%d/%m/%Y}"
    if decision.nature == NatureDecision.MESURE_ACCOMPAGNEMENT:
        return f"{decision.get_mesure_display()} par {decision.operateur}"
    return f"ajournement ({decision.motif})"


# --- closing ----------------------------------------------------------------------------------------------------------


def _clore(
    dossier: Dossier, *, motif: str, precision: str, bail: Bail | None, date_cloture: date, auteur: Acteur
) -> ClotureDossier:
    cloture = ClotureDossier.objects.create(
        dossier=dossier,
        motif=motif,
        bail=bail,
        precision=precision,
        date_cloture=date_cloture,
        close_par=_utilisateur(auteur),
    )
    dossier.statut = StatutDossier.CLOS
    dossier.save(update_fields=["statut"])
    evenement_enregistrer(
        objet=dossier,
        action="dossier_partenarial_clos",
        resume=f"Dossier clos le {date_cloture:%d/%m/%Y} : {cloture.get_motif_display().lower()}"
        + (f" ({precision})" if precision else "")
        + ".",
        auteur=_utilisateur(auteur),
    )
    return cloture


@transaction.atomic
def dossier_clore(
    *,
    dossier: Dossier,
    motif: str,
    auteur: Acteur,
    precision: str = "",
    date_cloture: date | None = None,
) -> ClotureDossier:
    """Close an open case: « relogé » with the household's lease signed since the case was brought, or another
    motif said in ``precision``."""
    auteur.exiger(permissions.peut_clore(auteur, dossier), permissions.REFUS_CLORE)
    dossier = _dossier_verrouille(dossier)
    jour = _aujourd_hui(None)
    date_cloture = date_cloture or jour
    erreurs: dict[str, list[str]] = {}
    if dossier.statut != StatutDossier.OUVERT:
        erreurs.setdefault("motif", []).append("Le dossier est déjà clos.")
    if date_cloture > jour:
        erreurs.setdefault("date_cloture", []).append("La clôture n'est pas datée dans le futur.")
    if date_cloture < dossier.saisi_le:
        erreurs.setdefault("date_cloture", []).append(f"La clôture précède la saisine du {dossier.saisi_le:%d/%m/%Y}.")
    bail = None
    if motif == MotifCloture.RELOGE:
        bail = Bail.objects.filter(demande_id=dossier.demande_id, date_signature__gte=dossier.saisi_le).first()
        if bail is None:
            erreurs.setdefault("motif", []).append(
                "Aucun bail n'est signé pour ce ménage depuis la saisine : le dossier se clôt « relogé » à la "
                "signature du bail."
            )
        precision = ""
    elif motif == MotifCloture.AUTRE:
        precision = _texte(precision, "precision", "le motif de la clôture", erreurs, requis=True)
    else:
        erreurs.setdefault("motif", []).append("Choisissez le motif de la clôture.")
    lever(erreurs)
    return _clore(dossier, motif=motif, precision=precision, bail=bail, date_cloture=date_cloture, auteur=auteur)


def recepteur_bail_signe(sender: Any, *, bail: Bail, auteur: Acteur, **kwargs: Any) -> None:
    """Receiver of ``bail_signe`` (connected by ``PartenariatConfig.ready``): the household is rehoused, its open
    cases close with the motif « relogé » and the lease, in the lease's transaction."""
    for dossier in Dossier.objects.filter(demande_id=bail.demande_id, statut=StatutDossier.OUVERT).select_related(
        "demande"
    ):
        _clore(
            _dossier_verrouille(dossier),
            motif=MotifCloture.RELOGE,
            precision="",
            bail=bail,
            date_cloture=max(bail.date_signature, dossier.saisi_le),
            auteur=auteur,
        )
