"""Action Logement's contributing companies: the import line by line (a bad line is named and skipped), the
signal and the filter on the shortlist for its members only, the employer's SIRET on the demand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from attrib.engine.siret import completer_cle
from attrib.organisations.acteurs import acteur_de
from attrib.rapprochement.cotisantes import cotisantes_importer
from attrib.rapprochement.models import EntrepriseCotisante
from attrib.taches.models import Travail
from tests.choix.conftest import SIRET_COTISANTE, MondeChoix

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _csv(*lignes: str) -> bytes:
    return ("SIRET;Raison sociale;Cotisante depuis le;Cotisante jusqu'au\n" + "\n".join(lignes) + "\n").encode()


def test_l_import_enregistre_les_bonnes_lignes_et_nomme_les_autres(mc: MondeChoix) -> None:
    nouvelle = completer_cle("9990000400001")
    faux = nouvelle[:-1] + str((int(nouvelle[-1]) + 1) % 10)
    contenu = _csv(
        f"{nouvelle};Boulangerie fictive des Barques;01/01/2025;",
        f"{faux};Clé fausse fictive;01/01/2025;",
        f"{SIRET_COTISANTE};Conserverie fictive du Golfe (nouveau nom);{(mc.monde.jour.replace(day=1)).strftime('%d/%m/%Y')};",
        ";Sans SIRET;01/01/2025;",
        f"{completer_cle('9990000500001')};Dates inversées fictives;01/06/2025;01/01/2025",
        f"{nouvelle};Doublon fictif;01/01/2025;",
    )
    rapport = cotisantes_importer(
        reservataire=mc.al, fichier=contenu, nom_fichier="cotisantes.csv", auteur=acteur_de(mc.gestionnaire_al)
    )
    assert rapport.creees == 2 and rapport.mises_a_jour == 0
    messages = {li.numero: li.messages for li in rapport.ignorees}
    assert set(messages) == {3, 5, 6, 7}
    assert messages[3] == ["SIRET : numéro invalide (la clé de contrôle ne correspond pas) ; vérifiez chaque chiffre."]
    assert messages[5] == ["SIRET : valeur manquante."]
    assert messages[6] == ["Cotisante jusqu'au : le 01/01/2025 précède le début de la cotisation (01/06/2025)."]
    assert messages[7] == ["Même SIRET et même date de début qu'en ligne 2 : ligne ignorée."]
    assert EntrepriseCotisante.objects.filter(reservataire=mc.al, siret=nouvelle).exists()
    assert rapport.resume() == "2 entreprises ajoutées, 0 mise à jour, 4 lignes ignorées (voir le détail)."


def test_un_fichier_sans_colonne_siret_est_refuse_en_francais(mc: MondeChoix) -> None:
    with pytest.raises(ValidationError) as exc:
        cotisantes_importer(
            reservataire=mc.al,
            fichier=b"Nom;Debut\nA;01/01/2025\n",
            nom_fichier="x.csv",
            auteur=acteur_de(mc.gestionnaire_al),
        )
    assert exc.value.message_dict["fichier"][0].startswith("Colonne(s) manquante(s) en ligne 1 : SIRET, Raison sociale")


def test_la_page_importe_un_petit_fichier_et_confie_un_gros_au_worker(mc: MondeChoix) -> None:
    client = _client(mc.gestionnaire_al)
    url = reverse("rapprochement:cotisantes")
    from django.core.files.uploadedfile import SimpleUploadedFile

    petit = SimpleUploadedFile("liste.csv", _csv(f"{completer_cle('9990000600001')};Menuiserie fictive;01/01/2025;"))
    reponse = client.post(url, {"import-reservataire": mc.al.pk, "import-fichier": petit})
    assert reponse.status_code == 200
    assert "1 entreprise ajoutée, 0 mise à jour." in reponse.text
    assert "Menuiserie fictive" in reponse.text
    lignes = [f"{completer_cle(f'99901{i:08d}')};Entreprise fictive {i};01/01/2025;" for i in range(1500)]
    gros = SimpleUploadedFile("gros.csv", _csv(*lignes))
    reponse = client.post(url, {"import-reservataire": mc.al.pk, "import-fichier": gros})
    assert reponse.status_code == 302
    travail = Travail.objects.get(nature="rapprochement.import_cotisantes")
    assert reponse["Location"] == reverse("taches:travail", args=[travail.pk])
    # A reader of Action Logement reads the list without the import form; the State does not see it.
    lecture = _client(mc.lecteur_al).get(url)
    assert lecture.status_code == 200 and "Importer la liste" not in lecture.text
    assert "Conserverie fictive du Golfe" in lecture.text
    assert _client(mc.lecteur_al).post(url, {}).status_code == 404
    etat = _client(mc.monde.gestionnaire_etat).get(url)
    assert "Conserverie fictive" not in etat.text and "Aucune entreprise enregistrée." in etat.text


def test_action_logement_voit_le_signal_et_filtre_les_salaries_des_cotisantes(mc: MondeChoix) -> None:
    d = mc.monde.demandes
    url = reverse("rapprochement:preselection", args=[mc.ll.pk])
    html = _client(mc.gestionnaire_al).get(url).content.decode()
    carte = html.split(f'id="candidat-{d["famille"].numero_unique}"', 1)[1].split("</section>", 1)[0]
    assert "Salarié d&#x27;une entreprise cotisante" in carte or "Salarié d'une entreprise cotisante" in carte
    assert "Conserverie fictive du Golfe" in carte
    # The company that stopped contributing no longer counts; an employer absent from the list never does.
    for nom in ("couple", "recent"):
        autre = html.split(f'id="candidat-{d[nom].numero_unique}"', 1)[1].split("</section>", 1)[0]
        assert "entreprise cotisante" not in autre
    filtre = _client(mc.gestionnaire_al).get(url + "?f-cotisantes=on").content.decode().split('id="ecartees"')[0]
    assert d["famille"].numero_unique in filtre
    assert d["dalo"].numero_unique not in filtre and d["couple"].numero_unique not in filtre


def test_les_autres_ne_voient_jamais_la_liste_des_cotisantes(mc: MondeChoix) -> None:
    url = reverse("rapprochement:preselection", args=[mc.ll.pk])
    for user in (mc.monde.gestionnaire_bailleur, mc.monde.agent_epci):
        html = _client(user).get(url + "?f-cotisantes=on").content.decode()
        assert "entreprise cotisante" not in html
        assert "Conserverie fictive" not in html
        assert mc.monde.demandes["dalo"].numero_unique in html  # the filter is ignored for them


def test_le_siret_de_l_employeur_est_verifie_et_normalise_par_le_service_de_la_demande(mc: MondeChoix) -> None:
    from attrib.organisations.models import Organisation
    from tests.factories import creer_demande, personne

    desk = Organisation.objects.get(code_guichet="NAR01")
    with pytest.raises(ValidationError) as exc:
        creer_demande(guichet_org=desk, personnes=[personne(employeur_siret="12345678901234")])
    assert exc.value.message_dict["personnes[0].employeur_siret"] == [
        "SIRET de l'employeur : numéro invalide (la clé de contrôle ne correspond pas) ; vérifiez chaque chiffre."
    ]
    demande = creer_demande(guichet_org=desk, personnes=[personne(employeur_siret="130 025 265 00013")])
    assert demande.personnes.get().employeur_siret == "13002526500013"
