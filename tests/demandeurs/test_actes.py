"""The household's own acts on its demand (issue 13 point 2, decision 0027): documents sent from a phone (type read
from the content, size bounded, file served only to those who see the demand), every part of the CERFA updated
with the desk's validation and the score change explained at once, online renewal in its window, withdrawal.
Each act is journalled for the desk. SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as reglages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import CheckboxInput
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.avis.models import Avis
from attrib.avis.taches import traiter_avis
from attrib.common.models import Evenement
from attrib.cotation.models import Cotation
from attrib.cotation.services import version_publier
from attrib.demandes import enums, regles
from attrib.demandes.models import Demande, PieceJustificative
from attrib.demandes.pieces import piece_deposer, piece_refuser, piece_valider
from attrib.demandes.services import demande_modifier, demande_radier, demande_renouveler
from attrib.demandeurs import actes
from attrib.demandeurs.models import CanalCode, CompteDemandeur, Liaison, Qualite
from attrib.demandeurs.services import acces_donner, code_emettre, demande_lier
from attrib.engine.cotation import LIBELLE_CONFIDENTIEL
from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import Refus, acteur_de, acteur_systeme
from tests.demandeurs.outils import SITE, acteur, client_de, compte_verifie
from tests.factories import (
    CARCASSONNE,
    GRILLE_SIMPLE,
    VersionGrilleFactory,
    creer_demande,
    guichet,
    membre,
    organisation_epci,
    personne,
    territoire_minimal,
)

pytestmark = pytest.mark.django_db

SYSTEME = acteur_systeme("test")
#: The test grid, with a criterion on the resources (monthly resources × 12 per consumption unit).
GRILLE = GRILLE_SIMPLE.replace(
    "  - id: anciennete\n",
    """  - id: ressources
    libelle: Ressources
    criteres:
      - id: ressources_modestes
        libelle: Ressources sous le seuil du premier quartile
        base_legale: PPGD (critère local)
        condition: {champ: revenu_annuel_par_uc, inf: 9243}
        points: 150
  - id: anciennete
""",
    1,
)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _reglages(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTRIB_AVIS_GARDE_S = 0
    settings.ATTRIB_AVIS_PAUSE_S = 0


@pytest.fixture
def narbonne() -> Any:
    territoire_minimal()
    return guichet()


@pytest.fixture
def agent(narbonne: Any) -> Any:
    return membre(narbonne, username="agent.guichet")


def _demande(narbonne: Any, **kw: Any) -> Demande:
    personnes = kw.pop("personnes", None) or [personne(email="lea.martin@example.org")]
    return creer_demande(guichet_org=narbonne, personnes=personnes, **kw)


def _lier(compte: CompteDemandeur, demande: Demande) -> Liaison:
    """The household links its account with the code sent to its demand's e-mail (the real services)."""
    emis = code_emettre(demande=demande, canal=CanalCode.COURRIEL, auteur=SYSTEME, adresse_site=SITE)
    return demande_lier(auteur=acteur(compte), numero_unique=demande.numero_unique, code=emis.code, adresse="1.2.3.4")


@pytest.fixture
def menage(narbonne: Any) -> tuple[CompteDemandeur, Demande]:
    demande = _demande(narbonne)
    compte = compte_verifie()
    _lier(compte, demande)
    return compte, demande


def _aide(compte: CompteDemandeur, demande: Demande, courriel: str, qualite: str) -> CompteDemandeur:
    aide = compte_verifie(courriel)
    acces_donner(auteur=acteur(compte), demande=demande, courriel=courriel, qualite=qualite)
    return aide


def _texte(reponse: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())))


def _publier_grille() -> None:
    version_publier(version=VersionGrilleFactory(organisation=organisation_epci(), contenu=GRILLE), auteur=SYSTEME)


def _valeur(champ: Any, valeur: Any) -> Any:
    if valeur is None:
        return ""
    if isinstance(valeur, (list, tuple)):
        return [str(v) for v in valeur]
    return str(valeur)


