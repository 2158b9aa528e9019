"""``python manage.py traiter_echeances [--date AAAA-MM-JJ]``: renewal notices, then lapse of expired demands."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from attrib.demandes.models import Demande
from attrib.demandes.services import demandes_envoyer_avis_renouvellement, demandes_radier_non_renouvelees
from attrib.engine.parametres.arbre import charger_arbre
from attrib.engine.parametres.nombres import valeur_en_lettres
from attrib.organisations.acteurs import acteur_systeme


def _date(texte: str) -> date:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        raise CommandError(f"Date invalide : « {texte} ». Format attendu : AAAA-MM-JJ (ex. 2026-03-15).") from None


class Command(BaseCommand):
    help = (
        "Traite les échéances des demandes : enregistre les avis de renouvellement dus "
        f"({valeur_en_lettres(charger_arbre().serie('cycle_demande.preavis_renouvellement')[-1])} avant "
        "l'échéance), puis radie pour non-renouvellement les demandes expirées. À lancer chaque jour ; "
        "relancer le même jour ne change rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="jour de traitement AAAA-MM-JJ (par défaut : aujourd'hui)")

    def handle(self, *args: Any, **options: Any) -> None:
        jour = _date(options["date"]) if options["date"] else timezone.localdate()
        sans_avis = (
            Demande.objects.actives().filter(date_echeance__lt=jour, date_avis_renouvellement__isnull=True).count()
        )
        systeme = acteur_systeme("commande traiter_echeances")
        avis = demandes_envoyer_avis_renouvellement(aujourd_hui=jour, auteur=systeme)
        radiees = demandes_radier_non_renouvelees(aujourd_hui=jour, auteur=systeme)
        self.stdout.write(f"Traitement des échéances au {jour:%d/%m/%Y} :")
        self.stdout.write(f"  avis de renouvellement enregistrés : {avis}")
        ligne = f"  demandes radiées pour non-renouvellement : {radiees}"
        if sans_avis:
            ligne += f" (dont {sans_avis} sans avis de renouvellement enregistré : à vérifier)"
        self.stdout.write(ligne)
