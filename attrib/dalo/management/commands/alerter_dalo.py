"""Nightly: ``python manage.py alerter_dalo [--date AAAA-MM-JJ] [--maintenant]``.

Puts in the worker's queue the alerts of the DALO follow-up (``attrib.dalo.taches.alerter_dalo``): each
recognised household whose deadline is near or past gets one notice per State organisation that follows it; a
second run writes nothing twice. ``--maintenant`` runs it here and prints its report (operator's check)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attrib.dalo.alertes import alertes_dalo_ecrire
from attrib.dalo.taches import alerter_dalo
from attrib.organisations.acteurs import acteur_systeme


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise CommandError(f"Date « {texte} » invalide : attendu AAAA-MM-JJ.") from None


class Command(BaseCommand):
    help = (
        "Suivi DALO : alerte les agents de l'État des ménages reconnus dont l'échéance de relogement est proche "
        "ou dépassée. Relancer n'écrit aucune alerte en double ; mis en file du worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, default=None, help="date AAAA-MM-JJ (défaut : aujourd'hui)")
        parser.add_argument("--maintenant", action="store_true", help="traiter ici, sans passer par le worker")

    def handle(self, *args: Any, **options: Any) -> None:
        jour: date = options["date"] or timezone.localdate()
        if options["maintenant"]:
            rapport = alertes_dalo_ecrire(auteur=acteur_systeme("commande alerter_dalo"), jour=jour)
            self.stdout.write(rapport.resume)
            for ligne in rapport.sautees:
                self.stdout.write(self.style.WARNING(f"  {ligne}"))
            return
        resultat = alerter_dalo.enqueue(jour.isoformat())
        self.stdout.write(f"Alertes DALO du {jour:%d/%m/%Y} mises en file du worker ({resultat.id}).")
