"""The demo's partner committee step on a small hand-built world (never the full demo load): the committee with its
members, a closed session with its four kinds of decision and frozen minutes, a planned session with its agenda,
open cases before and past their deadline, consents recorded through the labellisation; a commune member reads the
redacted view of a case whose household consented, the social service its assessment. Re-running adds nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.demandes.models import Demande
from attrib.demo.partenariat import NOM_COMMISSION, partenariat_demo_creer, partenariat_demo_supprimer
from attrib.labellisation.enums import ObjetConsentement
from attrib.labellisation.models import Consentement
from attrib.labellisation.selectors import labels_en_vigueur
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from attrib.partenariat.enums import NatureDecision, StatutDossier, StatutSeance
from attrib.partenariat.models import CommissionPartenariale, DecisionCommission, Dossier
from attrib.partenariat.selectors import dossiers_ouverts, orientations_en_cours
from tests.factories import COURSAN, GRUISSAN, NARBONNE, creer_demande, guichet, membre, personne, territoire_minimal

pytestmark = pytest.mark.django_db

NOMS = ["Aubert", "Blanc", "Carre", "Dumas", "Estève", "Ferrand", "Garnier"]


def _org(nom: str, type_: str, **kw: Any) -> Organisation:
    org = Organisation.objects.create(nom=nom, type=type_, **kw)
    org.perimetre.set((NARBONNE, GRUISSAN, COURSAN))
    return org


def test_la_demo_montre_la_commission_ses_seances_et_ses_dossiers(
    horloge: time_machine.Coordinates, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    jour = timezone.localdate()
    epci = territoire_minimal()
    desk = guichet(nom="Maison de l'habitat", code="MHN01", communes=(NARBONNE, GRUISSAN, COURSAN))
    orgs = {
        "epci": _org("CA Le Grand Narbonne", TypeOrganisation.EPCI, epci=epci, categorie_reservataire="epci"),
        "narbonne": _org("Ville de Narbonne", TypeOrganisation.COMMUNE, categorie_reservataire="commune"),
        "domitia": _org("Domitia Habitat", TypeOrganisation.BAILLEUR, code_guichet="DOMIT"),
        "habitat_audois": _org("Habitat Audois", TypeOrganisation.BAILLEUR, code_guichet="HAUDO"),
        "etat": _org("Préfecture — DDETS", TypeOrganisation.RESERVATAIRE, categorie_reservataire="etat"),
        "action_logement": _org(
            "Action Logement Services",
            TypeOrganisation.RESERVATAIRE,
            categorie_reservataire=CategorieReservataire.ACTION_LOGEMENT,
        ),
        "service_social": _org("Service social départemental", TypeOrganisation.SERVICE_SOCIAL),
        "siao": _org("SIAO de l'Aude (organisation fictive de démonstration)", TypeOrganisation.SIAO),
    }
    anciennes = [
        creer_demande(
            guichet_org=desk,
            personnes=[personne(nom=nom)],
            date_depot=jour - timedelta(days=200),
            aujourd_hui=jour - timedelta(days=200),
        )
        for nom in NOMS[:6]
    ]
    # A household registered last month is too recent to have been brought five weeks ago: never drawn.
    recente = creer_demande(guichet_org=desk, personnes=[personne(nom=NOMS[6])], aujourd_hui=jour - timedelta(days=30))

    rapport = partenariat_demo_creer(epci=epci, organisations=orgs, demandes=Demande.objects.all(), jour=jour, graine=7)

    assert rapport.non_fait == [], rapport.texte()
    assert (rapport.membres, rapport.dossiers, rapport.consentements, rapport.decisions) == (8, 6, 3, 6)
    assert rapport.seances_closes == 1 and rapport.inscrits_seance_prevue == 3
    commission = CommissionPartenariale.objects.get(epci=epci, nom=NOM_COMMISSION)
    assert set(commission.membres.values_list("organisation__nom", flat=True)) == {o.nom for o in orgs.values()}
    assert not Dossier.objects.filter(demande=recente).exists()
    assert set(Dossier.objects.values_list("demande_id", flat=True)) == {d.pk for d in anciennes}

    close, prevue = commission.seances.order_by("date")
    assert close.statut == StatutSeance.CLOSE and close.date < jour
    assert close.compte_rendu_pdf and close.compte_rendu_empreinte and "Ajournement" in close.compte_rendu_html
    assert close.presences.count() == 8
    assert set(close.decisions.values_list("nature", flat=True)) == set(NatureDecision.values)
    assert prevue.statut == StatutSeance.PREVUE and prevue.date > jour and prevue.inscriptions.count() == 3

    lignes = dossiers_ouverts(commission, jour)
    assert len(lignes) == 6
    assert any(ligne.depasse for ligne in lignes) and any((ligne.jours_restants or 0) > 0 for ligne in lignes)
    assert lignes[0].depasse and lignes[0].dossier.echeance == close.date + timedelta(days=30)

    label = DecisionCommission.objects.get(nature=NatureDecision.LABEL)
    menage = label.dossier.demande
    assert [lv.code for lv in labels_en_vigueur([menage.pk], jour)[menage.pk]] == ["accord_collectif"]
    orientes = orientations_en_cours(
        organisation_ids=[orgs["action_logement"].pk], demande_ids=[d.pk for d in anciennes], jour=jour
    )
    assert list(orientes) == [menage.pk]
    consentements = Consentement.objects.filter(objet=ObjetConsentement.PARTAGE_PARTENAIRES)
    assert consentements.count() == 3 and consentements.filter(demande=menage).exists()

    # The household consented: the social service reads its file and assessment, the commune the redacted view.
    nom = menage.personnes.get().nom
    evaluation = label.dossier.evaluations.get().texte
    client = Client()
    client.force_login(membre(orgs["service_social"], username="social"))
    page = client.get(reverse("partenariat:dossier", args=[label.dossier.pk])).content.decode()
    assert nom in page and evaluation in page
    client.force_login(membre(orgs["narbonne"], username="narbonne"))
    reponse = client.get(reverse("partenariat:dossier", args=[label.dossier.pk]))
    page = reponse.content.decode()
    assert reponse.status_code == 200 and 'id="vue-expurgee"' in page and menage.numero_unique in page
    assert nom not in page and evaluation not in page

    # Re-running the step changes nothing.
    encore = partenariat_demo_creer(epci=epci, organisations=orgs, demandes=Demande.objects.all(), jour=jour, graine=7)
    assert encore.deja_chargee and Dossier.objects.count() == 6
    assert Dossier.objects.filter(statut=StatutDossier.OUVERT).count() == 6

    # Re-initialising the demo: the committee and its cases go first, then the demands can be deleted.
    ids = [d.pk for d in anciennes]
    assert partenariat_demo_supprimer(epci=epci, demande_ids=ids) == 6
    Demande.objects.filter(pk__in=ids).delete()
    assert not CommissionPartenariale.objects.exists() and not Demande.objects.filter(pk__in=ids).exists()
