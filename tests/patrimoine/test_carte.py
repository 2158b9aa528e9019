"""The map of the territory: the real QPV contours and commune centroids (computed from the communes' own
contours) of the Grand Narbonne, one circle per commune with stock, the notice that residences are grouped per
commune, and the text alternative; the map of a second EPCI (Carcassonne Agglo) from the same data."""

from __future__ import annotations

import csv
import math
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from shapely.geometry import Point, Polygon, shape

from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.carte import (
    CLASSES,
    FICHIER_CONTOURS,
    ContoursInvalides,
    ParcCommune,
    carte_territoire,
    chemin_svg,
    classe_de,
    contours_communes,
    positions_communes,
    projection_pour,
)
from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from attrib.qualification.services import campagne_cloturer, campagne_ouvrir, notation_enregistrer
from attrib.territoires.models import QPV, Commune
from attrib.territoires.services import DOSSIER_REFERENTIELS, territoires_importer
from tests.factories import CARCASSONNE, COURSAN, GRUISSAN, NARBONNE, membre
from tests.patrimoine.conftest import GRAND_NARBONNE

MARSEILLE = "13055"
CARCASSONNE_AGGLO = "200035715"

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
AVIS = "Résidences regroupées par commune : aucune adresse n'est géocodée."
QPV_NARBONNE = {"QP011007", "QP011008", "QP011009"}


def _residence(identifiant: str, commune: str, logements: int, bailleur: Organisation | None = None) -> Residence:
    residence = Residence.objects.create(
        identifiant=identifiant,
        commune_id=commune,
        bailleur=bailleur,
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )
    Logement.objects.bulk_create(
        Logement(
            residence=residence, identifiant=f"{identifiant}-{i:03d}", nb_pieces=3, surface_habitable=Decimal("60")
        )
        for i in range(logements)
    )
    return residence


@pytest.fixture
def territoire(grand_narbonne: None) -> dict[str, Any]:
    """The real Grand Narbonne (37 communes, 3 QPV with their contours); stock in Narbonne (two
    residences, 40 dwellings), Gruissan (10) and Coursan (2); Carcassonne, outside, holds a residence of
    the bailleur. A closed campaign rated two residences of Narbonne 1 and 4 (concordant)."""
    Commune.objects.create(code_insee=CARCASSONNE, nom="Carcassonne", departement="11", region="76")
    epci = Organisation.objects.create(nom="CA Le Grand Narbonne", type=TypeOrganisation.EPCI, epci_id=GRAND_NARBONNE)
    narbonne = Organisation.objects.create(nom="Ville de Narbonne", type=TypeOrganisation.COMMUNE, commune_id=NARBONNE)
    alogea = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR)
    residences = {
        "n1": _residence("N1", NARBONNE, 30, alogea),
        "n2": _residence("N2", NARBONNE, 10, alogea),
        "g": _residence("G", GRUISSAN, 10),
        "c": _residence("C", COURSAN, 2),
        "carcassonne": _residence("CAR", CARCASSONNE, 5, alogea),
    }
    residences["n1"].en_qpv = True
    residences["n1"].save()
    jour = timezone.localdate()
    campagne = campagne_ouvrir(
        organisation=epci, annee=jour.year - 1, date_limite=jour + timedelta(days=30), auteur=acteur_systeme("test")
    )
    for cle, note in (("n1", 1), ("n2", 4)):
        for org in (narbonne, alogea):
            notation_enregistrer(
                campagne=campagne, organisation=org, residence=residences[cle], note=note, auteur=acteur_systeme("test")
            )
    campagne_cloturer(campagne=campagne, auteur=acteur_systeme("test"))
    return {
        "epci": membre(epci, username="epci"),
        "bailleur": membre(alogea, username="alogea"),
        "residences": residences,
    }


def _page(user: Any) -> str:
    client = Client()
    client.force_login(user)
    reponse = client.get("/patrimoine/carte/")
    assert reponse.status_code == 200
    return str(reponse.content.decode())


def _svg(page: str, ident: str = "carte-territoire") -> ET.Element:
    """One SVG of the page, parsed as XML (it must be well formed)."""
    bloc = re.search(rf"<svg[^>]*id=\"{ident}\".*?</svg>", page, flags=re.S)
    assert bloc is not None
    return ET.fromstring(bloc.group(0))


def _cercles(svg: ET.Element) -> dict[str, ET.Element]:
    return {c.get("data-commune", ""): c for c in svg.iter(f"{SVG}circle")}


