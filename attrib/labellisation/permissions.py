"""Who may do what with priority labels, consents, social follow-ups and qualifications.

- **Propose a label** (or its renewal): the kinds of proposers the data file names for the kind of label: a desk's
  manager who sees the demand (``guichet``), a social service's manager following the household or seeing the
  demand (``service_social``), a réservataire's manager who sees it (``reservataire``), the household itself from
  its space (``demandeur``: its own link, not a co-applicant's).
- **Validate, refuse, record a decision, withdraw a validated label**: a manager of the organisation holding the
  right on the demand's EPCI that day (``selectors.peut_valider``: the local rule, else the default kind).
- **Withdraw a proposal**: whoever may validate it, its proposing organisation, or the household that made it.
- **Collect or withdraw a consent**: the household itself, a desk's manager who may update the demand, a social
  service's manager (for a follow-up by its own service).
- **Open or close a social follow-up, validate a criterion needing a social assessment**: a social service's
  manager (the criterion: only on a household its service follows, with consent).
- **Qualify a demand**: a desk's manager who may update it.

The system and superusers do everything. A refused write raises ``Refus`` with the French text below.
"""

from __future__ import annotations

from datetime import date

from attrib.demandes.models import Demande
from attrib.labellisation import parametres
from attrib.labellisation.enums import Proposant
from attrib.labellisation.models import Label
from attrib.labellisation.selectors import peut_valider, suit_le_menage
from attrib.organisations.acteurs import Acteur, Appartenance, acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.organisations.permissions import peut_modifier_demande

REFUS_PROPOSER = (
    "Ce label est proposé par le guichet, le service social ou le réservataire qui suit la demande, ou par le "
    "ménage lui-même quand le label le permet."
)
REFUS_VALIDER = (
    "Seuls les gestionnaires de l'organisation qui a le droit de valider ce label sur le territoire de la "
    "demande l'examinent."
)
REFUS_RETIRER = "Un label est retiré par l'organisation qui le valide, ou, tant qu'il est proposé, par qui l'a proposé."
REFUS_CONSENTEMENT = (
    "Le consentement est recueilli par le ménage lui-même, son guichet ou le service social qui l'accompagne."
)
REFUS_ACCOMPAGNEMENT = "Seuls les gestionnaires d'un service social ouvrent ou closent le suivi d'un ménage."
REFUS_CRITERE = (
    "Seul un travailleur social du service qui accompagne le ménage, avec son consentement, valide ce critère."
)
REFUS_QUALIFIER = "Seuls les gestionnaires du guichet qui instruit la demande la qualifient."


def _voit(acteur: Acteur, demande: Demande) -> bool:
    return Demande.objects.visible_to(acteur).filter(pk=demande.pk).exists()


def _nature(a: Appartenance) -> set[str]:
    natures = set()
    if a.code_guichet or a.type == TypeOrganisation.GUICHET:
        natures.add(Proposant.GUICHET.value)
    if a.type == TypeOrganisation.SERVICE_SOCIAL:
        natures.add(Proposant.SERVICE_SOCIAL.value)
    if a.categorie_reservataire:
        natures.add(Proposant.RESERVATAIRE.value)
    return natures


def organisations_proposantes(acteur: Acteur, type_label: str, jour: date) -> list[Organisation]:
    """The actor's organisations (managers) whose kind may propose ``type_label``."""
    t = parametres.type_label(type_label, jour)
    if t is None:
        return []
    return [a.organisation for a in acteur.appartenances_filtrees(ecriture=True) if _nature(a) & t.proposants]


def peut_proposer(acteur: Acteur, demande: Demande, type_label: str, jour: date) -> bool:
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    t = parametres.type_label(type_label, jour)
    if t is None:
        return False
    if acteur.est_demandeur:
        return Proposant.DEMANDEUR.value in t.proposants and demande.pk in acteur.demandes_titulaire
    if not acteur.est_agent or not organisations_proposantes(acteur, type_label, jour):
        return False
    return _voit(acteur, demande) or suit_le_menage(acteur, demande, jour)


def peut_retirer(acteur: Acteur, label: Label, jour: date) -> bool:
    acteur = acteur_de(acteur)
    if acteur.voit_tout or peut_valider(acteur, label.demande, label.type_label, jour):
        return True
    if label.statut != "propose":
        return False
    if acteur.est_demandeur:
        return label.par_demandeur and label.demande_id in acteur.demandes_titulaire
    return acteur.est_membre(label.organisation_id, ecriture=True)


def peut_consentir(acteur: Acteur, demande: Demande, organisation: Organisation | None, jour: date) -> bool:
    """Collect or withdraw a consent of ``demande`` (``organisation``: the social service concerned)."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    if acteur.est_demandeur:
        return demande.pk in acteur.demandes_titulaire
    if not acteur.est_agent:
        return False
    if organisation is not None and acteur.est_membre(organisation.pk, ecriture=True):
        return organisation.type == TypeOrganisation.SERVICE_SOCIAL
    return peut_modifier_demande(acteur) and _voit(acteur, demande)


def peut_accompagner(acteur: Acteur, organisation: Organisation) -> bool:
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    return organisation.type == TypeOrganisation.SERVICE_SOCIAL and acteur.est_membre(organisation.pk, ecriture=True)


def peut_valider_critere(acteur: Acteur, demande: Demande, jour: date) -> bool:
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    services = acteur.organisation_ids(ecriture=True, types=(TypeOrganisation.SERVICE_SOCIAL,))
    return bool(services) and suit_le_menage(acteur, demande, jour)


def peut_qualifier(acteur: Acteur, demande: Demande) -> bool:
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    if not acteur.est_agent or not acteur.appartenances_filtrees(ecriture=True, guichet=True):
        return False
    return peut_modifier_demande(acteur) and _voit(acteur, demande)


def est_service_social(acteur: Acteur) -> bool:
    return bool(acteur_de(acteur).organisation_ids(types=(TypeOrganisation.SERVICE_SOCIAL,)))
