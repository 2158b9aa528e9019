"""Point-in-polygon lookup of the QPV, on the real contours of Narbonne."""

from __future__ import annotations

import pytest

from attrib.organisations.acteurs import acteur_systeme
from attrib.territoires.models import QPV
from attrib.territoires.selectors import IndexQPV, qpv_contenant
from attrib.territoires.services import territoires_importer
from tests.territoires.conftest import GRAND_NARBONNE

pytestmark = pytest.mark.django_db

# Cathédrale Saint-Just-et-Saint-Pasteur, in the historic centre of Narbonne.
CATHEDRALE = (3.0036, 43.1847)
# Narbonne railway station, north of the centre, in no QPV.
GARE = (3.0055, 43.1906)


@pytest.fixture
def narbonne() -> None:
    territoires_importer(epcis=[GRAND_NARBONNE], auteur=acteur_systeme("test"))


def test_point_dans_narbonne_centre(narbonne: None) -> None:
    qpv = qpv_contenant(*CATHEDRALE)

    assert qpv is not None
    assert (qpv.code, qpv.nom) == ("QP011008", "Narbonne Centre")


def test_point_hors_qpv(narbonne: None) -> None:
    assert qpv_contenant(*GARE) is None


def test_index_reutilisable_pour_plusieurs_points(narbonne: None) -> None:
    index = IndexQPV()

    assert len(index) == 3
    assert index.contenant(*CATHEDRALE).code == "QP011008"  # type: ignore[union-attr]
    assert index.contenant(3.0150, 43.1942).code == "QP011009"  # type: ignore[union-attr]  # Narbonne Est
    assert index.contenant(*GARE) is None


def test_sans_contour_pas_de_qpv(narbonne: None) -> None:
    QPV.objects.update(contour=None)

    assert qpv_contenant(*CATHEDRALE) is None
