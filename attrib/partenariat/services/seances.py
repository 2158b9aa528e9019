"""The life of a session: planned (its agenda is built), open (opinions and decisions are recorded), closed (its
minutes are frozen)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.common.services import evenement_enregistrer
from attrib.organisations.acteurs import Acteur
from attrib.partenariat import compte_rendu, permissions
from attrib.partenariat.enums import StatutDossier, StatutSeance
from attrib.partenariat.models import (
    CommissionPartenariale,
    Dossier,
    InscriptionDossier,
    PresenceSeancePartenariale,
    SeancePartenariale,
)
from attrib.partenariat.services._commun import _aujourd_hui, _texte, _utilisateur, _verrouiller, lever


def _seance_verrouillee(seance: SeancePartenariale) -> SeancePartenariale:
    _verrouiller(SeancePartenariale.objects.filter(pk=seance.pk))
    return SeancePartenariale.objects.select_related("commission__epci").get(pk=seance.pk)


@transaction.atomic
def seance_creer(
    *, commission: CommissionPartenariale, date_seance: date, lieu: str, auteur: Acteur
) -> SeancePartenariale:
    auteur.exiger(permissions.peut_gerer_commission(auteur, commission), permissions.REFUS_GERER)
    erreurs: dict[str, list[str]] = {}
    lieu = _texte(lieu, "lieu", "le lieu de la séance", erreurs, longueur=200, requis=True)
    if SeancePartenariale.objects.filter(commission=commission, date=date_seance).exists():
        erreurs.setdefault("date_seance", []).append(f"La commission a déjà une séance le {date_seance:%d/%m/%Y}.")
    lever(erreurs)
    seance = SeancePartenariale.objects.create(
        commission=commission, date=date_seance, lieu=lieu, cree_par=_utilisateur(auteur)
    )
    evenement_enregistrer(
        objet=seance,
        action="seance_partenariale_creee",
        resume=f"Séance du {date_seance:%d/%m/%Y} prévue ({lieu}).",
        auteur=_utilisateur(auteur),
    )
    return seance


@transaction.atomic
def seance_ouvrir(*, seance: SeancePartenariale, auteur: Acteur, aujourd_hui: date | None = None) -> SeancePartenariale:
    """Open the session on its day or after it (never before)."""
    auteur.exiger(permissions.peut_gerer_commission(auteur, seance.commission_id), permissions.REFUS_GERER)
    seance = _seance_verrouillee(seance)
    jour = _aujourd_hui(aujourd_hui)
    if seance.statut != StatutSeance.PREVUE:
        raise ValidationError(
            {"seance": [f"La séance est {seance.get_statut_display().lower()} : elle ne s'ouvre pas."]}
        )
    if jour < seance.date:
        raise ValidationError({"seance": [f"La séance du {seance.date:%d/%m/%Y} ne s'ouvre pas avant son jour."]})
    seance.statut = StatutSeance.OUVERTE
    seance.ouverte_le = timezone.now()
    seance.save(update_fields=["statut", "ouverte_le"])
    evenement_enregistrer(
        objet=seance, action="seance_partenariale_ouverte", resume="Séance ouverte.", auteur=_utilisateur(auteur)
    )
    return seance


@transaction.atomic
def presences_enregistrer(
    *, seance: SeancePartenariale, membres: Sequence[int], auteur: Acteur, representants: dict[int, str] | None = None
) -> list[PresenceSeancePartenariale]:
    """Record the members present (ids of member rows), replacing what was recorded, while the session is open."""
    auteur.exiger(permissions.peut_gerer_commission(auteur, seance.commission_id), permissions.REFUS_GERER)
    seance = _seance_verrouillee(seance)
    if seance.statut != StatutSeance.OUVERTE:
        raise ValidationError({"membres": ["Les présences s'enregistrent pendant la séance ouverte."]})
    connus = set(seance.commission.membres.values_list("pk", flat=True))
    inconnus = [m for m in membres if m not in connus]
    if inconnus:
        raise ValidationError({"membres": ["Seuls les membres de la commission sont présents à sa séance."]})
    erreurs: dict[str, list[str]] = {}
    noms = {
        m: _texte(t, "membres", "le représentant", erreurs, longueur=200, requis=False)
        for m, t in (representants or {}).items()
    }
    lever(erreurs)
    seance.presences.all().delete()
    presences = [
        PresenceSeancePartenariale.objects.create(seance=seance, membre_id=m, representant=noms.get(m, ""))
        for m in sorted(set(membres))
    ]
    evenement_enregistrer(
        objet=seance,
        action="seance_partenariale_presences",
        resume=f"{len(presences)} membre(s) présent(s).",
        auteur=_utilisateur(auteur),
    )
    return presences


@transaction.atomic
def seance_clore(
    *, seance: SeancePartenariale, auteur: Acteur, maintenant: datetime | None = None
) -> SeancePartenariale:
    """Close the open session and freeze its minutes (HTML and PDF, with their SHA-256), in the same transaction:
    a session is never closed without its minutes."""
    auteur.exiger(permissions.peut_gerer_commission(auteur, seance.commission_id), permissions.REFUS_GERER)
    seance = _seance_verrouillee(seance)
    if seance.statut != StatutSeance.OUVERTE:
        raise ValidationError({"seance": ["Seule une séance ouverte se clôt."]})
    seance.statut = StatutSeance.CLOSE
    seance.close_le = max(maintenant or timezone.now(), seance.ouverte_le or timezone.now())
    compte_rendu.figer(seance)
    seance.save(update_fields=["statut", "close_le", "compte_rendu_html", "compte_rendu_pdf", "compte_rendu_empreinte"])
    evenement_enregistrer(
        objet=seance,
        action="seance_partenariale_close",
        resume=f"Séance close ; compte rendu figé ({seance.decisions.count()} décision(s)).",
        auteur=_utilisateur(auteur),
    )
    return seance


@transaction.atomic
def dossier_inscrire(
    *, dossier: Dossier, seance: SeancePartenariale, auteur: Acteur, rang: int | None = None
) -> InscriptionDossier:
    """Put an open case on the agenda of a planned or open session of its committee, held on or after the case was
    brought (last rank unless ``rang`` is given)."""
    auteur.exiger(permissions.peut_gerer_commission(auteur, dossier.commission_id), permissions.REFUS_GERER)
    seance = _seance_verrouillee(seance)
    erreurs: dict[str, list[str]] = {}
    if seance.commission_id != dossier.commission_id:
        erreurs.setdefault("seance", []).append("Cette séance n'est pas celle de la commission du dossier.")
    if seance.statut == StatutSeance.CLOSE:
        erreurs.setdefault("seance", []).append("La séance est close : son ordre du jour ne change plus.")
    if seance.date < dossier.saisi_le:
        erreurs.setdefault("seance", []).append(
            f"La séance du {seance.date:%d/%m/%Y} précède la saisine du {dossier.saisi_le:%d/%m/%Y}."
        )
    if dossier.statut != StatutDossier.OUVERT:
        erreurs.setdefault("seance", []).append("Le dossier est clos.")
    if InscriptionDossier.objects.filter(seance=seance, dossier=dossier).exists():
        erreurs.setdefault("seance", []).append("Ce dossier est déjà à l'ordre du jour de cette séance.")
    dernier = max(seance.inscriptions.values_list("rang", flat=True), default=0)
    if rang is not None and (rang < 1 or seance.inscriptions.filter(rang=rang).exists()):
        erreurs.setdefault("rang", []).append(f"Le rang {rang} n'est pas libre à l'ordre du jour.")
    lever(erreurs)
    inscription = InscriptionDossier.objects.create(seance=seance, dossier=dossier, rang=rang or dernier + 1)
    evenement_enregistrer(
        objet=dossier,
        action="dossier_partenarial_inscrit",
        resume=f"Inscrit à l'ordre du jour de la séance du {seance.date:%d/%m/%Y} (rang {inscription.rang}).",
        auteur=_utilisateur(auteur),
    )
    return inscription
