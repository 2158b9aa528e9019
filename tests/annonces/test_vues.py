"""The staff's screens of location voulue: the pair's rules and their progress, the dwellings to advertise, the
draft (text, public, photos with their alternative text), its publication with its closing date and its
withdrawal with a motive, the follow-up (timeline, committed draw, ranking with what separated each rank, the first
presented to a session), the list with its filters.

The world is the rapprochement's (``tests/rapprochement/conftest.py``): the bailleur Alogea, a T3 PLUS of Narbonne
freed for its own share and one for the State, a planned session of its commission, scored demands wishing
Narbonne. The bailleur puts its own share in location voulue; the households apply from their own accounts."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from attrib.annonces import services
from attrib.annonces.enums import StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, PhotoAnnonce, RegleLocationVoulue
from attrib.commissions.models import Examen
from attrib.demandes.models import Demande
from attrib.demandeurs.models import CompteDemandeur, Liaison, Qualite
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import User
from tests.rapprochement.conftest import Monde, monde_rapprochement, seuil_connu

pytestmark = pytest.mark.django_db

SYSTEME = acteur_systeme("test des écrans de location voulue")


# --- the world -----------------------------------------------------------------------------------------------------


@dataclass
class MondeLV:
    r: Monde
    comptes: dict[str, CompteDemandeur] = field(default_factory=dict)

    @property
    def demandes(self) -> dict[str, Demande]:
        return self.r.demandes

    def client(self, qui: str) -> Client:
        """A logged-in client: a household's account (« dalo », « famille »…) or a staff member (« bailleur », « etat »,
        « epci »)."""
        utilisateurs = {
            "bailleur": self.r.gestionnaire_bailleur,
            "etat": self.r.gestionnaire_etat,
            "epci": self.r.agent_epci,
        }
        client = Client()
        client.force_login(utilisateurs[qui] if qui in utilisateurs else self.comptes[qui].utilisateur)
        return client

    def acteur(self, qui: str) -> Any:
        return acteur_de(self.comptes[qui].utilisateur)


def compte_titulaire(demande: Demande, nom: str) -> CompteDemandeur:
    """The household's own account, linked to its demand (the link the one-time code gives)."""
    user = User.objects.create(username=f"menage-{nom}", email=f"{nom}@example.org")
    compte = CompteDemandeur.objects.create(utilisateur=user, courriel=f"{nom}@example.org")
    Liaison.objects.create(compte=compte, demande=demande, qualite=Qualite.TITULAIRE)
    return compte


def construire(*, regle: bool = True) -> MondeLV:
    r = monde_rapprochement()
    m = MondeLV(r=r)
    for nom in ("dalo", "famille", "couple", "recent", "aise"):
        m.comptes[nom] = compte_titulaire(r.demandes[nom], nom)
    if regle:
        services.regle_enregistrer(bailleur=r.bailleur, debut=r.jour - timedelta(days=30), part=50, auteur=SYSTEME)
    return m


@pytest.fixture
def monde(db: None, monkeypatch: pytest.MonkeyPatch, horloge: time_machine.Coordinates) -> MondeLV:
    seuil_connu(monkeypatch)
    return construire()


def brouillon(m: MondeLV, **champs: Any) -> Annonce:
    orientation = m.r.ll_propre.orientation
    assert orientation is not None
    return services.annonce_creer(orientation=orientation, auteur=SYSTEME, **champs)


def publiee(m: MondeLV, **champs: Any) -> Annonce:
    return services.annonce_publier(annonce=brouillon(m, **champs), auteur=SYSTEME)


def candidater(m: MondeLV, annonce: Annonce, *noms: str) -> None:
    for nom in noms:
        services.candidature_deposer(annonce=annonce, demande=m.demandes[nom], auteur=m.acteur(nom))


def close(m: MondeLV, horloge: time_machine.Coordinates, *noms: str) -> Annonce:
    """An advert published, applied to by ``noms``, then closed a day after its closing time."""
    annonce = publiee(m)
    candidater(m, annonce, *noms)
    assert annonce.cloture_le is not None
    horloge.move_to(annonce.cloture_le + timedelta(days=1))
    services.annonce_clore(annonce=annonce, auteur=SYSTEME)
    annonce.refresh_from_db()
    return annonce


def png(couleur: str = "white", nom: str = "photo.png") -> SimpleUploadedFile:
    tampon = io.BytesIO()
    Image.new("RGB", (12, 8), couleur).save(tampon, "PNG")
    return SimpleUploadedFile(nom, tampon.getvalue(), content_type="image/png")


def texte(reponse: Any) -> str:
    return reponse.content.decode()


# --- 1. rules -------------------------------------------------------------------------------------------------------


