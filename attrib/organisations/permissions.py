"""Who may see and do what on demands. Every rule is a small predicate on an :class:`Acteur`, with its reason
in French.

Perimeter rule (DESIGN.md §5): a demand is visible to a member of an organisation when the organisation
registered it, or when the demand wishes at least one commune of the organisation's perimeter. That rule is
``Demande.objects.visible_to(acteur)`` (``attrib.demandes.models``); anything outside the perimeter answers
404, exactly like a missing object.

Transition: apps not yet converted to the actor (flux, commissions, rapprochement, pilotage, common) still
pass a ``User`` here and still import ``memberships``/``organisation_ids``; every predicate therefore reads
its argument through :func:`acteur_de`, which returns an ``Acteur`` unchanged.
"""

from __future__ import annotations

from typing import Any

from attrib.organisations.acteurs import ROLES_ECRITURE, Acteur, acteur_de
from attrib.organisations.models import CategorieReservataire, Membership, Organisation, Role, TypeOrganisation

__all__ = [
    "REFUS_DONNEES_PERSONNELLES",
    "ROLES_ECRITURE",
    "guichets_de",
    "memberships",
    "organisation_ids",
    "peut_administrer_referentiels",
    "peut_enregistrer_decision_dalo",
    "peut_enregistrer_demande",
    "peut_enregistrer_pour",
    "peut_deposer_piece",
    "peut_ecrire",
    "peut_exporter_donnees_personnelles",
    "peut_modifier_demande",
    "peut_radier_demande",
    "peut_traiter_doublons",
    "peut_valider_pieces",
    "peut_voir_situations_sensibles",
]


def memberships(user: Any) -> list[Membership]:
    """The user's memberships, loaded once per user object (request).

    Kept for the apps not yet converted to the actor (flux, commissions, rapprochement, pilotage, common);
    new code reads ``acteur.appartenances``."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_attrib_memberships", None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user).select_related("organisation"))
        user._attrib_memberships = cache
    return cache


def organisation_ids(user: Any) -> list[int]:
    """Kept for the apps not yet converted to the actor; new code calls ``acteur.organisation_ids()``."""
    return acteur_de(user).organisation_ids()


def peut_enregistrer_demande(acteur: Acteur) -> bool:
    """Seuls les gestionnaires d'un guichet enregistreur (organisation dotée d'un code guichet) enregistrent,
    au nom de leur guichet (un superutilisateur sans guichet n'a pas de guichet au nom duquel enregistrer)."""
    return bool(acteur_de(acteur).appartenances_filtrees(ecriture=True, guichet=True))


def peut_enregistrer_pour(acteur: Acteur, guichet_id: int) -> bool:
    """The write check of registering at a given desk: a write member of that desk (or the system, a
    superuser)."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or guichet_id in acteur.organisation_ids(ecriture=True, guichet=True)


def guichets_de(acteur: Acteur) -> list[Organisation]:
    """The registration desks on behalf of which the actor may register a demand (its own desks: even the
    system and a superuser register on behalf of a named desk, which the caller gives)."""
    return acteur_de(acteur).organisations(ecriture=True, guichet=True)


REFUS_ENREGISTRER = "Seul un gestionnaire d'un guichet enregistreur peut enregistrer une demande."
REFUS_MODIFIER = "Seul un gestionnaire d'un guichet enregistreur peut mettre à jour, renouveler ou radier une demande."
REFUS_DECISION_DALO = (
    "Seul un gestionnaire d'un guichet enregistreur ou de l'État réservataire peut enregistrer une décision "
    "de la commission de médiation DALO."
)
REFUS_VALIDER_PIECES = (
    "Seul un gestionnaire d'un guichet enregistreur ou d'un service social peut valider ou refuser une pièce."
)
REFUS_RADIER = (
    "Seul un gestionnaire d'un guichet enregistreur peut radier une demande (ou le bailleur qui en a signé le bail)."
)
REFUS_REFERENTIELS = "Seul un administrateur de l'installation peut charger un référentiel."
REFUS_DOUBLONS = "Seul un gestionnaire d'un guichet enregistreur peut trancher un doublon potentiel."


def peut_modifier_demande(acteur: Acteur, demande: Any = None) -> bool:
    """Le fichier est partagé : tout guichet enregistreur qui voit la demande peut la mettre à jour."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or peut_enregistrer_demande(acteur)


def peut_enregistrer_decision_dalo(acteur: Acteur, demande: Any = None) -> bool:
    """La décision de la commission de médiation DALO est enregistrée par les guichets enregistreurs et par
    l'État réservataire (contingent prioritaire, désignation par le préfet) : un gestionnaire d'une organisation
    de catégorie « État », sur une demande de son périmètre."""
    acteur = acteur_de(acteur)
    if peut_modifier_demande(acteur, demande):
        return True
    return any(
        a.categorie_reservataire == CategorieReservataire.ETAT for a in acteur.appartenances_filtrees(ecriture=True)
    )


def peut_radier_demande(acteur: Acteur, demande: Any = None) -> bool:
    """Radier relève des guichets enregistreurs (et du bailleur à la signature du bail, plus tard)."""
    return peut_modifier_demande(acteur, demande)


def peut_valider_pieces(acteur: Acteur) -> bool:
    """Valident les pièces et les situations : guichets enregistreurs et services sociaux (gestionnaires)."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or any(
        a.code_guichet or a.type == TypeOrganisation.SERVICE_SOCIAL
        for a in acteur.appartenances_filtrees(ecriture=True)
    )


def peut_voir_situations_sensibles(acteur: Acteur) -> bool:
    """Violences et santé ne sont visibles que de ceux qui en ont besoin pour instruire ou loger :
    guichets enregistreurs et bailleurs (instruction, CALEOL), services sociaux (accompagnement),
    et l'État réservataire (contingent prioritaire). Ni les communes ni l'EPCI, sauf s'ils sont guichet."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    return any(
        a.role != Role.CONSULTATION
        and (
            bool(a.code_guichet)
            or a.type in (TypeOrganisation.BAILLEUR, TypeOrganisation.SERVICE_SOCIAL)
            or a.categorie_reservataire == CategorieReservataire.ETAT
        )
        for a in acteur.appartenances
    )


