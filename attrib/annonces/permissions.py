"""Who may do what in location voulue (``docs/location-voulue.md`` §5).

- **Rules of a pair** (share of the flux, qualifying dwellings, publication length): the bailleur's managers.
- **Create an advert** from a freed dwelling: the bailleur's managers; the managers of the réservataire to which
  the dwelling is oriented when the rapprochement lets them designate its candidates
  (``attrib.rapprochement.permissions.peut_designer``).
- **Prepare, publish, withdraw, close an advert**: the managers of its bailleur and of its réservataire.
- **Present the first applicants to the committee**: whoever designates the dwelling's candidates
  (``peut_designer``: the réservataire while it waits, the bailleur for its own share or after a lapse).
- **Apply, withdraw an application**: the household itself (its own link to the demand, ``titulaire``), or a
  desk's manager who may update the demand and sees it (``attrib.organisations.permissions``). A co-applicant or
  a social worker to whom the household gave access does not apply in its name.

The system and superusers do everything (``acteur.voit_tout``). A refused write raises ``Refus`` with the French
text below.
"""

from __future__ import annotations

from attrib.annonces.models import Annonce
from attrib.demandes.models import Demande
from attrib.flux.models import LogementLibere
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation
from attrib.organisations.permissions import peut_modifier_demande
from attrib.rapprochement.permissions import peut_designer

REFUS_REGLES = "Seuls les gestionnaires du bailleur fixent ses règles de location voulue."
REFUS_CREER = (
    "Seuls les gestionnaires du bailleur, ou ceux du réservataire auquel le logement est orienté, publient ce "
    "logement en location voulue."
)
REFUS_GERER = "Seuls les gestionnaires du bailleur et du réservataire du logement gèrent cette annonce."
REFUS_PRESENTER = (
    "Seuls ceux qui désignent les candidats du logement (le réservataire, ou le bailleur pour sa part) présentent "
    "les candidatures à la commission."
)
REFUS_CANDIDATER = (
    "Seuls le ménage lui-même, depuis son espace, ou son guichet enregistreur candidatent à une annonce pour une "
    "demande."
)
REFUS_CLORE_TOUT = (
    "Seuls Attrib (commande clore_annonces) et un superutilisateur closent les annonces de tous les bailleurs ; "
    "un gestionnaire du bailleur clôt celles de son annonce."
)


def peut_gerer_regles(acteur: Acteur, bailleur: Organisation | int) -> bool:
    bailleur_id = bailleur if isinstance(bailleur, int) else bailleur.pk
    return acteur.voit_tout or acteur.est_membre(bailleur_id, ecriture=True)


def peut_creer_annonce(acteur: Acteur, ll: LogementLibere) -> bool:
    if acteur.voit_tout:
        return True
    return acteur.est_membre(ll.bailleur_id, ecriture=True) or peut_designer(acteur, ll)


def peut_gerer_annonce(acteur: Acteur, annonce: Annonce) -> bool:
    return (
        acteur.voit_tout
        or acteur.est_membre(annonce.bailleur_id, ecriture=True)
        or acteur.est_membre(annonce.reservataire_id, ecriture=True)
    )


def peut_voir_annonce_gestion(acteur: Acteur, annonce: Annonce) -> bool:
    """The staff's view of an advert (drafts, applications, ranking with the households)."""
    return acteur.voit_tout or acteur.est_membre(annonce.bailleur_id) or acteur.est_membre(annonce.reservataire_id)


def peut_presenter(acteur: Acteur, annonce: Annonce) -> bool:
    return peut_designer(acteur, annonce.logement_libere)


def peut_candidater(acteur: Acteur, demande: Demande | int) -> bool:
    """Apply, or withdraw an application, for ``demande``."""
    acteur = acteur_de(acteur)
    pk = demande if isinstance(demande, int) else demande.pk
    if acteur.voit_tout:
        return True
    if acteur.est_demandeur:
        return pk in acteur.demandes_titulaire
    return peut_modifier_demande(acteur) and Demande.objects.visible_to(acteur).filter(pk=pk).exists()
