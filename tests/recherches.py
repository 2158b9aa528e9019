"""Searching the demand list as a browser does: the form is sent by POST, the answer redirects to the list
with an opaque key (attrib/common/recherches.py)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse


def url_recherche(client: Client, texte: str, **filtres: Any) -> str:
    """The URL of the demand list searching ``texte`` with ``filtres`` (the Location the server answers)."""
    reponse = client.post(reverse("demandes:liste"), {"q": texte, **filtres})
    assert reponse.status_code == 302, reponse.status_code
    return str(reponse["Location"])
