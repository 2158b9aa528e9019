"""Writes of the priority labels, consents, social follow-ups, social validations and qualifications.

Every service takes its ``auteur: Acteur`` and checks its right first (``attrib.labellisation.permissions``);
a bad input raises ``ValidationError({champ: [French message]})``. The life cycle of a label is the engine's
(``attrib.engine.labellisation``). Effects of a label on the demand (:func:`_suivre_situation`): a validated label
proving a legal priority validates the matching ``SituationPrioritaire`` (created when missing); when no label in
force, no document and no DALO decision supports it any more, it goes back to « déclarée ». Each change
re-scores the demand (``attrib.demandes.suites``). The household reads the decisions in its space and receives a
notice (``Evenement.visible_demandeur``, ``attrib.avis``), which never names a sensitive situation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from attrib.common.lots import motif as motif_echec
from attrib.common.services import evenement_enregistrer
from attrib.demandes import enums as enums_demande
from attrib.demandes import suites
from attrib.demandes.models import Demande, PieceJustificative, PrioriteLegale, SituationPrioritaire
from attrib.engine import labellisation as moteur
from attrib.labellisation import parametres, permissions
from attrib.labellisation.enums import ModeConsentement, ObjetConsentement, SourceLabel, StatutLabel
from attrib.labellisation.models import (
    Accompagnement,
    Consentement,
    Label,
    PieceLabel,
    Qualification,
    ValidationCritere,
)
from attrib.labellisation.selectors import (
    consentement_en_vigueur,
    duree_de,
    epci_de_demande,
    peut_valider,
    validateur_de,
)
from attrib.organisations.acteurs import Acteur, acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation, User

logger = logging.getLogger(__name__)

MOTIF_MAX = 2000


# --- helpers -------------------------------------------------------------------------------------------------


def _jour(aujourd_hui: date | None) -> date:
    return aujourd_hui or timezone.localdate()


def _utilisateur(auteur: Acteur) -> User | None:
    return auteur.utilisateur if auteur.utilisateur is not None and auteur.utilisateur.pk else None


def _texte(valeur: str, champ: str, message: str) -> str:
    valeur = (valeur or "").strip()
    if not valeur:
        raise ValidationError({champ: [message]})
    if len(valeur) > MOTIF_MAX:
        raise ValidationError({champ: [f"Ce texte dépasse {MOTIF_MAX} caractères."]})
    return valeur


def _type(type_label: str, jour: date) -> parametres.TypeLabel:
    t = parametres.type_label(type_label, jour)
    if t is None:
        raise ValidationError({"type_label": ["Ce type de label n'existe pas à cette date."]})
    return t


def _verrouiller(label: Label) -> Label:
    return Label.objects.select_for_update(of=("self",)).select_related("demande", "demande__guichet").get(pk=label.pk)


def _transition(label: Label, vers: str) -> None:
    try:
        moteur.exiger_transition(label.statut, vers)
    except moteur.TransitionInterdite as exc:
        raise ValidationError({"statut": [str(exc)]}) from None


def _date_dans_la_vie(jour: date, demande: Demande, champ: str, aujourd_hui: date, quoi: str) -> None:
    if jour > aujourd_hui:
        raise ValidationError({champ: [f"{quoi} ne peut pas être dans le futur."]})
    if jour < demande.date_depot_initiale:
        raise ValidationError(
            {champ: [f"{quoi} ne précède pas le dépôt de la demande ({demande.date_depot_initiale:%d/%m/%Y})."]}
        )


def _libelle_public(type_label: str) -> str:
    """What a notice may say of the label (never a sensitive situation: a letter may be read by another)."""
    if type_label in parametres.types_sensibles():
        return "une situation prioritaire de votre demande"
    return f"le label « {parametres.libelle(type_label)} »"


def _evenement(
    label: Label, action: str, resume: str, auteur: Acteur, *, visible: bool = False, message: str = ""
) -> None:
    details: dict[str, Any] = {
        "label": label.pk,
        "type_label": label.type_label,
        "sensible": label.type_label in parametres.types_sensibles(),
    }
    if message:
        details["message"] = message
    evenement_enregistrer(
        objet=label.demande,
        action=action,
        resume=resume,
        auteur=_utilisateur(auteur),
        organisation=label.validateur if action != "label_propose" else label.organisation,
        details=details,
        visible_demandeur=visible,
    )


def _pieces(label: Label, pieces: Sequence[UploadedFile[Any]], auteur: Acteur, sensible: bool) -> None:
    for fichier in pieces:
        nom = (getattr(fichier, "name", "") or "pièce").rsplit("/", 1)[-1][:200]
        PieceLabel.objects.create(
            label=label, libelle=nom, fichier=fichier, sensible=sensible, ajoutee_par=_utilisateur(auteur)
        )


def _organisation_agissante(auteur: Acteur, organisation_id: int | None) -> Organisation | None:
    """The actor's organisation acting as the holder of the right (for the record)."""
    if organisation_id is None:
        return None
    for a in auteur.appartenances:
        if a.organisation_id == organisation_id:
            return a.organisation
    return Organisation.objects.filter(pk=organisation_id).first()