def _donnees(formulaires: list[Any]) -> dict[str, Any]:
    """What a browser posts for these forms as they are shown (every field with its shown value)."""
    donnees: dict[str, Any] = {}
    for f in formulaires:
        lot = [f]
        if isinstance(f, BaseFormSet):
            gestion = f.management_form
            donnees |= {gestion.add_prefix(n): str(gestion[n].value()) for n in gestion.fields}
            lot = list(f.forms)
        for form in lot:
            for nom, champ in form.fields.items():
                valeur = form[nom].value()
                if isinstance(champ.widget, CheckboxInput):
                    if valeur:
                        donnees[form.add_prefix(nom)] = "on"
                    continue
                donnees[form.add_prefix(nom)] = _valeur(champ, valeur)
    return donnees


def _formulaires(reponse: Any) -> list[Any]:
    contexte = reponse.context
    return [contexte["formset"]] if contexte.get("formset") else list(contexte["formulaires"])


def _erreurs(reponse: Any) -> set[str]:
    return {e["message"] for e in reponse.context["erreurs"]}


# --- documents: the type read from the content, the size, where the file lives and who gets it ------------------


def test_un_fichier_qui_n_est_pas_un_pdf_renomme_pdf_est_refuse_en_francais(
    menage: tuple[CompteDemandeur, Demande],
) -> None:
    compte, demande = menage
    piece = PieceJustificative.objects.filter(demande=demande, critere="identite").first()
    assert piece is not None
    client = client_de(compte)
    url = reverse("demandeurs:piece_deposer", args=[demande.pk, piece.pk])
    faux = SimpleUploadedFile("avis-imposition.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    reponse = client.post(url, {"piece-fichier": faux})
    assert reponse.status_code == 400
    assert "Le contenu du fichier n'est ni un PDF, ni une photo JPEG, ni une image PNG" in _texte(reponse)
    assert 'href="#id_piece-fichier"' in reponse.content.decode()  # the error summary links to the field
    texte = SimpleUploadedFile("notes.pdf", b"bonjour, ceci est du texte", content_type="application/pdf")
    assert "même si son nom se termine par .pdf" in _texte(client.post(url, {"piece-fichier": texte}))
    photo_iphone = SimpleUploadedFile("IMG_0001.jpg", HEIC, content_type="image/jpeg")
    assert "Le plus compatible" in _texte(client.post(url, {"piece-fichier": photo_iphone}))
    piece.refresh_from_db()
    assert piece.statut == enums.StatutPiece.MANQUANTE and not piece.fichier
    assert not Evenement.objects.pour(demande).filter(action="piece_deposee").exists()
    # What the content is decides, not the name: a photo sent under a PDF name is kept as the photo it is.
    deposee = piece_deposer(
        piece=piece, fichier=SimpleUploadedFile("scan.pdf", JPEG, content_type="application/pdf"), auteur=acteur(compte)
    )
    assert deposee.fichier.name.endswith(".jpg")


def test_un_fichier_trop_lourd_est_refuse_avec_la_limite(
    menage: tuple[CompteDemandeur, Demande], settings: Any
) -> None:
    settings.ATTRIB_PIECE_TAILLE_MAX_MO = 1
    compte, demande = menage
    piece = PieceJustificative.objects.filter(demande=demande, critere="identite").first()
    assert piece is not None
    lourd = SimpleUploadedFile("scan.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    reponse = client_de(compte).post(
        reverse("demandeurs:piece_deposer", args=[demande.pk, piece.pk]), {"piece-fichier": lourd}
    )
    assert reponse.status_code == 400
    assert "Le fichier est trop lourd (1 Mo) : la taille maximale est de 1 Mo." in _texte(reponse)
    with pytest.raises(ValidationError) as exc:
        piece_deposer(piece=piece, fichier=lourd, auteur=SYSTEME)  # the desk meets the same limit
    assert "la taille maximale est de 1 Mo" in exc.value.message_dict["fichier"][0]
    assert "1 Mo au plus" in _texte(client_de(compte).get(reverse("demandeurs:demande", args=[demande.pk])))


def test_le_fichier_envoye_du_telephone_est_servi_au_menage_et_au_guichet_seulement(
    menage: tuple[CompteDemandeur, Demande], agent: Any, narbonne: Any
) -> None:
    compte, demande = menage
    piece = PieceJustificative.objects.filter(demande=demande, critere="identite").first()
    assert piece is not None
    client = client_de(compte)
    page = client.get(reverse("demandeurs:demande", args=[demande.pk])).content.decode()
    # The form sits beside the document, asks for an image or a PDF (a phone offers its camera).
    assert f'id="depot-{piece.pk}"' in page and f'id="fichier-{piece.pk}"' in page
    assert 'accept="image/*,application/pdf"' in page
    photo = SimpleUploadedFile("image.jpg", JPEG, content_type="image/jpeg")
    reponse = client.post(reverse("demandeurs:piece_deposer", args=[demande.pk, piece.pk]), {"piece-fichier": photo})
    assert reponse.status_code == 302 and reponse["Location"].endswith(f"#piece-{piece.pk}")
    piece.refresh_from_db()
    assert piece.statut == enums.StatutPiece.FOURNIE
    # Stored under MEDIA_ROOT, under a name of its own, never under the static files.
    chemin = Path(piece.fichier.path)
    assert chemin.is_relative_to(Path(reglages.MEDIA_ROOT)) and chemin.read_bytes() == JPEG
    assert not Path(reglages.MEDIA_ROOT).is_relative_to(Path(reglages.STATIC_ROOT))
    assert "image" not in chemin.name

    url = reverse("demandeurs:piece_fichier", args=[demande.pk, piece.pk])
    fichier = client.get(url)
    assert fichier.status_code == 200 and b"".join(fichier.streaming_content) == JPEG
    assert fichier["Content-Disposition"].startswith("attachment;")
    # Downloaded under the document's label, never under its storage name nor the name it was sent with.
    assert fichier["Content-Disposition"].startswith('attachment; filename="piece-didentite-du-demandeur-')
    assert fichier["Content-Disposition"].endswith(f'-{demande.numero_unique}.jpg"')
    assert fichier["X-Content-Type-Options"] == "nosniff" and fichier["Content-Type"] == "image/jpeg"

    guichet_client = Client()
    guichet_client.force_login(agent)
    vu_du_guichet = guichet_client.get(reverse("demandes:piece_fichier", args=[demande.pk, piece.pk]))
    assert vu_du_guichet.status_code == 200 and b"".join(vu_du_guichet.streaming_content) == JPEG
    assert vu_du_guichet["Content-Disposition"].startswith("attachment;")
    assert vu_du_guichet["X-Content-Type-Options"] == "nosniff"

    # Another household, linked to its own demand: 404 on this file, as on a missing one.
    autre = compte_verifie("autre@example.org")
    _lier(autre, _demande(narbonne, personnes=[personne(nom="Durand", email="autre@example.org")]))
    assert client_de(autre).get(url).status_code == 404
    # A desk outside the demand's perimeter: 404 too.
    carcassonne = membre(guichet(nom="Guichet Carcassonne", code="CAR01", communes=(CARCASSONNE,)))
    ailleurs = Client()
    ailleurs.force_login(carcassonne)
    assert ailleurs.get(reverse("demandes:piece_fichier", args=[demande.pk, piece.pk])).status_code == 404
    # No URL serves the storage itself, to anyone.
    stockage = f"/{reglages.MEDIA_URL.strip('/')}/{piece.fichier.name}"
    assert Client().get(stockage).status_code in (302, 404)
    assert guichet_client.get(stockage).status_code == 404
    assert client.get(stockage).status_code == 404


def test_le_stockage_des_pieces_n_est_servi_par_aucune_route_ni_par_le_proxy() -> None:
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve(f"/{reglages.MEDIA_URL.strip('/')}/pieces/2026/06/x.pdf")
    nginx = (Path(reglages.BASE_DIR) / "deploy" / "nginx" / "attrib.conf").read_text(encoding="utf-8")
    assert "location /media" not in nginx and "alias" not in nginx and "media" not in nginx


def test_le_depot_et_son_etat_a_cote_du_critere_journalises_pour_le_guichet(
    menage: tuple[CompteDemandeur, Demande], agent: Any
) -> None:
    compte, demande = menage
    pieces_identite = list(PieceJustificative.objects.filter(demande=demande, critere="identite"))
    piece = pieces_identite[0]
    client = client_de(compte)
    client.post(
        reverse("demandeurs:piece_deposer", args=[demande.pk, piece.pk]),
        {"piece-fichier": SimpleUploadedFile("identite.pdf", PDF, content_type="application/pdf")},
    )
    evenement = Evenement.objects.pour(demande).get(action="piece_deposee")
    assert evenement.auteur_id == compte.utilisateur_id
    assert EntreeJournal.objects.filter(
        table_objet="demandes.piecejustificative", objet_id=str(piece.pk), auteur_id=compte.utilisateur_id
    ).exists()
    page = _texte(client.get(reverse("demandeurs:demande", args=[demande.pk])))
    # Beside the criterion it proves, with its status.
    assert f"Identité et régularité du séjour {piece.libelle} — Reçue, en cours de vérification" in page
    assert "Ressources du ménage" in page and "À fournir" in page

    guichet_client = Client()
    guichet_client.force_login(agent)
    fiche = _texte(guichet_client.get(reverse("demandes:detail", args=[demande.pk])))
    assert f"Pièce fournie : {piece.libelle}." in fiche
    assert "Par l'espace demandeur en ligne (compte lea.martin@example.org)" in fiche

    piece_refuser(piece=piece, auteur=acteur_de(agent), motif="La photo est floue, le nom ne se lit pas")
    page = _texte(client.get(reverse("demandeurs:demande", args=[demande.pk])))
    assert "Refusée : à fournir de nouveau" in page
    assert "Raison indiquée par votre guichet : La photo est floue, le nom ne se lit pas" in page
    piece_deposer(
        piece=piece, fichier=SimpleUploadedFile("id.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), auteur=acteur(compte)
    )
    piece_valider(piece=piece, auteur=acteur_de(agent))
    page = client.get(reverse("demandeurs:demande", args=[demande.pk])).content.decode()
    # A validated document can no longer be replaced.
    assert f'id="depot-{piece.pk}"' not in page and 'data-etat="validee"' in page


def test_une_piece_confidentielle_n_est_nommee_et_ouverte_qu_au_menage(narbonne: Any) -> None:
    demande = _demande(narbonne, priorites=("l441_g",))
    compte = compte_verifie()
    _lier(compte, demande)
    social = _aide(compte, demande, "as@example.org", Qualite.TRAVAILLEUR_SOCIAL)
    confidentielle = PieceJustificative.objects.filter(demande=demande, sensible=True).first()
    assert confidentielle is not None
    piece_deposer(
        piece=confidentielle,
        fichier=SimpleUploadedFile("plainte.pdf", PDF, content_type="application/pdf"),
        auteur=acteur(compte),
    )
    page_menage = _texte(client_de(compte).get(reverse("demandeurs:demande", args=[demande.pk])))
    assert confidentielle.libelle in page_menage and "vous seul la voyez" in page_menage
    reponse = client_de(social).get(reverse("demandeurs:demande", args=[demande.pk]))
    page_social = _texte(reponse)
    assert confidentielle.libelle not in page_social and "Pièce confidentielle" in page_social
    assert f'id="depot-{confidentielle.pk}"' not in reponse.content.decode()
    fichier = reverse("demandeurs:piece_fichier", args=[demande.pk, confidentielle.pk])
    assert client_de(social).get(fichier).status_code == 404
    assert client_de(compte).get(fichier).status_code == 200
    with pytest.raises(Refus):
        piece_deposer(
            piece=confidentielle,
            fichier=SimpleUploadedFile("autre.pdf", PDF, content_type="application/pdf"),
            auteur=acteur(social),
        )


# --- the CERFA updated online: the desk's forms and validation, the score recomputed and explained ---------------


def test_les_ressources_mises_a_jour_changent_le_score_et_l_expliquent(narbonne: Any, agent: Any) -> None:
    # Eleven similar demands filed before this one: it comes last among twelve, all at the same score.
    for n in range(11):
        _demande(narbonne, personnes=[personne(nom=f"Voisin{n}", email=f"voisin{n}@example.org")])
    demande = _demande(narbonne)
    compte = compte_verifie()
    _lier(compte, demande)
    _publier_grille()
    avant = Cotation.objects.get(demande=demande).score
    client = client_de(compte)
    url = reverse("demandeurs:modifier", args=[demande.pk, "ressources"])
    page = client.get(url)
    assert page.status_code == 200 and 'id="form-ressources"' in page.content.decode()
    donnees = _donnees(_formulaires(page)) | {"ressources-personne-0-salaires": "500"}
    reponse = client.post(url, donnees)
    assert reponse.status_code == 302 and reponse["Location"].endswith("#changement-score")
    # Recomputed at once, in the update's own transaction: no night run, no worker.
    apres = Cotation.objects.get(demande=demande).score
    assert apres == avant + 150
    page = _texte(client.get(reponse["Location"]))
    assert "Ce que votre mise à jour a changé (ressources du ménage)" in page
    assert (
        f"Votre score est passé de {avant} point{'s' if avant > 1 else ''} à {apres} points (150 points en plus)"
        in page
    )
    assert "Ressources sous le seuil du premier quartile : critère gagné, 150 points." in page
    # The position moved too, said with the bands the page shows (never an exact rank).
    assert (
        "Votre position parmi les demandes similaires : vous étiez entre la 6e et la 12e place sur 12 ; "
        "vous êtes maintenant entre la 1re et la 5e place sur 12" in page
    )
    # Shown once.
    assert "Ce que votre mise à jour a changé" not in _texte(
        client.get(reverse("demandeurs:demande", args=[demande.pk]))
    )
    assert "ressources_modestes" not in page and "revenu_annuel_par_uc" not in page

    evenement = Evenement.objects.pour(demande).get(action="modification")
    assert evenement.auteur_id == compte.utilisateur_id
    assert evenement.resume == "Mise à jour en ligne (ménage demandeur) : ressources du ménage."
    assert evenement.details["changements"]["personnes[demandeur].salaires"] == {"avant": "1500.00", "apres": "500.00"}
    guichet_client = Client()
    guichet_client.force_login(agent)
    fiche = _texte(guichet_client.get(reverse("demandes:detail", args=[demande.pk])))
    assert "Mise à jour en ligne (ménage demandeur) : ressources du ménage." in fiche


def test_les_memes_messages_qu_au_guichet(menage: tuple[CompteDemandeur, Demande], agent: Any) -> None:
    compte, demande = menage
    client = client_de(compte)
    url = reverse("demandeurs:modifier", args=[demande.pk, "recherche"])
    faux = {"recherche-typologie_min": "4", "recherche-typologie_max": "2", "recherche-loyer_max": "-5"}
    reponse = client.post(url, _donnees(_formulaires(client.get(url))) | faux)
    assert reponse.status_code == 400
    en_ligne = _erreurs(reponse)
    assert "La typologie maximale doit être supérieure ou égale à la typologie minimale." in en_ligne

    guichet_client = Client()
    guichet_client.force_login(agent)
    url_guichet = reverse("demandes:modifier", args=[demande.pk])
    au_guichet = _erreurs(
        guichet_client.post(url_guichet, _donnees(_formulaires(guichet_client.get(url_guichet))) | faux)
    )
    assert en_ligne == au_guichet
    demande.refresh_from_db()
    assert demande.typologie_min == 2 and not Evenement.objects.pour(demande).filter(action="modification").exists()

    # The current dwelling: the rule of a social tenant, as at the desk.
    url = reverse("demandeurs:modifier", args=[demande.pk, "logement"])
    donnees = _donnees(_formulaires(client.get(url))) | {
        "logement-statut_logement_actuel": enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL,
        "logement-bailleur_actuel": "",
    }
    assert "Indiquez le bailleur social actuel d'un locataire HLM." in _erreurs(client.post(url, donnees))


def test_chaque_partie_du_cerfa_se_met_a_jour_en_ligne(menage: tuple[CompteDemandeur, Demande]) -> None:
    compte, demande = menage
    client = client_de(compte)
    page = client.get(reverse("demandeurs:demande", args=[demande.pk])).content.decode()
    for section in ("menage", "ressources", "logement", "recherche", "coordonnees"):
        assert f'id="modifier-{section}"' in page

    def envoyer(section: str, changements: dict[str, Any], action: str = "enregistrer") -> Any:
        url = reverse("demandeurs:modifier", args=[demande.pk, section])
        return client.post(url, _donnees(_formulaires(client.get(url))) | changements | {"action": action})

    assert (
        envoyer("coordonnees", {"coordonnees-telephone": "0612345678", "coordonnees-ville": "Narbonne"}).status_code
        == 302
    )
    assert envoyer("logement", {"logement-motifs_secondaires": [enums.Motif.SEPARATION]}).status_code == 302
    assert envoyer("recherche", {"recherche-typologie_max": "4"}).status_code == 302
    # The household: a child is added (one more row, then saved); the documents it calls for are now awaited.
    url = reverse("demandeurs:modifier", args=[demande.pk, "menage"])
    ajout = client.post(url, _donnees(_formulaires(client.get(url))) | {"action": "ajouter_personne"})
    assert ajout.status_code == 200 and ajout.context["formset"].total_form_count() == 2
    enfant = {
        "personnes-1-role": enums.RolePersonne.PERSONNE_A_LOGER,
        "personnes-1-lien": enums.LienParente.ENFANT,
        "personnes-1-civilite": enums.Civilite.MONSIEUR,
        "personnes-1-nom": "Martin",
        "personnes-1-prenoms": "Hugo",
        "personnes-1-date_naissance": "2018-03-02",
        "personnes-1-situation_familiale": enums.SituationFamiliale.CELIBATAIRE,
        "personnes-1-a_charge": "on",
    }
    donnees = _donnees([ajout.context["formset"]]) | enfant | {"action": "enregistrer"}
    assert client.post(url, donnees).status_code == 302

    demande.refresh_from_db()
    demandeur = demande.personnes.get(role=enums.RolePersonne.DEMANDEUR)
    assert demandeur.telephone == "0612345678" and demande.typologie_max == 4
    assert list(demande.motifs_secondaires.values_list("motif", flat=True)) == [enums.Motif.SEPARATION]
    assert demande.personnes.count() == 2
    awaited = set(PieceJustificative.objects.filter(demande=demande).values_list("critere", flat=True))
    assert {"separation", "composition_familiale"} <= awaited
    actions = list(Evenement.objects.pour(demande).filter(action="modification").values_list("auteur_id", flat=True))
    assert len(actions) == 4 and set(actions) == {compte.utilisateur_id}
    # What followed the household's writes (documents now awaited) is carried by Attrib itself.
    suite = Evenement.objects.pour(demande).filter(action="pieces_attendues").first()
    assert suite is not None and suite.auteur_id is None
    # Sent back unchanged: nothing is written, and the household is told so.
    inchange = envoyer("recherche", {})
    assert inchange.status_code == 302
    assert "Vous n'avez rien changé" in _texte(client.get(inchange["Location"]))
    assert Evenement.objects.pour(demande).filter(action="modification").count() == 4


def test_le_menage_ne_declare_ni_situation_prioritaire_ni_decision_dalo(
    menage: tuple[CompteDemandeur, Demande],
) -> None:
    compte, demande = menage
    with pytest.raises(Refus, match="sur justificatif"):
        demande_modifier(demande=demande, auteur=acteur(compte), priorites=["l441_k"])
    with pytest.raises(Refus):
        demande_modifier(
            demande=demande,
            auteur=acteur(compte),
            donnees={"dalo_reconnu": True, "dalo_date_decision": date(2025, 1, 1)},
        )
    assert not demande.situations_prioritaires.exists()


def test_l_explication_ne_nomme_aucune_situation_confidentielle(narbonne: Any) -> None:
    _publier_grille()
    demande = _demande(narbonne, priorites=("l441_g",))
    releve = actes.releve(demande)
    assert releve["score"] is not None
    libelles = [libelle for libelle, _ in releve["criteres"].values()]
    assert LIBELLE_CONFIDENTIEL in libelles and not any("violences" in libelle.lower() for libelle in libelles)
    explication = actes.changement({"score": None}, releve)
    assert all("violences" not in ligne.phrase.lower() for ligne in explication.lignes)


# --- renewal in its window, withdrawal by the household ---------------------------------------------------------


def test_renouvellement_en_ligne_dans_sa_fenetre_et_sa_confirmation(narbonne: Any, agent: Any) -> None:
    jour = timezone.localdate()
    recente = _demande(narbonne)
    compte = compte_verifie()
    _lier(compte, recente)
    client = client_de(compte)
    ouverture = regles.ouverture_renouvellement_en_ligne(recente.date_echeance)
    page = _texte(client.get(reverse("demandeurs:demande", args=[recente.pk])))
    assert f"Vous pourrez la renouveler en ligne à partir du {ouverture.day}" in page
    fermee = client.get(reverse("demandeurs:renouveler", args=[recente.pk]))
    assert 'id="form-renouveler"' not in fermee.content.decode()  # the window is closed: no form to fill in
    reponse = client.post(reverse("demandeurs:renouveler", args=[recente.pk]), _donnees([fermee.context["form"]]))
    assert reponse.status_code == 400
    assert f"vous pourrez la renouveler en ligne à partir du {ouverture:%d/%m/%Y}" in _texte(reponse)
    recente.refresh_from_db()
    assert recente.date_dernier_renouvellement is None

    # A demand filed ten months ago: its window is open; renewing keeps its seniority and moves its échéance.
    ancienne = _demande(
        narbonne, personnes=[personne(nom="Durand", email="durand@example.org")], date_depot=jour - timedelta(days=300)
    )
    durand = compte_verifie("durand@example.org")
    _lier(durand, ancienne)
    client = client_de(durand)
    page = client.get(reverse("demandeurs:demande", args=[ancienne.pk])).content.decode()
    assert 'id="lien-renouveler"' in page
    formulaire = client.get(reverse("demandeurs:renouveler", args=[ancienne.pk]))
    assert 'id="form-renouveler"' in formulaire.content.decode()
    reponse = client.post(reverse("demandeurs:renouveler", args=[ancienne.pk]), _donnees([formulaire.context["form"]]))
    assert reponse.status_code == 302
    ancienne.refresh_from_db()
    assert ancienne.date_dernier_renouvellement == jour and ancienne.date_echeance == regles.echeance(jour)
    assert ancienne.date_depot_initiale == jour - timedelta(days=300)
    page = _texte(client.get(reponse["Location"]))
    assert f"Votre demande est renouvelée : elle est valable jusqu'au {ancienne.date_echeance.day}" in page
    evenement = Evenement.objects.pour(ancienne).get(action="renouvellement")
    assert evenement.auteur_id == durand.utilisateur_id
    # The confirmation is a notice, written and sent by the worker.
    traiter_avis.enqueue()
    avis = Avis.objects.get(demande=ancienne, nature="renouvellement")
    assert f"valable jusqu'au {ancienne.date_echeance:%d/%m/%Y}" in avis.texte
    assert any("Votre demande est renouvelée" in m.subject for m in mail.outbox if "durand@example.org" in m.to)
    guichet_client = Client()
    guichet_client.force_login(agent)
    fiche = _texte(guichet_client.get(reverse("demandes:detail", args=[ancienne.pk])))
    assert f"Demande renouvelée jusqu'au {ancienne.date_echeance:%d/%m/%Y}" in fiche


def test_retrait_par_le_menage_seul_avec_confirmation(menage: tuple[CompteDemandeur, Demande], agent: Any) -> None:
    compte, demande = menage
    social = _aide(compte, demande, "as@example.org", Qualite.TRAVAILLEUR_SOCIAL)
    codemandeur = _aide(compte, demande, "marc@example.org", Qualite.CODEMANDEUR)
    url = reverse("demandeurs:retirer", args=[demande.pk])
    for aide in (social, codemandeur):
        assert client_de(aide).get(url).status_code == 404
        assert client_de(aide).post(url, {"retrait-confirmation": "on"}).status_code == 404
        assert (
            'id="lien-retirer"'
            not in client_de(aide).get(reverse("demandeurs:demande", args=[demande.pk])).content.decode()
        )
        with pytest.raises(Refus):
            demande_radier(demande=demande, auteur=acteur(aide), motif=enums.MotifRadiation.RENONCIATION)
    client = client_de(compte)
    page = _texte(client.get(url))
    assert "Son ancienneté sera perdue" in page and "radiée « à la demande du demandeur »" in page
    sans_confirmation = client.post(url, {})
    assert sans_confirmation.status_code == 400
    assert "Cochez cette case pour confirmer le retrait de votre demande." in _texte(sans_confirmation)
    with pytest.raises(Refus):  # the household withdraws; it does not strike off for another reason
        demande_radier(demande=demande, auteur=acteur(compte), motif=enums.MotifRadiation.ATTRIBUTION)
    assert client.post(url, {"retrait-confirmation": "on"}).status_code == 302
    demande.refresh_from_db()
    assert demande.statut == enums.StatutDemande.RADIEE
    assert demande.motif_radiation == enums.MotifRadiation.RENONCIATION
    assert demande.date_radiation == timezone.localdate()
    evenement = Evenement.objects.pour(demande).get(action="radiation")
    assert evenement.auteur_id == compte.utilisateur_id
    guichet_client = Client()
    guichet_client.force_login(agent)
    fiche = _texte(guichet_client.get(reverse("demandes:detail", args=[demande.pk])))
    assert "Renonciation du demandeur" in fiche and "Par l'espace demandeur en ligne" in fiche
    traiter_avis.enqueue()
    avis = Avis.objects.get(demande=demande, nature="radiation")
    assert "est retirée, comme vous l'avez demandé" in avis.texte and "Raison : renonciation du demandeur" in avis.texte
    # A demand that ended is no longer updated, renewed nor withdrawn.
    for nom, args in (("retirer", []), ("renouveler", []), ("modifier", ["ressources"])):
        assert client.get(reverse(f"demandeurs:{nom}", args=[demande.pk, *args])).status_code == 404
    assert 'id="mettre-a-jour"' not in client.get(reverse("demandeurs:demande", args=[demande.pk])).content.decode()


def test_ce_que_chaque_qualite_de_liaison_peut_faire(menage: tuple[CompteDemandeur, Demande], narbonne: Any) -> None:
    compte, demande = menage
    social = _aide(compte, demande, "as@example.org", Qualite.TRAVAILLEUR_SOCIAL)
    piece = PieceJustificative.objects.filter(demande=demande, sensible=False).first()
    assert piece is not None
    # The social worker helps: documents, updates, renewal (here refused for its date, not for its right).
    piece_deposer(piece=piece, fichier=SimpleUploadedFile("a.pdf", PDF), auteur=acteur(social))
    demande_modifier(demande=demande, auteur=acteur(social), donnees={"loyer_max": Decimal("600")})
    with pytest.raises(ValidationError, match="à partir du"):
        demande_renouveler(demande=demande, auteur=acteur(social))
    # A household never acts on another's demand.
    autre = _demande(narbonne, personnes=[personne(nom="Durand", email="durand@example.org")])
    with pytest.raises(Refus):
        demande_modifier(demande=autre, auteur=acteur(compte), donnees={"loyer_max": Decimal("600")})
    with pytest.raises(Refus):
        demande_renouveler(demande=autre, auteur=acteur(compte))
    with pytest.raises(Refus):
        piece_deposer(
            piece=PieceJustificative.objects.filter(demande=autre).first(),  # type: ignore[arg-type]
            fichier=SimpleUploadedFile("a.pdf", PDF),
            auteur=acteur(compte),
        )
    # Once the household withdraws the access, the social worker can do nothing more.
    Liaison.objects.filter(compte=social).update(retiree_le=timezone.now())
    with pytest.raises(Refus):
        demande_modifier(demande=demande, auteur=acteur(social), donnees={"loyer_max": Decimal("650")})


def test_les_aides_ne_lisent_ni_ne_changent_les_motifs_ni_le_handicap(narbonne: Any) -> None:
    demande = _demande(
        narbonne,
        personnes=[personne(email="lea.martin@example.org", handicap=True)],
        motif_principal=enums.Motif.VIOLENCES,
    )
    compte = compte_verifie()
    _lier(compte, demande)
    codemandeur = _aide(compte, demande, "marc@example.org", Qualite.CODEMANDEUR)
    client = client_de(codemandeur)
    url = reverse("demandeurs:modifier", args=[demande.pk, "logement"])
    page = client.get(url)
    assert "logement-motif_principal" not in page.content.decode() and "Violences" not in _texte(page)
    assert client.post(url, _donnees(_formulaires(page)) | {"logement-loyer_actuel": "480"}).status_code == 302
    url = reverse("demandeurs:modifier", args=[demande.pk, "menage"])
    page = client.get(url)
    assert "personnes-0-handicap" not in page.content.decode()
    assert client.post(url, _donnees(_formulaires(page)) | {"personnes-0-telephone": "0611223344"}).status_code == 302
    demande.refresh_from_db()
    demandeur = demande.personnes.get(role=enums.RolePersonne.DEMANDEUR)
    assert demande.loyer_actuel == Decimal("480") and demandeur.telephone == "0611223344"
    assert demande.motif_principal == enums.Motif.VIOLENCES and demandeur.handicap  # kept as recorded
    with pytest.raises(Refus, match="confidentielle"):
        demande_modifier(demande=demande, auteur=acteur(codemandeur), motifs_secondaires=[enums.Motif.SEPARATION])
    # The household itself reads and changes them.
    page = client_de(compte).get(reverse("demandeurs:modifier", args=[demande.pk, "logement"]))
    assert "logement-motif_principal" in page.content.decode()