def test_le_bailleur_enregistre_une_regle_et_lit_l_avancement_de_son_flux(monde: MondeLV) -> None:
    client = monde.client("bailleur")
    url = reverse("annonces:regle_nouvelle")
    formulaire = texte(client.get(url))
    assert "Part du bailleur (logements non réservés)" in formulaire
    assert "Préfecture de l&#x27;Aude" in formulaire
    reponse = client.post(
        url,
        {
            "regle-bailleur": monde.r.bailleur.pk,
            "regle-reservataire": monde.r.etat.pk,
            "regle-part": "25",
            "regle-typologie_min": "2",
            "regle-typologie_max": "4",
            "regle-hors_qpv_seulement": "on",
            "regle-financements": ["PLUS", "PLAI"],
            "regle-duree_publication_jours": "10",
            "regle-debut": monde.r.jour.isoformat(),
        },
    )
    assert reponse.status_code == 302
    regle = RegleLocationVoulue.objects.get(reservataire=monde.r.etat)
    assert (regle.part, regle.typologie_min, regle.typologie_max, regle.hors_qpv_seulement) == (25, 2, 4, True)
    assert sorted(regle.financements) == ["PLAI", "PLUS"] and regle.duree_publication_jours == 10
    page = texte(client.get(reverse("annonces:regles")))
    assert "Règle enregistrée : 25 % du flux de Préfecture de l&#x27;Aude en location voulue." in page
    # The State's dwelling freed this year counts in its pair's progress.
    assert "0 logement publié sur 1 logement orienté cette année" in page and "part visée de 25 %" in page


def test_une_regle_refusee_dit_pourquoi_a_cote_du_champ(monde: MondeLV) -> None:
    client = monde.client("bailleur")
    reponse = client.post(
        reverse("annonces:regle_nouvelle"),
        {
            "regle-bailleur": monde.r.bailleur.pk,
            "regle-part": "150",
            "regle-typologie_min": "4",
            "regle-typologie_max": "2",
            "regle-debut": monde.r.jour.isoformat(),
        },
    )
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "Le formulaire contient 2 erreurs" in page
    assert "n&#x27;est pas inférieure à la typologie minimale" in page
    assert "inférieure ou égale à 100" in page
    # The service's own rule: a second rule of the pair on the same days (the bailleur's share already has one).
    reponse = client.post(
        reverse("annonces:regle_nouvelle"),
        {
            "regle-bailleur": monde.r.bailleur.pk,
            "regle-part": "30",
            "regle-debut": (monde.r.jour - timedelta(days=60)).isoformat(),
            "regle-fin": (monde.r.jour - timedelta(days=10)).isoformat(),
        },
    )
    assert reponse.status_code == 400
    assert "deux règles d&#x27;un même couple ne s&#x27;appliquent pas le même jour" in texte(reponse)
    assert RegleLocationVoulue.objects.count() == 1


def test_ni_l_etat_ni_l_epci_n_ecrivent_de_regle(monde: MondeLV) -> None:
    for qui in ("etat", "epci"):
        client = monde.client(qui)
        assert client.get(reverse("annonces:regles")).status_code == 200
        assert client.get(reverse("annonces:regle_nouvelle")).status_code == 404
        assert "Nouvelle règle" not in texte(client.get(reverse("annonces:regles")))


# --- 2. dwellings to advertise, creation --------------------------------------------------------------------------


def test_le_logement_libere_de_la_part_du_bailleur_se_publie_en_annonce(monde: MondeLV) -> None:
    client = monde.client("bailleur")
    page = texte(client.get(reverse("annonces:a_publier")))
    assert "PINS-1" in page and "Créer l'annonce" in page
    # The State's dwelling has no rule of its pair: it is not offered.
    assert "PINS-2" not in page
    orientation = monde.r.ll_propre.orientation
    assert orientation is not None
    reponse = client.post(reverse("annonces:creer", args=[orientation.pk]))
    annonce = Annonce.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("annonces:modifier", args=[annonce.pk])
    assert annonce.statut == StatutAnnonce.BROUILLON and annonce.loyer == 430
    suivi = texte(client.get(reponse["Location"]))
    assert f"Annonce {annonce.reference} créée en préparation" in suivi
    # Created twice: the service's refusal is said on the list it goes back to.
    reponse = client.post(reverse("annonces:creer", args=[orientation.pk]), follow=True)
    assert "a déjà une annonce en cours" in texte(reponse)
    assert Annonce.objects.count() == 1


# --- 3. the draft ---------------------------------------------------------------------------------------------------


