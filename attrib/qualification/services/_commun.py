"""What the writes of a campaign share: the rating scale and the comment's length, the campaign re-read under
a row lock, the checks of a note and of a rater, and the one write of a note (created, changed or removed)
that the rating pages and the Excel import both use."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from attrib.common.services import evenement_enregistrer
from attrib.organisations.acteurs import Acteur, Refus
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Residence
from attrib.qualification import permissions
from attrib.qualification.enums import Partie
from attrib.qualification.models import NOTE_MAX, NOTE_MIN, Campagne, Notation

ECHELLE = f"{NOTE_MIN} à {NOTE_MAX}"
COMMENTAIRE_MAX = 2000


def _verifier_note(note: Any, *, cle: str = "note") -> int:
    if isinstance(note, bool) or not isinstance(note, int) or not NOTE_MIN <= note <= NOTE_MAX:
        raise ValidationError({cle: [f"La note doit être un nombre entier de {ECHELLE} (reçu : « {note} »)."]})
    return note


def _campagne_verrouillee(campagne: Campagne) -> Campagne:
    """The campaign re-read under a row lock: a close and a rating never interleave."""
    return Campagne.objects.select_for_update().select_related("organisation").get(pk=campagne.pk)


def _exiger_ouverte(campagne: Campagne) -> None:
    if not campagne.est_ouverte:
        raise ValidationError(f"La campagne {campagne.annee} est close : les notes ne peuvent plus être modifiées.")


def _verifier_notateur(campagne: Campagne, organisation: Organisation, auteur: Acteur) -> Partie:
    partie = permissions.partie_de(organisation)
    if partie is None:
        raise ValidationError(
            {
                "organisation": [
                    f"« {organisation} » n'est ni une commune ni un bailleur : elle ne note pas les résidences."
                ]
            }
        )
    if not (auteur.voit_tout or permissions.est_membre(auteur, organisation, ecriture=True)):
        raise Refus(f"Seuls les gestionnaires de {organisation} enregistrent ses notes.")
    _exiger_ouverte(campagne)
    return partie


def _commentaire(texte: str | None, *, cle: str = "commentaire") -> str:
    texte = (texte or "").strip()
    if len(texte) > COMMENTAIRE_MAX:
        raise ValidationError({cle: [f"Le commentaire dépasse {COMMENTAIRE_MAX} caractères ({len(texte)})."]})
    return texte


def _ecrire_notation(
    *,
    campagne: Campagne,
    organisation: Organisation,
    partie: Partie,
    residence: Residence,
    note: int | None,
    commentaire: str,
    auteur: Acteur,
    existante: Notation | None,
    journaliser: bool = True,
) -> tuple[str, Notation | None]:
    """Create, change or remove one note; returns what happened (``creee``, ``modifiee``, ``retiree``,
    ``inchangee``) and the note."""
    maintenant = timezone.now()
    auteur_enregistre = auteur.utilisateur
    if note is None:
        if existante is None:
            return "inchangee", None
        note_retiree = existante.note
        existante.delete()
        if journaliser:
            evenement_enregistrer(
                objet=campagne,
                action="notation_retiree",
                resume=f"Note retirée par {organisation} pour la résidence {residence.identifiant}.",
                auteur=auteur.utilisateur,
                organisation=organisation,
                details={"residence": residence.pk, "avant": note_retiree},
            )
        return "retiree", None
    avant: dict[str, Any] | None
    if existante is not None:
        if existante.note == note and existante.commentaire == commentaire:
            return "inchangee", existante
        avant = {"note": existante.note, "commentaire": existante.commentaire}
        existante.note, existante.commentaire = note, commentaire
        existante.auteur, existante.notee_le = auteur_enregistre, maintenant
        existante.save(update_fields=["note", "commentaire", "auteur", "notee_le"])
        resultat, notation = "modifiee", existante
    else:
        avant = None
        notation = Notation.objects.create(
            campagne=campagne,
            residence=residence,
            organisation=organisation,
            partie=partie,
            note=note,
            commentaire=commentaire,
            auteur=auteur_enregistre,
            notee_le=maintenant,
        )
        resultat = "creee"
    if journaliser:
        evenement_enregistrer(
            objet=notation,
            action=f"notation_{resultat}",
            resume=f"Note {'modifiée' if avant else 'enregistrée'} par {organisation} pour la résidence {residence.identifiant}.",
            auteur=auteur.utilisateur,
            organisation=organisation,
            details={"residence": residence.pk, "avant": avant, "apres": {"note": note, "commentaire": commentaire}},
        )
    return resultat, notation


def _autre_notateur_de_la_partie(campagne: Campagne, organisation: Organisation, partie: Partie) -> dict[int, str]:
    """Residences already rated for the same side by another organisation (residence → its name)."""
    return {
        pk: nom
        for pk, nom in Notation.objects.filter(campagne=campagne, partie=partie)
        .exclude(organisation=organisation)
        .values_list("residence_id", "organisation__nom")
    }
