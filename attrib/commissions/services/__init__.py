"""Writes of the CALEOL, the offers and the leases (DOMAIN.md §1.6, §1.7). Every function is atomic; the
events the applicant must see (submission to the commission, decision, offer, refusal, attribution) are
recorded on the demand with ``visible_demandeur=True``. Errors are ``ValidationError`` with French messages
keyed by field.

Every write takes its actor (``auteur: Acteur``: the user of a request, or ``acteur_systeme(…)`` for a command
or the demonstration) and checks it with the predicates of ``attrib.commissions.permissions`` before it
writes anything: a refusal raises ``Refus`` (a ``PermissionDenied``) saying who may act.

Topic modules: ``seances`` (the commission, its quorum, its sessions), ``deliberation`` (attendance,
opening, agenda, votes, closing and minutes), ``decisions`` (the decision for one candidate), ``offres``
(offers, answers, expiry), ``baux`` (the lease and the flux orientation it charges); ``_commun`` holds their
shared private helpers. Import from this package: ``from attrib.commissions.services import bail_signer``."""

from attrib.commissions.services.baux import CONTINGENT_PAR_CATEGORIE, bail_signer
from attrib.commissions.services.decisions import decision_enregistrer
from attrib.commissions.services.deliberation import (
    examen_inscrire,
    presences_enregistrer,
    proces_verbal_corriger,
    seance_cloturer,
    seance_ouvrir,
    vote_enregistrer,
)
from attrib.commissions.services.offres import (
    offre_emettre,
    offre_repondre,
    offre_suivante,
    offres_expirer,
    prochaine_decision,
)
from attrib.commissions.services.seances import commission_creer, commission_quorum_fixer, seance_creer

__all__ = [
    "CONTINGENT_PAR_CATEGORIE",
    "bail_signer",
    "commission_creer",
    "commission_quorum_fixer",
    "decision_enregistrer",
    "examen_inscrire",
    "offre_emettre",
    "offre_repondre",
    "offre_suivante",
    "offres_expirer",
    "presences_enregistrer",
    "proces_verbal_corriger",
    "prochaine_decision",
    "seance_cloturer",
    "seance_creer",
    "seance_ouvrir",
    "vote_enregistrer",
]
