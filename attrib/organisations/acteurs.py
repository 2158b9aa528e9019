"""The actor: who acts, built once per request, or named explicitly for the system.

Every service that writes takes a required, keyword-only ``auteur: Acteur``; every ``peut_*`` predicate and
every ``QuerySet.visible_to(acteur)`` reads the same object. There is no "no author" path: a scheduled command,
an import or the demo acts as :func:`acteur_systeme` with its reason, which the change journal records.

Kinds of actor (:class:`Nature`):

- ``AGENT``: a member of one or more organisations (desk, bailleur, réservataire, commune, EPCI, social
  service), with a role in each (administrator, manager, read-only);
- ``SUPERUTILISATEUR``: the installation's administrators (sees everything, may do everything);
- ``SYSTEME``: the product itself (commands, worker tasks, imports, demo), may do everything, with a reason;
- ``DEMANDEUR``: an applicant household's account (issue 13): sees its own demands only, belongs to no
  organisation, never reaches a staff page;
- ``ANONYME``: nobody logged in: sees and does nothing.

This module depends on ``organisations.models`` only, so that every app's models may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from attrib.organisations.models import Membership, Organisation, Role, TypeOrganisation

if TYPE_CHECKING:
    from attrib.organisations.models import User

ROLES_ECRITURE = frozenset({Role.ADMINISTRATEUR, Role.GESTIONNAIRE})


class Nature(StrEnum):
    AGENT = "agent"
    SUPERUTILISATEUR = "superutilisateur"
    SYSTEME = "systeme"
    DEMANDEUR = "demandeur"
    ANONYME = "anonyme"


class Refus(PermissionDenied):
    """A write refused to this actor. Its message is French and says who may do it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Appartenance:
    """One membership: an organisation and the actor's role in it."""

    organisation: Organisation = field(compare=False)
    organisation_id: int
    type: str
    categorie_reservataire: str
    code_guichet: str
    role: str

    @property
    def ecriture(self) -> bool:
        return self.role in ROLES_ECRITURE


@dataclass(frozen=True, eq=False)
class Acteur:
    """Who acts. Immutable; build it with :func:`acteur_de` or :func:`acteur_systeme`."""

    nature: Nature
    utilisateur: User | None = None
    appartenances: tuple[Appartenance, ...] = ()
    #: The demands an applicant's account holds (DEMANDEUR only).
    demande_ids: frozenset[int] = frozenset()
    #: Among them, those whose household this account is (its own link, obtained with the one-time code; not an
    #: access given by the household to a co-applicant or a social worker): it answers their offers.
    demandes_titulaire: frozenset[int] = frozenset()
    #: Why the system acts (SYSTEME only), e.g. « commande recoter », « import RPLS », « démonstration ».
    motif: str = ""

    # ----- kinds

    @property
    def est_systeme(self) -> bool:
        return self.nature is Nature.SYSTEME

    @property
    def est_superutilisateur(self) -> bool:
        return self.nature is Nature.SUPERUTILISATEUR

    @property
    def voit_tout(self) -> bool:
        """The system and superusers see and may do everything."""
        return self.nature in (Nature.SYSTEME, Nature.SUPERUTILISATEUR)

    @property
    def est_demandeur(self) -> bool:
        return self.nature is Nature.DEMANDEUR

    @property
    def est_agent(self) -> bool:
        return self.nature is Nature.AGENT

    @property
    def est_authentifie(self) -> bool:
        return self.nature is not Nature.ANONYME

    @property
    def user_id(self) -> int | None:
        return self.utilisateur.pk if self.utilisateur is not None else None

    @property
    def libelle(self) -> str:
        if self.est_systeme:
            return f"Attrib ({self.motif})" if self.motif else "Attrib"
        if self.utilisateur is None:
            return "anonyme"
        if self.est_demandeur:  # its user name is opaque: the staff read the person and where they acted
            return str(self.utilisateur)
        return self.utilisateur.get_full_name() or self.utilisateur.get_username()

    # ----- memberships

    def appartenances_filtrees(
        self,
        *,
        ecriture: bool = False,
        types: tuple[str, ...] = (),
        reservataire: bool = False,
        guichet: bool = False,
    ) -> list[Appartenance]:
        """Memberships, optionally only those with write rights, of some organisation types, of an
        organisation holding reservation rights, or of a registration desk."""
        return [
            a
            for a in self.appartenances
            if (not ecriture or a.ecriture)
            and (not types or a.type in types)
            and (not reservataire or bool(a.categorie_reservataire))
            and (not guichet or bool(a.code_guichet))
        ]

    def organisation_ids(self, **filtres: Any) -> list[int]:
        return [a.organisation_id for a in self.appartenances_filtrees(**filtres)]

    def organisations(self, **filtres: Any) -> list[Organisation]:
        return [a.organisation for a in self.appartenances_filtrees(**filtres)]

    def est_membre(self, organisation_id: int | None, *, ecriture: bool = False) -> bool:
        if organisation_id is None:
            return False
        return any(a.organisation_id == organisation_id and (not ecriture or a.ecriture) for a in self.appartenances)

    def exiger(self, condition: bool, message: str) -> None:
        """Raise :class:`Refus` with ``message`` unless ``condition`` holds."""
        if not condition:
            raise Refus(message)