def _coter(demande_id: int, auteur: Acteur) -> None:
    qui = acteur_systeme("suite d'une démarche en ligne du demandeur") if auteur.est_demandeur else auteur
    suites.demandes_modifiees([demande_id], auteur=qui)


def _suivre_situation(demande: Demande, type_label: str, auteur: Acteur, jour: date) -> None:
    """Bring the ``SituationPrioritaire`` the label proves in line with the labels in force on ``jour``."""
    t = parametres.type_label(type_label, jour) or parametres.type_label(type_label)
    code = t.priorite_legale if t is not None else None
    if not code or not PrioriteLegale.objects.filter(pk=code).exists():
        return
    types = parametres.types_de_priorite(code)
    soutenue = Label.objects.filter(demande=demande, type_label__in=types).en_vigueur(jour).exists()
    situation = SituationPrioritaire.objects.select_for_update().filter(demande=demande, priorite_id=code).first()
    if soutenue:
        if situation is None:
            situation = SituationPrioritaire(demande=demande, priorite_id=code)
        if situation.statut != enums_demande.StatutValidation.VALIDEE:
            situation.statut = enums_demande.StatutValidation.VALIDEE
            situation.validee_par = _utilisateur(auteur)
            situation.validee_le = timezone.now()
            situation.save()
        return
    if situation is None or situation.statut != enums_demande.StatutValidation.VALIDEE:
        return
    pieces = PieceJustificative.objects.filter(demande=demande, critere=code)
    par_pieces = pieces.exists() and not pieces.exclude(statut=enums_demande.StatutPiece.VALIDEE).exists()
    par_decision = code == "dalo" and demande.dalo_reconnu
    if par_pieces or par_decision:
        return
    situation.statut = enums_demande.StatutValidation.DECLAREE
    situation.validee_par = None
    situation.validee_le = None
    situation.save(update_fields=["statut", "validee_par", "validee_le"])


def _effets(label: Label, auteur: Acteur, jour: date) -> None:
    _suivre_situation(label.demande, label.type_label, auteur, jour)
    _coter(label.demande_id, auteur)


def _creer(label: Label) -> Label:
    try:
        with transaction.atomic():
            label.full_clean(exclude=["demande", "propose_par", "organisation", "validateur", "examine_par"])
            label.save()
    except IntegrityError:
        raise ValidationError({"type_label": ["Ce label est déjà proposé ou validé pour cette demande."]}) from None
    return label


# --- labels ----------------------------------------------------------------------------------------------------


