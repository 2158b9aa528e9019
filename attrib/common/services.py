"""Writing to the audit trail."""

from __future__ import annotations

from typing import Any

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
