"""Attestation d'enregistrement of a demand (R441-2-4 CCH, DOMAIN.md §1.7), as HTML and PDF.

The attestation gives the numéro unique, the date of first filing (or of the last renewal), the
end of validity, the registering desk, the household, the wished communes and the *délai
anormalement long* after which the applicant may go to the DALO mediation commission.

The attestation is established at its event (registration, renewal): ``attestation_etablir`` fixes its HTML,
dated by that day, in the transaction of the event (cheap: an import of thousands of demands is not slowed by
PDF rendering); its PDF is made once from that HTML at the first download and stored with its SHA-256
(``attestation_a_servir``, ``attrib.documents``): the same bytes on every later download.

PDF rendering never fetches a network resource: the only URLs WeasyPrint may open are the
Marianne font files shipped with django-dsfr.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from attrib.common.pdf import pdf_depuis_html, uri_polices
from attrib.demandes import enums, regles
from attrib.demandes.models import CommuneSouhaitee, Demande, Personne
from attrib.documents import selectors as documents
from attrib.documents.models import Document, Instantane, NatureDocument
from attrib.documents.services import document_figer, instantane_etablir
from attrib.engine.parametres import charger_parametres, normaliser_departement
from attrib.organisations.acteurs import Acteur

GABARIT = "demandes/pdf/attestation.html"

#: Shown when no délai anormalement long can be computed for the demand.
DAL_NON_CONNU = "Délai anormalement long : fixé par arrêté préfectoral"


def _libelle_personne(p: Personne) -> str:
    if p.role == enums.RolePersonne.DEMANDEUR:
        return "Demandeur"
    if p.role == enums.RolePersonne.CODEMANDEUR:
        return "Co-demandeur"
    if p.enfant_a_naitre:
        return "Enfant à naître"
    return str(enums.LienParente(p.lien).label) if p.lien else "Autre personne à loger"


def _resume_menage(personnes: list[Personne]) -> str:
    n = len(personnes)
    adultes = sum(1 for p in personnes if p.role != enums.RolePersonne.PERSONNE_A_LOGER)
    enfants = sum(1 for p in personnes if p.lien == enums.LienParente.ENFANT)
    morceaux = [f"{n} personne{'s' if n > 1 else ''} à loger"]
    if adultes > 1:
        morceaux.append("demandeur et co-demandeur")
    if enfants:
        morceaux.append(f"dont {enfants} enfant{'s' if enfants > 1 else ''}")
    return ", ".join(morceaux)


def delai_anormalement_long_texte(demande: Demande, jour: date) -> str:
    """The DAL line: the préfectoral délai in force for the demand's département and smallest
    typology (reference data read by the engine), or a neutral line when it is not sourced."""
    regle = charger_parametres().delai_anormalement_long(
        normaliser_departement(demande.departement), demande.typologie_min, jour
    )
    if regle is None:
        return DAL_NON_CONNU
    atteint = regles.ajouter_mois(demande.date_depot_initiale, regle.mois)
    return f"Délai anormalement long : {regle.mois} mois (arrêté préfectoral), soit à partir du {atteint:%d/%m/%Y}"


def attestation_contexte(demande: Demande, *, aujourd_hui: date | None = None) -> dict[str, Any]:
    """Everything the attestation shows, read in three queries."""
    jour = aujourd_hui or timezone.localdate()
    personnes = list(Personne.objects.filter(demande=demande).order_by("id"))
    communes = list(CommuneSouhaitee.objects.filter(demande=demande).select_related("commune").order_by("rang"))
    guichet = demande.guichet
    preavis = regles.parametre("preavis_renouvellement", demande.date_echeance)
    return {
        "demande": demande,
        "guichet": guichet,
        "personnes": [{"role": _libelle_personne(p), "personne": p} for p in personnes],
        "resume_menage": _resume_menage(personnes),
        "communes": [c.commune for c in communes],
        "renouvelee": demande.date_dernier_renouvellement is not None,
        "radiee": demande.statut == enums.StatutDemande.RADIEE,
        "preavis_mois": preavis,
        "dal_texte": delai_anormalement_long_texte(demande, jour),
        "edite_le": jour,
        "cree_le_iso": _a_minuit(jour).isoformat() if aujourd_hui is not None else "",
        "polices": uri_polices(),
    }


def attestation_html(demande: Demande, *, aujourd_hui: date | None = None) -> str:
    """The attestation as a self-contained HTML page (French)."""
    return render_to_string(GABARIT, attestation_contexte(demande, aujourd_hui=aujourd_hui))


def attestation_pdf(demande: Demande, *, aujourd_hui: date | None = None) -> bytes:
    """The attestation as PDF bytes (A4), rendered offline by WeasyPrint."""
    return _pdf(attestation_html(demande, aujourd_hui=aujourd_hui))


def _a_minuit(jour: date) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time()))


def nom_fichier(demande: Demande, version: int = 1) -> str:
    return f"attestation-{demande.numero_unique}{f'-v{version}' if version > 1 else ''}.pdf"


def jour_de_l_attestation(demande: Demande) -> date:
    """The event the attestation states: the last renewal, else the registration."""
    return demande.date_dernier_renouvellement or demande.date_enregistrement


def attestation_etablir(*, demande: Demande, auteur: Acteur, jour: date | None = None, motif: str = "") -> Instantane:
    """Fix the attestation of ``demande`` as it is at its event (registration or renewal, on ``jour``)."""
    jour = jour or jour_de_l_attestation(demande)
    return instantane_etablir(
        objet=demande,
        nature=NatureDocument.ATTESTATION,
        html=attestation_html(demande, aujourd_hui=jour),
        date_evenement=_a_minuit(jour),
        motif=motif,
        auteur=auteur,
    )


@transaction.atomic
def attestation_a_servir(demande: Demande, *, auteur: Acteur, version: int | None = None) -> Document:
    """The stored PDF of the attestation (the latest by default), made from the HTML fixed at its event the
    first time it is asked for. A demand registered before attestations were fixed gets its attestation
    established at the first download, dated by its registration or last renewal."""
    if version is not None:
        instantane = Instantane.objects.pour(demande, NatureDocument.ATTESTATION).filter(version=version).first()
        if instantane is None:
            from django.http import Http404

            raise Http404("Version introuvable.")
    else:
        instantane = documents.dernier_instantane(demande, NatureDocument.ATTESTATION) or attestation_etablir(
            demande=demande, auteur=auteur
        )
    # One PDF per fixed HTML, even when two first downloads cross.
    Instantane.objects.select_for_update().filter(pk=instantane.pk).first()
    deja = Document.objects.filter(instantane=instantane).first()
    if deja is not None:
        return deja
    return document_figer(
        objet=demande,
        nature=NatureDocument.ATTESTATION,
        contenu=_pdf(instantane.html),
        nom_fichier=nom_fichier(demande, instantane.version),
        date_evenement=instantane.date_evenement,
        motif=instantane.motif,
        auteur=auteur,
        organisation=demande.guichet,
        instantane=instantane,
    )


def _pdf(html: str) -> bytes:
    return pdf_depuis_html(html, document="de l'attestation")
