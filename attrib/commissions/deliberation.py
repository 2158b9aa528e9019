"""A session's quorum and the tally of the votes on a candidate: the stored presences and votes, and the
rules' values in force on the session day (``caleol.yaml``, the commission's internal rules), handed to the
engine's counting rules (:mod:`attrib.engine.caleol`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from attrib.commissions import parametres
from attrib.commissions.enums import ModePresence, QualiteMembre, Voix
from attrib.commissions.models import Commission, Examen, Seance, Vote
from attrib.engine.caleol import Decompte, EtatQuorum, VoteCompte, decompter, etat_quorum


def quorum_requis(commission: Commission, jour: date) -> tuple[int, str]:
    """The number of deliberative members required and where it comes from."""
    if commission.quorum is not None:
        return commission.quorum, "fixé par le règlement intérieur de la commission"
    n = commission.membres.filter(voix=Voix.DELIBERATIVE).count()
    return parametres.quorum_defaut(n, jour), f"{parametres.quorum_defaut_libelle(jour)}, règle par défaut"


def quorum(seance: Seance) -> EtatQuorum:
    presences = list(seance.presences.filter(voix=Voix.DELIBERATIVE).values_list("mode", flat=True))
    requis, regle = quorum_requis(seance.commission, seance.date)
    return etat_quorum(
        deliberatifs=seance.commission.membres.filter(voix=Voix.DELIBERATIVE).count(),
        presents_seance=sum(1 for m in presences if m == ModePresence.SEANCE),
        presents_distance=sum(1 for m in presences if m == ModePresence.DISTANCE),
        requis=requis,
        regle=regle,
        distance_compte=parametres.distance_compte_quorum(seance.date),
    )


def _qualite_courte(qualite: str) -> str:
    return QualiteMembre(qualite).label.split(" (")[0].lower()


def votes_comptes(votes: Sequence[Vote]) -> list[VoteCompte]:
    return [
        VoteCompte(
            membre=v.presence.membre.nom,
            qualite=v.presence.membre.qualite,
            qualite_libelle=_qualite_courte(v.presence.membre.qualite),
            president=v.presence.membre.president,
            sens=v.sens,
        )
        for v in votes
    ]


def decompte(examen: Examen, votes: Sequence[Vote] | None = None) -> Decompte:
    if votes is None:
        votes = list(examen.votes.select_related("presence__membre"))
    qualites, a_defaut_president = parametres.voix_preponderante(examen.seance.date)
    return decompter(
        votes_comptes(votes),
        qualites_preponderantes=qualites,
        a_defaut_president=a_defaut_president,
        majorite=parametres.majorite(examen.seance.date),
    )
