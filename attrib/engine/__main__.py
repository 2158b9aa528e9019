"""Command line of the engine, without a database: ``python -m attrib.engine score …`` (see
:mod:`attrib.engine.cotation.cli`) and ``python -m attrib.engine annonce-rejouer FICHIER.json`` (see
:mod:`attrib.engine.annonces.cli`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from attrib.engine.annonces import cli as cli_annonces
from attrib.engine.cotation import cli


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m attrib.engine", description="Moteur Attrib, sans base de données.")
    commandes = parser.add_subparsers(dest="commande", required=True, metavar="COMMANDE")
    cli.analyseur(commandes)
    cli_annonces.analyseur(commandes)
    arguments = parser.parse_args(argv)
    if arguments.commande == cli_annonces.COMMANDE:
        return cli_annonces.executer(arguments)
    return cli.executer(arguments)


if __name__ == "__main__":
    sys.exit(main())
