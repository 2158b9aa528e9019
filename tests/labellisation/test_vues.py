"""The labels' screens: a desk proposes from the demand's page, the State examines in its queue, the social
service validates a criterion of a household it follows; the others read a 404."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from attrib.labellisation.enums import ObjetConsentement, StatutLabel
from attrib.labellisation.models import Label, ValidationCritere
from attrib.labellisation.services import accompagnement_ouvrir, consentement_recueillir
from tests.factories import creer_demande


def test_proposer_puis_valider_depuis_la_file(ml, client):
    d = ml.d["couple"]
    client.force_login(ml.agent_guichet)
    url = reverse("labellisation:demande", args=[d.pk])
    assert "Proposer un label" in client.get(url).content.decode()
    vide = client.post(url, {"proposition-type_label": "l441_k", "proposition-motif": ""})
    assert vide.status_code == 400 and "Ce champ est obligatoire" in vide.content.decode()
    r = client.post(url, {"proposition-type_label": "l441_k", "proposition-motif": "Hébergée chez un tiers"})
    assert r.status_code == 302
    label = Label.objects.get(demande=d)
    assert client.get(reverse("labellisation:a_examiner")).status_code == 200
    assert d.numero_unique not in client.get(reverse("labellisation:a_examiner")).content.decode()
    assert client.post(reverse("labellisation:examiner", args=[label.pk]), {}).status_code == 404

    client.force_login(ml.monde.gestionnaire_etat)
    page = client.get(reverse("labellisation:a_examiner")).content.decode()
    assert d.numero_unique in page and "Absence de logement" in page
    r = client.post(
        reverse("labellisation:examiner", args=[label.pk]),
        {f"examen-{label.pk}-decision": "refuser", f"examen-{label.pk}-texte": "", "retour": "file"},
    )
    label.refresh_from_db()
    assert label.statut == StatutLabel.PROPOSE  # a refusal without a reason is not recorded
    client.post(
        reverse("labellisation:examiner", args=[label.pk]),
        {f"examen-{label.pk}-decision": "valider", f"examen-{label.pk}-texte": "Attestation vue"},
    )
    label.refresh_from_db()
    assert label.statut == StatutLabel.VALIDE


def test_menages_accompagnes_et_validation_d_un_critere(ml, client):
    d = creer_demande(
        guichet_org=ml.desk, priorites=("l441_g",), date_depot=ml.jour - timedelta(days=100), aujourd_hui=ml.jour
    )
    client.force_login(ml.ts)
    assert d.numero_unique not in client.get(reverse("labellisation:accompagnes")).content.decode()
    c = consentement_recueillir(
        demande=d,
        objet=ObjetConsentement.ACCOMPAGNEMENT_SOCIAL,
        auteur=ml.social,
        mode="ecrit",
        organisation=ml.service,
    )
    accompagnement_ouvrir(demande=d, auteur=ml.social, consentement=c)
    page = client.get(reverse("labellisation:accompagnes")).content.decode()
    assert d.numero_unique in page and "Valider ce critère" in page
    url = reverse("labellisation:critere", args=[d.pk, "violences"])
    client.post(url, {f"critere-{d.pk}-violences-evaluation": "Entretien, plainte déposée"})
    assert ValidationCritere.objects.filter(demande=d, critere_id="violences").exists()
    assert "Valider ce critère" not in client.get(reverse("labellisation:accompagnes")).content.decode()


def test_pages_fermees(ml, client):
    client.force_login(ml.monde.gestionnaire_bailleur)
    assert client.get(reverse("labellisation:accompagnes")).status_code == 404
    autre = creer_demande(guichet_org=ml.desk, communes=("11069",), aujourd_hui=ml.jour)
    client.force_login(ml.ts)
    assert client.get(reverse("labellisation:demande", args=[autre.pk])).status_code == 404
