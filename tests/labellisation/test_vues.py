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


def test_la_page_de_la_demande_montre_ses_labels(ml, client):
    from attrib.labellisation.services import label_proposer, label_valider

    d = ml.d["couple"]
    client.force_login(ml.agent_guichet)
    url = reverse("demandes:detail", args=[d.pk])
    page = client.get(url).content.decode()
    assert "Labels de priorité" in page and "Aucun label de priorité en vigueur." in page
    valide = label_proposer(demande=d, type_label="l441_k", motif="Hébergée chez un tiers", auteur=ml.guichet)
    label_valider(label=valide, auteur=ml.etat)
    label_proposer(demande=d, type_label="l441_c", motif="Difficultés", auteur=ml.guichet)
    page = client.get(url).content.decode()
    section = page[page.index('id="labels"') : page.index("</section>", page.index('id="labels"'))]
    assert "Absence de logement" in section and "jusqu'au 14/06/2027" in section
    assert "En attente d'examen" in section and "proposé le 15/06/2026" in section
    assert reverse("labellisation:demande", args=[d.pk]) in section
    assert "l441_k" not in section


def test_la_preselection_signale_les_labels_valides_en_vigueur(ml):
    from attrib.labellisation.services import label_proposer, label_valider
    from attrib.rapprochement import selectors as rapprochement

    d = ml.d["couple"]
    etat = ml.etat

    def signaux() -> str:
        ll = rapprochement.logement_libere_visible(etat, ml.monde.ll_etat.pk)
        vue = rapprochement.preselection_logement(ll, acteur=etat)
        return " ".join(next(c for c in vue.candidats if c.numero == d.numero_unique).signaux)

    assert "Labels de priorité en vigueur" not in signaux()
    label = label_proposer(demande=d, type_label="l441_k", motif="Hébergée chez un tiers", auteur=ml.guichet)
    assert "Labels de priorité en vigueur" not in signaux()  # a proposal is not a signal
    label_valider(label=label, auteur=ml.etat)
    assert (
        "Labels de priorité en vigueur : Absence de logement, y compris hébergement chez un tiers "
        "(jusqu'au 14/06/2027)." in signaux()
    )


def test_qualifier_une_demande_et_sa_part_au_pilotage(ml, client):
    from attrib.labellisation.models import Qualification

    d = ml.d["couple"]
    client.force_login(ml.agent_guichet)
    page = client.get(reverse("labellisation:demande", args=[d.pk])).content.decode()
    assert "Demande non qualifiée." in page and "Qualifier la demande" in page
    from django.core.files.base import ContentFile

    from attrib.demandes.models import PieceJustificative
    from attrib.demandes.pieces import piece_deposer, piece_valider

    pieces = list(PieceJustificative.objects.filter(demande=d))
    if pieces:  # documents not validated: the qualification is refused, in French
        r = client.post(reverse("labellisation:qualifier", args=[d.pk]), follow=True)
        assert "Validez d&#x27;abord toutes les pièces" in r.content.decode() or (
            "Validez d'abord toutes les pièces" in r.content.decode()
        )
        for piece in pieces:
            piece_deposer(piece=piece, fichier=ContentFile(b"%PDF-1.4 essai", name="p.pdf"), auteur=ml.guichet)
            piece_valider(piece=piece, auteur=ml.guichet)
    client.post(reverse("labellisation:qualifier", args=[d.pk]), {"commentaire": "Dossier complet"})
    assert Qualification.objects.filter(demande=d).count() == 1
    assert (
        "Demande qualifiée le 15/06/2026." in client.get(reverse("labellisation:demande", args=[d.pk])).content.decode()
    )

    client.force_login(ml.monde.gestionnaire_etat)
    assert client.post(reverse("labellisation:qualifier", args=[d.pk])).status_code == 404  # not a desk
    from attrib.demandes.models import Demande

    actives = Demande.objects.visible_to(ml.epci).filter(statut="active").count()
    client.force_login(ml.monde.agent_epci)
    page = client.get(reverse("pilotage:tableau"), {"debut": "2026-01-01", "fin": "2026-12-31"}).content.decode()
    assert f"1 demande(s) qualifiée(s) sur {actives} demande(s) active(s)" in page
