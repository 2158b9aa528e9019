"""``python manage.py detecter_doublons``: propose the potential duplicates among active demands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from attrib.demandes import enums
from attrib.demandes.doublons import doublons_detecter, seuil
from attrib.demandes.models import DoublonPotentiel
from attrib.organisations.acteurs import acteur_systeme


class Command(BaseCommand):
    help = (
        "Recherche les personnes présentes sur plusieurs demandes actives (même date de naissance, ou jour "
        "et mois inversés, et noms proches) et crée les doublons potentiels à examiner. Rien n'est fusionné ; "
        "une paire déjà connue ou déjà tranchée n'est jamais recréée."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        nouvelles = doublons_detecter(auteur=acteur_systeme("commande detecter_doublons"))
        a_examiner = DoublonPotentiel.objects.filter(statut=enums.StatutDoublon.A_EXAMINER).count()
        self.stdout.write(
            f"Doublons potentiels : {nouvelles} nouvelle(s) paire(s) (seuil de similarité {seuil():g}) ; "
            f"{a_examiner} paire(s) à examiner au total."
        )
