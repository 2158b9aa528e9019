"""The map of the territory: QPV contours and the social housing stock, drawn server-side as SVG.

No residence has coordinates and no offline geocoder is available: residences are **grouped per
commune** and drawn as one circle at the commune's centroid, computed from the commune's own contour
(``data/referentiels/communes_occitanie_contours.geojson``, every commune of the COG 2026 referential in
Occitanie, see ``data/SOURCES.md``) the first time it is asked for; its area is proportional to the number of
dwellings, its colour gives the share of the rated residences whose retained note is 1 or 2. A commune whose
centroid falls outside its contour is placed at a point inside it; a commune without a known contour is not
drawn and is listed as such. Nothing is placed more precisely than its commune, and nothing here names a
territory: the map of any EPCI is drawn from the same file.

The projection is equirectangular (longitude scaled by the cosine of the mean latitude), enough at the
scale of an EPCI. The same figures are given as a table (text alternative), built from the same data.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from attrib.engine.qualification import ECHELLE_VIVRE_ENSEMBLE
from attrib.patrimoine.consultation import annoter_note_retenue
from attrib.patrimoine.permissions import epcis_du_territoire
from attrib.patrimoine.selectors import residences_visibles
from attrib.territoires.models import QPV, Commune
from attrib.territoires.services import DOSSIER_REFERENTIELS

FICHIER_CONTOURS = DOSSIER_REFERENTIELS / "communes_occitanie_contours.geojson"

#: Notes of the scale shown as « fragile » on the map: 1 « difficultés importantes » and 2 « difficultés »
#: (labels of ``data/parametres/qualification_parc.yaml``). A display choice, not a rule.
NOTES_FRAGILES = frozenset({1, 2})

# Drawing (pixels of the SVG's own coordinate system).
LARGEUR = 760
MARGE = 44
BANDEAU = 58
LARGEUR_ZOOM = 480
MARGE_ZOOM = 36
BANDEAU_ZOOM = 28
RAYON_MAX = 34.0
RAYON_MIN = 3.5
TAILLE_LIBELLE = 12
KM_PAR_DEGRE = 111.32


class ContoursInvalides(ValueError):
    """The file of commune contours is malformed (French message naming the feature)."""


@dataclass(frozen=True)
class Position:
    code_insee: str
    nom: str
    longitude: float
    latitude: float
    #: ``centroide``, or ``point_interieur`` when the centroid falls outside the contour.
    methode: str = "centroide"


@cache
def contours_communes(chemin: Path = FICHIER_CONTOURS) -> dict[str, tuple[str, dict[str, Any]]]:
    """``{code INSEE: (name, GeoJSON geometry)}`` of the communes of the file (read once per process)."""
    try:
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
    except OSError:
        raise ContoursInvalides(f"{chemin.name} : fichier introuvable ({chemin}).") from None
    except ValueError as exc:
        raise ContoursInvalides(f"{chemin.name} : GeoJSON illisible ({exc}).") from None
    if not isinstance(donnees, dict) or not isinstance(donnees.get("features"), list):
        raise ContoursInvalides(f"{chemin.name} : une FeatureCollection GeoJSON est attendue.")
    contours: dict[str, tuple[str, dict[str, Any]]] = {}
    for numero, entite in enumerate(donnees["features"], start=1):
        proprietes = entite.get("properties") or {}
        code, geometrie = str(proprietes.get("code_insee", "")).strip(), entite.get("geometry") or {}
        if len(code) != 5 or geometrie.get("type") not in ("Polygon", "MultiPolygon"):
            raise ContoursInvalides(f"{chemin.name}, entité {numero} : code INSEE ou géométrie (polygone) manquant.")
        if code in contours:
            raise ContoursInvalides(f"{chemin.name}, entité {numero} : commune {code} en double.")
        contours[code] = (str(proprietes.get("nom", "")), geometrie)
    return contours


@cache
def _position(code: str, chemin: Path) -> Position | None:
    contour = contours_communes(chemin).get(code)
    if contour is None:
        return None
    nom, geometrie = contour
    forme = shapely.make_valid(shape(geometrie))
    point, methode = forme.centroid, "centroide"
    if not forme.contains(point):
        point, methode = forme.representative_point(), "point_interieur"
    lon, lat = point.x, point.y
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ContoursInvalides(f"{chemin.name} : commune {code} hors des coordonnées WGS84.")
    return Position(code, nom, round(lon, 4), round(lat, 4), methode)


def positions_communes(codes: Iterable[str] | None = None, *, chemin: Path = FICHIER_CONTOURS) -> dict[str, Position]:
    """Centroids of the communes by INSEE code, computed from their contours: those of ``codes`` that have
    a contour (every commune of the file when ``codes`` is ``None``)."""
    demandes = contours_communes(chemin) if codes is None else codes
    positions = {code: _position(code, chemin) for code in demandes}
    return {code: p for code, p in positions.items() if p is not None}


# --- stock per commune --------------------------------------------------------------------------


@dataclass
class ParcCommune:
    """The residences of one commune that the user sees, summed up."""

    code_insee: str
    nom: str
    residences: int = 0
    logements: int = 0
    logements_en_qpv: int = 0
    residences_en_qpv: int = 0
    notes: dict[int, int] = field(default_factory=dict)
    position: Position | None = None

    @property
    def residences_notees(self) -> int:
        return sum(self.notes.values())

    @property
    def residences_fragiles(self) -> int:
        return sum(n for note, n in self.notes.items() if note in NOTES_FRAGILES)

    @property
    def part_fragiles(self) -> float | None:
        """Share of the residences with a retained note whose note is 1 or 2 (``None``: none rated)."""
        return self.residences_fragiles / self.residences_notees if self.residences_notees else None

    @property
    def comptes_notes(self) -> list[int]:
        """Residences per retained note, from the lowest note of the scale to the highest."""
        echelle = ECHELLE_VIVRE_ENSEMBLE
        return [self.notes.get(n, 0) for n in range(echelle.minimum, echelle.maximum + 1)]


def parc_par_commune(user: Any) -> list[ParcCommune]:
    """Residences, dwellings, dwellings in QPV and retained notes per commune, for the residences the
    user sees (communes by name)."""
    lignes = annoter_note_retenue(residences_visibles(user), user).values_list(  # type: ignore[misc]
        "commune_id", "commune__nom", "nb_logements", "en_qpv", "note_retenue"
    )
    parcs: dict[str, ParcCommune] = {}
    for code, nom, logements, en_qpv, note in lignes:
        parc = parcs.get(code)
        if parc is None:
            parc = parcs[code] = ParcCommune(code, nom, position=positions_communes([code]).get(code))
        parc.residences += 1
        parc.logements += logements
        if en_qpv:
            parc.residences_en_qpv += 1
            parc.logements_en_qpv += logements
        if note is not None:
            parc.notes[note] = parc.notes.get(note, 0) + 1
    return sorted(parcs.values(), key=lambda p: (p.nom, p.code_insee))


# --- colour classes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClasseCouleur:
    cle: str
    libelle: str
    couleur: str
    minimum: float | None = None
    maximum: float | None = None

    def contient(self, part: float | None) -> bool:
        if self.minimum is None:
            return part is None
        return part is not None and self.minimum <= part and (self.maximum is None or part < self.maximum)


#: Sequential classes of the share of rated residences noted 1 or 2; grey when no residence has a
#: retained note. Colours from light to dark; every circle also has a dark outline.
CLASSES = (
    ClasseCouleur("sans-note", "aucune résidence avec une note retenue", "#e5e5e5"),
    ClasseCouleur("c1", "moins de 10 % notées 1 ou 2", "#fee5d9", 0.0, 0.10),
    ClasseCouleur("c2", "de 10 % à moins de 25 %", "#fcae91", 0.10, 0.25),
    ClasseCouleur("c3", "de 25 % à moins de 50 %", "#fb6a4a", 0.25, 0.50),
    ClasseCouleur("c4", "50 % ou plus", "#cb181d", 0.50, None),
)


def classe_de(part: float | None) -> ClasseCouleur:
    for classe in CLASSES:
        if classe.contient(part):
            return classe
    raise ValueError(f"part hors de [0, 1] : {part}")


# --- projection ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Equirectangular projection of longitude/latitude onto the SVG plane (y downwards)."""

    lon_min: float
    lat_max: float
    echelle: float
    cos_lat: float
    decalage_x: float
    decalage_y: float

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x = self.decalage_x + (lon - self.lon_min) * self.cos_lat * self.echelle
        y = self.decalage_y + (self.lat_max - lat) * self.echelle
        return round(x, 1), round(y, 1)

    def inverse(self, x: float, y: float) -> tuple[float, float]:
        """The longitude and latitude drawn at ``(x, y)``."""
        lon = self.lon_min + (x - self.decalage_x) / (self.cos_lat * self.echelle)
        return lon, self.lat_max - (y - self.decalage_y) / self.echelle

    @property
    def pixels_par_km(self) -> float:
        return self.echelle / KM_PAR_DEGRE


