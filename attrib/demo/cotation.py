"""The demo's cotation: the grids shipped with Attrib (``data/grilles/``) published for the demo EPCI, then every
demo demand scored."""

from __future__ import annotations

from datetime import date
from typing import TextIO

from attrib.cotation.enums import TypeGrille
from attrib.cotation.models import GrilleCotation, TacheCotation
from attrib.cotation.services import DOSSIER_GRILLES, cotations_recalculer, grille_importer_yaml, versions_publier
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation

GRILLES_DEMO = ((TypeGrille.GENERALE, "socle.yaml"), (TypeGrille.MUTATION, "mutation.yaml"))


def cotation_demo_installer(
    *, epci_org: Organisation, auteur: Acteur, jour: date | None = None, stdout: TextIO | None = None
) -> TacheCotation:
    """The demo's active grids: ``data/grilles/socle.yaml`` (general) and ``mutation.yaml``, imported and
    published when the EPCI has no published grid of that type, then every demo demand scored.
    Idempotent: run again, it only re-scores."""
    a_publier = []
    for type_grille, fichier in GRILLES_DEMO:
        existante = GrilleCotation.objects.filter(organisation=epci_org, type=type_grille).first()
        if existante is not None and existante.version_publiee is not None:
            continue
        chemin = DOSSIER_GRILLES / fichier
        a_publier.append(
            grille_importer_yaml(
                organisation=epci_org,
                type_grille=type_grille,
                contenu=chemin.read_text(encoding="utf-8"),
                nom_fichier=fichier,
                origine="Grille de démonstration fournie avec Attrib",
                auteur=auteur,
            )
        )
    if a_publier:
        tache = versions_publier(versions=a_publier, jour=jour, auteur=auteur)
    else:
        tache = cotations_recalculer(organisation=epci_org, jour=jour, auteur=auteur)
    if stdout is not None:
        stdout.write(f"Cotation : {tache.message}\n")
    return tache
