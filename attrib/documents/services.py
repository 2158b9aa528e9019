"""Freezing a document at its event: one new version per call, with its SHA-256, journalled."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction

from attrib.common.services import evenement_enregistrer
from attrib.documents.models import Document, Instantane, NatureDocument
from attrib.organisations.acteurs import Acteur

REFUS_FIGER = (
    "Un document n'est figé qu'à l'événement qu'il atteste, par un agent d'une organisation ou par Attrib "
    "lui-même : connectez-vous."
)


def peut_figer(acteur: Acteur) -> bool:
    """A document is frozen at the event of another service (which checked its own right) or at the first
    download of a page its reader may see: any agent of an organisation, or the system, a superuser."""
    return acteur.voit_tout or bool(acteur.appartenances)


MOTIF_MAX = 2000


@transaction.atomic
def document_figer(
    *,
    objet: models.Model,
    nature: str,
    contenu: bytes,
    nom_fichier: str,
    date_evenement: datetime,
    motif: str = "",
    type_mime: str = "application/pdf",
    auteur: Acteur,
    organisation: Any = None,
    instantane: Instantane | None = None,
) -> Document:
    """Store ``contenu`` as the next version of the document ``nature`` of ``objet``. The first version needs
    no reason; a later one (a correction) needs ``motif``, and the earlier versions stay as they were."""
    auteur.exiger(peut_figer(auteur), REFUS_FIGER)
    motif = (motif or "").strip()
    if nature not in NatureDocument.values:
        raise ValidationError({"nature": [f"Nature de document « {nature} » inconnue."]})
    if not contenu:
        raise ValidationError({"contenu": ["Le document est vide : rien n'est enregistré."]})
    cible_type = ContentType.objects.get_for_model(objet)
    # Lock the existing versions of this document: two corrections at once get two numbers.
    existantes = list(
        Document.objects.select_for_update()
        .filter(cible_type=cible_type, cible_id=objet.pk, nature=nature)
        .values_list("version", flat=True)
    )
    version = instantane.version if instantane is not None else max(existantes, default=0) + 1
    if version in existantes:
        raise ValidationError({"version": [f"La version {version} de ce document est déjà enregistrée."]})
    if version > 1 and not motif:
        raise ValidationError({"motif": ["Indiquez le motif de la correction : il accompagne la nouvelle version."]})
    if len(motif) > MOTIF_MAX:
        raise ValidationError({"motif": [f"Le motif dépasse {MOTIF_MAX} caractères."]})
    document = Document.objects.create(
        nature=nature,
        cible_type=cible_type,
        cible_id=objet.pk,
        version=version,
        nom_fichier=nom_fichier,
        type_mime=type_mime,
        contenu=contenu,
        taille=len(contenu),
        sha256=hashlib.sha256(contenu).hexdigest(),
        date_evenement=date_evenement,
        motif=motif,
        cree_par=auteur.utilisateur,
        instantane=instantane,
    )
    libelle = NatureDocument(nature).label
    evenement_enregistrer(
        objet=objet,
        action="document_fige",
        resume=f"{libelle} : version {version} enregistrée (empreinte SHA-256 {document.sha256[:12]}…)"
        + (f". Motif : {motif}" if motif else "."),
        auteur=auteur.utilisateur,
        organisation=organisation,
        details={"document": document.pk, "nature": nature, "version": version, "sha256": document.sha256},
    )
    return document


@transaction.atomic
def instantane_etablir(
    *, objet: models.Model, nature: str, html: str, date_evenement: datetime, auteur: Acteur, motif: str = ""
) -> Instantane:
    """Fix the HTML of a document at its event (the next version of ``nature`` for ``objet``)."""
    auteur.exiger(peut_figer(auteur), REFUS_FIGER)
    cible_type = ContentType.objects.get_for_model(objet)
    existantes = list(
        Instantane.objects.select_for_update()
        .filter(cible_type=cible_type, cible_id=objet.pk, nature=nature)
        .values_list("version", flat=True)
    )
    version = max(existantes, default=0) + 1
    return Instantane.objects.create(
        nature=nature,
        cible_type=cible_type,
        cible_id=objet.pk,
        version=version,
        html=html,
        sha256=hashlib.sha256(html.encode()).hexdigest(),
        date_evenement=date_evenement,
        motif=(motif or "").strip()[:MOTIF_MAX],
    )
