"""Nightly re-scoring: ``python manage.py recoter [--toutes] [--date AAAA-MM-JJ] [--epci SIREN]``.

Time-based criteria (seniority, délai anormalement long, events of the last N months) change every day:
each EPCI with a published grid has all its active demands re-scored. By default an EPCI whose
cotations were all computed on the date of calculation is skipped (the command can run again in the
same night); ``--toutes`` re-scores them anyway (after an import of demands, for instance). A progress
line is printed for each step.

One demand never stops the run: a demand whose data cannot be scored is left out (its former cotation
removed) and named with the reason, the others are scored, and the command ends normally. The command
fails (exit status 1) only when an EPCI could not be scored at all (its task says why); the other EPCIs
are scored anyway.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from attrib.cotation.enums import StatutTache, StatutVersion
from attrib.cotation.models import Cotation, VersionGrille
from attrib.cotation.services import cotations_recalculer
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise CommandError(f"Date « {texte} » invalide : attendu AAAA-MM-JJ.") from None


class Command(BaseCommand):
    help = "Recalcule les cotations des demandes actives de chaque EPCI qui a publié une grille."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--toutes", action="store_true", help="recalculer même les EPCI déjà recalculés à cette date"
        )
        parser.add_argument("--date", type=_date, default=None, help="date de calcul AAAA-MM-JJ (défaut : aujourd'hui)")
        parser.add_argument("--epci", default="", help="SIREN de l'EPCI (défaut : tous)")

    def handle(self, *args: Any, **options: Any) -> None:
        jour: date = options["date"] or timezone.localdate()
        ids = VersionGrille.objects.filter(statut=StatutVersion.PUBLIEE).values("grille__organisation_id")
        organisations = Organisation.objects.filter(pk__in=ids).order_by("nom")
        if options["epci"]:
            organisations = organisations.filter(Q(epci_id=options["epci"]) | Q(siren=options["epci"]))
            if not organisations.exists():
                raise CommandError(f"Aucun EPCI de SIREN {options['epci']} n'a publié de grille de cotation.")
        if not organisations.exists():
            self.stdout.write("Aucun EPCI n'a publié de grille de cotation : rien à recalculer.")
            return
        echecs = 0
        for organisation in organisations:
            cotations = Cotation.objects.filter(version__grille__organisation=organisation)
            if not options["toutes"] and cotations.exists() and not cotations.exclude(date_reference=jour).exists():
                self.stdout.write(
                    f"{organisation} : cotations déjà calculées au {jour:%d/%m/%Y} (--toutes pour recalculer)."
                )
                continue

            def afficher(etape: int, libelle: str, faites: int, total: int, nom: str = str(organisation)) -> None:
                self.stdout.write(f"{nom} : étape {etape}/3, {libelle.lower()} : {faites}/{total}")

            tache = cotations_recalculer(
                organisation=organisation, jour=jour, progression=afficher, auteur=acteur_systeme("commande recoter")
            )
            if tache.statut == StatutTache.TERMINEE:
                self.stdout.write(self.style.SUCCESS(f"{organisation} : {tache.message}"))
                for ecartee in tache.ecartees:
                    self.stdout.write(
                        self.style.WARNING(
                            f"{organisation} : demande {ecartee['numero_unique']} non cotée : {ecartee['motif']}"
                        )
                    )
            else:
                echecs += 1
                self.stderr.write(f"{organisation} : {tache.message}")
        if echecs:
            raise CommandError(f"{echecs} EPCI n'ont pas pu être recalculés.")
