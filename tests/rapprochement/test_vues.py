"""The shortlist page of a freed dwelling and the designation of its candidates onto a session's agenda."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from attrib.commissions.models import Examen
from attrib.common.models import Evenement
from attrib.flux.enums import StatutOrientation
from tests.rapprochement.conftest import Monde

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)
    return c


def choix_poste(monde: Monde, rangs: dict[str, int], **autres: str) -> dict[str, object]:
    """The réservataire's form: every eligible household shown, a rank and a comment for the chosen ones."""
    d = monde.demandes
    donnees: dict[str, object] = {
        "designation-seance": monde.seance.pk,
        "affiches": [d[n].numero_unique for n in ("dalo", "famille", "couple", "recent", "modeste", *rangs)],
        **autres,
    }
    for nom, rang in rangs.items():
        donnees[f"rang-{d[nom].numero_unique}"] = str(rang)
        donnees[f"commentaire-{d[nom].numero_unique}"] = f"Ménage {nom}, rang {rang}."
    return donnees


def test_la_page_montre_les_eligibles_classes_et_nomme_la_regle_des_ecartees(monde: Monde) -> None:
    url = reverse("rapprochement:preselection", args=[monde.ll_etat.pk])
    reponse = _client(monde.gestionnaire_etat).get(url)
    assert reponse.status_code == 200
    html = reponse.content.decode()
    d = monde.demandes
    eligibles, ecartees = html.split('id="ecartees"')
    ordre = [
        eligibles.index(f'Demande <a href="/demandes/{d[n].pk}/">{d[n].numero_unique}')
        for n in ("dalo", "famille", "couple", "recent", "modeste")
    ]
    assert ordre == sorted(ordre)
    assert d["aise"].numero_unique not in eligibles
    ligne_aise = ecartees.split(d["aise"].numero_unique, 1)[1].split("</tr>", 1)[0]
    assert "Plafond de ressources" in ligne_aise and "non respectée" in ligne_aise
    ligne_seul = ecartees.split(d["seul"].numero_unique, 1)[1].split("</tr>", 1)[0]
    assert "Sous-occupation" in ligne_seul
    assert "Reconnu prioritaire DALO." in eligibles
    assert "Ménage du 1er quartile" in eligibles
    assert "L&#x27;objectif prioritaire du réservataire" in eligibles
    # The réservataire chooses with a rank and a comment per household, nothing ticked for it.
    assert "Transmettre le choix au bailleur" in html
    assert f'id="rang-{d["dalo"].numero_unique}"' in html
    assert "checked" not in eligibles.split('id="eligibles"', 1)[1]
    # The bailleur designating for its own share: the first three are ticked by default.
    html = (
        _client(monde.gestionnaire_bailleur)
        .get(reverse("rapprochement:preselection", args=[monde.ll_propre.pk]))
        .content.decode()
    )
    assert "Désigner et inscrire à l'ordre du jour" in html
    for n in ("dalo", "famille", "couple"):
        assert f'value="{d[n].numero_unique}" checked' in html
    assert f'value="{d["recent"].numero_unique}" checked' not in html


def test_le_filtre_ne_garde_que_les_menages_du_premier_quartile(monde: Monde) -> None:
    url = reverse("rapprochement:preselection", args=[monde.ll_etat.pk]) + "?f-public=q1"
    html = _client(monde.gestionnaire_etat).get(url).content.decode().split('id="ecartees"')[0]
    assert monde.demandes["modeste"].numero_unique in html
    assert monde.demandes["dalo"].numero_unique not in html


def test_l_epci_voit_sans_designer(monde: Monde) -> None:
    url = reverse("rapprochement:preselection", args=[monde.ll_etat.pk])
    client = _client(monde.agent_epci)
    reponse = client.get(url)
    assert reponse.status_code == 200
    assert "Désigner et inscrire" not in reponse.content.decode()
    assert client.post(url, {}).status_code == 404


def test_le_reservataire_choisit_trois_candidats_inscrits_dans_son_ordre(monde: Monde) -> None:
    d = monde.demandes
    url = reverse("rapprochement:preselection", args=[monde.ll_etat.pk])
    reponse = _client(monde.gestionnaire_etat).post(url, choix_poste(monde, {"couple": 1, "dalo": 2, "famille": 3}))
    assert reponse.status_code == 302
    examens = list(Examen.objects.filter(seance=monde.seance, logement=monde.ll_etat.logement).order_by("rang_propose"))
    assert [(e.rang_propose, e.demande_id, e.commentaire_reservataire) for e in examens] == [
        (1, d["couple"].pk, "Ménage couple, rang 1."),
        (2, d["dalo"].pk, "Ménage dalo, rang 2."),
        (3, d["famille"].pk, "Ménage famille, rang 3."),
    ]
    monde.ll_etat.refresh_from_db()
    orientation = monde.ll_etat.orientation
    assert orientation is not None
    assert orientation.statut == StatutOrientation.CANDIDATS_PROPOSES
    assert orientation.nombre_candidats == 3
    assert Evenement.objects.filter(action="candidats_designes", auteur=monde.gestionnaire_etat).count() == 1
    page = _client(monde.gestionnaire_etat).get(url).content.decode()
    assert "Déjà à l'ordre du jour" in page


def test_un_candidat_non_eligible_est_refuse_sans_rien_ecrire(monde: Monde) -> None:
    d = monde.demandes
    url = reverse("rapprochement:preselection", args=[monde.ll_etat.pk])
    reponse = _client(monde.gestionnaire_etat).post(url, choix_poste(monde, {"dalo": 1, "famille": 2, "aise": 3}))
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert f"Candidat 3 : la demande {d['aise'].numero_unique} n&#x27;est pas éligible à ce logement" in html
    assert "Revenu fiscal de référence" in html
    assert not Examen.objects.exists()
    monde.ll_etat.refresh_from_db()
    assert monde.ll_etat.orientation.statut == StatutOrientation.A_PROPOSER


def test_moins_de_trois_candidats_exige_une_exception(monde: Monde) -> None:
    url = reverse("rapprochement:preselection", args=[monde.ll_etat.pk])
    client = _client(monde.gestionnaire_etat)
    reponse = client.post(url, choix_poste(monde, {"dalo": 1}))
    assert reponse.status_code == 200
    assert "au moins 3 candidats" in reponse.content.decode()
    assert not Examen.objects.exists()
    reponse = client.post(url, choix_poste(monde, {"dalo": 1}, **{"designation-exception": "designation_dalo"}))
    assert reponse.status_code == 302
    examen = Examen.objects.get()
    assert examen.exception_candidats == "designation_dalo"


def test_le_bailleur_designe_pour_sa_part_pas_pour_celle_du_reservataire(monde: Monde) -> None:
    d = monde.demandes
    client = _client(monde.gestionnaire_bailleur)
    donnees = {
        "designation-seance": monde.seance.pk,
        "candidats": [d["dalo"].numero_unique, d["famille"].numero_unique, d["couple"].numero_unique],
    }
    assert client.post(reverse("rapprochement:preselection", args=[monde.ll_etat.pk]), donnees).status_code == 404
    reponse = client.post(reverse("rapprochement:preselection", args=[monde.ll_propre.pk]), donnees)
    assert reponse.status_code == 302
    assert Examen.objects.filter(logement=monde.ll_propre.logement).count() == 3