@transaction.atomic
def label_proposer(
    *,
    demande: Demande,
    type_label: str,
    motif: str,
    auteur: Acteur,
    pieces: Sequence[UploadedFile[Any]] = (),
    organisation: Organisation | None = None,
    aujourd_hui: date | None = None,
    renouvelle: Label | None = None,
) -> Label:
    """Propose ``type_label`` for ``demande`` with its proofs. The proposing organisation is ``organisation`` (one
    of the actor's, of a kind allowed to propose) or the first such; the household proposes in its own name."""
    jour = _jour(aujourd_hui)
    t = _type(type_label, jour)
    auteur.exiger(permissions.peut_proposer(auteur, demande, type_label, jour), permissions.REFUS_PROPOSER)
    motif = _texte(motif, "motif", "Dites pourquoi le ménage relève de ce label.")
    if demande.statut != enums_demande.StatutDemande.ACTIVE:
        raise ValidationError({"demande": ["Un label se propose pour une demande active."]})
    if jour < demande.date_depot_initiale:
        raise ValidationError({"aujourd_hui": ["Un label n'est pas proposé avant le dépôt de la demande."]})
    ouverts = Label.objects.filter(demande=demande, type_label=type_label)
    if ouverts.filter(statut=StatutLabel.PROPOSE).exists():
        raise ValidationError({"type_label": ["Une proposition de ce label attend déjà son examen."]})
    if renouvelle is None and ouverts.filter(statut=StatutLabel.VALIDE).exists():
        raise ValidationError({"type_label": ["Ce label est déjà validé : proposez son renouvellement à l'échéance."]})
    par_demandeur = auteur.est_demandeur
    if par_demandeur:
        organisation = None
    elif not auteur.voit_tout or organisation is not None:
        possibles = permissions.organisations_proposantes(auteur, type_label, jour)
        if organisation is not None and organisation.pk not in {o.pk for o in possibles} and not auteur.voit_tout:
            raise ValidationError({"organisation": ["Vous ne proposez pas de label au nom de cette organisation."]})
        organisation = organisation or (possibles[0] if possibles else None)
    label = _creer(
        Label(
            demande=demande,
            type_label=type_label,
            statut=StatutLabel.PROPOSE,
            source=SourceLabel.PROPOSITION,
            propose_par=_utilisateur(auteur),
            organisation=organisation,
            par_demandeur=par_demandeur,
            propose_le=jour,
            motif=motif,
            renouvelle=renouvelle,
        )
    )
    _pieces(label, pieces, auteur, t.sensible)
    quoi = "Renouvellement proposé" if renouvelle is not None else "Label proposé"
    _evenement(
        label,
        "label_propose",
        f"{quoi} : {parametres.libelle(type_label)}.",
        auteur,
        visible=False,
    )
    return label


def _fin(demande: Demande, type_label: str, debut: date) -> date | None:
    return moteur.fin_validite(debut, duree_de(epci_de_demande(demande), type_label, debut))


def _clore_precedent(label: Label, debut: date, jour: date) -> None:
    """A renewal validated: the renewed label, if still validated, ends the day before the new one starts."""
    ancien = label.renouvelle
    if ancien is None:
        return
    ancien = Label.objects.select_for_update().get(pk=ancien.pk)
    if ancien.statut != StatutLabel.VALIDE:
        return
    veille = debut - timedelta(days=1)
    assert ancien.valide_du is not None
    ancien.valide_jusqu_au = max(ancien.valide_du, min(veille, ancien.valide_jusqu_au or veille))
    ancien.statut = StatutLabel.EXPIRE
    ancien.clos_le = max(jour, ancien.propose_le)
    ancien.save(update_fields=["valide_jusqu_au", "statut", "clos_le"])


@transaction.atomic
def label_valider(
    *,
    label: Label,
    auteur: Acteur,
    commentaire: str = "",
    valide_du: date | None = None,
    aujourd_hui: date | None = None,
) -> Label:
    """Validate a proposal: the holder of the right that day. Valid from ``valide_du`` (default today) for the
    duration of the local rule, else of the data file (DALO: no end)."""
    jour = _jour(aujourd_hui)
    label = _verrouiller(label)
    auteur.exiger(peut_valider(auteur, label.demande, label.type_label, jour), permissions.REFUS_VALIDER)
    _transition(label, StatutLabel.VALIDE)
    debut = valide_du or jour
    _date_dans_la_vie(debut, label.demande, "valide_du", jour, "Le début de validité")
    if jour < label.propose_le:
        raise ValidationError({"aujourd_hui": ["Un label n'est pas examiné avant d'avoir été proposé."]})
    autre = Label.objects.filter(demande=label.demande, type_label=label.type_label, statut=StatutLabel.VALIDE)
    if label.renouvelle_id is not None:
        autre = autre.exclude(pk=label.renouvelle_id)
    if autre.exists():
        raise ValidationError({"statut": ["Ce label est déjà validé pour cette demande."]})
    _clore_precedent(label, debut, jour)
    validateur = validateur_de(epci_de_demande(label.demande), label.type_label, jour)
    label.statut = StatutLabel.VALIDE
    label.validateur = validateur
    label.examine_par = _utilisateur(auteur)
    label.examine_le = jour
    label.commentaire = (commentaire or "").strip()[:MOTIF_MAX]
    label.valide_du = debut
    label.valide_jusqu_au = _fin(label.demande, label.type_label, debut)
    label.save()
    fin = f" jusqu'au {label.valide_jusqu_au:%d/%m/%Y}" if label.valide_jusqu_au else ""
    _evenement(
        label,
        "label_valide",
        f"Label validé : {parametres.libelle(label.type_label)}{fin}.",
        auteur,
        visible=True,
        message=f"Bonne nouvelle : {_libelle_public(label.type_label)} est reconnu{fin}. "
        "Il est pris en compte pour le classement de votre demande.",
    )
    _effets(label, auteur, jour)
    return label


