"""Replay of a published ranking, without a database: ``python -m attrib.engine annonce-rejouer FICHIER.json``.

Reads the published data of a closed advert (format in ``docs/location-voulue-moteur.md``), recomputes the
ranking from them alone (:func:`attrib.engine.annonces.classement.rejouer`) and prints it: rank, token, score,
date of first filing, the first characters of the draw value and what separated each application from the
previous one. The last line says « Classement identique au classement publié. » (exit code 0), otherwise every
discrepancy is printed (exit code 1).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from attrib.engine.annonces.classement import Classement, rejouer
from attrib.engine.validation import date_fr

COMMANDE = "annonce-rejouer"
IDENTIQUE = "Classement identique au classement publié."
#: Characters of the draw value printed (the whole value is in the published data's recomputation).
PREFIXE_TIRAGE = 12


def analyseur(parent: argparse._SubParsersAction[argparse.ArgumentParser] | None = None) -> argparse.ArgumentParser:
    description = (
        "Rejoue le classement publié d'une annonce de location voulue à partir de ses données publiées "
        "(graine, empreinte, candidatures) et dit s'il est identique."
    )
    if parent is not None:
        parser = parent.add_parser(COMMANDE, description=description, help=description)
    else:
        parser = argparse.ArgumentParser(prog=COMMANDE, description=description)
    parser.add_argument("fichier", type=Path, metavar="FICHIER.json", help="données publiées de l'annonce (JSON)")
    return parser


def _tableau(classement: Classement) -> list[str]:
    lignes = [("Rang", "Jeton", "Score", "Premier dépôt", "Tirage", "Départage")]
    for r in classement.rangs:
        lignes.append(
            (
                str(r.rang),
                r.jeton,
                f"{r.score:.2f}".replace(".", ","),
                date_fr(r.depot),
                r.tirage[:PREFIXE_TIRAGE] + "…",
                r.libelle_departage(),
            )
        )
    largeurs = [max(len(ligne[i]) for ligne in lignes) for i in range(len(lignes[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(ligne, largeurs, strict=True)).rstrip() for ligne in lignes]


def executer(arguments: argparse.Namespace, sortie: TextIO | None = None, erreur: TextIO | None = None) -> int:
    """Run the command; returns 0 when the recomputed ranking is the published one, 1 otherwise."""
    sortie = sortie or sys.stdout
    erreur = erreur or sys.stderr
    chemin: Path = arguments.fichier
    try:
        donnees = json.loads(chemin.read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"Erreur : lecture impossible de « {chemin} » : {exc.strerror or exc}", file=erreur)
        return 1
    except UnicodeDecodeError:
        print(f"Erreur : « {chemin.name} » n'est pas un texte UTF-8.", file=erreur)
        return 1
    except json.JSONDecodeError as exc:
        print(f"Erreur : « {chemin.name} », ligne {exc.lineno} : JSON invalide ({exc.msg}).", file=erreur)
        return 1
    resultat = rejouer(donnees)
    if resultat.classement is not None:
        n = len(resultat.classement.rangs)
        entete = f"Annonce {resultat.annonce} : {n} candidature{'s' if n > 1 else ''}"
        print(f"{entete}, graine {resultat.classement.graine}.", file=sortie)
        print(f"Empreinte publiée à l'ouverture : {resultat.classement.empreinte}.", file=sortie)
        print("Classement recalculé à partir des seules données publiées :", file=sortie)
        for ligne in _tableau(resultat.classement):
            print(ligne, file=sortie)
    if resultat.identique:
        print(IDENTIQUE, file=sortie)
        return 0
    for ecart in resultat.ecarts:
        print(f"Écart : {ecart}", file=sortie)
    return 1


def main(argv: list[str] | None = None) -> int:
    return executer(analyseur().parse_args(argv))
