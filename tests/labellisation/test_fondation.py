"""The labels' data file and selectors on an empty territory."""

from datetime import date

import pytest

from attrib.labellisation import parametres
from attrib.labellisation.selectors import consentements, labels_en_vigueur, validateur_de


def test_chaque_lettre_et_le_dalo_ont_leur_label():
    types = parametres.types_label(date(2026, 1, 1))
    assert types["dalo"].priorite_legale == "dalo"
    assert types["dalo"].duree_mois is None
    assert types["l441_c"].duree_mois == 12
    assert types["priorite_locale"].priorite_legale is None
    assert types["priorite_locale"].validateur == "epci"
    assert "l441_g" in parametres.types_sensibles()
    assert parametres.types_de_priorite("l441_k") == {"l441_k"}


@pytest.mark.django_db
def test_sans_regle_ni_label():
    assert labels_en_vigueur([1, 2], date(2026, 1, 1)) == {}
    assert consentements([1], "partage_partenaires", date(2026, 1, 1)) == {}
    assert validateur_de(None, "dalo", date(2026, 1, 1)) is None