def projection_pour(
    emprise: tuple[float, float, float, float], *, largeur: float = LARGEUR, marge: float = MARGE
) -> tuple[Projection, float]:
    """The projection fitting ``emprise`` (lon_min, lat_min, lon_max, lat_max) in ``largeur`` pixels with
    ``marge`` on every side, and the height of the drawing."""
    lon_min, lat_min, lon_max, lat_max = emprise
    cos_lat = math.cos(math.radians((lat_min + lat_max) / 2))
    etendue_x = max((lon_max - lon_min) * cos_lat, 1e-6)
    etendue_y = max(lat_max - lat_min, 1e-6)
    echelle = (largeur - 2 * marge) / etendue_x
    hauteur = etendue_y * echelle + 2 * marge
    # A very flat territory would give a thin strip: keep the drawing at least half as high as wide.
    minimum = largeur / 2
    decalage_y = marge + max(0.0, (minimum - hauteur) / 2)
    return Projection(lon_min, lat_max, echelle, cos_lat, marge, decalage_y), max(hauteur, minimum)


def chemin_svg(geometrie: BaseGeometry, projection: Projection) -> str:
    """SVG path data of a polygon or multipolygon (holes drawn with the even-odd rule)."""
    polygones: Iterable[Polygon]
    if isinstance(geometrie, Polygon):
        polygones = [geometrie]
    elif isinstance(geometrie, MultiPolygon):
        polygones = list(geometrie.geoms)
    else:
        polygones = [g for g in getattr(geometrie, "geoms", []) if isinstance(g, Polygon)]
    morceaux = []
    for polygone in polygones:
        for anneau in (polygone.exterior, *polygone.interiors):
            points = [projection.point(lon, lat) for lon, lat in anneau.coords[:-1]]
            if len(points) >= 3:
                morceaux.append("M" + " L".join(f"{x:g},{y:g}" for x, y in points) + " Z")
    return " ".join(morceaux)


