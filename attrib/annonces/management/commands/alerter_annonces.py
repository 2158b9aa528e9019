"""Nightly: ``python manage.py alerter_annonces [--date AAAA-MM-JJ] [--maintenant]``.

Puts in the worker's queue the e-mail alerts of the adverts of location voulue published on the day (yesterday by
default) and still open (``attrib.annonces.taches.alerter_annonces_du_jour``). Each advert's alerts were already
queued at its publication: this run catches an advert whose task was lost, and writes nothing twice (one notice per
household and advert). ``--maintenant`` runs it here and prints its report (operator's check)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attrib.annonces.alertes import alertes_du_jour
from attrib.annonces.taches import alerter_annonces_du_jour
from attrib.organisations.acteurs import acteur_systeme


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise CommandError(f"Date « {texte} » invalide : attendu AAAA-MM-JJ.") from None


class Command(BaseCommand):
    help = (
        "Location voulue : prévient les ménages des annonces publiées le jour donné (hier par défaut) qui "
        "correspondent à leur demande. Relancer n'écrit aucun avis en double ; mis en file du worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, default=None, help="date AAAA-MM-JJ (défaut : hier)")
        parser.add_argument("--maintenant", action="store_true", help="traiter ici, sans passer par le worker")

    def handle(self, *args: Any, **options: Any) -> None:
        jour: date = options["date"] or timezone.localdate() - timedelta(days=1)
        if options["maintenant"]:
            rapport = alertes_du_jour(jour=jour, auteur=acteur_systeme("commande alerter_annonces"))
            self.stdout.write(rapport.resume)
            for ligne in [*rapport.sautees, *rapport.avis.sautes]:
                self.stdout.write(self.style.WARNING(f"  {ligne}"))
            return
        resultat = alerter_annonces_du_jour.enqueue(jour.isoformat())
        self.stdout.write(f"Alertes des annonces du {jour:%d/%m/%Y} mises en file du worker ({resultat.id}).")
