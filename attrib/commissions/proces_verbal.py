"""The minutes (procès-verbal) of a CALEOL session as a PDF (WeasyPrint): the commission, the date, the
members present in the room or remotely and the absent ones, the quorum, and for each dwelling the
candidates examined with the decision, its rank, the tally of the votes and the reasons.

The minutes are frozen when the session closes (``figer``, called by ``seance_cloturer``): rendered once with
the session's own dates and the scores kept on its decisions, stored with their SHA-256 (``attrib.documents``)
and served as stored. A correction is a new version beside the first (``corriger``). Before the closing, the
minutes are a draft rendered on demand and marked so.

Rendering never fetches a network resource: the only URLs WeasyPrint may open are the Marianne font files
shipped with django-dsfr."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from attrib.commissions import parametres, selectors
from attrib.commissions.enums import ModePresence, StatutSeance
from attrib.commissions.models import Seance
from attrib.common.pdf import pdf_depuis_html, uri_polices
from attrib.documents import selectors as documents
from attrib.documents.models import Document, NatureDocument
from attrib.documents.services import document_figer
from attrib.organisations.acteurs import Acteur, acteur_systeme

GABARIT = "commissions/pdf/proces_verbal.html"


def nom_fichier(seance: Seance, *, version: int = 1, projet: bool = False) -> str:
    suffixe = "-projet" if projet else (f"-v{version}" if version > 1 else "")
    return f"proces-verbal-caleol-{seance.commission_id}-{seance.date:%Y-%m-%d}{suffixe}.pdf"


def contexte(seance: Seance, *, voit_sensible: bool = False, motif: str = "", version: int = 1) -> dict[str, Any]:
    """What the minutes show. The minutes show scores, not their reasons: ``voit_sensible`` changes nothing
    printed, one document serves every reader allowed to see the session."""
    membres = list(seance.commission.membres.select_related("organisation"))
    presences = selectors.presences(seance)
    return {
        "seance": seance,
        "commission": seance.commission,
        "en_seance": [m for m in membres if m.pk in presences and presences[m.pk].mode == ModePresence.SEANCE],
        "a_distance": [m for m in membres if m.pk in presences and presences[m.pk].mode == ModePresence.DISTANCE],
        "absents": [m for m in membres if m.pk not in presences],
        "quorum": selectors.quorum(seance),
        "points": selectors.ordre_du_jour(seance, voit_sensible=voit_sensible),
        "exceptions": parametres.exceptions_candidats(seance.date),
        # The minutes are dated by the closing of the session (a draft by the time it is printed).
        "edite_le": timezone.localtime(seance.close_le) if seance.close_le else timezone.localtime(),
        "projet": seance.statut != StatutSeance.TENUE,
        "version": version,
        "motif_version": motif,
        "cree_le_iso": timezone.localtime(seance.close_le).isoformat() if seance.close_le else "",
        "polices": uri_polices(),
    }


def pdf(seance: Seance, *, voit_sensible: bool = False, motif: str = "", version: int = 1) -> bytes:
    html = render_to_string(GABARIT, contexte(seance, voit_sensible=voit_sensible, motif=motif, version=version))
    return pdf_depuis_html(html, document="du procès-verbal")


def figer(seance: Seance, *, auteur: Acteur, motif: str = "") -> Document:
    """Render the minutes of the closed session and store them as the next version (``motif`` for a
    correction). Called in the transaction of the closing: the session is never closed without its minutes."""
    if seance.statut != StatutSeance.TENUE or seance.close_le is None:
        raise ValidationError({"seance": ["Le procès-verbal est établi à la clôture de la séance."]})
    precedente = documents.derniere(seance, NatureDocument.PROCES_VERBAL)
    version = 1 if precedente is None else precedente.version + 1
    return document_figer(
        objet=seance,
        nature=NatureDocument.PROCES_VERBAL,
        contenu=pdf(seance, motif=motif, version=version),
        nom_fichier=nom_fichier(seance, version=version),
        date_evenement=seance.close_le,
        motif=motif,
        auteur=auteur,
        organisation=seance.commission.bailleur,
    )


def a_servir(seance: Seance, version: int | None = None) -> tuple[bytes, str]:
    """The bytes of the minutes and their file name: the stored version (the latest by default) once the
    session is closed, a draft rendered now before. A session closed before the minutes were stored gets them
    frozen at the first download (with its closing date)."""
    if seance.statut != StatutSeance.TENUE:
        return pdf(seance), nom_fichier(seance, projet=True)
    if version is not None:
        document = documents.version(seance, NatureDocument.PROCES_VERBAL, version)
    else:
        document = documents.derniere(seance, NatureDocument.PROCES_VERBAL) or figer(
            seance, auteur=acteur_systeme("procès-verbal d'une séance close avant l'archivage des documents")
        )
    return document.octets, document.nom_fichier
