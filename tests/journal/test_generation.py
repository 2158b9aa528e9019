"""The freshness key of the caches (``attrib.journal.generation``) changes with every committed write under its root,
whatever the order in which the writing transactions commit: a cache (first-quartile threshold, shortlist index)
never keeps serving a state that misses a change someone saved."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.db.models import F

from attrib.demandes.models import Demande
from attrib.journal.generation import RACINE_DEMANDE, generation
from tests.factories import creer_demande, guichet, territoire_minimal


def _deux_demandes() -> tuple[int, int]:
    territoire_minimal()
    org = guichet()
    return creer_demande(guichet_org=org).pk, creer_demande(guichet_org=org).pk


@pytest.mark.django_db
def test_une_ecriture_change_la_cle_une_mise_a_jour_sans_effet_non() -> None:
    premiere, _ = _deux_demandes()
    avant = generation(RACINE_DEMANDE)
    Demande.objects.filter(pk=premiere).update(nb_pieces_actuel=F("nb_pieces_actuel"))
    assert generation(RACINE_DEMANDE) == avant
    Demande.objects.filter(pk=premiere).update(loyer_actuel=777)
    assert generation(RACINE_DEMANDE) != avant


@pytest.mark.django_db(transaction=True)
def test_une_transaction_validee_apres_une_plus_recente_change_encore_la_cle() -> None:
    """Transaction A writes first (smaller journal id) but commits last: the key read between the two commits
    must change again when A commits (with the last journal id alone it stayed the same: A's id is smaller)."""
    lente, rapide = _deux_demandes()
    ecrite = threading.Event()
    valider = threading.Event()
    erreurs: list[BaseException] = []

    def transaction_lente() -> None:
        try:
            with transaction.atomic():
                Demande.objects.filter(pk=lente).update(loyer_actuel=501)
                ecrite.set()
                assert valider.wait(timeout=30)
        except BaseException as exc:  # reported to the test's thread
            erreurs.append(exc)
            ecrite.set()
        finally:
            connection.close()

    if connection.vendor != "postgresql":
        pytest.skip("SQLite sérialise les transactions d'écriture : l'ordre des identifiants suit les validations.")
    fil = threading.Thread(target=transaction_lente)
    fil.start()
    assert ecrite.wait(timeout=30)
    Demande.objects.filter(pk=rapide).update(loyer_actuel=502)  # autocommit: committed at once, larger id
    entre_deux = generation(RACINE_DEMANDE)
    valider.set()
    fil.join(timeout=30)
    assert not fil.is_alive() and not erreurs
    apres = generation(RACINE_DEMANDE)
    assert entre_deux is not None and apres is not None
    assert apres[0] == entre_deux[0]  # the last journal id did not move: A's entry has the smaller id
    assert apres != entre_deux
    assert Demande.objects.get(pk=lente).loyer_actuel == 501


@pytest.mark.django_db(transaction=True)
def test_deux_transactions_qui_ecrivent_les_memes_racines_dans_l_ordre_inverse_valident_toutes_deux() -> None:
    """T1 writes under root A then B, T2 under B then A, and both commit at the same moment: the counters are
    bumped in one order for every transaction, so neither save fails on a deadlock at commit."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite sérialise les transactions d'écriture.")
    from attrib.journal.models import GenerationRacine
    from tests.factories.modeles import EntreeJournalFactory

    ensemble = threading.Barrier(2)
    erreurs: list[BaseException] = []

    def ecrire(racines: tuple[str, str]) -> None:
        try:
            with transaction.atomic():
                for racine in racines:
                    EntreeJournalFactory(racine_table=racine)
                ensemble.wait(timeout=30)
        except BaseException as exc:  # reported to the test's thread
            erreurs.append(exc)
        finally:
            connection.close()

    for _ in range(3):
        fils = [
            threading.Thread(target=ecrire, args=(("essai.a", "essai.b"),)),
            threading.Thread(target=ecrire, args=(("essai.b", "essai.a"),)),
        ]
        for f in fils:
            f.start()
        for f in fils:
            f.join(timeout=60)
        assert not erreurs, erreurs
    assert dict(
        GenerationRacine.objects.filter(racine_table__startswith="essai.").values_list("racine_table", "valeur")
    ) == {
        "essai.a": 6,
        "essai.b": 6,
    }
