"""A re-scoring run that overlaps edits leaves nothing stale (issue 10, rule 3;
``docs/decisions/0006-recotation-sans-resultat-perime.md``).

While a run computes, 5 demands are struck off, 5 marked DALO and 3 registered. Then every stored
cotation must be what a fresh computation gives now: struck-off demands have none (and are in no ranked
list), DALO ones carry the DALO points, new ones are scored, and every rank counts the current demands.

* Edits between the run's reading and its write (both databases: the edits run in the progress callback
  of the computing step, when the run holds no lock): the run catches them up before writing.
* Edits during the write (PostgreSQL: threads with their own connections, started while the run holds
  its locks): their scoring waits for the run's commit, then scores the current data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from attrib.cotation import calcul, selectors, services
from attrib.cotation.enums import StatutTache
from attrib.cotation.models import Cotation
from attrib.demandes import enums
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_modifier, demande_radier
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from tests.cotation.conftest import Territoire, importer
from tests.factories import COURSAN, GRUISSAN, NARBONNE

POSTGRES = connection.vendor == "postgresql"
SECTEURS = (NARBONNE, GRUISSAN, COURSAN)


@pytest.fixture(autouse=True)
def _horloge_qui_avance(horloge: time_machine.Coordinates) -> Iterator[None]:
    """The frozen day (scoring needs its published ceilings), with a clock that ticks: an edit made during
    the run must be stamped after the run's reading, as it is in life."""
    with time_machine.travel(timezone.now(), tick=True):
        yield


def _fichier(territoire: Territoire) -> list[Demande]:
    demandes = [territoire.demande(mois=1 + (7 * i) % 40, communes=(SECTEURS[i % 3],)) for i in range(24)]
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))
    return demandes


def _radier(territoire: Territoire, demandes: list[Demande]) -> None:
    for d in demandes:
        demande_radier(demande=d, auteur=acteur_de(territoire.agent_guichet), motif=enums.MotifRadiation.RENONCIATION)


def _dalo(territoire: Territoire, demandes: list[Demande]) -> None:
    for d in demandes:
        demande_modifier(
            demande=d,
            auteur=acteur_de(territoire.agent_guichet),
            donnees={"dalo_reconnu": True, "dalo_date_decision": date(2026, 1, 5)},
        )


def _enregistrer(territoire: Territoire, nouvelles: list[Demande]) -> None:
    for i in range(3):
        nouvelles.append(territoire.demande(mois=2 + i, communes=(SECTEURS[i],)))


def _en_fil(action: Callable[[], None], erreurs: list[BaseException]) -> threading.Thread:
    def executer() -> None:
        try:
            action()
        except BaseException as exc:  # reported by the test
            erreurs.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=executer)


def _verifier_rien_de_perime(
    territoire: Territoire, radiees: list[Demande], dalo: list[Demande], nouvelles: list[Demande]
) -> None:
    stockees = {c.demande_id: c for c in Cotation.objects.all()}
    assert not {d.pk for d in radiees} & set(stockees)
    for d in dalo:
        assert stockees[d.pk].score_provisoire >= 1000, d.numero_unique
    assert {d.pk for d in nouvelles} <= set(stockees)
    # Exactly what a computation made now gives, ranks included.
    [frais] = calcul.calculer(territoire.epci, calcul.versions_publiees(territoire.epci), jour=date.today())
    attendu = {
        ligne["demande_id"]: (ligne["score"], ligne["rang"], ligne["effectif"], ligne["rang_territoire"])
        for ligne in frais.lignes.to_dicts()
    }
    assert {pk: (c.score, c.rang, c.effectif, c.rang_territoire) for pk, c in stockees.items()} == attendu
    version = territoire.epci.grilles_cotation.get().version_publiee
    listes = [
        x.demande_id
        for t in range(1, 7)
        for x in selectors.classement(territoire.gestionnaire, version=version, typologie=t, secteur=None)
    ]
    assert sorted(listes) == sorted(attendu) and not {d.pk for d in radiees} & set(listes)


@pytest.mark.django_db(transaction=True)
def test_modifications_pendant_le_calcul_rattrapees_avant_l_enregistrement(territoire: Territoire) -> None:
    demandes = _fichier(territoire)
    radiees, dalo, nouvelles = demandes[0:5], demandes[5:10], []
    fait = []

    def pendant(etape: int, libelle: str, faites: int, total: int) -> None:
        if etape == calcul.ETAPE_CALCUL and not fait:
            fait.append(True)
            if POSTGRES:  # each edit in its own thread and connection, as users would
                erreurs: list[BaseException] = []
                fils = [
                    _en_fil(lambda: _radier(territoire, radiees), erreurs),
                    _en_fil(lambda: _dalo(territoire, dalo), erreurs),
                    _en_fil(lambda: _enregistrer(territoire, nouvelles), erreurs),
                ]
                for f in fils:
                    f.start()
                for f in fils:
                    f.join(timeout=120)
                assert not erreurs, erreurs
            else:
                _radier(territoire, radiees)
                _dalo(territoire, dalo)
                _enregistrer(territoire, nouvelles)

    tache = services.cotations_recalculer(
        organisation=territoire.epci, progression=pendant, auteur=acteur_systeme("test")
    )
    assert tache.statut == StatutTache.TERMINEE, tache.message
    assert "13 demandes modifiées, radiées ou enregistrées pendant le calcul ont été reprises" in tache.message
    _verifier_rien_de_perime(territoire, radiees, dalo, nouvelles)


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES, reason="SQLite sérialise toutes les écritures : pas d'écriture concurrente")
@pytest.mark.django_db(transaction=True)
def test_modifications_pendant_l_enregistrement_attendent_puis_recotent(territoire: Territoire) -> None:
    demandes = _fichier(territoire)
    radiees, dalo, nouvelles = demandes[0:5], demandes[5:10], []
    erreurs: list[BaseException] = []
    fils = [
        _en_fil(lambda: _radier(territoire, radiees), erreurs),
        _en_fil(lambda: _dalo(territoire, dalo), erreurs),
        _en_fil(lambda: _enregistrer(territoire, nouvelles), erreurs),
    ]

    def pendant(etape: int, libelle: str, faites: int, total: int) -> None:
        if etape == calcul.ETAPE_ECRITURE and faites == 0 and not fils[0].is_alive() and not fils[0].ident:
            for f in fils:  # the run holds its locks: the edits' scorings wait for its commit
                f.start()

    tache = services.cotations_recalculer(
        organisation=territoire.epci, progression=pendant, auteur=acteur_systeme("test")
    )
    for f in fils:
        f.join(timeout=120)
    assert not any(f.is_alive() for f in fils) and not erreurs, erreurs
    assert tache.statut == StatutTache.TERMINEE, tache.message
    _verifier_rien_de_perime(territoire, radiees, dalo, nouvelles)
