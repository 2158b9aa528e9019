"""Reading frozen documents: the versions of an object's document, the one to serve."""

from __future__ import annotations

from django.db import models
from django.http import Http404

from attrib.documents.models import Document


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
