"""Interchange format of demands: the module moves to this package (split in the next commit)."""

from attrib.engine.formats.demandes_csv.colonnes import *  # noqa: F403