def test_la_carte_trace_les_trois_qpv_de_narbonne(territoire: dict[str, Any]) -> None:
    svg = _svg(_page(territoire["epci"]))

    chemins = {p.get("data-qpv"): p for p in svg.iter(f"{SVG}path")}
    assert set(chemins) == QPV_NARBONNE
    for code, chemin in chemins.items():
        d = chemin.get("d", "")
        assert d.startswith("M") and d.count("L") >= 3 and d.endswith("Z"), code
        titre = chemin.find(f"{SVG}title")
        assert titre is not None and QPV.objects.get(code=code).nom in (titre.text or "")


def test_zoom_sur_les_qpv_nommes_dans_le_dessin(territoire: dict[str, Any]) -> None:
    zoom = _svg(_page(territoire["epci"]), "carte-qpv-zoom")

    assert {p.get("data-qpv") for p in zoom.iter(f"{SVG}path")} == QPV_NARBONNE
    assert zoom.get("role") == "img" and (zoom.get("aria-labelledby") or "").split() == ["zoom-titre", "zoom-desc"]
    largeur = float((zoom.get("viewBox") or "").split()[2])
    libelles = {t.text: float(t.get("x", "-1")) for t in zoom.iter(f"{SVG}text") if t.get("text-anchor") is None}
    assert {"Narbonne Ouest", "Narbonne Centre", "Narbonne Est"} <= set(libelles)
    assert all(0 < x < largeur for x in libelles.values())


def test_un_cercle_par_commune_ayant_du_parc_proportionnel_aux_logements(territoire: dict[str, Any]) -> None:
    svg = _svg(_page(territoire["epci"]))

    cercles = _cercles(svg)
    assert set(cercles) == {NARBONNE, GRUISSAN, COURSAN}
    assert {c: int(e.get("data-logements", "0")) for c, e in cercles.items()} == {
        NARBONNE: 40,
        GRUISSAN: 10,
        COURSAN: 2,
    }
    rayons = {c: float(e.get("r", "0")) for c, e in cercles.items()}
    # Area proportional to the dwellings: Narbonne has 4 times Gruissan's dwellings, twice its radius.
    assert rayons[NARBONNE] == pytest.approx(2 * rayons[GRUISSAN], abs=0.1)
    assert rayons[GRUISSAN] > rayons[COURSAN]


def test_les_cercles_sont_aux_centroides_dans_la_bonne_orientation(territoire: dict[str, Any]) -> None:
    cercles = _cercles(_svg(_page(territoire["epci"])))

    x = {c: float(e.get("cx", "0")) for c, e in cercles.items()}
    y = {c: float(e.get("cy", "0")) for c, e in cercles.items()}
    # Coursan is north of Narbonne, Gruissan south-east of it (y grows downwards in SVG).
    assert y[COURSAN] < y[NARBONNE] < y[GRUISSAN]
    assert x[GRUISSAN] > x[NARBONNE]


def test_la_couleur_donne_la_part_des_residences_notees_1_ou_2(territoire: dict[str, Any]) -> None:
    cercles = _cercles(_svg(_page(territoire["epci"])))

    # Narbonne: one residence retained at 1, one at 4: 50 %. Gruissan and Coursan: no retained note.
    assert cercles[NARBONNE].get("fill") == classe_de(0.5).couleur == CLASSES[-1].couleur
    assert cercles[GRUISSAN].get("fill") == cercles[COURSAN].get("fill") == classe_de(None).couleur


def test_la_carte_dit_que_les_residences_sont_regroupees_par_commune(territoire: dict[str, Any]) -> None:
    page = _page(territoire["epci"])
    svg = _svg(page)

    textes = " ".join(t.text or "" for t in svg.iter(f"{SVG}text"))
    assert AVIS in textes
    description = svg.find(f"{SVG}desc")
    assert description is not None and AVIS in (description.text or "")
    assert AVIS in page.replace("&#x27;", "'").split('id="carte-territoire"')[0]


def test_la_carte_a_un_nom_et_une_description_accessibles(territoire: dict[str, Any]) -> None:
    svg = _svg(_page(territoire["epci"]))

    assert svg.get("role") == "img"
    ids = (svg.get("aria-labelledby") or "").split()
    titre, description = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert titre is not None and description is not None
    assert ids == [titre.get("id"), description.get("id")]
    assert "Carte du parc social" in (titre.text or "")
    assert "tableau « Parc social par commune »" in (description.text or "")


