"""The demo territory's housing stock outside Narbonne: the RPLS 2019 counts of the Grand Narbonne
(``data/referentiels/rpls2019_comptages_grand_narbonne.csv``), reconstituted into residences and dwellings by the
product's seeded rule (:func:`attrib.patrimoine.services.patrimoine_reconstituer`)."""

from __future__ import annotations

from attrib.territoires.services import DOSSIER_REFERENTIELS

FICHIER_COMPTAGES = DOSSIER_REFERENTIELS / "rpls2019_comptages_grand_narbonne.csv"
