"""The dated local rules of labelling: who records them (the EPCI's managers, the holder of the right handing it
over), how they follow each other (an open rule ends the day before the next; an overlap is refused) and the
screen « Règles locales de labellisation » with its form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from attrib.labellisation.models import RegleLabellisation
from attrib.labellisation.selectors import validateur_de
from attrib.labellisation.services import regle_enregistrer
from attrib.organisations.acteurs import Refus
from attrib.organisations.models import Organisation


def _siren(ml):
    return ml.monde.epci.epci_id


def _etat(ml) -> Organisation:
    return Organisation.objects.get(pk=ml.monde.gestionnaire_etat.memberships.first().organisation_id)


def test_une_regle_ouverte_prend_fin_la_veille_de_la_suivante(ml):
    siren, jour = _siren(ml), ml.jour
    premiere = regle_enregistrer(
        epci_id=siren,
        type_label="priorite_locale",
        validateur=ml.monde.epci,
        debut=jour - timedelta(days=100),
        acte="Délibération du conseil communautaire",
        auteur=ml.epci,
    )
    seconde = regle_enregistrer(
        epci_id=siren,
        type_label="priorite_locale",
        validateur=ml.service,
        debut=jour,
        duree_mois=6,
        acte="Convention avec le CCAS",
        auteur=ml.epci,
    )
    premiere.refresh_from_db()
    assert premiere.fin == jour - timedelta(days=1)
    assert seconde.fin is None
    assert validateur_de(siren, "priorite_locale", jour - timedelta(days=1)) == ml.monde.epci
    assert validateur_de(siren, "priorite_locale", jour) == ml.service


def test_un_chevauchement_est_refuse(ml):
    siren, jour = _siren(ml), ml.jour
    regle_enregistrer(
        epci_id=siren,
        type_label="accord_collectif",
        validateur=ml.monde.epci,
        debut=jour - timedelta(days=100),
        fin=jour - timedelta(days=10),
        acte="Accord collectif intercommunal",
        auteur=ml.epci,
    )
    with pytest.raises(ValidationError) as exc:
        regle_enregistrer(
            epci_id=siren,
            type_label="accord_collectif",
            validateur=ml.service,
            debut=jour - timedelta(days=50),
            acte="Convention",
            auteur=ml.epci,
        )
    assert "s'applique déjà sur cette période" in exc.value.message_dict["debut"][0]
    # A rule without an end starting before a later one would cover it: refused too.
    regle_enregistrer(
        epci_id=siren,
        type_label="pdalhpd",
        validateur=ml.monde.epci,
        debut=jour + timedelta(days=30),
        acte="Avenant au plan départemental",
        auteur=ml.etat,
    )
    with pytest.raises(ValidationError) as exc:
        regle_enregistrer(
            epci_id=siren, type_label="pdalhpd", validateur=ml.service, debut=jour, acte="Plan", auteur=ml.etat
        )
    assert "debut" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        regle_enregistrer(
            epci_id=siren,
            type_label="l441_k",
            validateur=ml.monde.epci,
            debut=jour,
            fin=jour - timedelta(days=1),
            acte="Arrêté",
            auteur=ml.etat,
        )
    assert exc.value.message_dict["fin"] == ["La fin de la règle ne précède pas son début."]
    assert RegleLabellisation.objects.filter(epci_id=siren).count() == 2


def test_seuls_l_epci_et_le_titulaire_du_droit_enregistrent_une_regle(ml):
    siren, jour = _siren(ml), ml.jour
    for acteur in (ml.bailleur, ml.guichet, ml.social):
        with pytest.raises(Refus):
            regle_enregistrer(
                epci_id=siren,
                type_label="l441_k",
                validateur=ml.service,
                debut=jour,
                acte="Convention",
                auteur=acteur,
            )
    # The State holds the right on the L441-1 letters without a rule: it may hand it over, not a local priority.
    with pytest.raises(Refus):
        regle_enregistrer(
            epci_id=siren,
            type_label="priorite_locale",
            validateur=ml.service,
            debut=jour,
            acte="Convention",
            auteur=ml.etat,
        )
    regle_enregistrer(
        epci_id=siren,
        type_label="l441_k",
        validateur=ml.monde.epci,
        debut=jour,
        acte="Convention de délégation",
        auteur=ml.etat,
    )
    assert validateur_de(siren, "l441_k", jour) == ml.monde.epci
    # Once handed over, the State no longer holds it on that day.
    with pytest.raises(Refus):
        regle_enregistrer(
            epci_id=siren,
            type_label="l441_k",
            validateur=_etat(ml),
            debut=jour + timedelta(days=1),
            acte="Reprise",
            auteur=ml.etat,
        )
    assert RegleLabellisation.objects.filter(epci_id=siren).count() == 1


def test_l_ecran_des_regles(ml, client):
    siren, jour = _siren(ml), ml.jour
    client.force_login(ml.monde.agent_epci)
    liste = reverse("labellisation:regles")
    assert "Aucune règle locale" in client.get(liste).content.decode()
    url = reverse("labellisation:regle_nouvelle")
    donnees = {
        "regle-epci": siren,
        "regle-type_label": "priorite_locale",
        "regle-validateur": ml.service.pk,
        "regle-debut": (jour - timedelta(days=10)).isoformat(),
        "regle-fin": "",
        "regle-duree_mois": "6",
        "regle-acte": "Délibération du 1er juin",
    }
    r = client.post(url, donnees)
    assert r.status_code == 302
    page = client.get(liste).content.decode()
    assert "CCAS de Narbonne" in page and "6 mois" in page and "En vigueur" in page
    chevauche = client.post(url, {**donnees, "regle-debut": (jour - timedelta(days=20)).isoformat()})
    assert chevauche.status_code == 400
    assert "s&#x27;applique déjà sur cette période" in chevauche.content.decode()
    dates = client.post(url, {**donnees, "regle-debut": jour.isoformat(), "regle-fin": "2020-01-01"})
    assert dates.status_code == 400 and "La fin de la règle ne précède pas son début." in dates.content.decode()
    assert RegleLabellisation.objects.filter(epci_id=siren).count() == 1

    # The State may record a rule (it holds the right on the letters), but not on a local priority.
    client.force_login(ml.monde.gestionnaire_etat)
    refus = client.post(url, {**donnees, "regle-debut": (jour + timedelta(days=5)).isoformat()})
    assert refus.status_code == 400
    assert "enregistrée par l&#x27;intercommunalité" in refus.content.decode()

    # A bailleur reads the rules of its territory but records none.
    client.force_login(ml.monde.gestionnaire_bailleur)
    page = client.get(liste).content.decode()
    assert "CCAS de Narbonne" in page and "Nouvelle règle" not in page
    assert client.get(url).status_code == 404
