"""Model → document: :func:`grille_vers_donnees` (plain data) and :func:`grille_vers_yaml` (round trip)."""

from __future__ import annotations

from typing import Any

from attrib.engine.cotation.conditions import ecrire_condition, ecrire_operande
from attrib.engine.cotation.grille.modele import Critere, Grille, Points
from attrib.engine.yaml_borne import ecrire_yaml


def _points_vers_donnees(points: Points) -> Any:
    if not points.proportionnel:
        return points.fixe
    assert points.valeur is not None
    donnee: dict[str, Any] = {}
    if points.fixe:
        donnee["base"] = points.fixe
    donnee["par_unite"] = points.par_unite
    donnee["valeur"] = ecrire_operande(points.valeur)
    if points.plafond is not None:
        donnee["plafond"] = points.plafond
    if points.unite:
        donnee["unite"] = points.unite
    return donnee


def _critere_vers_donnees(critere: Critere) -> dict[str, Any]:
    donnee: dict[str, Any] = {"id": critere.id, "libelle": critere.libelle}
    if critere.nature != "critere":
        donnee["nature"] = critere.nature
    donnee["base_legale"] = critere.base_legale
    if critere.source:
        donnee["source"] = critere.source
    if critere.description:
        donnee["description"] = critere.description
    if critere.priorites_legales:
        donnee["priorites_legales"] = list(critere.priorites_legales)
    if critere.validation != "aucune":
        donnee["validation"] = critere.validation
    if critere.date_debut is not None:
        donnee["date_debut"] = critere.date_debut
    if critere.date_fin is not None:
        donnee["date_fin"] = critere.date_fin
    if critere.condition is not None:
        donnee["condition"] = ecrire_condition(critere.condition)
    donnee["points"] = _points_vers_donnees(critere.points)
    return donnee


def grille_vers_donnees(grille: Grille) -> dict[str, Any]:
    """The document of ``grille`` as plain data (dates as :class:`datetime.date`)."""
    donnee: dict[str, Any] = {"identifiant": grille.identifiant, "libelle": grille.libelle}
    if grille.version:
        donnee["version"] = grille.version
    if grille.public != "toutes":
        donnee["public"] = grille.public
    for cle in ("territoire", "source", "description"):
        if getattr(grille, cle):
            donnee[cle] = getattr(grille, cle)
    donnee["date_effet"] = grille.date_effet
    if grille.date_fin is not None:
        donnee["date_fin"] = grille.date_fin
    if grille.plafond_total is not None:
        donnee["plafond_total"] = grille.plafond_total
    if grille.plancher_total is not None:
        donnee["plancher_total"] = grille.plancher_total
    donnee["classement"] = {
        "score": grille.score_classement,
        "departage": [{"champ": c.champ, "ordre": c.ordre} for c in grille.departage],
    }
    if grille.valeurs:
        donnee["valeurs"] = []
        for v in grille.valeurs:
            valeur: dict[str, Any] = {"id": v.id, "libelle": v.libelle, "calcul": ecrire_operande(v.calcul)}
            for cle in ("unite", "source", "description"):
                if getattr(v, cle):
                    valeur[cle] = getattr(v, cle)
            donnee["valeurs"].append(valeur)
    donnee["sections"] = []
    for s in grille.sections:
        section: dict[str, Any] = {"id": s.id, "libelle": s.libelle}
        if s.description:
            section["description"] = s.description
        if s.exclusive:
            section["exclusive"] = True
        if s.plafond is not None:
            section["plafond"] = s.plafond
        if s.plancher is not None:
            section["plancher"] = s.plancher
        section["criteres"] = [_critere_vers_donnees(c) for c in s.criteres]
        donnee["sections"].append(section)
    return donnee


def grille_vers_yaml(grille: Grille) -> str:
    """YAML text of ``grille`` (comments of the original file are not kept)."""
    texte: str = ecrire_yaml(
        grille_vers_donnees(grille), allow_unicode=True, sort_keys=False, width=110, default_flow_style=False
    )
    return texte