ANONYME = Acteur(nature=Nature.ANONYME)


def acteur_systeme(motif: str) -> Acteur:
    """The product acting by itself (command, worker task, import, demo). ``motif`` is required and
    reaches the change journal."""
    if not motif.strip():
        raise ValueError("L'acteur système doit dire pourquoi il agit.")
    return Acteur(nature=Nature.SYSTEME, motif=motif)


def _appartenances(user: Any) -> tuple[Appartenance, ...]:
    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation_id")
    return tuple(
        Appartenance(
            organisation=m.organisation,
            organisation_id=m.organisation_id,
            type=m.organisation.type,
            categorie_reservataire=m.organisation.categorie_reservataire or "",
            code_guichet=m.organisation.code_guichet or "",
            role=m.role,
        )
        for m in memberships
    )


#: Set by the applicant space (``attrib.demandeurs``, in its ``ready()``): for a user, the ids of the demands its
#: applicant account holds and, among them, those it holds as the household itself (``demandes_titulaire``), or
#: ``None`` when the user has no applicant account. This module imports no app above it.
Reconnaissance = Callable[[Any], tuple[frozenset[int], frozenset[int]] | None]
_RECONNAISSANCE_DEMANDEUR: Reconnaissance | None = None


def reconnaitre_demandeur(fonction: Reconnaissance) -> None:
    """Register how an applicant account is recognised (called once by ``attrib.demandeurs``)."""
    global _RECONNAISSANCE_DEMANDEUR
    _RECONNAISSANCE_DEMANDEUR = fonction


def acteur_de(user: Any) -> Acteur:
    """The actor of an authenticated user (or ``ANONYME``), built once per user object, i.e. per request."""
    if isinstance(user, Acteur):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYME
    cache = getattr(user, "_attrib_acteur", None)
    if isinstance(cache, Acteur):
        return cache
    appartenances = _appartenances(user)
    demande_ids: frozenset[int] = frozenset()
    titulaire: frozenset[int] = frozenset()
    if user.is_superuser:
        nature = Nature.SUPERUTILISATEUR
    elif appartenances:
        nature = Nature.AGENT
    else:
        # Without organisation: an applicant account (issue 13) sees the demands it is linked to and nothing
        # else; a staff account not yet placed in an organisation sees nothing.
        liees = _RECONNAISSANCE_DEMANDEUR(user) if _RECONNAISSANCE_DEMANDEUR is not None else None
        nature = Nature.AGENT if liees is None else Nature.DEMANDEUR
        if liees is not None:
            demande_ids, titulaire = liees
    acteur = Acteur(
        nature=nature,
        utilisateur=user,
        appartenances=appartenances,
        demande_ids=demande_ids,
        demandes_titulaire=titulaire,
    )
    user._attrib_acteur = acteur
    return acteur


_QS = TypeVar("_QS", bound="QuerySet[Any]")


def restreindre(qs: _QS, acteur: Acteur, filtre: Callable[[list[int]], Q]) -> _QS:
    """The one preamble of every ``visible_to``: all rows for the system and superusers, none for an actor
    without an organisation (nobody, an applicant outside the demand file, a staff account not yet placed), and
    otherwise the rows ``filtre(organisation ids)`` selects."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return qs.all()
    ids = acteur.organisation_ids() if acteur.est_agent else []
    if not ids:
        return qs.none()
    return qs.filter(filtre(ids))


def oublier(user: Any) -> None:
    """Forget the actor cached on a user object (after its memberships changed, in tests and admin)."""
    for attribut in ("_attrib_acteur", "_attrib_memberships"):
        if hasattr(user, attribut):
            delattr(user, attribut)


__all__ = [
    "ANONYME",
    "ROLES_ECRITURE",
    "Acteur",
    "Appartenance",
    "Nature",
    "Refus",
    "TypeOrganisation",
    "acteur_de",
    "acteur_systeme",
    "oublier",
    "reconnaitre_demandeur",
    "restreindre",
]