# --- the map ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceQpv:
    code: str
    nom: str
    commune: str
    chemin: str
    libelle_x: float = 0.0
    libelle_y: float = 0.0


@dataclass(frozen=True)
class ZoomQpv:
    """The QPV contours alone, at a larger scale (they are a few hundred metres wide)."""

    largeur: float
    hauteur: float
    qpvs: list[TraceQpv]
    echelle: Echelle | None

    @property
    def x_echelle_fin(self) -> float:
        return self.largeur - 12

    @property
    def x_echelle(self) -> float:
        return round(self.x_echelle_fin - (self.echelle.longueur if self.echelle else 0), 1)

    @property
    def y_echelle(self) -> float:
        return round(self.hauteur - 10, 1)

    @property
    def y_echelle_texte(self) -> float:
        return round(self.hauteur - 16, 1)


@dataclass(frozen=True)
class Cercle:
    parc: ParcCommune
    cx: float
    cy: float
    r: float
    classe: ClasseCouleur
    libelle_x: float | None = None
    libelle_y: float | None = None
    libelle_ancre: str = "start"

    @property
    def a_un_libelle(self) -> bool:
        return self.libelle_x is not None


@dataclass(frozen=True)
class Echelle:
    """A scale bar: ``km`` kilometres are ``longueur`` pixels."""

    km: float
    longueur: float

    @property
    def libelle(self) -> str:
        return f"{self.km:g} km" if self.km >= 1 else f"{round(self.km * 1000)} m"


