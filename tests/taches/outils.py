"""Following a job launched by a view, in tests that run jobs at once (``tests/conftest.py``)."""

from __future__ import annotations

from typing import Any

from django.urls import resolve, reverse


def fichier_du_travail(reponse: Any) -> Any:
    """The file of the job whose page ``reponse`` redirects to, downloaded by the same client (its launcher)."""
    assert reponse.status_code == 302, reponse.status_code
    assert reponse["Location"].startswith(reverse("taches:mes_travaux")), reponse["Location"]
    travail = resolve(reponse["Location"]).kwargs["pk"]
    fichier = reponse.client.get(reverse("taches:travail_fichier", args=[travail]))
    assert fichier.status_code == 200, reponse.client.get(reponse["Location"]).content.decode()
    return fichier
