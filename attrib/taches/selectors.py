"""Reads of the jobs: a job is seen by the user who launched it and by superusers; its file only by its
launcher (it may hold personal data exported under the launcher's rights)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from attrib.taches.models import Travail


def travaux_de(user: Any) -> QuerySet[Travail]:
    """The jobs the user launched, latest first (without their files)."""
    if not getattr(user, "is_authenticated", False):
        return Travail.objects.none()
    return Travail.objects.filter(lance_par_id=user.pk).defer("fichier").order_by("-cree_le", "-id")


def travail_visible(user: Any, pk: int) -> Travail:
    """The job ``pk`` if the user launched it or is a superuser; else 404 (like a missing page)."""
    qs = Travail.objects.defer("fichier").filter(pk=pk)
    if not getattr(user, "is_superuser", False):
        qs = qs.filter(lance_par_id=getattr(user, "pk", None))
    travail = qs.first()
    if travail is None:
        raise Http404("Page introuvable.")
    return travail


def fichier_du_travail(user: Any, pk: int) -> Travail:
    """The finished job ``pk`` with its file, for its launcher only; else 404."""
    travail = Travail.objects.filter(pk=pk, lance_par_id=getattr(user, "pk", None)).first()
    if travail is None or not travail.a_un_fichier or travail.fichier is None:
        raise Http404("Page introuvable.")
    return travail