def test_alternative_textuelle_avec_les_memes_chiffres(territoire: dict[str, Any]) -> None:
    page = _page(territoire["epci"])

    tableau = re.search(
        r"<caption>Parc social par commune \(mêmes chiffres que la carte\)</caption>.*?</table>", page, re.S
    )
    assert tableau is not None
    lignes = {}
    for ligne in re.findall(r"<tr>(.*?)</tr>", tableau.group(0), flags=re.S):
        cellules = [
            re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", ligne, re.S)
        ]
        if cellules and cellules[0] not in ("Commune", "Total"):
            lignes[cellules[0]] = cellules[1:]
    # residences, dwellings, in QPV, with a retained note, noted 1, 2, 3, 4, share noted 1 or 2, position
    assert lignes == {
        "Coursan": ["1", "2", "0", "0", "0", "0", "0", "0", "—", "centroïde de la commune"],
        "Gruissan": ["1", "10", "0", "0", "0", "0", "0", "0", "—", "centroïde de la commune"],
        "Narbonne": ["2", "40", "30", "2", "1", "0", "0", "1", "50,0 %", "centroïde de la commune"],
    }
    assert "Narbonne Ouest (QP011007), Narbonne" in page


def test_une_commune_sans_position_connue_est_listee_non_placee(territoire: dict[str, Any]) -> None:
    # Marseille (Bouches-du-Rhône) is outside the contours shipped (Occitanie): no position, no circle, a row.
    Commune.objects.create(code_insee=MARSEILLE, nom="Marseille", departement="13", region="93")
    bailleur = territoire["residences"]["carcassonne"].bailleur
    _residence("MAR", MARSEILLE, 7, bailleur)

    page = _page(territoire["bailleur"])

    # The bailleur sees its residences of Carcassonne and Marseille too: Carcassonne is placed, Marseille not.
    assert set(_cercles(_svg(page))) == {NARBONNE, CARCASSONNE}
    assert "non placée : position de la commune inconnue" in page
    assert re.search(r"Marseille</a></th>\s*<td>1</td>\s*<td>7</td>", page)


def test_hors_territoire_rien_n_est_compte(territoire: dict[str, Any]) -> None:
    page = _page(territoire["epci"])

    assert "Carcassonne" not in page
    assert "52 logements placés dans 3 communes" in page


def test_sans_organisation_carte_vide(territoire: dict[str, Any]) -> None:
    from tests.factories import UserFactory

    page = _page(UserFactory(username="personne"))

    assert 'id="carte-territoire"' not in page
    assert "Aucune résidence ni aucun QPV à placer sur la carte de votre territoire." in page
    assert AVIS in page.replace("&#x27;", "'")


# --- the commune contours ------------------------------------------------------------------------


def _communes_du_referentiel(**filtre: str) -> dict[str, str]:
    with (DOSSIER_REFERENTIELS / "communes_epci_2026.csv").open(encoding="utf-8") as f:
        return {
            r["code_commune"]: r["nom_commune"]
            for r in csv.DictReader(f)
            if all(r[cle] == valeur for cle, valeur in filtre.items())
        }


def test_chaque_commune_d_occitanie_a_un_contour_valide_a_son_nom() -> None:
    communes = _communes_du_referentiel(region="76")

    contours = contours_communes()

    assert len(communes) == 4446
    assert {code: nom for code, (nom, _g) in contours.items()} == communes
    for code, (_nom, geometrie) in contours.items():
        forme = shape(geometrie)
        assert forme.is_valid and not forme.is_empty and forme.area > 0, code


def test_les_positions_du_grand_narbonne_sont_dans_leurs_communes() -> None:
    communes = _communes_du_referentiel(epci_siren=GRAND_NARBONNE)

    positions = positions_communes(communes)

    assert len(communes) == 37
    assert {c: p.nom for c, p in positions.items()} == communes
    for code, p in positions.items():
        assert 2.7 < p.longitude < 3.3 and 42.8 < p.latitude < 43.4, p
        assert shape(contours_communes()[code][1]).contains(Point(p.longitude, p.latitude)), code


def test_un_point_interieur_quand_le_centroide_sort_du_contour(tmp_path: Any) -> None:
    # A crescent: its centroid lies in the hollow, outside the commune.
    croissant = Polygon([(0, 0), (4, 0), (4, 4), (0, 4), (0, 3), (3, 3), (3, 1), (0, 1)])
    chemin = tmp_path / "contours.geojson"
    chemin.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code_insee": "99001", '
        f'"nom": "Croissant"}}, "geometry": {{"type": "Polygon", "coordinates": {[list(croissant.exterior.coords)]}}}}}]}}'.replace(
            "(", "["
        ).replace(")", "]"),
        "utf-8",
    )

    [position] = positions_communes(["99001", "99002"], chemin=chemin).values()

    assert not croissant.contains(croissant.centroid)
    assert position.methode == "point_interieur"
    assert croissant.contains(Point(position.longitude, position.latitude))


