"""Command line of the engine, without a database: ``python -m attrib.engine score …`` (see
:mod:`attrib.engine.cotation.cli`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from attrib.engine.cotation import cli


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m attrib.engine", description="Moteur Attrib, sans base de données.")
    commandes = parser.add_subparsers(dest="commande", required=True, metavar="COMMANDE")
    cli.analyseur(commandes)
    arguments = parser.parse_args(argv)
    return cli.executer(arguments)


if __name__ == "__main__":
    sys.exit(main())