def test_le_brouillon_se_complete_et_une_restriction_demande_son_motif(monde: MondeLV) -> None:
    annonce = brouillon(monde)
    client = monde.client("bailleur")
    url = reverse("annonces:modifier", args=[annonce.pk])
    donnees = {
        "annonce-titre_annonce": "Trois pièces lumineux près du canal",
        "annonce-description": "Séjour double, deux chambres, balcon au sud.",
        "annonce-quartier": "Écoles et commerces à cinq minutes à pied.",
        "annonce-public": "q1",
        "annonce-motif_public": "",
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 400
    assert "motif" in texte(reponse).lower()
    annonce.refresh_from_db()
    assert annonce.public == "tous"
    donnees["annonce-motif_public"] = "Objectif de la convention : 25 % d'attributions hors QPV au premier quartile."
    assert client.post(url, donnees).status_code == 302
    annonce.refresh_from_db()
    assert (annonce.titre, annonce.public) == ("Trois pièces lumineux près du canal", "q1")
    apercu = texte(client.get(reverse("annonces:apercu", args=[annonce.pk])))
    assert "Réservée aux ménages aux ressources les plus faibles" in apercu
    assert "25 % d&#x27;attributions hors QPV" in apercu


def test_une_photo_exige_son_texte_alternatif_et_se_retire(monde: MondeLV) -> None:
    annonce = brouillon(monde)
    client = monde.client("bailleur")
    url = reverse("annonces:photo_ajouter", args=[annonce.pk])
    reponse = client.post(url, {"photo-image": png(), "photo-texte_alternatif": ""})
    assert reponse.status_code == 400
    assert "Décrivez ce que montre la photo" in texte(reponse)
    reponse = client.post(
        url, {"photo-image": SimpleUploadedFile("faux.png", b"pas une image"), "photo-texte_alternatif": "Séjour"}
    )
    assert reponse.status_code == 400 and not PhotoAnnonce.objects.exists()
    reponse = client.post(url, {"photo-image": png(), "photo-texte_alternatif": "Séjour avec porte-fenêtre"})
    assert reponse.status_code == 302
    photo = PhotoAnnonce.objects.get()
    page = texte(client.get(reverse("annonces:modifier", args=[annonce.pk])))
    adresse = reverse("annonces:photo", args=[annonce.pk, photo.pk])
    assert f'src="{adresse}" alt="Séjour avec porte-fenêtre"' in page
    image = client.get(adresse)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert client.post(reverse("annonces:photo_retirer", args=[annonce.pk, photo.pk])).status_code == 302
    assert not PhotoAnnonce.objects.exists()


def test_publier_dit_la_date_de_cloture_puis_fige_l_annonce(monde: MondeLV) -> None:
    annonce = brouillon(monde)
    client = monde.client("bailleur")
    url = reverse("annonces:publier", args=[annonce.pk])
    cloture = timezone.localtime(timezone.now() + timedelta(days=7))
    page = texte(client.get(url))
    assert f"Publier jusqu'au {cloture.day} " in page
    reponse = client.post(url)
    assert reponse.status_code == 302
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.PUBLIEE and annonce.cloture_le is not None
    suivi = texte(client.get(reponse["Location"]))
    assert f"candidatures ouvertes jusqu&#x27;au {timezone.localtime(annonce.cloture_le):%d/%m/%Y}" in suivi
    assert annonce.empreinte in suivi and annonce.graine not in suivi
    # Frozen: the draft's pages answer 404.
    assert client.get(reverse("annonces:modifier", args=[annonce.pk])).status_code == 404
    assert client.get(url).status_code == 404


def test_un_autre_reservataire_lit_l_annonce_publiee_sans_lien_vers_le_logement_libere(monde: MondeLV) -> None:
    annonce = publiee(monde)
    lien = reverse("flux:logement_libere", args=[annonce.logement_libere_id])
    assert lien in texte(monde.client("bailleur").get(reverse("annonces:annonce", args=[annonce.pk])))
    # The State reads every published advert of the territory, not the bailleur's own freed dwelling: the page
    # names the dwelling without a link that would answer 404.
    etat = monde.client("etat")
    page = texte(etat.get(reverse("annonces:annonce", args=[annonce.pk])))
    assert annonce.logement.identifiant in page and lien not in page
    assert etat.get(lien).status_code == 404


def test_retirer_une_annonce_demande_un_motif_dit_aux_candidats(monde: MondeLV) -> None:
    annonce = publiee(monde)
    candidater(monde, annonce, "famille")
    client = monde.client("bailleur")
    url = reverse("annonces:retirer", args=[annonce.pk])
    assert "1 candidature en cours est close avec l'annonce" in texte(client.get(url))
    reponse = client.post(url, {"retrait-motif": ""})
    assert reponse.status_code == 400
    assert "ce motif est dit aux ménages candidats" in texte(reponse)
    assert client.post(url, {"retrait-motif": "Travaux à prévoir dans la salle de bains."}).status_code == 302
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.RETIREE
    assert annonce.candidatures.get().statut == StatutCandidature.RETIREE
    suivi = texte(client.get(reverse("annonces:annonce", args=[annonce.pk])))
    assert "Travaux à prévoir dans la salle de bains." in suivi


# --- 4. follow-up ----------------------------------------------------------------------------------------------------


def test_le_suivi_compte_les_candidatures_tant_que_l_annonce_est_ouverte(monde: MondeLV) -> None:
    annonce = publiee(monde)
    candidater(monde, annonce, "dalo", "famille")
    page = texte(monde.client("bailleur").get(reverse("annonces:annonce", args=[annonce.pk])))
    assert "<strong>2</strong> candidatures reçues à ce jour" in page
    assert monde.demandes["dalo"].numero_unique not in page
    assert "Clore et établir le classement" not in page


def test_le_suivi_montre_le_classement_ce_qui_a_departage_et_la_graine(
    monde: MondeLV, horloge: time_machine.Coordinates
) -> None:
    annonce = close(monde, horloge, "couple", "dalo", "famille", "recent")
    page = texte(monde.client("bailleur").get(reverse("annonces:annonce", args=[annonce.pk])))
    d = monde.demandes
    ordre = [page.index(d[n].numero_unique) for n in ("dalo", "famille", "couple", "recent")]
    assert ordre == sorted(ordre)
    assert "Score moins élevé que celui de la candidature classée juste devant." in page
    assert annonce.graine in page and annonce.empreinte in page
    assert reverse("annonces_publiques:classement", args=[annonce.commune.epci_id, annonce.reference]) in page
    # The EPCI reads the ranking by public tokens, not by demand.
    epci = texte(monde.client("epci").get(reverse("annonces:annonce", args=[annonce.pk])))
    assert d["dalo"].numero_unique not in epci
    premier = annonce.candidatures.get(rang=1)
    assert f"jeton {premier.jeton}" in epci


def test_les_premiers_sont_presentes_a_la_seance_dans_l_ordre_du_classement(
    monde: MondeLV, horloge: time_machine.Coordinates
) -> None:
    annonce = close(monde, horloge, "couple", "dalo", "famille", "recent")
    client = monde.client("bailleur")
    url = reverse("annonces:annonce", args=[annonce.pk])
    page = texte(client.get(url))
    assert "Présenter les 3 premiers à cette séance" in page
    assert "CALEOL Narbonne — séance du" in page
    reponse = client.post(reverse("annonces:presenter", args=[annonce.pk]), {"presentation-seance": ""})
    assert reponse.status_code == 400
    reponse = client.post(reverse("annonces:presenter", args=[annonce.pk]), {"presentation-seance": monde.r.seance.pk})
    assert reponse.status_code == 302
    examens = list(Examen.objects.filter(seance=monde.r.seance).order_by("rang_propose"))
    d = monde.demandes
    assert [e.demande_id for e in examens] == [d["dalo"].pk, d["famille"].pk, d["couple"].pk]
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.EN_COMMISSION
    page = texte(client.get(url))
    assert "3 candidats inscrits à l&#x27;ordre du jour de la séance du" in page
    assert "Présenter les premiers" not in page and page.count("Présentée") == 3


def test_le_bailleur_clot_une_annonce_echue_sans_attendre(monde: MondeLV, horloge: time_machine.Coordinates) -> None:
    annonce = publiee(monde)
    candidater(monde, annonce, "dalo")
    client = monde.client("bailleur")
    url = reverse("annonces:clore", args=[annonce.pk])
    # Before its closing time, the service refuses and says until when it stays open.
    reponse = client.post(url, follow=True)
    assert "restent ouvertes jusqu" in texte(reponse)
    assert annonce.cloture_le is not None
    horloge.move_to(annonce.cloture_le + timedelta(minutes=5))
    client = monde.client("bailleur")  # a login lasts a working day
    assert "Clore et établir le classement" in texte(client.get(reverse("annonces:annonce", args=[annonce.pk])))
    page = texte(client.post(url, follow=True))
    assert f"Annonce {annonce.reference} close : 1 candidature classée." in page
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.CLOSE


# --- 5. list ------------------------------------------------------------------------------------------------------------


def test_la_liste_compte_par_etat_et_filtre(monde: MondeLV) -> None:
    ouverte = publiee(monde)
    candidater(monde, ouverte, "dalo")
    client = monde.client("bailleur")
    page = texte(client.get(reverse("annonces:liste")))
    assert ouverte.reference in page and "Publiée, candidatures ouvertes : 1" in page
    assert texte(client.get(reverse("annonces:liste") + "?f-statut=brouillon")).count(ouverte.reference) == 0
    filtre = texte(client.get(reverse("annonces:liste") + "?f-flux=bailleur"))
    assert ouverte.reference in filtre
    filtre = texte(client.get(reverse("annonces:liste") + f"?f-flux={monde.r.etat.pk}"))
    assert ouverte.reference not in filtre
