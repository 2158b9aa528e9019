"""Private helpers shared by the topic modules of the location voulue services: the clock, the user recorded for an
actor, the locks, the checks of a free text, and what several writes say alike (an advert in plain French)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from attrib.annonces.models import Annonce, Candidature
from attrib.engine.validation import erreur_texte
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import User

#: Longest free text of a reason (withdrawal, restriction of the public).
MOTIF_MAX = 2000
#: Longest description of the dwelling or of its neighbourhood.
DESCRIPTION_MAX = 5000


def _maintenant(maintenant: datetime | None) -> datetime:
    return maintenant or timezone.now()


def _jour(maintenant: datetime) -> date:
    return timezone.localdate(maintenant)


def _le(quand: datetime) -> str:
    """« 22/06/2026 à 10 h 00 » (local time)."""
    local = timezone.localtime(quand)
    return f"{local:%d/%m/%Y} à {local:%H} h {local:%M}"


def _utilisateur(auteur: Acteur) -> User | None:
    """The user recorded in the ``…_par`` fields (none for the system)."""
    return auteur.utilisateur


def _verrouiller(lignes: QuerySet[Any]) -> None:
    """Lock the rows of ``lignes`` until the end of the transaction (``SELECT … FOR UPDATE``; SQLite serialises
    its writers anyway)."""
    list(lignes.select_for_update().values_list("pk", flat=True))


def _annonce_verrouillee(annonce: Annonce) -> Annonce:
    """Lock the advert's row (its state, its applications and its ranking change one writer at a time), then read
    it with what the writes need."""
    _verrouiller(Annonce.objects.filter(pk=annonce.pk))
    return Annonce.objects.select_related(
        "commune", "bailleur", "reservataire", "regle", "orientation", "logement_libere__logement"
    ).get(pk=annonce.pk)


def _candidature_verrouillee(candidature: Candidature) -> Candidature:
    _verrouiller(Candidature.objects.filter(pk=candidature.pk))
    return Candidature.objects.select_related("annonce", "demande").get(pk=candidature.pk)


def _texte(valeur: str, cle: str, libelle: str, longueur: int, erreurs: dict[str, list[str]]) -> str:
    """A free text, stripped, checked (invisible characters, length); its error goes under ``cle``."""
    valeur = (valeur or "").strip()
    if (erreur := erreur_texte(valeur, libelle=libelle, longueur_max=longueur, multiligne=True)) is not None:
        erreurs.setdefault(cle, []).append(erreur)
    return valeur


def typologie_texte(typologie: int) -> str:
    return "T6 et plus" if typologie >= 6 else f"T{typologie}"


def annonce_en_clair(annonce: Annonce) -> str:
    """« l'annonce LV-2026-000001 (T3 à Narbonne) »."""
    return f"l'annonce {annonce.reference} ({typologie_texte(annonce.typologie)} à {annonce.commune.nom})"


def rang_texte(rang: int) -> str:
    return "1re" if rang == 1 else f"{rang}e"
