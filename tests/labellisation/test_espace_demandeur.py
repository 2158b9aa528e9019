"""The household's labels in its space: read in plain French, a situation proposed with a document, the consent to
share its file with the partners given and withdrawn online."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attrib.labellisation.enums import ModeConsentement, ObjetConsentement, StatutLabel
from attrib.labellisation.models import Consentement, Label
from attrib.labellisation.services import label_refuser
from tests.permissions.matrice_demandeurs import demandeur_lie


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("attestation.pdf", b"%PDF-1.4 attestation d'hebergement", content_type="application/pdf")


def test_le_menage_demande_la_reconnaissance_d_une_situation(ml, client):
    d = ml.d["couple"]
    client.force_login(demandeur_lie(d))
    page = client.get(reverse("demandeurs:demande", args=[d.pk])).content.decode()
    assert "Mes situations prioritaires reconnues" in page
    assert "Aucune situation prioritaire n&#x27;est reconnue pour le moment." in page or (
        "Aucune situation prioritaire n'est reconnue pour le moment." in page
    )
    url = reverse("demandeurs:label_proposer", args=[d.pk])
    assert url in page
    formulaire = client.get(url).content.decode()
    assert "Absence de logement" in formulaire
    assert "PDALHPD" not in formulaire  # the plan's priority is not asked for by the household

    sans_piece = client.post(url, {"label-type_label": "l441_k", "label-motif": "Je dors chez ma sœur"})
    assert (
        sans_piece.status_code == 400 and "Joignez un justificatif de votre situation." in sans_piece.content.decode()
    )
    texte = SimpleUploadedFile("note.txt", b"bonjour", content_type="text/plain")
    mauvais = client.post(
        url, {"label-type_label": "l441_k", "label-motif": "Je dors chez ma sœur", "label-piece": texte}
    )
    assert mauvais.status_code == 400 and "Format non accepté (.txt)" in mauvais.content.decode()
    assert not Label.objects.filter(demande=d).exists()

    r = client.post(url, {"label-type_label": "l441_k", "label-motif": "Je dors chez ma sœur", "label-piece": _pdf()})
    assert r.status_code == 302
    label = Label.objects.get(demande=d)
    assert label.par_demandeur and label.statut == StatutLabel.PROPOSE and label.pieces.count() == 1
    page = client.get(reverse("demandeurs:demande", args=[d.pk])).content.decode()
    assert "En cours d&#x27;examen" in page or "En cours d'examen" in page
    assert "Absence de logement, y compris hébergement chez un tiers — demandée le 15 juin 2026" in page

    label_refuser(label=label, auteur=ml.etat, motif="Vous êtes locataire en titre de votre logement")
    page = client.get(reverse("demandeurs:demande", args=[d.pk])).content.decode()
    assert "non reconnue le 15 juin 2026 : Vous êtes locataire en titre de votre logement" in page
    assert "l441_k" not in page and "[K]" not in page


def test_le_menage_donne_puis_retire_son_accord_au_partage(ml, client):
    d = ml.d["couple"]
    client.force_login(demandeur_lie(d))
    page = client.get(reverse("demandeurs:demande", args=[d.pk])).content.decode()
    assert "Vous n&#x27;avez pas donné votre accord." in page or "Vous n'avez pas donné votre accord." in page
    client.post(reverse("demandeurs:partage_donner", args=[d.pk]))
    c = Consentement.objects.get(demande=d, objet=ObjetConsentement.PARTAGE_PARTENAIRES)
    assert c.mode == ModeConsentement.EN_LIGNE and c.retire_le is None and c.organisation is None
    page = client.get(reverse("demandeurs:demande", args=[d.pk])).content.decode()
    assert "Vous avez donné votre accord le 15 juin 2026." in page and "Retirer mon accord" in page
    client.post(reverse("demandeurs:partage_retirer", args=[d.pk]))
    c.refresh_from_db()
    assert c.retire_le is not None
    assert "Donner mon accord" in client.get(reverse("demandeurs:demande", args=[d.pk])).content.decode()


def test_un_autre_menage_ne_propose_pas(ml, client):
    client.force_login(demandeur_lie(ml.d["couple"]))
    autre = [d for k, d in ml.d.items() if k != "couple"][0]
    assert client.get(reverse("demandeurs:label_proposer", args=[autre.pk])).status_code == 404
    assert client.post(reverse("demandeurs:partage_donner", args=[autre.pk])).status_code == 404
    assert not Consentement.objects.filter(demande=autre).exists()
