"""Reads of the change journal: the entries of one object's page, and of a period for the export, each
restricted to what the user may see (the object's own visibility rule; a rating stays confidential to its
rater until the campaign closes)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Role, TypeOrganisation

NOTATION = "qualification.notation"


def _ids_texte(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.order_by().annotate(_id_texte=Cast("pk", CharField())).values("_id_texte")


def _notations_masquees(user: Any) -> Q:
    """Ratings of a campaign still open, by another organisation than the user's: not shown."""
    from attrib.qualification.enums import StatutCampagne
    from attrib.qualification.models import Notation

    visibles = Notation.objects.filter(
        Q(campagne__statut=StatutCampagne.CLOSE) | Q(organisation_id__in=acteur_de(user).organisation_ids())
    )
    return Q(table_objet=NOTATION) & ~Q(objet_id__in=_ids_texte(visibles))


def entrees_demande(demande: Any) -> QuerySet[EntreeJournal]:
    return EntreeJournal.objects.filter(racine_table="demandes.demande", racine_id=str(demande.pk))


def entrees_version(version: Any) -> QuerySet[EntreeJournal]:
    return EntreeJournal.objects.filter(racine_table="cotation.versiongrille", racine_id=str(version.pk))


def entrees_campagne(campagne: Any, user: Any) -> QuerySet[EntreeJournal]:
    qs = EntreeJournal.objects.filter(racine_table="qualification.campagne", racine_id=str(campagne.pk))
    return qs if acteur_de(user).est_superutilisateur else qs.exclude(_notations_masquees(user))


def entrees_convention(convention: Any) -> QuerySet[EntreeJournal]:
    return EntreeJournal.objects.filter(racine_table="flux.conventionreservation", racine_id=str(convention.pk))


def entrees_seance(seance: Any) -> QuerySet[EntreeJournal]:
    examens = _ids_texte(seance.examens.all())
    return EntreeJournal.objects.filter(
        Q(racine_table="commissions.seance", racine_id=str(seance.pk))
        | Q(racine_table="commissions.examen", racine_id__in=examens)
    )


# --- export of a period ----------------------------------------------------------------------------


def est_delegue_protection_donnees(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) or user.has_perm("journal.exporter_journal"))


def _personnel_epci(user: Any) -> bool:
    return any(a.type == TypeOrganisation.EPCI and a.role != Role.CONSULTATION for a in acteur_de(user).appartenances)


def peut_exporter_journal(user: Any) -> bool:
    """The data-protection officer (permission « exporter_journal ») and the staff of an EPCI (not read-only)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _personnel_epci(user) or est_delegue_protection_donnees(user)


def dans_le_menu(user: Any) -> bool:
    """Whether the menu offers the export: without reading the user's permissions for a member of an
    organisation (every page builds the menu); the data-protection officer belongs to none."""
    if not getattr(user, "is_authenticated", False):
        return False
    if _personnel_epci(user) or acteur_de(user).est_superutilisateur:
        return True
    return not acteur_de(user).appartenances and est_delegue_protection_donnees(user)


def _racines_visibles(user: Any) -> Q:
    """Entries whose object the user may see (the same rules as the objects' pages)."""
    from attrib.commissions.models import Commission, Examen, Seance
    from attrib.cotation.selectors import grilles_visibles
    from attrib.demandes.models import Demande
    from attrib.flux.models import ConventionReservation
    from attrib.qualification.models import Campagne

    commissions = Commission.objects.visible_to(user)
    seances = Seance.objects.visible_to(user)
    versions = [str(v.pk) for _, vs in grilles_visibles(user) for v in vs]
    return (
        Q(racine_table="demandes.demande", racine_id__in=_ids_texte(Demande.objects.visible_to(user)))
        | Q(racine_table="cotation.versiongrille", racine_id__in=versions)
        | Q(racine_table="qualification.campagne", racine_id__in=_ids_texte(Campagne.objects.visible_to(user)))
        | Q(
            racine_table="flux.conventionreservation",
            racine_id__in=_ids_texte(ConventionReservation.objects.visible_to(user)),
        )
        | Q(racine_table="commissions.commission", racine_id__in=_ids_texte(commissions))
        | Q(racine_table="commissions.seance", racine_id__in=_ids_texte(seances))
        | Q(racine_table="commissions.examen", racine_id__in=_ids_texte(Examen.objects.filter(seance__in=seances)))
    ) & ~_notations_masquees(user)


def bornes(debut: date, fin: date) -> tuple[datetime, datetime]:
    """The period from ``debut`` 00:00 to ``fin`` 24:00, local time."""
    zone = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(debut, time.min), zone),
        timezone.make_aware(datetime.combine(fin + timedelta(days=1), time.min), zone),
    )


def entrees_periode(*, user: Any, debut: date, fin: date) -> QuerySet[EntreeJournal]:
    """The entries of a period the user may export: everything for the data-protection officer; the objects
    the user may see for the staff of an EPCI. Oldest first."""
    a, b = bornes(debut, fin)
    qs = EntreeJournal.objects.filter(horodatage__gte=a, horodatage__lt=b).select_related("organisation")
    if not est_delegue_protection_donnees(user):
        qs = qs.filter(_racines_visibles(user))
    return qs.order_by("horodatage", "id")
