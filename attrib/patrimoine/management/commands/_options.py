"""Shared option of the patrimoine commands: ``--bailleur NOM_OU_ID``."""

from __future__ import annotations

from django.core.management.base import CommandError

from attrib.organisations.models import Organisation, TypeOrganisation


def bailleur_depuis_option(valeur: str) -> Organisation:
    """The bailleur organisation named (exact name, case ignored) or numbered by ``valeur``."""
    valeur = valeur.strip()
    bailleurs = Organisation.objects.filter(type=TypeOrganisation.BAILLEUR)
    trouves = list(bailleurs.filter(pk=int(valeur))) if valeur.isdigit() else []
    if not trouves:
        trouves = list(bailleurs.filter(nom__iexact=valeur))
    if not trouves:
        raise CommandError(
            f"--bailleur « {valeur} » : aucune organisation de type bailleur social ne porte ce nom ou ce numéro."
        )
    if len(trouves) > 1:
        numeros = ", ".join(str(o.pk) for o in trouves)
        raise CommandError(
            f"--bailleur « {valeur} » : plusieurs bailleurs portent ce nom (numéros {numeros}) ; donnez le numéro."
        )
    return trouves[0]
