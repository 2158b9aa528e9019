"""Documents frozen at their event (issue 10, rule 4): the minutes of a CALEOL session are rendered once at
its closing, with the session's own dates, stored with their SHA-256 and served as stored; a correction is a
new version beside the first; event dates are checked (located French messages)."""

from __future__ import annotations

import hashlib
import re
import zlib
from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.commissions import proces_verbal
from attrib.commissions.enums import StatutSeance, TypeDecision
from attrib.commissions.services import (
    bail_signer,
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    offres_expirer,
    proces_verbal_corriger,
    seance_cloturer,
    seance_creer,
    seance_ouvrir,
)
from attrib.documents.models import Document, DocumentFige, NatureDocument
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from tests.factories import Caleol, a_l_heure, membre
from tests.factories.modeles import JOUR_SEANCE

pytestmark = pytest.mark.django_db


def _tenir(c: Caleol) -> None:
    """Three candidates ranked at 09:10, 09:20, 09:30 in the session opened at 09:00 on JOUR_SEANCE, closed
    at 11:00."""
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=c.seance, logement=c.logement, candidats=c.demandes[:3]
    )
    for e in examens:
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=e.rang_propose,
            votes=c.pour,
            decide_le=a_l_heure(JOUR_SEANCE, 9, 10 * e.rang_propose),
        )
    seance_cloturer(auteur=acteur_systeme("test"), seance=c.seance, close_le=a_l_heure(JOUR_SEANCE, 11))


def _objets_pdf(contenu: bytes) -> bytes:
    """The PDF with its compressed streams inflated (WeasyPrint packs the document information in one)."""
    morceaux = [contenu]
    for debut in re.finditer(rb"stream\r?\n", contenu):
        try:
            morceaux.append(zlib.decompressobj().decompress(contenu[debut.end() :]))
        except zlib.error:
            continue
    return b"".join(morceaux)


def _le_jour(jour: datetime) -> mock._patch:  # type: ignore[type-arg]
    return mock.patch("django.utils.timezone.now", return_value=jour)


def test_le_proces_verbal_telecharge_deux_jours_differents_est_identique_octet_pour_octet(caleol: Caleol) -> None:
    _tenir(caleol)
    client = Client()
    client.force_login(caleol.gestionnaire)
    url = reverse("commissions:proces_verbal", args=[caleol.seance.pk])
    with _le_jour(a_l_heure(JOUR_SEANCE + timedelta(days=2), 15)):
        premier = client.get(url)
    # Meanwhile the dwelling's rent changes and a member is renamed: the minutes say what was decided.
    caleol.logement.loyer_principal = Decimal("499.00")
    caleol.logement.save(update_fields=["loyer_principal"])
    caleol.commission.membres.filter(nom="M. Roux").update(nom="M. Roux-Dupont")
    with _le_jour(a_l_heure(JOUR_SEANCE + timedelta(days=250), 8)):
        second = client.get(url)
    assert premier.status_code == second.status_code == 200
    assert premier.content == second.content and premier.content.startswith(b"%PDF")
    stocke = Document.objects.get(nature=NatureDocument.PROCES_VERBAL, cible_id=caleol.seance.pk)
    assert stocke.version == 1 and stocke.octets == premier.content
    assert stocke.sha256 == hashlib.sha256(premier.content).hexdigest() and stocke.intact
    assert stocke.date_evenement == a_l_heure(JOUR_SEANCE, 11)
    # The PDF's own creation date is the closing of the session, not the day it was printed.
    assert b"/CreationDate (D:20260310110000+01'00)" in _objets_pdf(premier.content)


def test_le_proces_verbal_porte_les_dates_de_la_seance(caleol: Caleol) -> None:
    _tenir(caleol)
    caleol.seance.refresh_from_db()
    html = render_to_string(proces_verbal.GABARIT, proces_verbal.contexte(caleol.seance))
    assert "ouverte le 10/03/2026 à 09:00, close le 10/03/2026 à 11:00" in html
    assert "établi à la clôture de la séance, le 10/03/2026 à 11:00" in html
    assert f"{timezone.localdate():%d/%m/%Y}" not in html
    assert "Projet" not in html


def test_avant_la_cloture_le_proces_verbal_est_un_projet_non_conserve(caleol: Caleol) -> None:
    examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    client = Client()
    client.force_login(caleol.gestionnaire)
    reponse = client.get(reverse("commissions:proces_verbal", args=[caleol.seance.pk]))
    assert reponse.status_code == 200 and "-projet.pdf" in reponse["Content-Disposition"]
    assert not Document.objects.exists()


