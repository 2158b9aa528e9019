"""One dwelling is never attributed twice, even when several leases are signed at the same time.

On PostgreSQL the attempts run in parallel threads, each with its own database connection (the row lock and
the unique constraint are what is tested); SQLite serialises writers, so there the same attempts run one after
the other and must give the same outcome."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from attrib.commissions.enums import StatutOffre, TypeDecision
from attrib.commissions.models import Bail, Offre
from attrib.commissions.services import bail_signer, decision_enregistrer, examen_inscrire
from attrib.common.models import Evenement
from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import acteur_systeme
from tests.factories import MondeCaleol
from tests.factories.modeles import JOUR_SEANCE

TENTATIVES = 4
ENVOI = JOUR_SEANCE + timedelta(days=1)


def _offres_acceptees(c: MondeCaleol) -> list[Offre]:
    """Every candidate ranked by the commission holds an accepted offer for the same dwelling: the state two
    desks acting at once would leave (the services emit one offer at a time; here the race is at the lease)."""
    examens = examen_inscrire(auteur=acteur_systeme("test"), seance=c.seance, logement=c.logement, candidats=c.demandes)
    offres = []
    for e in examens:
        d = decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=e.rang_propose,
            votes=c.pour,
        )
        offres.append(
            Offre.objects.create(
                decision=d,
                logement=c.logement,
                demande=e.demande,
                envoyee_le=ENVOI,
                date_limite=ENVOI + timedelta(days=10),
                statut=StatutOffre.ACCEPTEE,
                repondue_le=ENVOI,
            )
        )
    return offres


def _tenter(offre: Offre, depart: threading.Barrier | None, resultats: dict[int, str]) -> None:
    try:
        if depart is not None:
            depart.wait(timeout=30)
        bail_signer(
            auteur=acteur_systeme("test"),
            offre=offre,
            date_signature=date(2026, 3, 20),
            accord_collectif=False,
            deja_locataire=False,
        )
        resultats[offre.demande_id] = "signé"
    except ValidationError as exc:
        resultats[offre.demande_id] = " ".join(exc.message_dict.get("logement", [str(exc)]))
    finally:
        if depart is not None:
            connection.close()


@pytest.mark.django_db(transaction=True)
def test_tentatives_simultanees_un_seul_bail(monde_caleol: MondeCaleol) -> None:
    c = monde_caleol
    assert len(c.demandes) == TENTATIVES
    offres = _offres_acceptees(c)
    evenements_avant = Evenement.objects.count()
    resultats: dict[int, str] = {}
    if connection.vendor == "postgresql":
        depart = threading.Barrier(TENTATIVES)
        fils = [threading.Thread(target=_tenter, args=(o, depart, resultats)) for o in offres]
        for f in fils:
            f.start()
        for f in fils:
            f.join(timeout=60)
        assert not any(f.is_alive() for f in fils)
    else:
        for o in offres:
            _tenter(o, None, resultats)

    assert len(resultats) == TENTATIVES
    gagnants = [pk for pk, r in resultats.items() if r == "signé"]
    assert len(gagnants) == 1
    for pk, message in resultats.items():
        if pk != gagnants[0]:
            assert "OUEST-001" in message and "ne peut pas être attribué deux fois" in message, message
    # No partial rows: one lease, one demand struck off, audit entries of the winner only.
    (bail,) = Bail.objects.all()
    assert bail.demande_id == gagnants[0]
    radiees = Demande.objects.filter(statut=StatutDemande.RADIEE)
    assert list(radiees.values_list("pk", flat=True)) == gagnants
    nouveaux = Evenement.objects.order_by("pk")[evenements_avant:]
    assert sorted(e.action for e in nouveaux) == ["attribution", "radiation"]
    assert {e.cible_id for e in nouveaux} == {str(gagnants[0])}


@pytest.mark.django_db
def test_la_base_refuse_un_second_bail_en_cours_pour_le_meme_logement(monde_caleol: MondeCaleol) -> None:
    c = monde_caleol
    offres = _offres_acceptees(c)
    bail = bail_signer(
        auteur=acteur_systeme("test"),
        offre=offres[0],
        date_signature=ENVOI,
        accord_collectif=False,
        deja_locataire=False,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Bail.objects.create(
            logement=c.logement,
            demande=offres[1].demande,
            offre=offres[1],
            bailleur=c.bailleur,
            date_signature=ENVOI,
            siren_bailleur=bail.siren_bailleur,
            identifiant_rpls=bail.identifiant_rpls,
            typologie=bail.typologie,
            surface_habitable=bail.surface_habitable,
            en_qpv=bail.en_qpv,
            contingent=bail.contingent,
            dalo=False,
            accord_collectif=False,
            deja_locataire=False,
        )
