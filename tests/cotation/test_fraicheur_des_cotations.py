"""The freshness keys of the ranked lists (``cotation.selectors.fraicheur_cotations``) and of a freed dwelling's
shortlist (``rapprochement.moteur.signature``) change with every committed write of cotations, whatever the order
in which the writing transactions commit: a list never keeps showing scores that a committed re-scoring replaced."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from attrib.cotation.models import Cotation
from attrib.cotation.selectors import fraicheur_cotations
from attrib.rapprochement.moteur import signature
from attrib.territoires.models import EPCI
from tests.factories.modeles import CotationFactory, DemandeFactory

GRAND_NARBONNE = "241100593"


def _recoter(demande_id: int, score: int) -> None:
    """A new cotation for the demand, as a run writes it: the former one deleted, the new one inserted (new id)."""
    ancienne = Cotation.objects.get(demande_id=demande_id)
    Cotation.objects.filter(pk=ancienne.pk).delete()
    ancienne.pk = None
    ancienne.score = score
    ancienne.save()


def _deux_demandes_cotees() -> tuple[EPCI, int, int]:
    premiere, seconde = DemandeFactory(), DemandeFactory()
    CotationFactory(demande=premiere)  # publishes the Grand Narbonne's grid: both demands scored
    assert Cotation.objects.filter(demande__in=[premiere, seconde]).count() == 2
    return EPCI.objects.get(siren=GRAND_NARBONNE), premiere.pk, seconde.pk


@pytest.mark.django_db(transaction=True)
def test_une_cotation_validee_apres_une_plus_recente_change_encore_les_cles() -> None:
    """Transaction A writes its cotation first (smaller id) but commits last: the keys read between the two commits
    must change again when A commits (with the last cotation's id alone they stayed the same)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite sérialise les transactions d'écriture : les identifiants suivent l'ordre des validations.")
    epci, lente, rapide = _deux_demandes_cotees()
    ecrite = threading.Event()
    valider = threading.Event()
    erreurs: list[BaseException] = []

    def transaction_lente() -> None:
        try:
            with transaction.atomic():
                _recoter(lente, 501)
                ecrite.set()
                assert valider.wait(timeout=30)
        except BaseException as exc:  # reported to the test's thread
            erreurs.append(exc)
            ecrite.set()
        finally:
            connection.close()

    fil = threading.Thread(target=transaction_lente)
    fil.start()
    assert ecrite.wait(timeout=30)
    with transaction.atomic():
        _recoter(rapide, 502)  # committed at once, larger id
    classement, shortlist = fraicheur_cotations(), signature(epci)
    valider.set()
    fil.join(timeout=30)
    assert not fil.is_alive() and not erreurs
    assert Cotation.objects.get(demande_id=lente).score == 501
    assert Cotation.objects.order_by("-pk").first().demande_id == rapide  # the last id did not move
    assert fraicheur_cotations() != classement
    assert signature(epci) != shortlist


@pytest.mark.django_db
def test_une_cotation_ecrite_change_les_cles() -> None:
    epci, demande, _ = _deux_demandes_cotees()
    classement, shortlist = fraicheur_cotations(), signature(epci)
    _recoter(demande, 7)
    assert fraicheur_cotations() != classement
    assert signature(epci) != shortlist
