"""The offer letter (proposition de logement) sent to the household as a PDF: the dwelling offered (address,
typology, surface, rent and charges, financing), the commission's decision and rank, the deadline to answer and
what happens without an answer (R441-10, from ``caleol.yaml``), and whom to answer.

Rendering never fetches a network resource (same font-only fetcher as the minutes)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from attrib.commissions import parametres, selectors
from attrib.commissions.models import Offre
from attrib.commissions.proces_verbal import _PolicesSeulement
from attrib.demandes.attestation import POLICES

GABARIT = "commissions/pdf/offre.html"


def nom_fichier(offre: Offre) -> str:
    return f"proposition-logement-{offre.logement.identifiant}-{offre.demande.numero_unique}.pdf"


def _source_delai(offre: Offre) -> str:
    """The legal text of the answer delay in force on the day the offer was sent (``caleol.yaml``)."""
    entrees = [e for e in parametres._donnees()["delai_reponse_offre_jours"] if e["date_effet"] <= offre.envoyee_le]
    return str(max(entrees, key=lambda e: e["date_effet"])["source"])


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
        "edite_le": timezone.localtime(),
        "polices": POLICES.as_uri(),
    }


def pdf(offre: Offre) -> bytes:
    html = render_to_string(GABARIT, contexte(offre))
    document = HTML(
        string=html, base_url=POLICES.as_uri() + "/", url_fetcher=_PolicesSeulement(allowed_protocols=("file",))
    )
    resultat: bytes = document.write_pdf(font_config=FontConfiguration())
    return resultat