def test_le_centroide_de_narbonne_est_pres_de_ses_qpv(grand_narbonne: None) -> None:
    narbonne = positions_communes([NARBONNE])[NARBONNE]
    for qpv in QPV.objects.filter(commune_id=NARBONNE):
        centre = shape(qpv.contour).centroid
        km = math.hypot(
            (centre.x - narbonne.longitude) * 111.32 * math.cos(math.radians(narbonne.latitude)),
            (centre.y - narbonne.latitude) * 111.32,
        )
        assert km < 5, qpv.code


def test_un_fichier_de_contours_mal_forme_est_signale(tmp_path: Any) -> None:
    chemin = tmp_path / "contours.geojson"
    chemin.write_text(
        '{"type": "FeatureCollection", "features": [{"properties": {"code_insee": "11262"}, '
        '"geometry": {"type": "Point", "coordinates": [3, 43]}}]}',
        "utf-8",
    )

    with pytest.raises(ContoursInvalides, match="contours.geojson, entité 1 : code INSEE ou géométrie"):
        contours_communes(chemin)
    assert FICHIER_CONTOURS.exists()


def test_la_carte_d_un_autre_epci_place_ses_residences_dans_ses_communes(db: None) -> None:
    """Carcassonne Agglo: nothing of the Grand Narbonne, the same code and data."""
    territoires_importer(epcis=[CARCASSONNE_AGGLO], auteur=acteur_systeme("test"))
    communes = _communes_du_referentiel(epci_siren=CARCASSONNE_AGGLO)
    choisies = [CARCASSONNE, *sorted(set(communes) - {CARCASSONNE})[:4]]
    for i, code in enumerate(choisies):
        _residence(f"CA-{i}", code, 3 + 5 * i)
    epci = Organisation.objects.create(
        nom="CA Carcassonne Agglo", type=TypeOrganisation.EPCI, epci_id=CARCASSONNE_AGGLO
    )
    utilisateur = membre(epci, username="carcassonne-agglo")

    carte = carte_territoire(utilisateur)

    assert carte.projection is not None and not carte.non_placees
    assert {c.parc.code_insee for c in carte.cercles} == set(choisies)
    for cercle in carte.cercles:
        lon, lat = carte.projection.inverse(cercle.cx, cercle.cy)
        contour = shape(contours_communes()[cercle.parc.code_insee][1])
        # Drawn inside its own commune (to the 0.1 pixel of the drawing, a few metres), inside no other chosen one.
        assert contour.buffer(0.0005).contains(Point(lon, lat)), cercle.parc.nom
        autres = [shape(contours_communes()[c][1]) for c in choisies if c != cercle.parc.code_insee]
        assert not any(a.contains(Point(lon, lat)) for a in autres), cercle.parc.nom
    assert set(_cercles(_svg(_page(utilisateur)))) == set(choisies)


# --- projection and drawing ---------------------------------------------------------------------


def test_projection_equirectangulaire() -> None:
    projection, hauteur = projection_pour((2.8, 42.9, 3.2, 43.3), largeur=500, marge=20)

    x0, y0 = projection.point(2.8, 43.3)
    x1, y1 = projection.point(3.2, 42.9)
    assert (x0, y0) == (20, 20)
    assert x1 == pytest.approx(480, abs=0.1)
    # Longitudes are shortened by cos(43.1°): the drawing is higher than wide.
    assert hauteur == pytest.approx(40 + 460 / math.cos(math.radians(43.1)), abs=0.2)
    assert y1 == pytest.approx(hauteur - 20, abs=0.2)


def test_chemin_svg_d_un_polygone_a_trou() -> None:
    projection, _ = projection_pour((0, 0, 1, 1), largeur=120, marge=10)
    carre = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)], holes=[[(0.4, 0.4), (0.6, 0.4), (0.6, 0.6)]])

    assert chemin_svg(carre, projection) == "M10,110 L110,110 L110,10 L10,10 Z M50,70 L70,70 L70,50 Z"


@pytest.mark.parametrize(
    ("part", "cle"),
    [
        (None, "sans-note"),
        (0.0, "c1"),
        (0.0999, "c1"),
        (0.10, "c2"),
        (0.25, "c3"),
        (0.4999, "c3"),
        (0.5, "c4"),
        (1.0, "c4"),
    ],
)
def test_classes_de_couleur(part: float | None, cle: str) -> None:
    assert classe_de(part).cle == cle


def test_part_des_residences_fragiles() -> None:
    parc = ParcCommune("11262", "Narbonne", notes={1: 2, 2: 1, 3: 4, 4: 1})

    assert (parc.residences_notees, parc.residences_fragiles, parc.part_fragiles) == (8, 3, 3 / 8)
    assert parc.comptes_notes == [2, 1, 4, 1]
    assert ParcCommune("11170", "Gruissan").part_fragiles is None
