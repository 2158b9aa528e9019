"""Rule 9 of issue 10: charts render anywhere. Every SVG chart of the product is rendered with data whose
coordinates have decimals, in French (decimal comma, thousands separator on), and every number of every
SVG attribute must parse as a float: a localised ``12,5`` makes browsers and WeasyPrint drop the shape.

``test_chaque_graphique_est_rendu_ici`` lists the templates holding ``<svg`` so that a new chart cannot
escape this test."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from attrib.common.templatetags.attrib_texte import nombre_svg
from attrib.cotation.simulation import Classe, histogramme
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.enums import SourceResidence
from attrib.patrimoine.models import Logement, Residence
from attrib.pilotage.graphiques import effectifs, parts
from attrib.territoires.services import territoires_importer
from tests.factories import COURSAN, GRUISSAN, NARBONNE, membre

pytestmark = pytest.mark.django_db

TEMPLATES = Path(django_settings.BASE_DIR) / "attrib"
SVG_NS = "{http://www.w3.org/2000/svg}"
#: Attributes holding one number (a length may end with ``%`` or ``px``).
NUMERIQUES = {
    "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "dx", "dy",
    "stroke-width", "font-size", "fill-opacity", "stroke-opacity", "opacity",
}  # fmt: skip
NOMBRE = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?$")


def _nombre(valeur: str, ou: str) -> float:
    propre = valeur.strip().removesuffix("%").removesuffix("px")
    assert NOMBRE.match(propre), f"{ou} : « {valeur} » n'est pas un nombre SVG"
    return float(propre)


def verifier_svg(svg: str, ou: str) -> int:
    """Parse one ``<svg>`` with an XML parser; return how many numbers were checked."""
    racine = ET.fromstring(svg)
    compte = 0
    for element in racine.iter():
        nom = element.tag.removeprefix(SVG_NS)
        for attribut, valeur in element.attrib.items():
            ici = f"{ou}, <{nom} {attribut}>"
            if attribut in NUMERIQUES:
                _nombre(valeur, ici)
                compte += 1
            elif attribut == "viewBox":
                valeurs = valeur.split()
                assert len(valeurs) == 4, f"{ici} : « {valeur} »"
                compte += sum(1 for v in valeurs if _nombre(v, ici) is not None)
            elif attribut == "transform":
                for arguments in re.findall(r"\(([^)]*)\)", valeur):
                    compte += sum(1 for v in arguments.replace(",", " ").split() if _nombre(v, ici) is not None)
            elif attribut == "d":
                for commande, arguments in re.findall(r"([MLZmlz])([^MLZmlz]*)", valeur):
                    nombres = arguments.replace(",", " ").split()
                    if commande in "MLml":
                        assert len(nombres) == 2, f"{ici} : « {commande}{arguments} » n'est pas un point x,y"
                    compte += sum(1 for v in nombres if _nombre(v, ici) is not None)
    return compte


def svgs_de(contenu: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", contenu, flags=re.DOTALL)


@pytest.fixture
def en_francais(settings):
    """The most hostile localisation: French decimal comma and a thousands separator everywhere."""
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override("fr"):
        yield


def test_le_filtre_svg_ne_localise_jamais(en_francais):
    assert [nombre_svg(v) for v in (12.5, 1234.0, Decimal("7.126"), Fraction(1, 3), None, "12,5", -0.0004)] == [
        "12.5",
        "1234",
        "7.13",
        "0.33",
        "0",
        "12.5",
        "0",
    ]
    assert (
        render_to_string_inline("{% load attrib_texte %}{{ v|svg }} {{ v|svg_plus:-6 }}", v=1234.5) == "1234.5 1228.5"
    )


def render_to_string_inline(source: str, **contexte: object) -> str:
    from django.template import Context, Template

    return Template(source).render(Context(contexte))


def _histogramme(reference: bool) -> str:
    classes = [Classe(10 * i, 10 * i + 9, (7 * i) % 11 if reference else None, (5 * i + 3) % 13) for i in range(11)]
    h = histogramme(classes)
    assert any(b.x != int(b.x) for b in h.barres), "des coordonnées décimales sont nécessaires au test"
    s = SimpleNamespace(
        histogramme=h,
        reference=SimpleNamespace(numero=1) if reference else None,
        version=SimpleNamespace(numero=2),
    )
    return render_to_string("cotation/_histogramme.html", {"s": s})


def _pilotage() -> str:
    g1 = parts(
        "Part des attributions",
        "Parts par réservataire",
        [("État", Fraction(1, 3), True), ("Action Logement", Fraction(2, 7), False), ("Commune", None, None)],
        cible=Fraction(1, 4),
    )
    g2 = effectifs("Attributions par mois", "Nombre de baux signés", [("janvier", 3), ("février", 7), ("mars", 1)])
    return render_to_string("pilotage/_graphique.html", {"g": g1, "id": "g1"}) + render_to_string(
        "pilotage/_graphique.html", {"g": g2, "id": "g2"}
    )


def _carte(client: Client) -> str:
    territoires_importer(epcis=["241100593"], auteur=acteur_systeme("test"))
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci_id="241100593")
    epci.perimetre.set([NARBONNE, GRUISSAN, COURSAN])
    for identifiant, commune, n in (("N1", NARBONNE, 1234), ("G1", GRUISSAN, 17), ("C1", COURSAN, 3)):
        residence = Residence.objects.create(
            identifiant=identifiant, commune_id=commune, source=SourceResidence.RPLS_ADRESSES
        )
        Logement.objects.bulk_create(
            Logement(
                residence=residence, identifiant=f"{identifiant}-{i}", nb_pieces=3, surface_habitable=Decimal("60")
            )
            for i in range(n)
        )
    client.force_login(membre(epci))
    reponse = client.get(reverse("patrimoine:carte"))
    assert reponse.status_code == 200
    return reponse.content.decode()


def test_chaque_graphique_se_lit_comme_nombres(en_francais, client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rendus = {
        "histogramme (grille seule)": _histogramme(reference=False),
        "histogramme (grille publiée et simulée)": _histogramme(reference=True),
        "pilotage": _pilotage(),
        "carte du parc": _carte(client),
    }
    for nom, contenu in rendus.items():
        svgs = svgs_de(contenu)
        assert svgs, f"{nom} : aucun graphique rendu"
        nombres = sum(verifier_svg(svg, nom) for svg in svgs)
        assert nombres > 20, f"{nom} : {nombres} nombre(s) seulement"
    carte = rendus["carte du parc"]
    assert 'id="carte-territoire"' in carte and 'id="carte-qpv-zoom"' in carte
    assert re.search(r'<circle [^>]*r="\d+\.\d"', carte), "les rayons des cercles ont des décimales"


def test_chaque_graphique_est_rendu_ici():
    """Every template drawing an SVG is one of those rendered above (a new chart needs its case here)."""
    avec_svg = {
        str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if "<svg" in p.read_text(encoding="utf-8")
    }
    assert avec_svg == {
        "cotation/templates/cotation/_histogramme.html",
        "pilotage/templates/pilotage/_graphique.html",
        "patrimoine/templates/patrimoine/_carte_svg.html",
        "patrimoine/templates/patrimoine/_zoom_qpv_svg.html",
        "patrimoine/templates/patrimoine/carte.html",
    }