@dataclass(frozen=True)
class Carte:
    largeur: float
    hauteur: float
    qpvs: list[TraceQpv]
    cercles: list[Cercle]
    communes: list[ParcCommune]
    non_placees: list[ParcCommune]
    echelle: Echelle | None
    zoom: ZoomQpv | None = None
    classes: Sequence[ClasseCouleur] = CLASSES
    projection: Projection | None = None

    @property
    def hauteur_totale(self) -> float:
        return self.hauteur + BANDEAU

    @property
    def y_bandeau(self) -> float:
        return self.hauteur

    @property
    def x_echelle_fin(self) -> float:
        return self.largeur - 16

    @property
    def x_echelle(self) -> float:
        return round(self.x_echelle_fin - (self.echelle.longueur if self.echelle else 0), 1)

    @property
    def logements(self) -> int:
        return sum(p.logements for p in self.communes)

    @property
    def residences(self) -> int:
        return sum(p.residences for p in self.communes)

    @property
    def logements_places(self) -> int:
        return sum(c.parc.logements for c in self.cercles)

    @property
    def residences_en_qpv(self) -> int:
        return sum(p.residences_en_qpv for p in self.communes)


def _geometrie(contour: Any) -> BaseGeometry | None:
    try:
        geometrie = shape(contour)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        return None
    return None if geometrie.is_empty else geometrie


def _communes_du_territoire(user: Any, parcs: Sequence[ParcCommune]) -> set[str]:
    """Communes whose QPVs are drawn: those with stock, and those of the user's EPCIs."""
    codes = {p.code_insee for p in parcs}
    sirens = epcis_du_territoire(user)
    if sirens:
        codes.update(Commune.objects.filter(epci_id__in=sorted(sirens)).values_list("code_insee", flat=True))
    return codes


def _echelle(projection: Projection, largeur: float) -> Echelle | None:
    """A round length taking at most a fifth of the width (kilometres, or a fraction for a zoom)."""
    for km in (50, 20, 10, 5, 2, 1, 0.5, 0.2, 0.1):
        longueur = km * projection.pixels_par_km
        if longueur <= largeur / 5:
            return Echelle(km, round(longueur, 1))
    return None


def _boite(geometrie: BaseGeometry, projection: Projection) -> tuple[float, float, float, float]:
    """Bounding box of a geometry in the SVG plane (left, top, right, bottom)."""
    lon_min, lat_min, lon_max, lat_max = geometrie.bounds
    x0, y0 = projection.point(lon_min, lat_max)
    x1, y1 = projection.point(lon_max, lat_min)
    return x0, y0, x1, y1


def _zoom_qpv(qpvs: Sequence[tuple[QPV, BaseGeometry]]) -> ZoomQpv | None:
    """The QPVs drawn alone, fitted to their own extent, each named at a point inside it."""
    if not qpvs:
        return None
    bornes = [g.bounds for _q, g in qpvs]
    emprise = (
        min(b[0] for b in bornes),
        min(b[1] for b in bornes),
        max(b[2] for b in bornes),
        max(b[3] for b in bornes),
    )
    projection, hauteur = projection_pour(emprise, largeur=LARGEUR_ZOOM, marge=MARGE_ZOOM)
    traces = []
    for qpv, geometrie in qpvs:
        point = geometrie.representative_point()
        x, y = projection.point(point.x, point.y)
        demi = 0.3 * TAILLE_LIBELLE * len(qpv.nom) + 4
        x = min(max(x, demi), LARGEUR_ZOOM - demi)
        traces.append(TraceQpv(qpv.code, qpv.nom, qpv.commune.nom, chemin_svg(geometrie, projection), x, y))
    return ZoomQpv(LARGEUR_ZOOM, hauteur + BANDEAU_ZOOM, traces, _echelle(projection, LARGEUR_ZOOM))


