"""Rating: a rater organisation (a commune or a bailleur) records, changes or removes its notes, one
residence at a time or a page at once (all or nothing), while the campaign is open."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Residence
from attrib.qualification.models import NOTE_MAX, NOTE_MIN, Campagne, Notation
from attrib.qualification.selectors import residences_a_noter
from attrib.qualification.services._commun import (
    COMMENTAIRE_MAX,
    ECHELLE,
    _autre_notateur_de_la_partie,
    _campagne_verrouillee,
    _commentaire,
    _ecrire_notation,
    _verifier_notateur,
    _verifier_note,
)


@transaction.atomic
def notation_enregistrer(
    *,
    campagne: Campagne,
    organisation: Organisation,
    residence: Residence,
    note: int | None,
    commentaire: str = "",
    auteur: Acteur,
) -> Notation | None:
    """Record (or change) the note of one residence by one rater organisation; ``note=None`` removes
    it. Returns the note (``None`` once removed)."""
    campagne = _campagne_verrouillee(campagne)
    partie = _verifier_notateur(campagne, organisation, auteur)
    if not residences_a_noter(campagne, organisation).filter(pk=residence.pk).exists():
        raise ValidationError(
            {
                "residence": [
                    f"La résidence {residence.identifiant} n'est pas à noter par {organisation} dans cette campagne."
                ]
            }
        )
    if note is not None:
        _verifier_note(note)
    commentaire = _commentaire(commentaire)
    autres = _autre_notateur_de_la_partie(campagne, organisation, partie)
    if residence.pk in autres:
        raise ValidationError(
            {
                "residence": [
                    f"La résidence {residence.identifiant} a déjà une note de la partie {partie.label.lower()} ({autres[residence.pk]})."
                ]
            }
        )
    existante = Notation.objects.filter(campagne=campagne, organisation=organisation, residence=residence).first()
    _resultat, notation = _ecrire_notation(
        campagne=campagne,
        organisation=organisation,
        partie=partie,
        residence=residence,
        note=note,
        commentaire=commentaire,
        auteur=auteur,
        existante=existante,
    )
    return notation


@transaction.atomic
def notations_enregistrer(
    *,
    campagne: Campagne,
    organisation: Organisation,
    saisies: Mapping[int, tuple[int | None, str]],
    auteur: Acteur,
) -> dict[str, int]:
    """Record a page of notes at once (residence id → (note or ``None``, comment)): all or nothing.
    Returns the number of notes per outcome (``creee``, ``modifiee``, ``retiree``, ``inchangee``)."""
    comptes = {"creee": 0, "modifiee": 0, "retiree": 0, "inchangee": 0}
    if not saisies:
        return comptes
    campagne = _campagne_verrouillee(campagne)
    partie = _verifier_notateur(campagne, organisation, auteur)
    residences = residences_a_noter(campagne, organisation).in_bulk(list(saisies))
    existantes = {
        n.residence_id: n
        for n in Notation.objects.filter(campagne=campagne, organisation=organisation, residence_id__in=list(saisies))
    }
    autres = _autre_notateur_de_la_partie(campagne, organisation, partie)
    erreurs: dict[str, list[str]] = {}
    for pk, (note, commentaire) in saisies.items():
        if pk not in residences:
            erreurs[f"note_{pk}"] = ["Cette résidence n'est pas à noter par votre organisation dans cette campagne."]
        elif pk in autres:
            erreurs[f"note_{pk}"] = [f"Déjà notée pour la partie {partie.label.lower()} par {autres[pk]}."]
        elif note is not None and not (isinstance(note, int) and NOTE_MIN <= note <= NOTE_MAX):
            erreurs[f"note_{pk}"] = [f"La note doit être un nombre entier de {ECHELLE} (reçu : « {note} »)."]
        elif len((commentaire or "").strip()) > COMMENTAIRE_MAX:
            erreurs[f"commentaire_{pk}"] = [f"Le commentaire dépasse {COMMENTAIRE_MAX} caractères."]
    if erreurs:
        raise ValidationError(erreurs)
    for pk in sorted(saisies):
        note, commentaire = saisies[pk]
        resultat, _notation = _ecrire_notation(
            campagne=campagne,
            organisation=organisation,
            partie=partie,
            residence=residences[pk],
            note=note,
            commentaire=(commentaire or "").strip(),
            auteur=auteur,
            existante=existantes.get(pk),
        )
        comptes[resultat] += 1
    return comptes
