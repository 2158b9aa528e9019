"""Results of a closed campaign for the CIL (conférence intercommunale du logement): an Excel workbook
(indicators, every residence) and a PDF (indicators, harmonisation, residences à enjeux). Only a closed
campaign has results: before the close, both functions raise ``Http404`` like the selectors.

PDF rendering never fetches a network resource: the only URLs WeasyPrint may open are the Marianne
font files shipped with django-dsfr.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from attrib.common.pdf import pdf_depuis_html, uri_polices
from attrib.common.tableurs import Classeur
from attrib.organisations.acteurs import Acteur
from attrib.qualification import selectors
from attrib.qualification.enums import StatutResidence
from attrib.qualification.models import Campagne

GABARIT_PDF = "qualification/pdf/resultats.html"


def resultats_contexte(campagne: Campagne) -> dict[str, Any]:
    indicateurs = selectors.indicateurs(campagne)
    agenda = list(selectors.agenda(campagne))
    return {
        "campagne": campagne,
        "indicateurs": indicateurs,
        "par_statut": [
            (s.label, n) for s, n in zip(StatutResidence, selectors.comptes_par_statut(campagne).values(), strict=True)
        ],
        "agenda": agenda,
        "harmonisees": [r for r in agenda if r.note_harmonisee is not None],  # type: ignore[attr-defined]
        "enjeux": list(selectors.residences_a_enjeux(campagne)),
        "edite_le": timezone.localdate(),
        "polices": uri_polices(),
    }


def resultats_pdf(*, campagne: Campagne) -> bytes:
    """The campaign results as a PDF (A4), rendered offline."""
    html = render_to_string(GABARIT_PDF, resultats_contexte(campagne))
    return pdf_depuis_html(html, document="des résultats")


COLONNES_INDICATEURS = (
    "Niveau",
    "Code",
    "Libellé",
    "Résidences",
    "Logements",
    "Résidences notées par les deux parties",
    "Part des résidences notées par les deux parties",
    "Logements notés par les deux parties",
    "Part des logements notés par les deux parties",
    "Résidences divergentes",
    "Part des résidences divergentes (parmi celles notées par les deux)",
    "Part des logements divergents (parmi ceux notés par les deux)",
    "Résidences concordantes",
    "Résidences notées par une seule partie",
    "Résidences non notées",
)
COLONNES_RESIDENCES = (
    "Identifiant",
    "Commune",
    "Résidence",
    "Adresse",
    "Bailleur",
    "Bailleur estimé",
    "Logements",
    "QPV",
    "Note de la commune",
    "Note du bailleur",
    "Classement",
    "Écart",
    "Rang dans l'agenda",
    "Note harmonisée",
    "Note retenue",
    "À enjeux de mixité sociale",
)


def resultats_exporter_excel(*, campagne: Campagne, auteur: Acteur) -> bytes:
    """The campaign results as an Excel workbook: sheet « Indicateurs » (territory, communes, bailleurs;
    shares as fractions formatted in %), sheet « Résidences » (one line per residence, both notes).
    Written by the products' writer (``attrib.common.tableurs``); the export is journalled. Only an actor who
    sees the campaign (its EPCI, its bailleurs, its communes) exports it."""
    from attrib.common.services import export_journaliser

    auteur.exiger(
        Campagne.objects.visible_to(auteur).filter(pk=campagne.pk).exists(),
        "Seuls les partenaires de la campagne de qualification exportent ses résultats.",
    )

    indicateurs = selectors.indicateurs(campagne)
    classeur = Classeur()
    feuille = classeur.feuille("Indicateurs")
    feuille.ajouter(
        [
            f"Campagne de qualification {campagne.annee} — {campagne.organisation} — close le {campagne.close_le:%d/%m/%Y}"
        ]
    )
    feuille.ajouter(list(COLONNES_INDICATEURS), gras=True)
    niveaux = {"territoire": "Territoire", "commune": "Commune", "bailleur": "Bailleur"}
    pourcent = "0.0%"
    formats = [None, None, None, None, None, None, pourcent, None, pourcent, None, pourcent, pourcent]
    for ligne in [indicateurs.territoire, *indicateurs.communes, *indicateurs.bailleurs]:
        feuille.ajouter(
            [
                niveaux[ligne.niveau],
                ligne.cle,
                ligne.libelle,
                ligne.residences,
                ligne.logements,
                ligne.residences_notees_deux_parties,
                ligne.part_residences_notees_deux_parties,
                ligne.logements_notes_deux_parties,
                ligne.part_logements_notes_deux_parties,
                ligne.residences_divergentes,
                ligne.part_residences_divergentes,
                ligne.part_logements_divergents,
                ligne.comptes["residences_concordant"],
                ligne.comptes["residences_une_seule_partie"],
                ligne.comptes["residences_non_notee"],
            ],
            formats=formats,
        )
    feuille.figer("D3")

    residences = classeur.feuille("Résidences")
    residences.ajouter(list(COLONNES_RESIDENCES), gras=True)
    for r in selectors.resultats(campagne):
        harmonisee = r.note_harmonisee  # type: ignore[attr-defined]
        residences.ajouter(
            [
                r.residence.identifiant,
                r.commune.nom,
                r.residence.nom,
                r.residence.adresse,
                r.bailleur.nom if r.bailleur else "inconnu",
                bool(r.bailleur_estime),
                r.nb_logements,
                bool(r.residence.en_qpv),
                r.note_commune,
                r.note_bailleur,
                r.get_statut_display(),
                r.ecart,
                r.rang_agenda,
                harmonisee,
                harmonisee if harmonisee is not None else r.note_concordante,
                bool(r.residence.enjeu_mixite),
            ]
        )
    residences.figer("B2")
    contenu = classeur.octets()
    export_journaliser(
        objet=campagne,
        export=f"des résultats de la qualification {campagne.annee}",
        format_fichier="xlsx",
        lignes=residences.lignes - 1,
        auteur=auteur.utilisateur,
        perimetre=f"campagne {campagne.annee} de {campagne.organisation}",
    )
    return contenu