@transaction.atomic
def label_refuser(*, label: Label, auteur: Acteur, motif: str, aujourd_hui: date | None = None) -> Label:
    """Refuse a proposal, with its reason (the household reads it)."""
    jour = _jour(aujourd_hui)
    label = _verrouiller(label)
    auteur.exiger(peut_valider(auteur, label.demande, label.type_label, jour), permissions.REFUS_VALIDER)
    _transition(label, StatutLabel.REFUSE)
    motif = _texte(motif, "motif", "Dites le motif du refus : le ménage le lira.")
    label.statut = StatutLabel.REFUSE
    label.validateur = validateur_de(epci_de_demande(label.demande), label.type_label, jour)
    label.examine_par = _utilisateur(auteur)
    label.examine_le = max(jour, label.propose_le)
    label.motif_refus = motif
    label.save()
    sensible = label.type_label in parametres.types_sensibles()
    _evenement(
        label,
        "label_refuse",
        f"Label refusé : {parametres.libelle(label.type_label)}.",
        auteur,
        visible=True,
        message=f"{_libelle_public(label.type_label).capitalize()} n'est pas reconnu"
        + ("." if sensible else f" : {motif}")
        + " Votre guichet ou votre travailleur social peut vous expliquer cette décision.",
    )
    return label


@transaction.atomic
def label_attribuer(
    *,
    demande: Demande,
    type_label: str,
    auteur: Acteur,
    date_decision: date,
    motif: str,
    valide_jusqu_au: date | None = None,
    aujourd_hui: date | None = None,
) -> Label:
    """Record an authority's decision as a validated label (the DALO commission's decision recorded by the State,
    a partner committee's by the validating organisation). A pending proposal of the same kind is closed by it;
    a label of that kind still validated ends the day before the decision."""
    jour = _jour(aujourd_hui)
    _type(type_label, date_decision)
    auteur.exiger(peut_valider(auteur, demande, type_label, jour), permissions.REFUS_VALIDER)
    motif = _texte(motif, "motif", "Dites la décision enregistrée (instance, référence).")
    _date_dans_la_vie(date_decision, demande, "date_decision", jour, "La date de la décision")
    fin = valide_jusqu_au if valide_jusqu_au is not None else _fin(demande, type_label, date_decision)
    if fin is not None and fin < date_decision:
        raise ValidationError({"valide_jusqu_au": ["La fin de validité ne précède pas la décision."]})
    validateur = validateur_de(epci_de_demande(demande), type_label, jour)
    existants = Label.objects.select_for_update().filter(demande=demande, type_label=type_label)
    en_attente = existants.filter(statut=StatutLabel.PROPOSE).first()
    precedent = existants.filter(statut=StatutLabel.VALIDE).first()
    if precedent is not None:
        assert precedent.valide_du is not None
        if precedent.valide_du >= date_decision:
            raise ValidationError({"date_decision": ["Un label de ce type est déjà validé à partir de cette date."]})
        precedent.statut = StatutLabel.EXPIRE
        precedent.valide_jusqu_au = min(precedent.valide_jusqu_au or date_decision, date_decision - timedelta(days=1))
        precedent.clos_le = max(jour, precedent.propose_le)
        precedent.save(update_fields=["statut", "valide_jusqu_au", "clos_le"])
    if en_attente is not None:
        label = en_attente
        label.examine_le = max(jour, label.propose_le)
        label.commentaire = motif
    else:
        label = Label(
            demande=demande,
            type_label=type_label,
            source=SourceLabel.DECISION,
            propose_par=_utilisateur(auteur),
            organisation=_organisation_agissante(auteur, validateur.pk if validateur else None),
            propose_le=min(date_decision, jour),
            motif=motif,
            examine_le=jour,
            renouvelle=precedent,
        )
    label.statut = StatutLabel.VALIDE
    label.validateur = validateur
    label.examine_par = _utilisateur(auteur)
    label.valide_du = date_decision
    label.valide_jusqu_au = fin
    label = _creer(label) if label.pk is None else _sauver(label)
    fin_txt = f" jusqu'au {fin:%d/%m/%Y}" if fin else ""
    _evenement(
        label,
        "label_valide",
        f"Décision enregistrée : {parametres.libelle(type_label)}, du {date_decision:%d/%m/%Y}{fin_txt}.",
        auteur,
        visible=True,
        message=f"Bonne nouvelle : {_libelle_public(type_label)} est reconnu{fin_txt}. "
        "Il est pris en compte pour le classement de votre demande.",
    )
    _effets(label, auteur, jour)
    return label


