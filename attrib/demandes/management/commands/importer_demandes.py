"""``python manage.py importer_demandes FICHIER --guichet CODE``: import a CSV of demands (docs/formats/demandes_csv.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attrib.demandes.importexport import importer_demandes
from attrib.organisations.acteurs import Refus, acteur_de, acteur_systeme
from attrib.organisations.models import Organisation, User


class Command(BaseCommand):
    help = (
        "Importe un fichier CSV de demandes (format docs/formats/demandes_csv.md) pour un guichet enregistreur. "
        "Numéro unique vide : nouvelle demande ; renseigné : mise à jour. Chaque ligne en erreur est signalée "
        "avec son numéro et sa colonne."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fichier", help="fichier CSV (UTF-8, séparateur « ; »)")
        parser.add_argument("--guichet", required=True, help="code du guichet enregistreur (ex. NAR01)")
        parser.add_argument(
            "--tout-ou-rien",
            action="store_true",
            help="n'enregistrer aucune ligne si une seule est en erreur (sinon les lignes valides sont enregistrées)",
        )
        parser.add_argument("--rapport", help="écrire la liste des erreurs dans ce fichier CSV")
        parser.add_argument(
            "--utilisateur",
            help="identifiant de l'agent au nom duquel importer (journal, droits) ; sans lui : import système",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chemin = Path(options["fichier"])
        if not chemin.is_file():
            raise CommandError(f"Fichier introuvable : {chemin}")
        guichet = Organisation.objects.filter(code_guichet__iexact=options["guichet"]).first()
        if guichet is None:
            raise CommandError(f"Aucun guichet enregistreur ne porte le code « {options['guichet']} ».")
        auteur = acteur_systeme("commande importer_demandes")
        if options["utilisateur"]:
            user = User.objects.filter(username=options["utilisateur"]).first()
            if user is None:
                raise CommandError(f"Utilisateur inconnu : « {options['utilisateur']} ».")
            auteur = acteur_de(user)

        try:
            rapport = importer_demandes(
                fichier=chemin, guichet=guichet, auteur=auteur, tout_ou_rien=options["tout_ou_rien"]
            )
        except Refus as exc:
            raise CommandError(str(exc)) from None

        for erreur in rapport.erreurs:
            self.stderr.write(str(erreur))
        self.stdout.write(rapport.resume())
        if rapport.inchangees:
            self.stdout.write(f"{len(rapport.inchangees)} demande(s) inchangée(s).")
        if options["rapport"]:
            with open(options["rapport"], "w", encoding="utf-8", newline="") as flux:
                rapport.ecrire_csv(flux)
            self.stdout.write(f"Rapport d'erreurs écrit dans {options['rapport']}.")
        if rapport.annule:
            raise CommandError(
                f"Import annulé : aucune demande n'a été enregistrée ({rapport.nb_erreurs} erreur(s), "
                f"{rapport.lignes_valides} ligne(s) valide(s) non importée(s))."
            )
