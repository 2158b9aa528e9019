"""Files uploaded for a job: the view stores the upload under ``imports/`` of the media storage and gives the
job its path, never its content (the queue stores JSON in the database); the worker reads it, then removes it,
whatever happens next (``docs/decisions/0009-taches-longues.md``)."""

from __future__ import annotations

import uuid
from typing import IO

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage

from attrib.taches.execution import EchecTravail

DOSSIER = "imports"
MESSAGE_DEPOT_PERDU = "Le fichier déposé n'est plus disponible : déposez-le de nouveau."


def depot_enregistrer(contenu: bytes | IO[bytes], *, suffixe: str) -> str:
    """Store an uploaded file (bytes, or an uploaded file read by chunks) and return its path in the storage.
    ``suffixe`` (".csv", ".xlsx") only names the stored file; the reader is told the original name."""
    fichier = ContentFile(contenu) if isinstance(contenu, bytes) else File(contenu)
    chemin: str = default_storage.save(f"{DOSSIER}/{uuid.uuid4().hex}{suffixe}", fichier)
    return chemin


def depot_lire(chemin: str, *, conserve: str) -> bytes:
    """The stored file's bytes, the file being removed at once (read or not). A file gone (removed by hand, or
    by a first run of the same job) fails the job in French, ``conserve`` saying what was kept."""
    try:
        with default_storage.open(chemin, "rb") as f:
            octets: bytes = f.read()
    except OSError:
        raise EchecTravail(MESSAGE_DEPOT_PERDU, conserve=conserve) from None
    finally:
        default_storage.delete(chemin)
    return octets


def suffixe_de(nom_fichier: str, *, permis: tuple[str, ...]) -> str:
    """The suffix of an uploaded file's name when it is one of ``permis``, else the first of them."""
    nom = nom_fichier.lower()
    return next((s for s in permis if nom.endswith(s)), permis[0])