def test_une_correction_est_une_nouvelle_version_a_cote_de_la_premiere(caleol: Caleol) -> None:
    _tenir(caleol)
    premiere = Document.objects.get(nature=NatureDocument.PROCES_VERBAL)
    with pytest.raises(ValidationError) as exc:
        proces_verbal_corriger(seance=caleol.seance, motif="  ", auteur=acteur_de(caleol.gestionnaire))
    assert exc.value.message_dict["motif"] == ["Indiquez le motif de la correction du procès-verbal."]
    client = Client()
    client.force_login(caleol.gestionnaire)
    reponse = client.post(
        reverse("commissions:proces_verbal_corriger", args=[caleol.seance.pk]),
        {"motif": "Nom du représentant des locataires corrigé."},
    )
    assert reponse.status_code == 302
    versions = list(Document.objects.filter(nature=NatureDocument.PROCES_VERBAL).order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].octets == premiere.octets and versions[1].octets != premiere.octets
    assert versions[1].motif == "Nom du représentant des locataires corrigé."
    url = reverse("commissions:proces_verbal", args=[caleol.seance.pk])
    assert client.get(url).content == versions[1].octets
    assert client.get(url, {"version": 1}).content == premiere.octets
    assert client.get(url, {"version": 7}).status_code == 404
    page = client.get(reverse("commissions:seance", args=[caleol.seance.pk])).content.decode()
    assert "Version 1 du 10/03/2026 à 11:00" in page and "Version 2 du 10/03/2026 à 11:00" in page
    assert "rectificative : Nom du représentant des locataires corrigé." in page
    # Nobody outside the bailleur corrects the minutes.
    autre = Client()
    autre.force_login(membre(caleol.etat, username="prefecture"))
    assert (
        autre.post(reverse("commissions:proces_verbal_corriger", args=[caleol.seance.pk]), {"motif": "x"}).status_code
        == 404
    )


def test_un_document_fige_ne_se_modifie_ni_ne_se_supprime(caleol: Caleol) -> None:
    _tenir(caleol)
    document = Document.objects.get()
    document.nom_fichier = "autre.pdf"
    with pytest.raises(DocumentFige):
        document.save()
    with pytest.raises(DocumentFige):
        document.delete()
    with pytest.raises(DocumentFige):
        Document.objects.all().update(nom_fichier="x.pdf")
    with pytest.raises(DocumentFige):
        Document.objects.all().delete()
    assert Document.objects.get().nom_fichier.startswith("proces-verbal-caleol-")


# --- event dates ---------------------------------------------------------------------------------------


def test_la_seance_s_ouvre_le_jour_prevu_et_jamais_dans_le_futur(caleol: Caleol) -> None:
    seance = seance_creer(
        auteur=acteur_systeme("test"), commission=caleol.commission, date_seance=JOUR_SEANCE + timedelta(days=14)
    )
    from attrib.commissions.services import presences_enregistrer

    presences_enregistrer(
        auteur=acteur_systeme("test"),
        seance=seance,
        presences={m.pk: "seance" for m in caleol.commission.membres.all()},
    )
    with pytest.raises(ValidationError) as exc:
        seance_ouvrir(
            auteur=acteur_systeme("test"), seance=seance, ouverte_le=a_l_heure(JOUR_SEANCE + timedelta(days=13), 9)
        )
    assert exc.value.message_dict["ouverte_le"] == [
        "La séance est prévue le 24/03/2026 : elle s'ouvre ce jour-là (ouverture indiquée : 23/03/2026 à 09:00). "
        "Indiquez l'heure d'ouverture de la séance tenue ce jour."
    ]
    futur = seance_creer(
        auteur=acteur_systeme("test"),
        commission=caleol.commission,
        date_seance=timezone.localdate() + timedelta(days=3),
    )
    presences_enregistrer(
        auteur=acteur_systeme("test"), seance=futur, presences={m.pk: "seance" for m in caleol.commission.membres.all()}
    )
    with pytest.raises(ValidationError) as exc:
        seance_ouvrir(auteur=acteur_systeme("test"), seance=futur, ouverte_le=a_l_heure(futur.date, 9))
    assert "L'ouverture de la séance" in exc.value.message_dict["ouverte_le"][0]
    assert "est dans le futur" in exc.value.message_dict["ouverte_le"][0]
    futur.refresh_from_db()
    assert futur.statut == StatutSeance.PREVUE and futur.ouverte_le is None


