"""The interface tests reuse the Grand Narbonne of the demo tests."""

from tests.demo.conftest import grand_narbonne, hachage_rapide  # noqa: F401
