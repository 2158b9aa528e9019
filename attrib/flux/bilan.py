"""The yearly report of a bailleur to a réservataire (bilan R441-5-1 CCH) as an Excel workbook (openpyxl)
and a PDF (WeasyPrint). Both come from :func:`attrib.flux.selectors.bilan`.

PDF rendering never fetches a network resource: the only URLs WeasyPrint may open are the Marianne
font files shipped with django-dsfr.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from attrib.demandes.attestation import POLICES
from attrib.flux.selectors import NON_DISPONIBLE, Bilan, Repartition

GABARIT_PDF = "flux/pdf/bilan.html"
MENTION_ATTRIBUTIONS = (
    "Attributions : aucune attribution enregistrée pour ces logements. Les attributions (décision de la "
    "commission d'attribution, bail signé) et la situation prioritaire des ménages logés s'affichent ici dès "
    "qu'elles sont enregistrées."
)


class _PolicesSeulement(URLFetcher):
    """Opens the local font files of django-dsfr and nothing else."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file://"):
            chemin = Path(url.removeprefix("file://")).resolve()
            if chemin.is_relative_to(POLICES) and chemin.suffix == ".woff":
                return super().fetch(url, headers)
        raise ValueError(f"Ressource refusée lors de la génération du bilan : {url}")


def nom_fichier(b: Bilan, extension: str) -> str:
    return f"bilan-flux-{b.annee}-{b.bailleur.pk}-{b.reservataire.pk}.{extension}"


def bilan_pdf(b: Bilan) -> bytes:
    """The report as a PDF (A4), rendered offline."""
    contexte = {"bilan": b, "polices": POLICES.as_uri(), "mention_attributions": MENTION_ATTRIBUTIONS}
    html = render_to_string(GABARIT_PDF, contexte)
    document = HTML(
        string=html, base_url=POLICES.as_uri() + "/", url_fetcher=_PolicesSeulement(allowed_protocols=("file",))
    )
    pdf: bytes = document.write_pdf(font_config=FontConfiguration())
    return pdf


def _pourcent(part: Any) -> str:
    return f"{float(part) * 100:.1f}".replace(".", ",") + " %"


def bilan_excel(b: Bilan) -> bytes:
    """The report as an Excel workbook: « Synthèse » (agreements, due vs delivered, statuses, the priority
    indicator), « Proposés » and « Attribués » (by typology, commune, QPV, financing), « Logements »
    (one line per dwelling)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    gras = Font(bold=True)
    classeur = Workbook()
    synthese = classeur.active
    synthese.title = "Synthèse"

    def titre(feuille: Any, texte: str) -> None:
        feuille.append([texte])
        feuille.cell(row=feuille.max_row, column=1).font = gras

    titre(synthese, f"Bilan annuel {b.annee} de la gestion en flux — {b.bailleur} à {b.reservataire} ({b.article})")
    synthese.append([f"À adresser avant le {b.date_limite:%d/%m/%Y}. Édité le {b.edite_le:%d/%m/%Y}."])
    synthese.append([])
    titre(synthese, "Conventions")
    synthese.append(["Contingent", "Part du flux", "Début", "Fin", "Dû (logements)", "Orientés (décomptés)", "Écart"])
    for c, ligne in b.du_livre:
        part = f"{c.part} %" if c.part is not None else f"{c.nombre_logements} logements par an"
        synthese.append(
            [
                c.libelle_affiche,
                part,
                c.debut,
                c.fin,
                round(ligne.du_float, 2),
                ligne.livre,
                round(ligne.ecart_float, 2),
            ]
        )
        for col in (3, 4):
            synthese.cell(row=synthese.max_row, column=col).number_format = "DD/MM/YYYY"
    synthese.append([])
    titre(synthese, "Logements proposés (orientés vers le réservataire)")
    synthese.append(["Total", b.nb_proposes])
    for libelle, n in b.statuts:
        synthese.append([libelle, n])
    synthese.append(["dont revenus au bailleur sans être décomptés de la part", b.echues_non_decomptees])
    synthese.append(["dont orientés par dérogation du bailleur", b.derogations_vers])
    synthese.append([])
    titre(synthese, "Attributions et situation prioritaire des ménages logés")
    if b.nb_attribues:
        for libelle, n in b.menages:
            synthese.append([libelle, n])
    else:
        synthese.append([MENTION_ATTRIBUTIONS])
    indicateur = b.indicateur
    synthese.append(
        [
            f"Part des attributions aux publics prioritaires (objectif : au moins {_pourcent(indicateur.objectif)}, "
            f"{indicateur.article})",
            indicateur.message if indicateur.disponible else NON_DISPONIBLE,
        ]
    )
    synthese.column_dimensions["A"].width = 70
    for colonne in "BCDEFG":
        synthese.column_dimensions[colonne].width = 18

    def repartitions(nom: str, tableaux: list[Repartition], vide: str) -> None:
        feuille = classeur.create_sheet(nom)
        if not any(t.total for t in tableaux):
            feuille.append([vide])
        for t in tableaux:
            if not t.total:
                continue
            titre(feuille, t.titre)
            for libelle, n in t.lignes:
                feuille.append([libelle, n])
            feuille.append(["Total", t.total])
            feuille.append([])
        feuille.column_dimensions["A"].width = 40

    repartitions("Proposés", b.proposes, "Aucun logement proposé au réservataire cette année.")
    repartitions("Attribués", b.attribues, MENTION_ATTRIBUTIONS)

    logements = classeur.create_sheet("Logements")
    entetes = [
        "Identifiant",
        "Commune",
        "Adresse",
        "Typologie",
        "QPV",
        "Financement",
        "Date de libération",
        "Contingent",
        "Règle",
        "Motif de dérogation",
        "Date limite de proposition",
        "Statut",
        "Décompté de la part",
        "Raison de l'orientation",
    ]
    logements.append(entetes)
    for cellule in logements[1]:
        cellule.font = gras
    for o in b.orientations:
        ll = o.logement_libere
        logements.append(
            [
                ll.logement.identifiant,
                ll.commune.nom,
                ll.logement.residence.adresse,
                f"T{ll.typologie}",
                "oui" if ll.en_qpv else "non",
                ll.financement or "non renseigné",
                ll.date_liberation,
                o.libelle,
                o.get_regle_display(),
                o.motif_force,
                o.date_limite_proposition,
                o.get_statut_display(),
                "oui" if o.decompte else "non",
                o.raison_fr,
            ]
        )
        for col in (7, 11):
            logements.cell(row=logements.max_row, column=col).number_format = "DD/MM/YYYY"
    logements.freeze_panes = "B2"
    for colonne, largeur in zip("ABCDEFGHIJKLMN", (30, 18, 30, 10, 6, 12, 14, 30, 20, 30, 14, 18, 10, 80), strict=True):
        logements.column_dimensions[colonne].width = largeur
    flux = io.BytesIO()
    classeur.save(flux)
    return flux.getvalue()
