"""A re-scoring stores, for every demand, what the per-demand reference gives (explanations full and masked,
detail, tie-break values), written in bulk: the number of statements does not grow with the demands, and
only the changed scores enter the history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attrib.cotation import calcul, services
from attrib.cotation.colonnes import colonnes_cotation_isolees, preparer_pour
from attrib.cotation.models import Cotation, CotationHistorique
from attrib.engine.cotation import colonnes_detail, colonnes_lues, evaluer, evaluer_un, expliquer
from attrib.organisations.acteurs import acteur_systeme
from tests.cotation.conftest import Territoire, importer
from tests.factories import GRUISSAN

pytestmark = pytest.mark.django_db

SENSIBLE = {"priorites": ("l441_g",), "dalo_reconnu": True, "dalo_date_decision": date(2025, 1, 1)}


def _demandes(territoire: Territoire, n: int) -> list[Any]:
    variantes: list[dict[str, Any]] = [{}, SENSIBLE, {"priorites": ("l441_k",)}, {"communes": (GRUISSAN,)}]
    return [territoire.demande(mois=3 + 7 * i, **variantes[i % len(variantes)]) for i in range(n)]


def test_la_cotation_stockee_est_celle_de_la_reference_demande_par_demande(territoire: Territoire) -> None:
    demandes = _demandes(territoire, 8)
    version = importer(territoire)
    services.version_publier(version=version, auteur=acteur_systeme("test"))
    grille = version.charger()
    jour = timezone.localdate()
    masques = calcul.criteres_sensibles(grille, calcul.codes_sensibles())
    assert masques  # the violences criterion is sensitive
    frame, _ = colonnes_cotation_isolees([d.pk for d in demandes], jour=jour)
    prepare = preparer_pour(frame, grille, jour=jour)
    detail = evaluer(grille, prepare, date_reference=jour, detail=True)

    for ligne, scores in zip(prepare.iter_rows(named=True), detail.iter_rows(named=True), strict=True):
        cotation = Cotation.objects.get(demande_id=ligne["demande_id"])
        r = evaluer_un(grille, {c: ligne[c] for c in colonnes_lues(grille)}, date_reference=jour)
        touche = any(lc.applique and lc.critere.id in masques for lc in r.lignes)
        assert cotation.explication == expliquer(r)
        assert cotation.explication_restreinte == (expliquer(calcul.masquer(r, masques)) if touche else [])
        assert cotation.detail == calcul.detail_stocke(scores, colonnes_detail(grille))
        cles = {calcul.PREFIXE_CLE + c: ligne[c] for c in calcul._champs_cles(grille)}
        assert cotation.cles_classement == calcul.cles_stockees(cles, grille)
    assert sum(bool(c.explication_restreinte) for c in Cotation.objects.all()) == 2  # the two sensitive demands


def _ecrire(territoire: Territoire) -> int:
    versions = calcul.versions_publiees(territoire.epci)
    calculs = calcul.calculer(territoire.epci, versions, jour=timezone.localdate())
    with transaction.atomic(), CaptureQueriesContext(connection) as requetes:
        calcul.ecrire(calculs, organisation=territoire.epci, jour=timezone.localdate())
    return len(requetes.captured_queries)


def test_l_ecriture_ne_compte_pas_une_requete_par_demande_et_n_historise_que_les_changements(
    territoire: Territoire,
) -> None:
    demandes = _demandes(territoire, 3)
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))
    historique = CotationHistorique.objects.count()
    assert historique == 3

    peu = _ecrire(territoire)
    assert CotationHistorique.objects.count() == historique  # same scores: no history
    demandes += _demandes(territoire, 9)
    beaucoup = _ecrire(territoire)

    assert beaucoup == peu
    assert Cotation.objects.count() == 12
    # The nine new demands enter the history, and only they.
    assert CotationHistorique.objects.count() == historique + 9
    assert set(CotationHistorique.objects.values_list("demande_id", flat=True)) == {d.pk for d in demandes}


def test_une_recotation_qui_change_les_scores_les_remplace_et_les_historise(territoire: Territoire) -> None:
    """Two months later every seniority has grown: the run replaces each stored cotation (one per demand, the new
    date and score) and the history holds the former and the new score of each demand."""
    demandes = _demandes(territoire, 4)
    jour = timezone.localdate()
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"), jour=jour)
    avant = dict(Cotation.objects.values_list("demande_id", "score"))

    tache = services.cotations_recalculer(
        organisation=territoire.epci, auteur=acteur_systeme("test"), jour=jour + timedelta(days=61)
    )

    assert tache.statut == "terminee", tache.message
    apres = dict(Cotation.objects.values_list("demande_id", "score"))
    assert set(apres) == {d.pk for d in demandes}
    assert all(apres[pk] > avant[pk] for pk in apres), (avant, apres)
    assert set(Cotation.objects.values_list("date_reference", flat=True)) == {jour + timedelta(days=61)}
    for demande in demandes:
        scores = list(
            CotationHistorique.objects.filter(demande=demande)
            .order_by("date_reference")
            .values_list("score", flat=True)
        )
        assert scores == [avant[demande.pk], apres[demande.pk]]
