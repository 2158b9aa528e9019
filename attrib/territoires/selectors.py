"""Reads on the territorial referentials."""

from __future__ import annotations

from collections.abc import Iterable

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from attrib.territoires.models import QPV


class IndexQPV:
    """Point-in-polygon lookup over QPV contours (GeoJSON, WGS84 lon/lat).

    Build it once for a batch (``IndexQPV(QPV.objects.filter(...))``) and call ``contenant`` per
    point. Contours that are not valid polygons (the published contours are rounded to 4 decimals
    and some rings touch themselves) are repaired with ``make_valid`` before the test.
    """

    def __init__(self, qpvs: Iterable[QPV] | None = None) -> None:
        source = qpvs if qpvs is not None else QPV.objects.exclude(contour=None)
        self._qpvs: list[QPV] = []
        geometries: list[BaseGeometry] = []
        for qpv in source:
            if not qpv.contour:
                continue
            geometrie = shape(qpv.contour)
            if not geometrie.is_valid:
                geometrie = shapely.make_valid(geometrie)
            shapely.prepare(geometrie)
            self._qpvs.append(qpv)
            geometries.append(geometrie)
        self._geometries = geometries
        self._arbre = STRtree(geometries)

    def __len__(self) -> int:
        return len(self._qpvs)

    def contenant(self, lon: float, lat: float) -> QPV | None:
        """The QPV whose contour covers the point (boundary included), or None."""
        point = Point(lon, lat)
        candidats = sorted(int(i) for i in self._arbre.query(point, predicate="intersects"))
        for i in candidats:
            if self._geometries[i].covers(point):
                return self._qpvs[i]
        return None


def qpv_contenant(lon: float, lat: float, *, index: IndexQPV | None = None) -> QPV | None:
    """The QPV containing the point (longitude, latitude in WGS84), or None when it is in none.

    Without ``index`` every QPV with a contour is read; pass an ``IndexQPV`` for many points.
    """
    return (index or IndexQPV()).contenant(lon, lat)