def peut_deposer_piece(acteur: Acteur, demande: Any = None) -> bool:
    """Joignent une pièce : ceux qui mettent à jour la demande (guichets) et ceux qui valident les pièces
    (services sociaux)."""
    return peut_modifier_demande(acteur, demande) or peut_valider_pieces(acteur)


def peut_ecrire(acteur: Acteur) -> bool:
    """The consequences of a write (expected documents, re-scoring) follow any actor who writes somewhere:
    a manager or administrator of an organisation, or the system, a superuser."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or bool(acteur.appartenances_filtrees(ecriture=True))


REFUS_ECRIRE = "Seul un gestionnaire ou un administrateur d'une organisation peut modifier des données."
REFUS_DEPOSER_PIECE = (
    "Seul un gestionnaire d'un guichet enregistreur ou d'un service social peut joindre une pièce à une demande."
)


def peut_traiter_doublons(acteur: Acteur) -> bool:
    """Les doublons potentiels sont tranchés par un gestionnaire de guichet enregistreur."""
    acteur = acteur_de(acteur)
    return acteur.voit_tout or peut_enregistrer_demande(acteur)


def peut_administrer_referentiels(acteur: Acteur) -> bool:
    acteur = acteur_de(acteur)
    return acteur.voit_tout or bool(acteur.utilisateur is not None and acteur.utilisateur.is_staff)


#: Organisations whose mission handles households by name: they register and update demands (desks),
#: instruct them and present them to the CALEOL (bailleurs), designate candidates for their contingent
#: (réservataires: State, Action Logement, communes, EPCI). The EPCI also pilots the CIL's evaluation.
_TYPES_MISSION_NOMINATIVE = (
    TypeOrganisation.GUICHET,
    TypeOrganisation.BAILLEUR,
    TypeOrganisation.RESERVATAIRE,
    TypeOrganisation.COMMUNE,
    TypeOrganisation.EPCI,
)
REFUS_DONNEES_PERSONNELLES = (
    "Votre rôle ne permet pas d'exporter des données personnelles (noms, dates de naissance, coordonnées, "
    "ressources) : seuls les agents chargés d'enregistrer, d'instruire ou de désigner des demandes le peuvent. "
    "Vous pouvez exporter les effectifs."
)


def peut_exporter_donnees_personnelles(acteur: Acteur) -> bool:
    """Exporter en nombre des données personnelles (noms, dates de naissance, coordonnées, ressources) est
    réservé aux agents dont la mission traite les ménages nommément : gestionnaires et administrateurs d'un
    guichet enregistreur, d'un bailleur ou d'un réservataire (État, Action Logement, commune, EPCI). Un membre
    en consultation seule (l'élu d'une commune, par exemple) et un service social, qui suit ses ménages un par
    un, obtiennent les effectifs, pas les noms. Voir docs/decisions/0004-exports-surs.md."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    return any(
        bool(a.code_guichet) or a.type in _TYPES_MISSION_NOMINATIVE or bool(a.categorie_reservataire)
        for a in acteur.appartenances_filtrees(ecriture=True)
    )
