"""Who may see and do what. Every rule is a small predicate with its reason in French.

Perimeter rule (DESIGN.md §5): a demand is visible to a member of an organisation when the
organisation registered it, or when the demand wishes at least one commune of the organisation's
perimeter. Anything outside the perimeter answers 404, exactly like a missing object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q

from attrib.organisations.models import CategorieReservataire, Membership, Role, TypeOrganisation

if TYPE_CHECKING:
    from attrib.demandes.models import Demande

ROLES_ECRITURE = (Role.ADMINISTRATEUR, Role.GESTIONNAIRE)


def memberships(user: Any) -> list[Membership]:
    """The user's memberships, loaded once per user object (request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_attrib_memberships", None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user).select_related("organisation"))
        user._attrib_memberships = cache
    return cache


def organisation_ids(user: Any) -> list[int]:
    return [m.organisation_id for m in memberships(user)]


def filtre_demandes_visibles(user: Any) -> Q:
    """Q object selecting the demands a user may see."""
    from attrib.demandes.models import CommuneSouhaitee
    from attrib.organisations.models import Organisation

    if getattr(user, "is_superuser", False):
        return Q()
    org_ids = organisation_ids(user)
    if not org_ids:
        return Q(pk__in=[])
    perimetre = Organisation.perimetre.through.objects.filter(organisation_id__in=org_ids).values("commune_id")
    souhaite_perimetre = Exists(CommuneSouhaitee.objects.filter(demande=OuterRef("pk"), commune_id__in=perimetre))
    return Q(guichet_id__in=org_ids) | souhaite_perimetre  # type: ignore[return-value]


def peut_enregistrer_demande(user: Any) -> bool:
    """Seuls les gestionnaires d'un guichet enregistreur (organisation dotée d'un code guichet) enregistrent."""
    return any(m.role in ROLES_ECRITURE and m.organisation.code_guichet for m in memberships(user))


def guichets_de(user: Any) -> list[Any]:
    """The registration desks on behalf of which the user may register a demand."""
    return [m.organisation for m in memberships(user) if m.role in ROLES_ECRITURE and m.organisation.code_guichet]


def peut_modifier_demande(user: Any, demande: Demande) -> bool:
    """Le fichier est partagé : tout guichet enregistreur qui voit la demande peut la mettre à jour."""
    return getattr(user, "is_superuser", False) or peut_enregistrer_demande(user)


def peut_enregistrer_decision_dalo(user: Any, demande: Demande) -> bool:
    """La décision de la commission de médiation DALO est enregistrée par les guichets enregistreurs et par
    l'État réservataire (contingent prioritaire, désignation par le préfet) : un gestionnaire d'une organisation
    de catégorie « État », sur une demande de son périmètre."""
    if peut_modifier_demande(user, demande):
        return True
    return any(
        m.role in ROLES_ECRITURE and m.organisation.categorie_reservataire == CategorieReservataire.ETAT
        for m in memberships(user)
    )


def peut_radier_demande(user: Any, demande: Demande) -> bool:
    """Radier relève des guichets enregistreurs (et du bailleur à la signature du bail, plus tard)."""
    return peut_modifier_demande(user, demande)


def peut_valider_pieces(user: Any) -> bool:
    """Valident les pièces et les situations : guichets enregistreurs et services sociaux (gestionnaires)."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        m.role in ROLES_ECRITURE
        and (m.organisation.code_guichet or m.organisation.type == TypeOrganisation.SERVICE_SOCIAL)
        for m in memberships(user)
    )


def peut_voir_situations_sensibles(user: Any) -> bool:
    """Violences et santé ne sont visibles que de ceux qui en ont besoin pour instruire ou loger :
    guichets enregistreurs et bailleurs (instruction, CALEOL), services sociaux (accompagnement),
    et l'État réservataire (contingent prioritaire). Ni les communes ni l'EPCI, sauf s'ils sont guichet."""
    if getattr(user, "is_superuser", False):
        return True
    for m in memberships(user):
        org = m.organisation
        if m.role == Role.CONSULTATION:
            continue
        if org.code_guichet or org.type in (TypeOrganisation.BAILLEUR, TypeOrganisation.SERVICE_SOCIAL):
            return True
        if org.categorie_reservataire == CategorieReservataire.ETAT:
            return True
    return False


def peut_traiter_doublons(user: Any) -> bool:
    """Les doublons potentiels sont tranchés par un gestionnaire de guichet enregistreur."""
    return peut_enregistrer_demande(user) or getattr(user, "is_superuser", False)


def peut_administrer_referentiels(user: Any) -> bool:
    return bool(getattr(user, "is_staff", False))


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


def peut_exporter_donnees_personnelles(user: Any) -> bool:
    """Exporter en nombre des données personnelles (noms, dates de naissance, coordonnées, ressources) est
    réservé aux agents dont la mission traite les ménages nommément : gestionnaires et administrateurs d'un
    guichet enregistreur, d'un bailleur ou d'un réservataire (État, Action Logement, commune, EPCI). Un membre
    en consultation seule (l'élu d'une commune, par exemple) et un service social, qui suit ses ménages un par
    un, obtiennent les effectifs, pas les noms. Voir docs/decisions/0004-exports-surs.md."""
    if getattr(user, "is_superuser", False):
        return True
    return any(
        m.role in ROLES_ECRITURE
        and (
            bool(m.organisation.code_guichet)
            or m.organisation.type in _TYPES_MISSION_NOMINATIVE
            or bool(m.organisation.categorie_reservataire)
        )
        for m in memberships(user)
    )
