"""What a réservataire's or bailleur's shortlist reads of the committee: the households of its open cases oriented to
it, by their latest orientation, with the deadline (past or not)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from attrib.demandes.models import Demande
from attrib.partenariat import services
from attrib.partenariat.enums import MotifCloture, NatureDecision
from attrib.partenariat.models import Dossier, SeancePartenariale
from attrib.partenariat.selectors import orientations_en_cours
from tests.conftest import PARIS
from tests.factories import creer_demande
from tests.partenariat.conftest import Monde

pytestmark = pytest.mark.django_db


def _seance(monde: Monde, dossiers: list[Dossier]) -> SeancePartenariale:
    seance = services.seance_creer(
        commission=monde.commission, date_seance=monde.jour, lieu="Hôtel d'agglomération", auteur=monde.acteur("epci")
    )
    for dossier in dossiers:
        services.dossier_inscrire(dossier=dossier, seance=seance, auteur=monde.acteur("epci"))
    return services.seance_ouvrir(seance=seance, auteur=monde.acteur("epci"))


def _orienter(monde: Monde, dossier: Dossier, seance: SeancePartenariale, vers: str, jours: int) -> None:
    services.decision_prendre(
        dossier=dossier,
        seance=seance,
        nature=NatureDecision.ORIENTATION,
        organisation_cible=monde.orgs[vers],
        echeance=seance.date + timedelta(days=jours),
        auteur=monde.acteur("epci"),
    )


def test_les_menages_orientes_vers_le_reservataire_avec_leur_echeance(
    horloge: time_machine.Coordinates, monde: Monde
) -> None:
    demandes: dict[str, Demande] = {"retard": monde.demande}
    for nom in ("bailleur", "reoriente", "ajourne_ensuite", "clos", "ajourne", "jamais"):
        demandes[nom] = creer_demande(guichet_org=monde.orgs["guichet"], date_depot=monde.jour - timedelta(days=200))
    dossiers = {nom: monde.saisir(demande=d) for nom, d in demandes.items() if nom != "jamais"}
    j0 = monde.jour
    s1 = _seance(monde, list(dossiers.values()))
    _orienter(monde, dossiers["retard"], s1, "action_logement", 30)
    _orienter(monde, dossiers["bailleur"], s1, "bailleur", 120)
    _orienter(monde, dossiers["reoriente"], s1, "action_logement", 120)
    _orienter(monde, dossiers["ajourne_ensuite"], s1, "action_logement", 150)
    _orienter(monde, dossiers["clos"], s1, "action_logement", 90)
    services.decision_prendre(
        dossier=dossiers["ajourne"],
        seance=s1,
        nature=NatureDecision.AJOURNEMENT,
        motif="Évaluation sociale attendue.",
        auteur=monde.acteur("epci"),
    )
    ids = [d.pk for d in demandes.values()]
    al = monde.orgs["action_logement"].pk

    assert orientations_en_cours(organisation_ids=[al], demande_ids=ids, jour=j0 - timedelta(days=1)) == {}
    le_jour = orientations_en_cours(organisation_ids=[al], demande_ids=ids, jour=j0)
    assert set(le_jour) == {demandes[n].pk for n in ("retard", "reoriente", "ajourne_ensuite", "clos")}

    # A hundred days later: the first deadline is past, one case re-oriented to the bailleur, one adjourned after
    # its orientation, one closed.
    horloge.move_to(datetime.combine(j0 + timedelta(days=100), datetime.min.time(), tzinfo=PARIS))
    monde.jour = j1 = j0 + timedelta(days=100)
    s2 = _seance(monde, [dossiers["reoriente"], dossiers["ajourne_ensuite"]])
    _orienter(monde, dossiers["reoriente"], s2, "bailleur", 60)
    services.decision_prendre(
        dossier=dossiers["ajourne_ensuite"],
        seance=s2,
        nature=NatureDecision.AJOURNEMENT,
        motif="Point d'étape sur la recherche.",
        auteur=monde.acteur("epci"),
    )
    services.dossier_clore(
        dossier=dossiers["clos"],
        motif=MotifCloture.AUTRE,
        precision="Ménage parti du département.",
        auteur=monde.acteur("epci"),
    )

    pour_al = orientations_en_cours(organisation_ids=[al], demande_ids=ids, jour=j1)
    assert set(pour_al) == {demandes["retard"].pk, demandes["ajourne_ensuite"].pk}
    retard = pour_al[demandes["retard"].pk]
    assert retard.organisation_cible == monde.orgs["action_logement"]
    assert retard.echeance == j0 + timedelta(days=30) and retard.echeance < j1  # past, still shown
    assert pour_al[demandes["ajourne_ensuite"].pk].echeance == j0 + timedelta(days=150)

    pour_bailleur = orientations_en_cours(organisation_ids=[monde.orgs["bailleur"].pk], demande_ids=ids, jour=j1)
    assert set(pour_bailleur) == {demandes["bailleur"].pk, demandes["reoriente"].pk}
    assert pour_bailleur[demandes["reoriente"].pk].echeance == j1 + timedelta(days=60)

    # Only the demands asked about, for any of the organisations named; nothing for an organisation not oriented to.
    deux = orientations_en_cours(
        organisation_ids=[al, monde.orgs["bailleur"].pk],
        demande_ids=[demandes["retard"].pk, demandes["bailleur"].pk, demandes["jamais"].pk],
        jour=j1,
    )
    assert set(deux) == {demandes["retard"].pk, demandes["bailleur"].pk}
    assert orientations_en_cours(organisation_ids=[monde.orgs["commune"].pk], demande_ids=ids, jour=j1) == {}
    assert orientations_en_cours(organisation_ids=[al], demande_ids=[], jour=j1) == {}
