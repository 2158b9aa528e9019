import re
import zlib
from datetime import date

import pytest

from attrib.common.pdf import POLICES, PolicesSeulement
from attrib.demandes import enums
from attrib.demandes.attestation import (
    DAL_NON_CONNU,
    attestation_html,
    attestation_pdf,
    delai_anormalement_long_texte,
)
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_renouveler
from attrib.organisations.acteurs import acteur_systeme
from tests.factories import GRUISSAN, NARBONNE, creer_demande, guichet, personne, territoire_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture
def demande():
    territoire_minimal()
    return creer_demande(
        guichet_org=guichet(),
        communes=(GRUISSAN, NARBONNE),
        personnes=[
            personne(nom="Martin", prenoms="Léa"),
            personne(
                role=enums.RolePersonne.PERSONNE_A_LOGER,
                lien=enums.LienParente.ENFANT,
                nom="Martin",
                prenoms="Tom",
                date_naissance=date(2015, 2, 1),
            ),
        ],
        date_depot=date(2026, 3, 15),
        aujourd_hui=date(2026, 3, 20),
    )


def test_contenu_de_l_attestation(demande):
    html = attestation_html(demande, aujourd_hui=date(2026, 3, 20))
    assert demande.numero_unique in html
    assert "Date de dépôt initiale" in html and "15/03/2026" in html
    assert "Valable jusqu'au (échéance)" in html and "15/03/2027" in html
    assert "Guichet Narbonne (code NAR01)" in html
    assert "2 personnes à loger, dont 1 enfant" in html
    assert "MARTIN Léa" in html and "MARTIN Tom" in html
    assert html.index("Gruissan (11170)") < html.index("Narbonne (11262)"), "communes dans l'ordre des souhaits"
    assert DAL_NON_CONNU in html, "aucun délai sourcé pour l'Aude : rien n'est inventé"
    assert "dernier renouvellement" not in html


def test_renouvellement_affiche(demande):
    demande_renouveler(demande=demande, auteur=acteur_systeme("test"), aujourd_hui=date(2027, 3, 1))
    html = attestation_html(Demande.objects.get(pk=demande.pk))
    assert "Date du dernier renouvellement" in html and "01/03/2027" in html
    assert "01/03/2028" in html


def test_delai_anormalement_long_quand_il_est_connu():
    rennes = Demande(departement="035", typologie_min=2, date_depot_initiale=date(2012, 1, 10))
    texte = delai_anormalement_long_texte(rennes, date(2013, 6, 1))
    assert texte == "Délai anormalement long : 30 mois (arrêté préfectoral), soit à partir du 10/07/2014"
    assert delai_anormalement_long_texte(rennes, date(2020, 6, 1)) == DAL_NON_CONNU


def _flux_pdf(pdf: bytes) -> bytes:
    flux = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            flux.append(zlib.decompress(m.group(1)))
        except zlib.error:
            flux.append(m.group(1))
    return b"".join(flux)


def test_pdf_produit(demande):
    pdf = attestation_pdf(demande)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    contenu = _flux_pdf(pdf)
    assert b"Marianne" in contenu, "police du système de design de l'État incorporée"
    assert re.search(rb"/Type /Pages/Kids \[[^\]]*\]/Count 1>>", contenu), "l'attestation tient sur une page"
    assert b"/Lang (fr)" in contenu


def test_aucune_ressource_reseau_ni_fichier_arbitraire():
    lecteur = PolicesSeulement(allowed_protocols=("file",))
    for url in ("https://example.org/style.css", "http://127.0.0.1/logo.png", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="Ressource refusée"):
            lecteur.fetch(url)
    with pytest.raises(ValueError):
        lecteur.fetch((POLICES / ".." / ".." / "css" / "dsfr.min.css").as_uri())
    reponse = lecteur.fetch((POLICES / "Marianne-Regular.woff").as_uri())
    assert reponse is not None
