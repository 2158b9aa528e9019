"""The case closes itself with the motif « relogé » when the household's lease is signed: the committee orients the
household of a demand of the CALEOL world to the State, the CALEOL attributes it a dwelling, the household accepts the
offer and signs; the case is closed in the lease's transaction, its follow-up shows the offer and the lease, and the
case of another household stays open."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from attrib.commissions.enums import TypeDecision
from attrib.commissions.services import (
    bail_signer,
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
)
from attrib.common.models import Evenement
from attrib.demandes.enums import StatutDemande
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.partenariat import selectors, services
from attrib.partenariat.enums import MotifCloture, NatureDecision, QualiteMembre, StatutDossier
from attrib.partenariat.models import ClotureDossier, Dossier
from tests.conftest import PARIS
from tests.factories import membre
from tests.factories.modeles import organisation_epci
from tests.factories.monde import Caleol, construire_caleol
from tests.partenariat.conftest import SYSTEME

pytestmark = pytest.mark.django_db

#: The frozen clock's day (``horloge``): the demands are registered, the case brought and examined that day.
JOUR_PARTENARIAL = date(2026, 6, 15)
#: A week later the offer is sent, accepted and the lease signed.
SIGNATURE = date(2026, 6, 22)


def _dossiers_orientes(caleol: Caleol) -> tuple[Dossier, Dossier]:
    """The Grand Narbonne's committee (EPCI chair, the bailleur, the State, a social service) orients the first two
    households of the CALEOL world to the State, deadline in six months."""
    epci = organisation_epci()
    president = acteur_de(membre(epci, username="president_gn"))
    social = Organisation.objects.create(nom="Service social départemental", type=TypeOrganisation.SERVICE_SOCIAL)
    social.perimetre.set(epci.perimetre.all())
    commission = services.commission_creer(
        epci=caleol.epci, nom="Commission partenariale", competence="Ménages sans solution.", auteur=president
    )
    for org, qualite in (
        (epci, QualiteMembre.PRESIDENT),
        (caleol.bailleur, QualiteMembre.BAILLEUR),
        (caleol.etat, QualiteMembre.ETAT),
        (social, QualiteMembre.SERVICE_SOCIAL),
    ):
        services.membre_ajouter(commission=commission, organisation=org, qualite=qualite, auteur=president)
    dossiers = tuple(
        services.dossier_saisir(
            commission=commission,
            demande=demande,
            organisation=social,
            motif="Ménage hébergé chez un tiers.",
            auteur=SYSTEME,
        )
        for demande in caleol.demandes[:2]
    )
    seance = services.seance_creer(
        commission=commission, date_seance=JOUR_PARTENARIAL, lieu="Hôtel d'agglomération", auteur=president
    )
    for dossier in dossiers:
        services.dossier_inscrire(dossier=dossier, seance=seance, auteur=president)
    seance = services.seance_ouvrir(seance=seance, auteur=president)
    for dossier in dossiers:
        services.decision_prendre(
            dossier=dossier,
            seance=seance,
            nature=NatureDecision.ORIENTATION,
            organisation_cible=caleol.etat,
            echeance=JOUR_PARTENARIAL + timedelta(days=180),
            auteur=president,
        )
    services.seance_clore(seance=seance, auteur=president)
    premier, second = dossiers
    return premier, second


def test_le_bail_signe_clot_le_dossier_releve_et_le_suivi_le_montre(horloge: time_machine.Coordinates) -> None:
    caleol = construire_caleol(nombre_demandes=4)
    dossier, autre = _dossiers_orientes(caleol)
    demande = caleol.demandes[0]
    examens = examen_inscrire(
        seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3], auteur=SYSTEME
    )
    decision_enregistrer(examen=examens[0], type_decision=TypeDecision.ATTRIBUTION, votes=caleol.pour, auteur=SYSTEME)
    horloge.move_to(datetime(2026, 6, 22, 10, 0, tzinfo=PARIS))
    offre = offre_emettre(logement=caleol.logement, auteur=SYSTEME)
    offre_repondre(offre=offre, accepte=True, auteur=SYSTEME)
    dossier.refresh_from_db()
    assert dossier.statut == StatutDossier.OUVERT  # the offer accepted does not close the case: the lease does

    bail = bail_signer(
        offre=offre,
        date_signature=SIGNATURE,
        accord_collectif=False,
        deja_locataire=False,
        auteur=acteur_de(caleol.gestionnaire),
    )

    dossier.refresh_from_db()
    assert dossier.statut == StatutDossier.CLOS
    cloture = ClotureDossier.objects.get(dossier=dossier)
    assert cloture.motif == MotifCloture.RELOGE and cloture.bail == bail
    assert cloture.date_cloture == SIGNATURE and cloture.close_par == caleol.gestionnaire
    (evenement,) = Evenement.objects.filter(action="dossier_partenarial_clos", cible_id=str(dossier.pk))
    assert evenement.resume == f"Dossier clos le {SIGNATURE:%d/%m/%Y} : ménage relogé (bail signé)."
    suivi = selectors.suivi(dossier)
    assert suivi.depuis == JOUR_PARTENARIAL
    assert [o.pk for o in suivi.offres] == [offre.pk] and suivi.refus == [] and suivi.bail == bail
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.RADIEE
    # The committee no longer lists it among its open cases; the other household's case stays open.
    ouverts = selectors.dossiers_ouverts(dossier.commission, SIGNATURE)
    assert [ligne.dossier.pk for ligne in ouverts] == [autre.pk]
    autre.refresh_from_db()
    assert autre.statut == StatutDossier.OUVERT and not ClotureDossier.objects.filter(dossier=autre).exists()
    # Closed once: a manual closing afterwards is refused.
    with pytest.raises(ValidationError) as exc:
        services.dossier_clore(dossier=dossier, motif=MotifCloture.RELOGE, auteur=SYSTEME)
    assert "déjà clos" in str(exc.value.message_dict["motif"])
