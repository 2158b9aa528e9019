"""JSON parsing with a French, located message instead of the parser's English one."""

from __future__ import annotations

import codecs
import json
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JSONParserFr(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict[str, Any] | None = None) -> Any:
        encodage = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            "".encode(encodage)
        except (LookupError, UnicodeError) as exc:
            raise ParseError(f"Encodage « {encodage} » non pris en charge : envoyez le corps en UTF-8.") from exc
        try:
            return json.load(codecs.getreader(encodage)(stream), parse_constant=_refuser_constante)
        except json.JSONDecodeError as exc:
            raise ParseError(
                f"Le corps de la requête n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno}) : "
                "vérifiez les guillemets, les virgules et les accolades."
            ) from exc
        except UnicodeDecodeError as exc:
            raise ParseError(f"Le corps de la requête n'est pas encodé en {encodage} (octet {exc.start + 1}).") from exc
        except ValueError as exc:
            raise ParseError(f"Le corps de la requête n'est pas un JSON valide : {exc}") from exc


def _refuser_constante(nom: str) -> Any:
    raise ValueError(f"la valeur « {nom} » n'existe pas en JSON")
