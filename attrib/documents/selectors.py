"""Reading frozen documents: the versions of an object's document, the one to serve."""

from __future__ import annotations

from django.db import models
from django.http import Http404

from attrib.documents.models import Document, Instantane


def versions(objet: models.Model, nature: str) -> list[Document]:
    """Every version, oldest first, without their bytes (for listing)."""
    return list(Document.objects.pour(objet, nature).defer("contenu").order_by("version"))


def derniere(objet: models.Model, nature: str) -> Document | None:
    return Document.objects.pour(objet, nature).order_by("-version").first()


def version(objet: models.Model, nature: str, numero: int) -> Document:
    document = Document.objects.pour(objet, nature).filter(version=numero).first()
    if document is None:
        raise Http404("Version introuvable.")
    return document


def instantanes(objet: models.Model, nature: str) -> list[Instantane]:
    """The versions fixed at their events, oldest first (without their HTML), each with its PDF if made."""
    return list(Instantane.objects.pour(objet, nature).defer("html").select_related("document").order_by("version"))


def dernier_instantane(objet: models.Model, nature: str) -> Instantane | None:
    return Instantane.objects.pour(objet, nature).order_by("-version").first()
