"""Discovery of what a user can submit: the HTML forms of every page of the permission matrix, and the write
endpoints of the API (from the URL configuration)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView


@dataclass
class Champ:
    nom: str
    type: str  # input type, "select", "textarea"
    valeur: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Formulaire:
    methode: str
    action: str
    multipart: bool
    champs: dict[str, Champ] = field(default_factory=dict)
    boutons: list[tuple[str, str]] = field(default_factory=list)

    def signature(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.methode, urlsplit(self.action).path, tuple(sorted(self.champs)))


class _Lecteur(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.formulaires: list[Formulaire] = []
        self.courant: Formulaire | None = None
        self.select: Champ | None = None
        self.textarea: Champ | None = None

    def handle_starttag(self, tag: str, attrs_liste: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_liste}
        if tag == "form":
            self.courant = Formulaire(
                methode=(attrs.get("method") or "get").lower(),
                action=urljoin(self.url, attrs.get("action") or self.url),
                multipart="multipart" in attrs.get("enctype", ""),
            )
            self.formulaires.append(self.courant)
            return
        f = self.courant
        if f is None:
            return
        nom = attrs.get("name", "")
        if tag == "input" and nom:
            type_ = attrs.get("type", "text").lower()
            if type_ in ("submit", "image"):
                f.boutons.append((nom, attrs.get("value", "")))
            elif type_ in ("checkbox", "radio"):
                champ = f.champs.setdefault(nom, Champ(nom, type_))
                champ.options.append(attrs.get("value", "on"))
                if "checked" in attrs:
                    champ.valeur = attrs.get("value", "on")
            else:
                f.champs[nom] = Champ(nom, type_, attrs.get("value", ""))
        elif tag == "button" and nom:
            f.boutons.append((nom, attrs.get("value", "")))
        elif tag == "select" and nom:
            self.select = f.champs[nom] = Champ(nom, "select", multiple="multiple" in attrs)
        elif tag == "option" and self.select is not None:
            valeur = attrs.get("value", "")
            self.select.options.append(valeur)
            if "selected" in attrs:
                self.select.valeur = valeur
        elif tag == "textarea" and nom:
            self.textarea = f.champs[nom] = Champ(nom, "textarea")

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.valeur += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.courant = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def formulaires_de(url: str, page: str) -> list[Formulaire]:
    lecteur = _Lecteur(url)
    lecteur.feed(page)
    return lecteur.formulaires


def routes_api_en_ecriture() -> set[tuple[str, str]]:
    """``(route name, method)`` of every API view that accepts a write (POST, PUT, PATCH, DELETE)."""
    trouvees: set[tuple[str, str]] = set()

    def parcourir(motifs: list[Any], espace: str) -> None:
        for motif in motifs:
            if isinstance(motif, URLResolver):
                parcourir(motif.url_patterns, f"{espace}{motif.namespace}:" if motif.namespace else espace)
            elif isinstance(motif, URLPattern) and motif.name:
                classe = getattr(motif.callback, "cls", None) or getattr(motif.callback, "view_class", None)
                if classe is None or not issubclass(classe, APIView):
                    continue
                for methode in ("post", "put", "patch", "delete"):
                    if hasattr(classe, methode):
                        trouvees.add((f"{espace}{motif.name}", methode))

    parcourir(get_resolver().url_patterns, "")
    return trouvees
