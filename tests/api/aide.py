"""Helpers of the API tests."""

from __future__ import annotations

from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def client_jeton(user: Any) -> APIClient:
    """A client sending ``Authorization: Token …`` for ``user``, as a partner system does."""
    client = APIClient()
    jeton, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {jeton.key}")
    return client


def champs(reponse: Any) -> dict[str, str]:
    """``{champ: message}`` of an error response, checking the common error format on the way."""
    corps = reponse.json()
    assert set(corps) == {"erreurs"}, corps
    assert all(set(e) == {"champ", "message"} for e in corps["erreurs"]), corps
    return {e["champ"]: e["message"] for e in corps["erreurs"]}


def corps_demande(**surcharges: Any) -> dict[str, Any]:
    """A valid JSON body for ``POST /api/v1/demandes/`` (a single person wishing Narbonne)."""
    corps: dict[str, Any] = {
        "logement_actuel": {"statut_logement_actuel": "locataire_parc_prive", "loyer_actuel": "620.00"},
        "logement_recherche": {"typologie_min": 2, "typologie_max": 3},
        "ressources": {"revenu_fiscal_reference": 18000, "annee_revenu_fiscal": 2024},
        "situation": {"motif_principal": "trop_cher"},
        "personnes": [
            {
                "role": "demandeur",
                "civilite": "mme",
                "nom": "Martin",
                "prenoms": "Léa",
                "date_naissance": "1990-05-17",
                "salaires": "1500.00",
            }
        ],
        "communes": ["11262"],
    }
    corps.update(surcharges)
    return corps