def _placer_libelles(
    cercles: list[Cercle], largeur: float, hauteur: float, obstacles: Sequence[tuple[float, float, float, float]] = ()
) -> list[Cercle]:
    """Commune names beside their circle, largest stock first, right then left, skipped when the name
    would overlap one already placed or an obstacle (the QPV contours), or leave the drawing (the name
    stays in the circle's title and in the table)."""
    places: list[tuple[float, float, float, float]] = list(obstacles)
    resultat: dict[str, Cercle] = {}
    for cercle in sorted(cercles, key=lambda c: (-c.parc.logements, c.parc.nom)):
        largeur_texte = 0.58 * TAILLE_LIBELLE * len(cercle.parc.nom)
        choisi = None
        for ancre, x in (("start", cercle.cx + cercle.r + 3), ("end", cercle.cx - cercle.r - 3)):
            gauche = x if ancre == "start" else x - largeur_texte
            boite = (gauche, cercle.cy - TAILLE_LIBELLE + 3, gauche + largeur_texte, cercle.cy + 4)
            dedans = boite[0] >= 2 and boite[2] <= largeur - 2 and boite[1] >= 2 and boite[3] <= hauteur - 2
            libre = all(boite[2] < b[0] or boite[0] > b[2] or boite[3] < b[1] or boite[1] > b[3] for b in places)
            if dedans and libre:
                choisi = (ancre, x, boite)
                break
        if choisi is None:
            resultat[cercle.parc.code_insee] = cercle
            continue
        ancre, x, boite = choisi
        places.append(boite)
        resultat[cercle.parc.code_insee] = Cercle(
            cercle.parc, cercle.cx, cercle.cy, cercle.r, cercle.classe, round(x, 1), round(cercle.cy + 4, 1), ancre
        )
    return [resultat[c.parc.code_insee] for c in cercles]


def carte_territoire(user: Any) -> Carte:
    """The map of the user's territory: QPV contours of its communes and one circle per commune with
    stock whose position is known."""
    parcs = parc_par_commune(user)
    qpvs = [
        (q, g)
        for q in QPV.objects.filter(commune_id__in=sorted(_communes_du_territoire(user, parcs)))
        .exclude(contour=None)
        .select_related("commune")
        .order_by("code")
        if (g := _geometrie(q.contour)) is not None
    ]
    places = [p for p in parcs if p.position is not None and p.logements > 0]
    non_placees = [p for p in parcs if p.position is None]
    lons = [p.position.longitude for p in places if p.position] + [c for _q, g in qpvs for c in g.bounds[0::2]]
    lats = [p.position.latitude for p in places if p.position] + [c for _q, g in qpvs for c in g.bounds[1::2]]
    if not lons:
        return Carte(LARGEUR, LARGEUR / 2, [], [], parcs, non_placees, None)
    projection, hauteur = projection_pour((min(lons), min(lats), max(lons), max(lats)))
    maximum = max((p.logements for p in places), default=0)
    cercles = []
    for parc in sorted(places, key=lambda p: (-p.logements, p.nom)):
        assert parc.position is not None
        cx, cy = projection.point(parc.position.longitude, parc.position.latitude)
        rayon = max(RAYON_MIN, RAYON_MAX * math.sqrt(parc.logements / maximum)) if maximum else RAYON_MIN
        cercles.append(Cercle(parc, cx, cy, round(rayon, 1), classe_de(parc.part_fragiles)))
    return Carte(
        largeur=LARGEUR,
        hauteur=hauteur,
        qpvs=[TraceQpv(q.code, q.nom, q.commune.nom, chemin_svg(g, projection)) for q, g in qpvs],
        cercles=_placer_libelles(cercles, LARGEUR, hauteur, [_boite(g, projection) for _q, g in qpvs]),
        communes=parcs,
        non_placees=non_placees,
        echelle=_echelle(projection, LARGEUR),
        zoom=_zoom_qpv(qpvs),
        projection=projection,
    )
