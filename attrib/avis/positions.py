"""The alert when the position moves (issue 13, point 4; decision 0028).

Each night, after the re-scoring, :func:`positions_suivre` (the worker's task ``suivre_positions``, queued by the
command of the same name) compares the position shown to each demand with the last snapshot
(``attrib.information.selectors.positions_changees``), writes one notice per demand whose band of places moved
enough (:func:`avis_positions_ecrire`: email, or letter for the desk, and the inbox, like every notice), then
records the new snapshot (``attrib.information.services.instantane_enregistrer``).

What "moved" means is a dated local rule (``information_demandeur.alerte_position``): the start of the band moved by
at least ``tranches_minimum`` bands (a change of rank inside a band, or of the count of similar demands alone, is
no news), and one such notice at most every ``intervalle_minimal_jours`` days per demand.

The notice says what the screen says and nothing finer: the old and the new band, the count of similar demands,
the waiting range of the similar demands satisfied (or that there are too few to give one). It names no other
household and no reason tied to one. Idempotent: one notice per demand and snapshot row (``source_id``).

Why the notices are written here, called by the command, rather than by a receiver of a signal sent by
``attrib.information``: they must be written before the snapshot they are compared with is replaced (a receiver
that failed silently, or that nobody connected, would lose them for good); one task does both in order, and the
dependency (the notices read the positions) is an import that the architecture tests see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.template.loader import render_to_string
from django.utils import timezone

from attrib.avis import permissions
from attrib.avis.models import Avis, Source
from attrib.avis.redaction import Redaction, _propre
from attrib.avis.services import LOT, Rapport, _deja_ecrits, avis_ecrire
from attrib.demandes.models import Demande
from attrib.engine.parametres.arbre import valeur
from attrib.engine.position import charger_regles_information
from attrib.information.selectors import PositionChangee, positions_changees, situation_de
from attrib.information.services import instantane_enregistrer
from attrib.organisations.acteurs import Acteur

NATURE_POSITION = "position"
TITRE_POSITION = "Votre position parmi les demandes similaires a changé"


@dataclass(frozen=True)
class RegleAlerte:
    """``tranches_minimum``: bands the start of the band must move by; ``intervalle_minimal_jours``: days between
    two position notices of one demand."""

    tranches_minimum: int
    intervalle_minimal_jours: int


def regle_alerte(jour: date) -> RegleAlerte:
    entree = valeur("information_demandeur.alerte_position", jour).valeur
    return RegleAlerte(
        tranches_minimum=int(entree["tranches_minimum"]),
        intervalle_minimal_jours=int(entree["intervalle_minimal_jours"]),
    )


def a_signaler(changee: PositionChangee, *, pas: int, regle: RegleAlerte) -> bool:
    """The band's start moved by at least the rule's number of bands of ``pas`` places."""
    return abs(changee.apres.debut - changee.avant.debut) >= regle.tranches_minimum * pas


def rediger_position(*, changee: PositionChangee, jour: date, demande: Demande) -> Redaction:
    """The notice of a moved position: the old and new band, and the waiting range of similar demands."""
    situation = situation_de(demande=demande, jour=jour)
    regles = situation.regles if situation is not None else charger_regles_information(jour)
    texte = render_to_string(
        "avis/textes/position.txt",
        {
            "demande": demande,
            "avant": changee.avant,
            "apres": changee.apres,
            "progresse": changee.apres.debut < changee.avant.debut,
            "regles": regles,
            "typologie": situation.typologie if situation is not None else "",
            "departage": situation.departage if situation is not None else "",
            "fourchette": situation.situation.fourchette if situation is not None else None,
        },
    )
    return Redaction(nature=NATURE_POSITION, titre=TITRE_POSITION, texte=_propre(texte))


def _recentes(demande_ids: list[int], depuis: datetime) -> set[int]:
    """Demands of ``demande_ids`` told of a move of their position since ``depuis``."""
    recentes: set[int] = set()
    for i in range(0, len(demande_ids), LOT):
        recentes |= set(
            Avis.objects.filter(
                source=Source.POSITION, demande_id__in=demande_ids[i : i + LOT], date_evenement__gte=depuis
            ).values_list("demande_id", flat=True)
        )
    return recentes


def avis_positions_ecrire(
    *, positions: Sequence[PositionChangee], jour: date, auteur: Acteur, rapport: Rapport | None = None
) -> Rapport:
    """Write the notice of each position that moved enough (:func:`a_signaler`), unless the demand was told of a
    move within the rule's interval or already has the notice of this snapshot. Each notice gets its delivery
    (email, or a letter frozen for the desk) as every notice does; the emails leave with the outbox's next run."""
    auteur.exiger(auteur.voit_tout, permissions.REFUS_TRAITER)
    rapport = rapport or Rapport()
    regle = regle_alerte(jour)
    pas = charger_regles_information(jour).pas
    retenues = [c for c in positions if a_signaler(c, pas=pas, regle=regle)]
    maintenant = timezone.now()
    recentes = (
        _recentes([c.demande_id for c in retenues], maintenant - timedelta(days=regle.intervalle_minimal_jours))
        if regle.intervalle_minimal_jours
        else set()
    )
    for i in range(0, len(retenues), LOT):
        lot = [c for c in retenues[i : i + LOT] if c.demande_id not in recentes]
        faits = _deja_ecrits(Source.POSITION, [c.instantane_id for c in lot])
        for changee in lot:
            if changee.instantane_id in faits:
                continue
            avis_ecrire(
                rapport,
                source=Source.POSITION,
                source_id=changee.instantane_id,
                demande_id=changee.demande_id,
                date_evenement=maintenant,
                rediger=partial(rediger_position, changee=changee, jour=jour),
            )
    return rapport


@dataclass(frozen=True)
class SuiviPositions:
    """What a night's follow-up did: demands whose band moved, notices written, positions recorded."""

    changees: int
    rapport: Rapport
    gardees: int
    jour: date

    @property
    def resume(self) -> str:
        return (
            f"{self.changees} demande(s) dont la position a bougé ; {self.rapport.avis} avis écrit(s) ; "
            f"{self.gardees} position(s) enregistrée(s) au {self.jour:%d/%m/%Y}."
        )


def positions_suivre(*, auteur: Acteur, jour: date | None = None) -> SuiviPositions:
    """The nightly follow-up (after ``recoter``): the notices of the positions that moved, then the new
    snapshot. Run by the worker (``attrib.avis.taches.suivre_positions``)."""
    auteur.exiger(auteur.voit_tout, permissions.REFUS_TRAITER)
    jour = jour or timezone.localdate()
    changees = positions_changees(jour=jour)
    rapport = avis_positions_ecrire(positions=changees, jour=jour, auteur=auteur)
    gardees = instantane_enregistrer(auteur=auteur, jour=jour)
    return SuiviPositions(changees=len(changees), rapport=rapport, gardees=gardees, jour=jour)
