"""Private helpers shared by the topic modules of the commissions services: the clock (today, now, a time
not in the future, the time of a session's event), the user recorded for an actor and the managers' right,
the dwelling lock and its lease in progress, free texts, and what several writes say alike (a dwelling in
plain French, the journalled derogation to « one household, one attribution at a time »)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from attrib.commissions import permissions
from attrib.commissions.models import MOTIF_MAX, Bail, Offre, Seance
from attrib.common.services import evenement_enregistrer
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation, User
from attrib.patrimoine.models import Logement

#: A time given by a screen (to the minute) may run a little ahead of the server's clock.
_TOLERANCE_HORLOGE = timedelta(minutes=2)


def _aujourd_hui(aujourd_hui: date | None) -> date:
    return aujourd_hui or timezone.localdate()


def _horodatage(quand: datetime | None) -> datetime:
    return quand or timezone.now()


def _le(quand: datetime) -> str:
    return f"{timezone.localtime(quand):%d/%m/%Y à %H:%M}"


def _pas_dans_le_futur(quand: date | datetime, cle: str, quoi: str, erreurs: dict[str, list[str]]) -> None:
    """An event is recorded once it has happened: never later than now (today for a date)."""
    if isinstance(quand, datetime):
        if quand > timezone.now() + _TOLERANCE_HORLOGE:
            erreurs.setdefault(cle, []).append(f"{quoi} ({_le(quand)}) est dans le futur.")
    elif quand > timezone.localdate():
        erreurs.setdefault(cle, []).append(f"{quoi} ({quand:%d/%m/%Y}) est dans le futur.")


def _heure_de_seance(seance: Seance, *apres: datetime | None) -> datetime:
    """The time of an event of the session left unsaid: the clock when it is recorded on the session's day;
    recorded later, the session's own time (its opening, or the latest of ``apres``), never the day of the
    recording: a decision belongs to the session that took it."""
    if seance.date == timezone.localdate() or seance.ouverte_le is None:
        return timezone.now()
    return max([seance.ouverte_le, *(a for a in apres if a is not None)])


def _utilisateur(auteur: Acteur) -> User | None:
    """The user recorded in the ``…_par`` fields and the audit trail (none for the system)."""
    return auteur.utilisateur


def _exiger_gestion(auteur: Acteur, bailleur_id: int | None) -> None:
    auteur.exiger(
        permissions.gere_bailleur(auteur, bailleur_id),
        "Seuls les gestionnaires du bailleur gèrent ses commissions d'attribution, ses offres et ses baux.",
    )


def _logement_verrouille(logement: Logement) -> Logement:
    """Lock the dwelling row: every write that could attribute it goes one at a time."""
    verrouille = Logement.objects.select_for_update().get(pk=logement.pk)
    return Logement.objects.select_related("residence", "residence__bailleur").get(pk=verrouille.pk)


def _bail_en_cours(logement: Logement) -> Bail | None:
    return Bail.objects.select_related("demande").filter(logement=logement, date_fin__isnull=True).first()


def _erreur_deja_attribue(logement: Logement, bail: Bail) -> ValidationError:
    return ValidationError(
        {
            "logement": [
                f"Le logement {logement.identifiant} est déjà attribué (bail signé le "
                f"{bail.date_signature:%d/%m/%Y} avec la demande {bail.demande.numero_unique}) : "
                "il ne peut pas être attribué deux fois."
            ]
        }
    )


def _texte(valeur: str, cle: str, erreurs: dict[str, list[str]]) -> str:
    valeur = (valeur or "").strip()
    if len(valeur) > MOTIF_MAX:
        erreurs.setdefault(cle, []).append(f"Le texte dépasse {MOTIF_MAX} caractères.")
    return valeur


def _journaliser_derogation(
    *,
    demande: Demande,
    offre: Offre,
    action: str,
    quoi: str,
    motif: str,
    auteur: Acteur,
    organisation: Organisation | None,
    details: dict[str, Any],
) -> None:
    """The explicit decision to go past « one household, one attribution at a time », with its reason."""
    evenement_enregistrer(
        objet=demande,
        action=action,
        resume=f"{quoi} malgré l'offre en cours (logement {offre.logement.identifiant}). Motif : {motif}",
        auteur=_utilisateur(auteur),
        organisation=organisation,
        details={**details, "offre_en_cours": offre.pk, "statut_offre": offre.statut, "motif": motif},
    )


def _logement_en_clair(logement: Logement) -> str:
    return f"le logement T{logement.nb_pieces} {logement.identifiant} à {logement.residence.commune.nom}"
