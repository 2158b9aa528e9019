"""Harmonisation: after the close, the EPCI records the note agreed for a divergent residence, with who
agreed and why."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.common.services import evenement_enregistrer
from attrib.organisations.acteurs import Acteur, Refus
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Residence
from attrib.qualification import permissions
from attrib.qualification.enums import StatutResidence
from attrib.qualification.models import Campagne, NoteHarmonisee, ResultatResidence
from attrib.qualification.services._commun import _campagne_verrouillee, _verifier_note


@transaction.atomic
def note_harmonisee_enregistrer(
    *,
    campagne: Campagne,
    residence: Residence,
    note: int,
    participants: str,
    motif: str,
    organisations: Iterable[Organisation] = (),
    auteur: Acteur,
) -> NoteHarmonisee:
    """Record (or correct) the note agreed for a divergent residence of a closed campaign, with who
    agreed (``participants``: names and organisations present; ``organisations``) and why (``motif``)."""
    campagne = _campagne_verrouillee(campagne)
    if not (auteur.voit_tout or permissions.peut_piloter(auteur, campagne)):
        raise Refus("Seuls les gestionnaires de l'EPCI enregistrent les notes harmonisées.")
    if not campagne.est_close:
        raise ValidationError("L'harmonisation commence à la clôture de la campagne.")
    resultat = ResultatResidence.objects.filter(campagne=campagne, residence=residence).first()
    if resultat is None or resultat.statut != StatutResidence.DIVERGENT:
        etat = "absente de la campagne" if resultat is None else resultat.get_statut_display().lower()
        raise ValidationError(
            {
                "residence": [
                    f"La résidence {residence.identifiant} n'est pas divergente ({etat}) : pas de note à harmoniser."
                ]
            }
        )
    erreurs: dict[str, list[str]] = {}
    try:
        _verifier_note(note)
    except ValidationError as exc:
        erreurs.update(exc.message_dict)
    participants, motif = (participants or "").strip(), (motif or "").strip()
    if not participants:
        erreurs["participants"] = ["Indiquez qui a convenu de la note (noms et organisations présentes)."]
    if not motif:
        erreurs["motif"] = ["Indiquez pourquoi cette note a été retenue."]
    if erreurs:
        raise ValidationError(erreurs)
    orgs = list(organisations)
    existante = NoteHarmonisee.objects.filter(campagne=campagne, residence=residence).first()
    avant = (
        {"note": existante.note, "participants": existante.participants, "motif": existante.motif}
        if existante
        else None
    )
    valeurs = {
        "note": note,
        "participants": participants,
        "motif": motif,
        "enregistree_par": auteur.utilisateur,
        "enregistree_le": timezone.now(),
    }
    harmonisee, _cree = NoteHarmonisee.objects.update_or_create(
        campagne=campagne, residence=residence, defaults=valeurs
    )
    harmonisee.organisations.set(orgs)
    evenement_enregistrer(
        objet=harmonisee,
        action="note_harmonisee",
        resume=(
            f"Note harmonisée {note} pour la résidence {residence.identifiant} "
            f"(commune {resultat.note_commune}, bailleur {resultat.note_bailleur})."
        ),
        auteur=auteur.utilisateur,
        organisation=campagne.organisation,
        details={
            "avant": avant,
            "apres": {"note": note, "participants": participants, "motif": motif},
            "organisations": [o.pk for o in orgs],
        },
    )
    return harmonisee
