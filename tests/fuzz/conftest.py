"""The world of the permission matrix (every role, one object of each kind) is the fuzz tests' world."""

from tests.permissions.test_matrice import monde  # noqa: F401 (fixture)
