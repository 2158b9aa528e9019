"""The yearly report of a bailleur to a réservataire (bilan R441-5-1 CCH) as an Excel workbook (the products' writer)
and a PDF (WeasyPrint). Both come from :func:`attrib.flux.selectors.bilan`.

PDF rendering never fetches a network resource: the only URLs WeasyPrint may open are the Marianne
font files shipped with django-dsfr.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from attrib.common.pdf import pdf_depuis_html, uri_polices
from attrib.common.tableurs import Classeur
from attrib.flux.selectors import NON_DISPONIBLE, Bilan, Repartition

GABARIT_PDF = "flux/pdf/bilan.html"
MENTION_ATTRIBUTIONS = (
    "Attributions : aucune attribution enregistrée pour ces logements. Les attributions (décision de la "
    "commission d'attribution, bail signé) et la situation prioritaire des ménages logés s'affichent ici dès "
    "qu'elles sont enregistrées."
)


def nom_fichier(b: Bilan, extension: str) -> str:
    return f"bilan-flux-{b.annee}-{b.bailleur.pk}-{b.reservataire.pk}.{extension}"


def bilan_pdf(b: Bilan) -> bytes:
    """The report as a PDF (A4), rendered offline."""
    contexte = {"bilan": b, "polices": uri_polices(), "mention_attributions": MENTION_ATTRIBUTIONS}
    html = render_to_string(GABARIT_PDF, contexte)
    return pdf_depuis_html(html, document="du bilan")


def _pourcent(part: Any) -> str:
    return f"{float(part) * 100:.1f}".replace(".", ",") + " %"


def bilan_excel(b: Bilan) -> bytes:
    """The report as an Excel workbook: « Synthèse » (agreements, due vs delivered, statuses, the priority
    indicator), « Proposés » and « Attribués » (by typology, commune, QPV, financing), « Logements »
    (one line per dwelling). Written by the products' writer (``attrib.common.tableurs``)."""
    classeur = Classeur()
    synthese = classeur.feuille("Synthèse")
    synthese.ajouter(
        [f"Bilan annuel {b.annee} de la gestion en flux — {b.bailleur} à {b.reservataire} ({b.article})"], gras=True
    )
    synthese.ajouter([f"À adresser avant le {b.date_limite:%d/%m/%Y}. Édité le {b.edite_le:%d/%m/%Y}."])
    synthese.ajouter([])
    synthese.ajouter(["Conventions"], gras=True)
    synthese.ajouter(["Contingent", "Part du flux", "Début", "Fin", "Dû (logements)", "Orientés (décomptés)", "Écart"])
    for c, ligne in b.du_livre:
        part = f"{c.part} %" if c.part is not None else f"{c.nombre_logements} logements par an"
        synthese.ajouter(
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
    synthese.ajouter([])
    synthese.ajouter(["Logements proposés (orientés vers le réservataire)"], gras=True)
    synthese.ajouter(["Total", b.nb_proposes])
    for libelle, n in b.statuts:
        synthese.ajouter([libelle, n])
    synthese.ajouter(["dont revenus au bailleur sans être décomptés de la part", b.echues_non_decomptees])
    synthese.ajouter(["dont orientés par dérogation du bailleur", b.derogations_vers])
    synthese.ajouter([])
    synthese.ajouter(["Attributions et situation prioritaire des ménages logés"], gras=True)
    if b.nb_attribues:
        for libelle, n in b.menages:
            synthese.ajouter([libelle, n])
    else:
        synthese.ajouter([MENTION_ATTRIBUTIONS])
    indicateur = b.indicateur
    synthese.ajouter(
        [
            f"Part des attributions aux publics prioritaires (objectif : au moins {_pourcent(indicateur.objectif)}, "
            f"{indicateur.article})",
            indicateur.message if indicateur.disponible else NON_DISPONIBLE,
        ]
    )
    synthese.largeurs([70, 18, 18, 18, 18, 18, 18])

    def repartitions(nom: str, tableaux: list[Repartition], vide: str) -> None:
        feuille = classeur.feuille(nom)
        if not any(t.total for t in tableaux):
            feuille.ajouter([vide])
        for t in tableaux:
            if not t.total:
                continue
            feuille.ajouter([t.titre], gras=True)
            for libelle, n in t.lignes:
                feuille.ajouter([libelle, n])
            feuille.ajouter(["Total", t.total])
            feuille.ajouter([])
        feuille.largeurs([40])

    repartitions("Proposés", b.proposes, "Aucun logement proposé au réservataire cette année.")
    repartitions("Attribués", b.attribues, MENTION_ATTRIBUTIONS)

    logements = classeur.feuille("Logements")
    logements.ajouter(
        [
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
        ],
        gras=True,
    )
    for o in b.orientations:
        ll = o.logement_libere
        logements.ajouter(
            [
                ll.logement.identifiant,
                ll.commune.nom,
                ll.logement.residence.adresse,
                f"T{ll.typologie}",
                bool(ll.en_qpv),
                ll.financement or "non renseigné",
                ll.date_liberation,
                o.libelle,
                o.get_regle_display(),
                o.motif_force,
                o.date_limite_proposition,
                o.get_statut_display(),
                bool(o.decompte),
                o.raison_fr,
            ]
        )
    logements.figer("B2")
    logements.largeurs((30, 18, 30, 10, 6, 12, 14, 30, 20, 30, 14, 18, 10, 80))
    return classeur.octets()
