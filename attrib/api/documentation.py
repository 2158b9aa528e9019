"""Reference documentation of the API, rendered on the server from the OpenAPI schema.

Swagger UI and Redoc load their scripts from a CDN, which closed administrative networks block;
this page needs nothing but the DSFR assets already served by the application.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

METHODES = ("get", "post", "put", "patch", "delete")


class SchemaApi(SpectacularAPIView):
    """Schéma OpenAPI 3 de l'API (YAML par défaut, JSON avec ?format=json)."""

    permission_classes = [IsAuthenticated]

    def handle_exception(self, exc: Exception) -> Response:
        # Errors answer in the JSON error format of the API, not as an OpenAPI document.
        reponse = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return reponse


@cache
def schema_openapi() -> dict[str, Any]:
    """The OpenAPI schema of the API (computed once per process: it only changes with the code)."""
    schema: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return schema


def _nom_composant(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_lisible(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON-schema fragment → ``{"texte": "…", "composant": name or None}`` for the page."""
    if "$ref" in schema:
        return {"texte": "", "composant": _nom_composant(schema["$ref"])}
    for cle in ("allOf", "oneOf", "anyOf"):
        if cle in schema:
            parties = [type_lisible(s) for s in schema[cle]]
            composant = next((p["composant"] for p in parties if p["composant"]), None)
            texte = " ou ".join(p["texte"] for p in parties if p["texte"] and not p["composant"])
            return {"texte": texte, "composant": composant, "nullable": schema.get("nullable", False)}
    if schema.get("type") == "array":
        element = type_lisible(schema.get("items", {}))
        return {"texte": f"liste de {element['texte'] or ''}".strip(), "composant": element["composant"]}
    texte = schema.get("type", "valeur")
    if "format" in schema:
        texte += f" ({schema['format']})"
    if "enum" in schema:
        valeurs = [str(v) for v in schema["enum"] if v not in (None, "")]
        texte += " parmi : " + ", ".join(valeurs)
    if schema.get("nullable"):
        texte += ", ou null"
    return {"texte": texte, "composant": None}


def _corps(contenu: dict[str, Any] | None) -> dict[str, Any] | None:
    if not contenu:
        return None
    json = contenu.get("application/json") or next(iter(contenu.values()))
    return type_lisible(json.get("schema", {}))


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    groupes: dict[str, list[dict[str, Any]]] = {}
    for chemin, operations in schema.get("paths", {}).items():
        for methode in METHODES:
            operation = operations.get(methode)
            if operation is None:
                continue
            parametres = [
                {
                    "nom": p["name"],
                    "ou": {"query": "requête", "path": "chemin"}.get(p["in"], p["in"]),
                    "requis": p.get("required", False),
                    "type": type_lisible(p.get("schema", {})),
                    "description": p.get("description", ""),
                }
                for p in operation.get("parameters", [])
            ]
            reponses = [
                {"code": code, "description": r.get("description", ""), "corps": _corps(r.get("content"))}
                for code, r in operation.get("responses", {}).items()
            ]
            tag = (operation.get("tags") or ["Autres"])[0]
            groupes.setdefault(tag, []).append(
                {
                    "id": operation.get("operationId", f"{methode}-{chemin}"),
                    "methode": methode.upper(),
                    "chemin": chemin,
                    "resume": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parametres": parametres,
                    "requete": _corps(operation.get("requestBody", {}).get("content")),
                    "reponses": reponses,
                }
            )
    return [{"tag": tag, "operations": ops} for tag, ops in groupes.items()]


def _composants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for nom, composant in sorted(schema.get("components", {}).get("schemas", {}).items()):
        requis = set(composant.get("required", []))
        proprietes = [
            {
                "nom": champ,
                "requis": champ in requis,
                "lecture_seule": s.get("readOnly", False),
                "type": type_lisible(s),
                "description": s.get("description", ""),
            }
            for champ, s in composant.get("properties", {}).items()
        ]
        out.append(
            {
                "nom": nom,
                "description": composant.get("description", ""),
                "proprietes": proprietes,
                "type": None if proprietes else type_lisible(composant),
            }
        )
    return out


def documentation(request: HttpRequest) -> HttpResponse:
    schema = schema_openapi()
    return render(
        request,
        "api/documentation.html",
        {
            "info": schema.get("info", {}),
            "groupes": _operations(schema),
            "composants": _composants(schema),
        },
    )
