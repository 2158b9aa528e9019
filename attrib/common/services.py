"""Writing to the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from attrib.common.models import Evenement


def evenement_enregistrer(
    *,
    objet: models.Model,
    action: str,
    resume: str,
    auteur: Any | None = None,
    organisation: Any | None = None,
    details: dict[str, Any] | None = None,
    visible_demandeur: bool = False,
) -> Evenement:
    return Evenement.objects.create(
        cible_type=ContentType.objects.get_for_model(objet),
        cible_id=str(objet.pk),
        action=action,
        resume=resume[:300],
        auteur=auteur if getattr(auteur, "is_authenticated", False) else None,
        organisation=organisation,
        details=details or {},
        visible_demandeur=visible_demandeur,
    )


def diff_champs(avant: dict[str, Any], apres: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose value changed, as ``{champ: {"avant": …, "apres": …}}`` (JSON-safe strings)."""
    changes: dict[str, dict[str, Any]] = {}
    for key in sorted(set(avant) | set(apres)):
        a, b = avant.get(key), apres.get(key)
        if a != b:
            changes[key] = {"avant": _json_safe(a), "apres": _json_safe(b)}
    return changes


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return str(value)


#: The organisation an export is journalled under when the caller names none. ``common`` knows no domain
#: app: the organisations app registers its rule here in its ``AppConfig.ready()``.
_organisation_par_defaut: Callable[[Any], Any | None] | None = None


def enregistrer_organisation_par_defaut(regle: Callable[[Any], Any | None]) -> None:
    """Register how to find a user's organisation (called once, by the organisations app)."""
    global _organisation_par_defaut
    _organisation_par_defaut = regle


def export_journaliser(
    *,
    objet: models.Model | type[models.Model],
    export: str,
    format_fichier: str,
    lignes: int,
    auteur: AbstractBaseUser | AnonymousUser | None,
    perimetre: str,
    organisation: Any | None = None,
    donnees_personnelles: bool = False,
    details: dict[str, Any] | None = None,
) -> Evenement:
    """Journal an export: who (``auteur``, ``organisation``), when (the entry's date), what (``export``, a
    French title such as « demandes (format d'échange) »), on which perimeter (``perimetre``, in words, and
    ``details``: the filters) and how many rows. ``objet``: the object exported (a campaign, a bailleur…) or,
    for a list, its model, journalled on the model's content type. Without ``organisation``, the author's
    first organisation."""
    if isinstance(objet, type):
        objet = ContentType.objects.get_for_model(objet)
    if organisation is None and getattr(auteur, "is_authenticated", False) and _organisation_par_defaut:
        organisation = _organisation_par_defaut(auteur)
    personnelles = " (données personnelles)" if donnees_personnelles else ""
    return evenement_enregistrer(
        objet=objet,
        action="export",
        resume=f"Export {export}{personnelles} en {format_fichier.upper()} : {lignes} ligne(s) ; "
        f"périmètre : {perimetre}.",
        auteur=auteur,
        organisation=organisation,
        details={
            "export": export,
            "format": format_fichier,
            "lignes": lignes,
            "perimetre": perimetre,
            "donnees_personnelles": donnees_personnelles,
            **{cle: _json_details(valeur) for cle, valeur in (details or {}).items()},
        },
    )


def _json_details(valeur: Any) -> Any:
    if isinstance(valeur, dict):
        return {str(k): _json_details(v) for k, v in valeur.items()}
    return _json_safe(valeur)