def _sauver(label: Label) -> Label:
    label.save()
    return label


@transaction.atomic
def label_retirer(*, label: Label, auteur: Acteur, motif: str, aujourd_hui: date | None = None) -> Label:
    """Withdraw a proposal (its proposer or the validator) or a validated label (the validator): the situation
    lapses, the demand is re-scored."""
    jour = _jour(aujourd_hui)
    label = _verrouiller(label)
    auteur.exiger(permissions.peut_retirer(auteur, label, jour), permissions.REFUS_RETIRER)
    _transition(label, StatutLabel.RETIRE)
    motif = _texte(motif, "motif", "Dites pourquoi ce label est retiré.")
    etait_valide = label.statut == StatutLabel.VALIDE
    label.statut = StatutLabel.RETIRE
    label.motif_retrait = motif
    label.clos_le = max(jour, label.propose_le)
    if etait_valide and label.valide_du is not None:
        label.valide_jusqu_au = max(label.valide_du, min(label.valide_jusqu_au or jour, jour))
    label.save()
    _evenement(
        label,
        "label_retire",
        f"Label retiré : {parametres.libelle(label.type_label)}.",
        auteur,
        visible=etait_valide,
        message=f"{_libelle_public(label.type_label).capitalize()} n'est plus reconnu. "
        "Votre guichet ou votre travailleur social peut vous en expliquer la raison."
        if etait_valide
        else "",
    )
    if etait_valide:
        _effets(label, auteur, jour)
    return label


@transaction.atomic
def label_renouveler(
    *,
    label: Label,
    auteur: Acteur,
    motif: str,
    pieces: Sequence[UploadedFile[Any]] = (),
    aujourd_hui: date | None = None,
) -> Label:
    """Propose the renewal of a label within its renewal window (or already expired)."""
    jour = _jour(aujourd_hui)
    t = _type(label.type_label, jour)
    if not moteur.renouvelable(label, jour, t.renouvellement_jours):
        debut = moteur.fenetre_renouvellement(label.valide_jusqu_au, t.renouvellement_jours)
        quand = f" à partir du {debut:%d/%m/%Y}" if debut else ""
        raise ValidationError({"statut": [f"Ce label ne peut pas être renouvelé maintenant{quand}."]})
    return label_proposer(
        demande=label.demande,
        type_label=label.type_label,
        motif=motif,
        auteur=auteur,
        pieces=pieces,
        aujourd_hui=jour,
        renouvelle=label,
    )


@dataclass
class RapportExpiration:
    expires: int = 0
    sautes: list[str] = field(default_factory=list)

    @property
    def resume(self) -> str:
        texte = f"{self.expires} label(s) expiré(s)"
        if self.sautes:
            texte += f", {len(self.sautes)} sauté(s) : " + " ; ".join(self.sautes)
        return texte + "."


