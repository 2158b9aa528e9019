"""Rule 8 of issue 10, acceptance: for every demo account, every page reachable from the menu and the home
page answers, in French, without an internal tag, a data-file name or a Django/DRF English message.

The crawl logs in as each demo account of README.md, starts from the home page, and follows every internal
link (GET only, same host) found in the rendered pages, breadth first, up to ``PROFONDEUR`` clicks. To run
in minutes it keeps ``PAR_FORME`` URLs per URL pattern and query-parameter shape (``/demandes/<int:pk>/``
with ``?onglet=``…). Downloads (PDF, CSV, XLSX) have their status checked; their text is checked when it is
text (CSV), an Excel workbook (every cell) or a PDF (the HTML it is drawn from)."""

from __future__ import annotations

import io
import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

import openpyxl
import pytest
import weasyprint
from django.test import Client
from django.urls import Resolver404, resolve
from lxml import html as lxml_html

from attrib.common import pdf
from attrib.demo.chargement import COMPTES_DEMO, charger_demo
from attrib.organisations.models import User

pytestmark = pytest.mark.django_db

PROFONDEUR = 4
PAR_FORME = 1
#: Django's own back-office (its pages are Django's, not the product's) and the session's end.
EXCLUS = ("/admin/", "/deconnexion/")

TAG_INTERNE = re.compile(r"\[[VSKH](?:\]|/[VSKH]\])")
FICHIER_DONNEES = re.compile(r"[\w./-]*\w\.(?:ya?ml|csv|md|py|json|tsv)\b|\bdata/(?:parametres|grilles|referentiels)\b")
ANGLAIS = (
    "This field is required",
    "Page not found",
    "Not Found",
    "Forbidden",
    "Server Error",
    "Server error",
    "Traceback",
    "Enter a valid",
    "Ensure this value",
    "Select a valid choice",
    "This field may not be",
    "Invalid ",
    "You do not have permission",
    "Authentication credentials",
    "Bad Request",
    "CSRF verification failed",
    "No such",
    "does not exist",
    "Method Not Allowed",
    "Internal Server",
    "Exception Value",
    "Exception Type",
    "urlpatterns",
    "None</",
)
#: Development notes of the data files, never for a reader.
NOTES = ("non trouvé", "non trouvée", "à confirmer", "DOMAIN.md", "non relu", "sources consultées")


#: The HTML every PDF is drawn from (WeasyPrint), kept to check its text.
PDF_HTML: list[str] = []


class _HTMLGarde(weasyprint.HTML):
    def __init__(self, *args, **kwargs):
        if isinstance(kwargs.get("string"), str):
            PDF_HTML.append(kwargs["string"])
        super().__init__(*args, **kwargs)


@pytest.fixture
def pdf_lus(monkeypatch):
    # Every PDF of the product is rendered by the one PDF module.
    monkeypatch.setattr(pdf, "HTML", _HTMLGarde)
    PDF_HTML.clear()
    yield PDF_HTML
    PDF_HTML.clear()


def _texte_classeur(contenu: bytes) -> str:
    classeur = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True)
    return " ".join(
        str(v) for feuille in classeur.worksheets for ligne in feuille.iter_rows(values_only=True) for v in ligne if v
    )


@dataclass
class Exploration:
    compte: str
    problemes: list[str] = field(default_factory=list)
    visitees: int = 0
    par_forme: dict[tuple[str, tuple[str, ...]], int] = field(default_factory=lambda: defaultdict(int))


def _forme(chemin: str, requete: str) -> tuple[str, tuple[str, ...]] | None:
    try:
        match = resolve(chemin)
    except Resolver404:
        return None
    return match.route, tuple(sorted({k for k, _ in parse_qsl(requete, keep_blank_values=True)}))


def _routes(resolver=None, prefixe: str = "") -> list[str]:
    """Every URL pattern of the product (for the crawl's report of what it did not reach)."""
    from django.urls import URLResolver, get_resolver

    routes = []
    for motif in (resolver or get_resolver()).url_patterns:
        route = prefixe + str(motif.pattern)
        if isinstance(motif, URLResolver):
            routes += _routes(motif, route)
        elif not route.startswith(("admin/", "api/")):
            routes.append(route)
    return routes


def texte_visible(contenu: str) -> str:
    """The text a reader sees (tooltips and SVG titles included), without scripts and styles."""
    arbre = lxml_html.fromstring(contenu)
    for element in arbre.xpath("//script|//style"):
        element.drop_tree()
    return " ".join(arbre.text_content().split())


