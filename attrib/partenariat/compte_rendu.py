"""The minutes (compte rendu) of a partner committee's session: the members present and absent, and for each case
on the agenda its demand's number, the partners' opinions and the decisions. Frozen at closing (HTML and PDF, with
the PDF's SHA-256), served as stored afterwards. The minutes carry no personal content beyond the demand's number
and the wished commune: every member may read them."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from attrib.common.pdf import pdf_depuis_html, uri_polices
from attrib.partenariat.models import SeancePartenariale
from attrib.partenariat.selectors import vue_expurgee

GABARIT = "partenariat/pdf/compte_rendu.html"


def nom_fichier(seance: SeancePartenariale) -> str:
    return f"compte-rendu-commission-partenariale-{seance.commission_id}-{seance.date:%Y-%m-%d}.pdf"


def contexte(seance: SeancePartenariale) -> dict[str, Any]:
    membres = list(seance.commission.membres.select_related("organisation"))
    presences = {p.membre_id: p for p in seance.presences.all()}
    points = []
    for inscription in seance.inscriptions.select_related("dossier__demande").order_by("rang"):
        dossier = inscription.dossier
        points.append(
            {
                "rang": inscription.rang,
                "expurgee": vue_expurgee(dossier),
                "avis": list(dossier.avis.filter(seance=seance).select_related("organisation")),
                "decisions": list(dossier.decisions.filter(seance=seance).select_related("organisation_cible")),
            }
        )
    return {
        "seance": seance,
        "commission": seance.commission,
        "presents": [(m, presences[m.pk]) for m in membres if m.pk in presences],
        "absents": [m for m in membres if m.pk not in presences],
        "points": points,
        "projet": seance.close_le is None,
        "edite_le": timezone.localtime(seance.close_le) if seance.close_le else timezone.localtime(),
        "polices": uri_polices(),
    }


def html(seance: SeancePartenariale) -> str:
    return render_to_string(GABARIT, contexte(seance))


def figer(seance: SeancePartenariale) -> None:
    """Render the closing session's minutes onto it (the caller saves the session in its transaction)."""
    rendu = html(seance)
    contenu = pdf_depuis_html(rendu, document="du compte rendu")
    seance.compte_rendu_html = rendu
    seance.compte_rendu_empreinte = hashlib.sha256(contenu).hexdigest()
    seance.compte_rendu_pdf.save(nom_fichier(seance), ContentFile(contenu), save=False)