def labels_expirer(*, aujourd_hui: date, auteur: Acteur) -> RapportExpiration:
    """Close every validated label whose validity ended before ``aujourd_hui``; each in its own transaction (one
    failing label is named in the report, the others expire)."""
    auteur.exiger(
        auteur.voit_tout, "Seuls Attrib (commande expirer_labels) et un superutilisateur expirent les labels."
    )
    rapport = RapportExpiration()
    ids = list(
        Label.objects.filter(statut=StatutLabel.VALIDE, valide_jusqu_au__lt=aujourd_hui)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        try:
            with transaction.atomic():
                label = Label.objects.select_for_update(of=("self",)).select_related("demande").get(pk=pk)
                if not moteur.a_expirer(label, aujourd_hui):
                    continue
                _transition(label, StatutLabel.EXPIRE)
                label.statut = StatutLabel.EXPIRE
                label.clos_le = max(aujourd_hui, label.propose_le)
                label.save(update_fields=["statut", "clos_le"])
                _evenement(
                    label,
                    "label_expire",
                    f"Label expiré : {parametres.libelle(label.type_label)}.",
                    auteur,
                    visible=True,
                    message=f"{_libelle_public(label.type_label).capitalize()} est arrivé à échéance. Si votre "
                    "situation est toujours la même, demandez son renouvellement à votre guichet ou à votre "
                    "travailleur social.",
                )
                _effets(label, auteur, aujourd_hui)
            rapport.expires += 1
        except Exception as exc:  # noqa: BLE001 (a batch never stops on one bad record)
            logger.exception("Label %s non expiré", pk)
            rapport.sautes.append(f"label n° {pk} : {motif_echec(exc)}")
    return rapport


# --- consents and social follow-ups -----------------------------------------------------------------------------


@transaction.atomic
def consentement_recueillir(
    *,
    demande: Demande,
    objet: str,
    auteur: Acteur,
    mode: str,
    organisation: Organisation | None = None,
    donne_le: date | None = None,
) -> Consentement:
    jour = timezone.localdate()
    if objet not in ObjetConsentement.values:
        raise ValidationError({"objet": ["Choisissez l'objet du consentement."]})
    if mode not in ModeConsentement.values:
        raise ValidationError({"mode": ["Dites comment le consentement a été recueilli."]})
    if objet == ObjetConsentement.ACCOMPAGNEMENT_SOCIAL:
        if organisation is None or organisation.type != TypeOrganisation.SERVICE_SOCIAL:
            raise ValidationError({"organisation": ["Choisissez le service social qui accompagnera le ménage."]})
    else:
        organisation = None
    auteur.exiger(permissions.peut_consentir(auteur, demande, organisation, jour), permissions.REFUS_CONSENTEMENT)
    quand = donne_le or jour
    _date_dans_la_vie(quand, demande, "donne_le", jour, "La date du consentement")
    if consentement_en_vigueur(demande, objet, jour, organisation) is not None:
        raise ValidationError({"objet": ["Ce consentement est déjà donné."]})
    consentement = Consentement.objects.create(
        demande=demande,
        objet=objet,
        organisation=organisation,
        mode=mode,
        recueilli_par=_utilisateur(auteur),
        donne_le=quand,
    )
    evenement_enregistrer(
        objet=demande,
        action="consentement_donne",
        resume=f"Consentement donné : {consentement.get_objet_display()}"
        + (f" ({organisation})" if organisation else "")
        + ".",
        auteur=_utilisateur(auteur),
        organisation=organisation,
        details={"consentement": consentement.pk, "objet": objet},
    )
    return consentement


@transaction.atomic
def consentement_retirer(*, consentement: Consentement, auteur: Acteur) -> Consentement:
    """Withdraw a consent; the follow-ups resting on it end the same day."""
    jour = timezone.localdate()
    consentement = (
        Consentement.objects.select_for_update(of=("self",))
        .select_related("demande", "organisation")
        .get(pk=consentement.pk)
    )
    auteur.exiger(
        permissions.peut_consentir(auteur, consentement.demande, consentement.organisation, jour),
        permissions.REFUS_CONSENTEMENT,
    )
    if consentement.retire_le is not None:
        raise ValidationError({"consentement": ["Ce consentement est déjà retiré."]})
    consentement.retire_le = max(jour, consentement.donne_le)
    consentement.retire_par = _utilisateur(auteur)
    consentement.save(update_fields=["retire_le", "retire_par"])
    for acc in Accompagnement.objects.select_for_update().filter(consentement=consentement, fin__isnull=True):
        acc.fin = max(consentement.retire_le, acc.debut)
        acc.motif_fin = "Consentement retiré par le ménage."
        acc.save(update_fields=["fin", "motif_fin"])
    evenement_enregistrer(
        objet=consentement.demande,
        action="consentement_retire",
        resume=f"Consentement retiré : {consentement.get_objet_display()}.",
        auteur=_utilisateur(auteur),
        organisation=consentement.organisation,
        details={"consentement": consentement.pk},
    )
    return consentement


@transaction.atomic
def accompagnement_ouvrir(
    *,
    demande: Demande,
    auteur: Acteur,
    consentement: Consentement,
    referent: User | None = None,
    debut: date | None = None,
) -> Accompagnement:
    """A social service starts following the household, on its consent to that service."""
    jour = timezone.localdate()
    organisation = consentement.organisation
    if organisation is None or consentement.objet != ObjetConsentement.ACCOMPAGNEMENT_SOCIAL:
        raise ValidationError({"consentement": ["Il faut le consentement du ménage au suivi par ce service."]})
    auteur.exiger(permissions.peut_accompagner(auteur, organisation), permissions.REFUS_ACCOMPAGNEMENT)
    if consentement.demande_id != demande.pk:
        raise ValidationError({"consentement": ["Ce consentement est celui d'une autre demande."]})
    quand = debut or jour
    _date_dans_la_vie(quand, demande, "debut", jour, "Le début du suivi")
    if quand < consentement.donne_le or (consentement.retire_le is not None and consentement.retire_le <= quand):
        raise ValidationError({"consentement": ["Le consentement du ménage n'est pas en vigueur à cette date."]})
    if Accompagnement.objects.filter(organisation=organisation, demande=demande, fin__isnull=True).exists():
        raise ValidationError({"demande": ["Ce service suit déjà ce ménage."]})
    acc = Accompagnement.objects.create(
        organisation=organisation,
        demande=demande,
        referent=referent or _utilisateur(auteur),
        consentement=consentement,
        debut=quand,
    )
    evenement_enregistrer(
        objet=demande,
        action="accompagnement_ouvert",
        resume=f"Suivi social ouvert par {organisation}.",
        auteur=_utilisateur(auteur),
        organisation=organisation,
        details={"accompagnement": acc.pk},
    )
    return acc


@transaction.atomic
def accompagnement_clore(
    *, accompagnement: Accompagnement, auteur: Acteur, motif: str, fin: date | None = None
) -> Accompagnement:
    jour = timezone.localdate()
    acc = (
        Accompagnement.objects.select_for_update(of=("self",))
        .select_related("organisation", "demande")
        .get(pk=accompagnement.pk)
    )
    auteur.exiger(permissions.peut_accompagner(auteur, acc.organisation), permissions.REFUS_ACCOMPAGNEMENT)
    if acc.fin is not None:
        raise ValidationError({"fin": ["Ce suivi est déjà clos."]})
    motif = _texte(motif, "motif", "Dites pourquoi le suivi se termine.")[:300]
    quand = fin or jour
    if quand < acc.debut or quand > jour:
        raise ValidationError({"fin": ["La fin du suivi est entre son début et aujourd'hui."]})
    acc.fin = quand
    acc.motif_fin = motif
    acc.save(update_fields=["fin", "motif_fin"])
    evenement_enregistrer(
        objet=acc.demande,
        action="accompagnement_clos",
        resume=f"Suivi social clos par {acc.organisation} : {motif}",
        auteur=_utilisateur(auteur),
        organisation=acc.organisation,
        details={"accompagnement": acc.pk},
    )
    return acc


# --- social validation of a criterion, qualification ------------------------------------------------------------


def criteres_a_evaluer(demande: Demande) -> list[tuple[str, str]]:
    """``(id, libellé)`` of the criteria of the demand's score waiting for a social worker (points counted in the
    provisional score only). Pure read, for the social service's screens."""
    from attrib.cotation.selectors import cotation_de, lignes_points_de

    cotation = cotation_de(demande)
    if cotation is None:
        return []
    return [
        (ligne.critere.id, ligne.critere.libelle)
        for ligne in lignes_points_de(cotation, voit_sensible=True)
        if ligne.provisoire and ligne.critere is not None and ligne.critere.validation == "travailleur_social"
    ]


def _criteres_sociaux(demande: Demande) -> dict[str, str]:
    from attrib.cotation.selectors import cotation_de

    cotation = cotation_de(demande)
    if cotation is None:
        return {}
    grille = cotation.version.charger()
    return {c.id: f"{cotation.version}" for _, c in grille.criteres() if c.validation == "travailleur_social"}


@transaction.atomic
def critere_valider(
    *,
    demande: Demande,
    critere_id: str,
    auteur: Acteur,
    evaluation: str,
    fichier: UploadedFile[Any] | None = None,
) -> ValidationCritere:
    """A social worker of the service following the household validates a criterion needing a social assessment:
    it counts in the validated score at once."""
    jour = timezone.localdate()
    auteur.exiger(permissions.peut_valider_critere(auteur, demande, jour), permissions.REFUS_CRITERE)
    evaluation = _texte(evaluation, "evaluation", "Résumez l'évaluation sociale qui fonde la validation.")
    sociaux = _criteres_sociaux(demande)
    if critere_id not in sociaux:
        raise ValidationError({"critere_id": ["Ce critère ne demande pas de validation par un travailleur social."]})
    if ValidationCritere.objects.filter(demande=demande, critere_id=critere_id, retiree_le__isnull=True).exists():
        raise ValidationError({"critere_id": ["Ce critère est déjà validé pour cette demande."]})
    services = auteur.organisations(ecriture=True, types=(TypeOrganisation.SERVICE_SOCIAL,))
    validation = ValidationCritere.objects.create(
        demande=demande,
        critere_id=critere_id,
        grille=sociaux[critere_id][:80],
        validee_par=_utilisateur(auteur),
        organisation=services[0] if services else None,
        validee_le=jour,
        evaluation=evaluation,
        fichier=fichier or "",
    )
    evenement_enregistrer(
        objet=demande,
        action="critere_valide_ts",
        resume="Critère validé par un travailleur social.",
        auteur=_utilisateur(auteur),
        organisation=validation.organisation,
        details={"validation": validation.pk, "critere": critere_id},
    )
    _coter(demande.pk, auteur)
    return validation


@transaction.atomic
def demande_qualifier(*, demande: Demande, auteur: Acteur, commentaire: str = "") -> Qualification:
    """The desk checked the demand and validated its documents (CINOR's practice): a pilotage figure."""
    auteur.exiger(permissions.peut_qualifier(auteur, demande), permissions.REFUS_QUALIFIER)
    if demande.statut != enums_demande.StatutDemande.ACTIVE:
        raise ValidationError({"demande": ["Seule une demande active est qualifiée."]})
    restantes = list(
        PieceJustificative.objects.filter(demande=demande)
        .exclude(statut=enums_demande.StatutPiece.VALIDEE)
        .values_list("libelle", flat=True)[:5]
    )
    if restantes:
        raise ValidationError(
            {"demande": ["Validez d'abord toutes les pièces de la demande (reste : " + ", ".join(restantes) + ")."]}
        )
    services = auteur.organisations(ecriture=True, guichet=True)
    qualification = Qualification.objects.create(
        demande=demande,
        qualifiee_par=_utilisateur(auteur),
        organisation=services[0] if services else None,
        qualifiee_le=timezone.localdate(),
        commentaire=(commentaire or "").strip()[:MOTIF_MAX],
    )
    evenement_enregistrer(
        objet=demande,
        action="demande_qualifiee",
        resume="Demande qualifiée : vérifiée et pièces validées.",
        auteur=_utilisateur(auteur),
        organisation=qualification.organisation,
        details={"qualification": qualification.pk},
    )
    return qualification


__all__ = [
    "RapportExpiration",
    "accompagnement_clore",
    "accompagnement_ouvrir",
    "consentement_recueillir",
    "consentement_retirer",
    "critere_valider",
    "criteres_a_evaluer",
    "demande_qualifier",
    "label_attribuer",
    "label_proposer",
    "label_refuser",
    "label_renouveler",
    "label_retirer",
    "label_valider",
    "labels_expirer",
]