def problemes_du_texte(texte: str) -> list[str]:
    trouves = []
    for motif, quoi in ((TAG_INTERNE, "étiquette de fiabilité"), (FICHIER_DONNEES, "nom de fichier")):
        for m in motif.finditer(texte):
            debut = max(0, m.start() - 60)
            trouves.append(f"{quoi} « {m.group(0)} » dans « …{texte[debut : m.end() + 40]}… »")
    for phrase in (*ANGLAIS, *NOTES):
        i = texte.find(phrase)
        if i >= 0:
            trouves.append(f"texte interdit « {phrase} » dans « …{texte[max(0, i - 60) : i + 60]}… »")
    return trouves


def _liens(contenu: str, base: str) -> list[str]:
    arbre = lxml_html.fromstring(contenu)
    liens = []
    for href in arbre.xpath("//a/@href"):
        href = href.strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        cible = urlsplit(urljoin(base, href))
        if cible.netloc not in ("", "testserver"):
            continue
        liens.append(cible.path + (f"?{cible.query}" if cible.query else ""))
    return liens


def explorer(client: Client, compte: str) -> Exploration:
    resultat = Exploration(compte)
    vus: set[str] = set()
    file: deque[tuple[str, int, str]] = deque([("/", 0, "(départ)")])
    while file:
        url, profondeur, origine = file.popleft()
        if url in vus:
            continue
        vus.add(url)
        chemin, _, requete = url.partition("?")
        if chemin.startswith(EXCLUS) or chemin.startswith("/static/"):
            continue
        forme = _forme(chemin, requete)
        if forme is None:
            resultat.problemes.append(f"{url} (lien de {origine}) : aucune route ne correspond (404)")
            continue
        if resultat.par_forme[forme] >= PAR_FORME:
            continue
        resultat.par_forme[forme] += 1
        reponse = client.get(url)
        resultat.visitees += 1
        if reponse.status_code in (301, 302):
            file.append((reponse["Location"], profondeur, url))
            continue
        if reponse.status_code != 200:
            resultat.problemes.append(f"{url} (lien de {origine}) : statut {reponse.status_code}")
            continue
        type_contenu = reponse.get("Content-Type", "")
        if "text/html" not in type_contenu:
            corps = b"".join(reponse.streaming_content if reponse.streaming else [reponse.content])
            if type_contenu.startswith("text/"):
                texte = corps.decode("utf-8", "replace")
            elif "spreadsheetml" in type_contenu:
                texte = _texte_classeur(corps)
            elif type_contenu.startswith("application/pdf"):
                texte = " ".join(texte_visible(h) for h in PDF_HTML)
            else:
                texte = ""
            PDF_HTML.clear()
            for p in problemes_du_texte(texte):
                resultat.problemes.append(f"{url} (lien de {origine}) : {p}")
            continue
        contenu = reponse.content.decode()
        for p in problemes_du_texte(texte_visible(contenu)):
            resultat.problemes.append(f"{url} (lien de {origine}) : {p}")
        if profondeur < PROFONDEUR:
            for lien in _liens(contenu, url):
                if lien not in vus:
                    file.append((lien, profondeur + 1, url))
    return resultat


@pytest.fixture
def demo(grand_narbonne, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    charger_demo(nb_demandes=400, seed=11, stdout=io.StringIO(), avec_parc=True)


def test_chaque_compte_de_la_demo_parcourt_le_site_sans_erreur_ni_texte_interne(demo, pdf_lus):
    rapport = []
    routes_vues: set[str] = set()
    for compte in COMPTES_DEMO:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=compte.identifiant))
        resultat = explorer(client, compte.identifiant)
        assert resultat.visitees > 3, f"{compte.identifiant} : le parcours n'a rien trouvé à visiter"
        rapport += [f"[{compte.identifiant}] {p}" for p in resultat.problemes]
        print(f"{compte.identifiant} : {resultat.visitees} pages, {len(resultat.par_forme)} formes d'adresse")
        routes_vues.update(route for route, _ in resultat.par_forme)
    print("Routes jamais atteintes :", sorted(set(_routes()) - routes_vues))
    assert not rapport, f"{len(rapport)} problème(s) :\n" + "\n".join(dict.fromkeys(rapport))
