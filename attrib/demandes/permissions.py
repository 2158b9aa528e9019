"""What an applicant (an actor of nature ``DEMANDEUR``, issue 13) may do on its own demands (decision 0027).

The staff's rights live in ``attrib.organisations.permissions``; this module adds the applicant's, read
through ``Demande.objects.visible_to`` (the demands of the account's active links, decision 0026) and the
quality of the link that gives the access:

- the household itself (``titulaire``, linked by its one-time code) updates its demand, provides its
  documents, renews it and withdraws it;
- a co-applicant or a social worker to whom the household gave access helps: updates, documents, renewal.
  Only the household withdraws its demand; only the household sees and changes what may reveal violence or
  health: a confidential document (« Pièce confidentielle » to the others, decision 0026 §10), the motives of
  the demand, a person's disability.

The qualities are those of ``attrib.demandeurs.models.Qualite`` (the applicant space builds on the demand file;
the demand file reads the link through its reverse relation and never imports the space).
"""

from __future__ import annotations

from enum import StrEnum

from attrib.demandes.models import Demande
from attrib.organisations.acteurs import Acteur, acteur_de

__all__ = [
    "ACTES_PAR_QUALITE",
    "REFUS_DEMANDEUR",
    "ActeDemandeur",
    "peut_agir_en_demandeur",
    "qualite_de",
]


class ActeDemandeur(StrEnum):
    MODIFIER = "modifier"
    DEPOSER_PIECE = "deposer_piece"
    #: See and change what may reveal violence or health: a confidential document (seen, provided, downloaded),
    #: the motives of the demand, a person's disability.
    CONFIDENTIEL = "confidentiel"
    RENOUVELER = "renouveler"
    RETIRER = "retirer"


_AIDE = frozenset({ActeDemandeur.MODIFIER, ActeDemandeur.DEPOSER_PIECE, ActeDemandeur.RENOUVELER})
#: What each quality of link may do (keys: the values of ``attrib.demandeurs.models.Qualite``).
ACTES_PAR_QUALITE: dict[str, frozenset[ActeDemandeur]] = {
    "titulaire": frozenset(ActeDemandeur),
    "codemandeur": _AIDE,
    "travailleur_social": _AIDE,
}

REFUS_DEMANDEUR: dict[ActeDemandeur, str] = {
    ActeDemandeur.MODIFIER: "Seuls le ménage et les personnes à qui il a donné accès peuvent mettre à jour sa demande.",
    ActeDemandeur.DEPOSER_PIECE: (
        "Seuls le ménage et les personnes à qui il a donné accès peuvent fournir une pièce justificative."
    ),
    ActeDemandeur.CONFIDENTIEL: (
        "Seul le ménage lui-même peut consulter ou changer une information confidentielle (motifs de la demande, "
        "handicap, pièce confidentielle)."
    ),
    ActeDemandeur.RENOUVELER: "Seuls le ménage et les personnes à qui il a donné accès peuvent renouveler sa demande.",
    ActeDemandeur.RETIRER: "Seul le ménage lui-même peut retirer sa demande.",
}


def qualite_de(acteur: Acteur, demande: Demande | int) -> str | None:
    """The quality of the applicant's active link to the demand (``None``: not an applicant, or not linked)."""
    acteur = acteur_de(acteur)
    if not acteur.est_demandeur or acteur.utilisateur is None:
        return None
    pk = demande if isinstance(demande, int) else demande.pk
    qualite: str | None = (
        Demande.objects.visible_to(acteur)
        .filter(
            pk=pk,
            liaisons_demandeurs__compte__utilisateur_id=acteur.utilisateur.pk,
            liaisons_demandeurs__retiree_le__isnull=True,
        )
        .values_list("liaisons_demandeurs__qualite", flat=True)
        .first()
    )
    return qualite


def peut_agir_en_demandeur(acteur: Acteur, demande: Demande | int, acte: ActeDemandeur) -> bool:
    """Whether the applicant ``acteur`` may do ``acte`` on ``demande`` (always ``False`` for the staff, whose
    rights are ``attrib.organisations.permissions``)."""
    qualite = qualite_de(acteur, demande)
    return qualite is not None and acte in ACTES_PAR_QUALITE.get(qualite, frozenset())
