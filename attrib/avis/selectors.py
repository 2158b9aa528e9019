"""Reading the notices: the household's inbox, the desk's letters to print."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from attrib.avis import permissions
from attrib.avis.models import Avis, Canal, Envoi, StatutEnvoi
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation


def boite_de(*, demande: Demande) -> list[Avis]:
    """The inbox of a demand: its notices, newest first (``avis.lu`` says whether the household opened it).
    The caller checks that its reader may see the demand (the applicant's own, ``attrib.demandeurs``)."""
    return list(Avis.objects.filter(demande=demande).order_by("-date_evenement", "-id"))


def non_lus(*, demande: Demande) -> int:
    return Avis.objects.filter(demande=demande, lu_le__isnull=True).count()


def guichets_imprimeurs(acteur: Acteur) -> list[Organisation]:
    """The desks whose letters ``acteur`` prints (every desk for the system and superusers)."""
    ids = permissions.guichets_imprimeurs(acteur)
    qs = Organisation.objects.exclude(code_guichet="")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(qs.order_by("nom"))


def courriers(acteur: Acteur, *, guichet: Organisation, imprimes: bool = False) -> QuerySet[Envoi]:
    """The letters of ``guichet`` to print (oldest first), or those already printed (newest first)."""
    if not permissions.peut_imprimer(acteur, guichet.pk):
        return Envoi.objects.none()
    qs = Envoi.objects.filter(canal=Canal.COURRIER, guichet=guichet).select_related(
        "avis__demande", "imprime_par", "document"
    )
    if imprimes:
        return qs.filter(statut=StatutEnvoi.IMPRIME).order_by("-imprime_le", "-id")
    return qs.filter(statut=StatutEnvoi.A_IMPRIMER).order_by("avis__date_evenement", "id")


def courrier_visible(acteur: Acteur, pk: int) -> Envoi:
    """A letter of one of the reader's desks; 404 otherwise, like a missing letter."""
    envoi = Envoi.objects.filter(pk=pk, canal=Canal.COURRIER).select_related("avis__demande", "document").first()
    if envoi is None or not permissions.peut_imprimer(acteur, envoi.guichet_id):
        raise Http404("Courrier introuvable.")
    return envoi
