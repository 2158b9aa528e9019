"""The offer letter (proposition de logement) sent to the household as a PDF: the dwelling offered (address,
typology, surface, rent and charges, financing), the commission's decision and rank, the deadline to answer and
what happens without an answer (R441-10, from ``caleol.yaml``), and whom to answer.

The letter is frozen when the offer is made (``figer``, called by ``offre_emettre`` and ``offre_suivante``):
rendered once, dated by the day of sending, stored with its SHA-256 (``attrib.documents``) and served as stored.

Rendering never fetches a network resource (same font-only fetcher as the minutes)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from attrib.commissions import parametres, selectors
from attrib.commissions.models import Offre
from attrib.common.pdf import pdf_depuis_html, uri_polices
from attrib.documents import selectors as documents
from attrib.documents.models import Document, NatureDocument
from attrib.documents.services import document_figer
from attrib.organisations.acteurs import Acteur, acteur_systeme

GABARIT = "commissions/pdf/offre.html"


def nom_fichier(offre: Offre) -> str:
    return f"proposition-logement-{offre.logement.identifiant}-{offre.demande.numero_unique}.pdf"


def _source_delai(offre: Offre) -> str:
    """The legal text of the answer delay in force on the day the offer was sent (``caleol.yaml``)."""
    return parametres.source("delai_reponse_offre_jours", offre.envoyee_le)


def contexte(offre: Offre) -> dict[str, Any]:
    logement = offre.logement
    demandeur = offre.demande.demandeur
    loyer, charges = logement.loyer_principal, logement.charges
    return {
        "offre": offre,
        "logement": logement,
        "bailleur": logement.residence.bailleur,
        "adresse_logement": selectors.adresse(logement),
        "demandeur": demandeur,
        "decision": offre.decision,
        "delai_jours": int(parametres.valeur("delai_reponse_offre_jours", offre.envoyee_le)),
        "source_delai": _source_delai(offre),
        "total_mensuel": (loyer + charges) if loyer is not None and charges is not None else None,
        # The letter is dated by the sending of the offer, whatever the day it is printed.
        "edite_le": offre.envoyee_le,
        "cree_le_iso": _date_evenement(offre).isoformat(),
        "polices": uri_polices(),
    }


def pdf(offre: Offre) -> bytes:
    html = render_to_string(GABARIT, contexte(offre))
    return pdf_depuis_html(html, document="du courrier")


def _date_evenement(offre: Offre) -> datetime:
    """The sending day of the offer, at midnight in the project's time zone (an offer is dated by its day)."""
    return timezone.make_aware(datetime.combine(offre.envoyee_le, time()))


def figer(offre: Offre, *, auteur: Acteur) -> Document:
    """Render the letter of the offer just made and store it (in the transaction of the offer)."""
    return document_figer(
        objet=offre,
        nature=NatureDocument.COURRIER_OFFRE,
        contenu=pdf(offre),
        nom_fichier=nom_fichier(offre),
        date_evenement=_date_evenement(offre),
        auteur=auteur,
        organisation=offre.logement.residence.bailleur,
    )


def a_servir(offre: Offre) -> Document:
    """The stored letter; an offer made before letters were stored gets it frozen at the first download."""
    return documents.derniere(offre, NatureDocument.COURRIER_OFFRE) or figer(
        offre, auteur=acteur_systeme("courrier d'une offre faite avant l'archivage des documents")
    )
