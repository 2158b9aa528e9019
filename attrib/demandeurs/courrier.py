"""The letter carrying a one-time linking code, for a household without e-mail: rendered once, frozen at its
issue (``attrib.documents``), printed by the desk from the demand's page; every later download gives the same
bytes."""

from __future__ import annotations

from django.utils import timezone

from attrib.common.pdf import pdf_depuis_gabarit
from attrib.demandeurs.models import CodeLiaison
from attrib.documents.models import Document, NatureDocument
from attrib.documents.services import document_figer
from attrib.organisations.acteurs import Acteur, acteur_systeme

GABARIT = "demandeurs/pdf/courrier_code.html"


def courrier_figer(*, code_liaison: CodeLiaison, code: str, auteur: Acteur) -> Document:
    demande = code_liaison.demande
    demandeur = demande.demandeur
    maintenant = timezone.now()
    contenu = pdf_depuis_gabarit(
        GABARIT,
        {
            "demande": demande,
            "demandeur": demandeur,
            "code": code,
            "emis_le": timezone.localtime(maintenant),
            "expire_le": timezone.localtime(code_liaison.expire_le),
            "guichet": demande.guichet,
        },
        document="du courrier de code d'accès",
    )
    return document_figer(
        objet=code_liaison,
        nature=NatureDocument.COURRIER_CODE_LIAISON,
        contenu=contenu,
        nom_fichier=f"code-acces-{demande.numero_unique}-{code_liaison.pk}.pdf",
        date_evenement=maintenant,
        # The letter is the system's answer to a request (the desk's or the household's): frozen as such.
        auteur=auteur if auteur.voit_tout or auteur.appartenances else acteur_systeme("courrier de code d'accès"),
    )