def test_decision_et_cloture_dans_la_seance(caleol: Caleol) -> None:
    examens = examen_inscrire(
        auteur=acteur_systeme("test"), seance=caleol.seance, logement=caleol.logement, candidats=caleol.demandes[:3]
    )
    with pytest.raises(ValidationError) as exc:
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=examens[0],
            type_decision=TypeDecision.ATTRIBUTION,
            votes=caleol.pour,
            decide_le=a_l_heure(JOUR_SEANCE, 8, 30),
        )
    assert exc.value.message_dict["decide_le"] == [
        "La décision (10/03/2026 à 08:30) précède l'ouverture de la séance (10/03/2026 à 09:00)."
    ]
    for e in examens:
        decision_enregistrer(
            auteur=acteur_systeme("test"),
            examen=e,
            type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
            rang=e.rang_propose,
            votes=caleol.pour,
        )
    # Recorded after the session's day, a decision is dated by its session (its opening), not by today.
    assert {d.decide_le for d in caleol.seance.decisions.all()} == {a_l_heure(JOUR_SEANCE, 9)}
    with pytest.raises(ValidationError) as exc:
        seance_cloturer(auteur=acteur_systeme("test"), seance=caleol.seance, close_le=a_l_heure(JOUR_SEANCE, 8))
    assert (
        "La clôture (10/03/2026 à 08:00) précède l'ouverture de la séance (10/03/2026 à 09:00)."
        in (exc.value.message_dict["close_le"])
    )
    seance_cloturer(auteur=acteur_systeme("test"), seance=caleol.seance)
    caleol.seance.refresh_from_db()
    assert caleol.seance.close_le == a_l_heure(JOUR_SEANCE, 9)


def test_offre_reponse_et_bail_suivent_les_faits_et_ne_sont_pas_dans_le_futur(caleol: Caleol) -> None:
    _tenir(caleol)
    with pytest.raises(ValidationError) as exc:
        offre_emettre(
            auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=JOUR_SEANCE - timedelta(days=1)
        )
    assert exc.value.message_dict["envoyee_le"] == [
        "L'offre (09/03/2026) ne peut précéder la décision de la commission du 10/03/2026."
    ]
    demain = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        offre_emettre(auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=demain)
    assert exc.value.message_dict["envoyee_le"] == [f"L'envoi de l'offre ({demain:%d/%m/%Y}) est dans le futur."]
    offre = offre_emettre(
        auteur=acteur_systeme("test"), logement=caleol.logement, envoyee_le=JOUR_SEANCE + timedelta(days=1)
    )
    with pytest.raises(ValidationError) as exc:
        offres_expirer(auteur=acteur_systeme("test"), aujourd_hui=demain)
    assert "est dans le futur" in exc.value.message_dict["aujourd_hui"][0]
    offre = offre_repondre(
        auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=JOUR_SEANCE + timedelta(days=5)
    )
    with pytest.raises(ValidationError) as exc:
        bail_signer(
            auteur=acteur_systeme("test"),
            offre=offre,
            date_signature=JOUR_SEANCE + timedelta(days=3),
            accord_collectif=False,
            deja_locataire=False,
        )
    assert exc.value.message_dict["date_signature"] == [
        "Le bail ne peut précéder l'acceptation de l'offre le 15/03/2026."
    ]
    with pytest.raises(ValidationError) as exc:
        bail_signer(
            auteur=acteur_systeme("test"),
            offre=offre,
            date_signature=demain,
            accord_collectif=False,
            deja_locataire=False,
        )
    assert exc.value.message_dict["date_signature"] == [f"La signature du bail ({demain:%d/%m/%Y}) est dans le futur."]


def test_l_ecran_ouvre_une_seance_passee_a_l_heure_indiquee(caleol: Caleol) -> None:
    from attrib.commissions.services import presences_enregistrer

    seance = seance_creer(
        auteur=acteur_systeme("test"), commission=caleol.commission, date_seance=JOUR_SEANCE + timedelta(days=14)
    )
    presences_enregistrer(
        auteur=acteur_systeme("test"),
        seance=seance,
        presences={m.pk: "seance" for m in caleol.commission.membres.all()},
    )
    client = Client()
    client.force_login(caleol.gestionnaire)
    url = reverse("commissions:ouvrir", args=[seance.pk])
    page = client.post(url).content.decode()
    assert "Indiquez l&#x27;heure d&#x27;ouverture de la séance tenue ce jour." in page
    page = client.post(url, {"heure": "25:99"}).content.decode()
    assert "Heure d&#x27;ouverture : « 25:99 » n&#x27;est pas une heure (format HH:MM)." in page
    assert client.post(url, {"heure": "14:30"}).status_code == 302
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.OUVERTE and seance.ouverte_le == a_l_heure(seance.date, 14, 30)
