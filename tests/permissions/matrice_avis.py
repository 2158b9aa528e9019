"""Notices to households: the « Courriers à imprimer » of a desk belong to its managers (a read-only member does
not print); a letter of another desk answers 404. The demo's mailbox is off outside the demo: 404 for everyone,
without login too."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from attrib.avis.models import Avis, Canal, Envoi, Source, StatutEnvoi
from attrib.documents.models import NatureDocument
from attrib.documents.services import document_figer
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from tests.permissions.outils import ENREGISTREURS, R

LIGNES = [
    R("avis:courriers", ENREGISTREURS),
    R("avis:courriers", ENREGISTREURS, suffixe="?etat=imprimes"),
    R("avis:courrier_pdf", {"guichet"}, args=("avis_courrier",)),
    R("avis:courrier_pdf", set(), args=("avis_courrier_hors",)),
    R("avis:courrier_imprime", {"guichet"}, methode="post", args=("avis_courrier",), donnees={}),
    R("avis:courrier_imprime", set(), methode="post", args=("avis_courrier_hors",), donnees={}),
    R("avis:demo_boite", set(), anonyme="refus"),
    R("avis:demo_message", set(), args=("1700000000.M1P1Q1.demo",), anonyme="refus"),
]


def _courrier(demande: Any, numero: int) -> Envoi:
    avis = Avis.objects.create(
        demande=demande,
        source=Source.EVENEMENT,
        source_id=10_000_000 + numero,
        nature="enregistrement",
        titre="Votre demande de logement social est enregistrée",
        texte="Votre demande est enregistrée.",
        date_evenement=timezone.now(),
    )
    document = document_figer(
        objet=avis,
        nature=NatureDocument.COURRIER_AVIS,
        contenu=b"%PDF-1.4 courrier",
        nom_fichier=f"courrier-{numero}.pdf",
        date_evenement=avis.date_evenement,
        auteur=acteur_systeme("test"),
    )
    return Envoi.objects.create(
        avis=avis, canal=Canal.COURRIER, statut=StatutEnvoi.A_IMPRIMER, guichet=demande.guichet, document=document
    )


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    """A letter of the desk's demand « dans », and one of the demand « hors » (the desk of Carcassonne)."""
    return {"avis_courrier": _courrier(ids["dans"], 1), "avis_courrier_hors": _courrier(ids["hors"], 2)}
