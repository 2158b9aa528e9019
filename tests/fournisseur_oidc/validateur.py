from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validateur(OAuth2Validator):
    """Claims named and scoped as FranceConnect does (a scope per claim)."""

    oidc_claim_scope = {"sub": "openid", "given_name": "given_name", "family_name": "family_name", "email": "email"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        return {"given_name": user.first_name, "family_name": user.last_name, "email": user.email}
