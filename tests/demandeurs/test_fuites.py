"""Nothing internal reaches a household: every page of the applicant space of the demo's households, the
notices of their inbox, their emails and their letters are read as a household reads them and searched for
criterion codes, reliability tags ([K], [S], [V]), file names, English technical words, unexplained acronyms and
staff notes (issue 13, point 4; decision 0031). And a co-applicant or a social worker given access never reads a
sensitive situation by name.

The pages are found from the applicant space's URLs (``attrib/demandeurs/urls.py``): a page added later is
audited too. Its identifiers are filled from the account's own demand and links; every HTML answer is read, error
pages included (a form that only takes POST answers without a page)."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from attrib.avis.models import Avis, Canal, Envoi
from attrib.avis.services import courrier_html
from attrib.avis.taches import traiter_avis
from attrib.cotation.models import Cotation, VersionGrille
from attrib.demandes import enums
from attrib.demandes.models import Demande, PieceJustificative
from attrib.demandes.pieces import piece_deposer, piece_valider
from attrib.demandes.services import demande_modifier, demande_radier
from attrib.demandeurs.models import CompteDemandeur, Liaison, Qualite
from attrib.demo.chargement import charger_demo
from attrib.engine.cotation.explication_demandeur import LIBELLE_CONFIDENTIEL_DEMANDEUR
from attrib.engine.lisibilite import Defaut, examiner
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from attrib.territoires.models import Commune
from tests.factories import territoire_minimal

pytestmark = pytest.mark.django_db

SYSTEME = acteur_systeme("test des fuites")
#: What a desk agent typed for the staff only: it must never reach the household.
NOTE_DU_PERSONNEL = "NOTE-INTERNE-7Q ménage injoignable, voir avec la cheffe de service"
VIOLENCES = "l441_g"


@pytest.fixture(autouse=True)
def _reglages(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ATTRIB_AVIS_PAUSE_S = 0
    settings.ATTRIB_AVIS_GARDE_S = 0
    settings.ATTRIB_URL_PUBLIQUE = "http://testserver"


@dataclass
class Demo:
    titulaire: CompteDemandeur
    autre_menage: CompteDemandeur
    travailleur_social: CompteDemandeur
    demande: Demande
    radiee: Demande


def _compte(courriel: str) -> CompteDemandeur:
    return CompteDemandeur.objects.select_related("utilisateur").get(courriel=courriel)


@pytest.fixture
def demo() -> Demo:
    """The demo (30 demands, no stock) with its applicant accounts; the first household's demand then declares a
    violence situation (sensitive) and has a document validated; the second household's demand is struck off
    with a staff comment. The outbox is then run: notices, emails and letters."""
    epci = territoire_minimal()
    for code, nom in (("11266", "Port-la-Nouvelle"), ("11202", "Leucate")):
        Commune.objects.get_or_create(
            code_insee=code, defaults={"nom": nom, "departement": "11", "region": "76", "epci": epci}
        )
    charger_demo(nb_demandes=30, seed=5, date_reference=timezone.localdate(), avec_parc=False, stdout=io.StringIO())
    titulaire = _compte("menage1.demo@example.org")
    autre = _compte("menage2.demo@example.org")
    demande = Liaison.objects.get(compte=titulaire, qualite=Qualite.TITULAIRE).demande
    radiee = Liaison.objects.get(compte=autre, qualite=Qualite.TITULAIRE).demande
    priorites = sorted({*demande.situations_prioritaires.values_list("priorite_id", flat=True), VIOLENCES})
    demande_modifier(demande=demande, auteur=SYSTEME, priorites=priorites)
    for piece in PieceJustificative.objects.filter(demande=demande):
        piece_deposer(
            piece=piece, fichier=ContentFile(b"%PDF-1.4 essai", name="justificatif-scanne.pdf"), auteur=SYSTEME
        )
    ordinaire = PieceJustificative.objects.filter(demande=demande, sensible=False).first()
    if ordinaire is not None:
        piece_valider(piece=ordinaire, auteur=SYSTEME)
    demande_radier(
        demande=radiee, auteur=SYSTEME, motif=enums.MotifRadiation.RENONCIATION, commentaire=NOTE_DU_PERSONNEL
    )
    mail.outbox.clear()
    traiter_avis.enqueue()
    return Demo(titulaire, autre, _compte("travailleur.social.demo@example.org"), demande, radiee)


# --- reading as a household reads ------------------------------------------------------------------------------


def _visible(page: str) -> str:
    """The text a person reads (or hears: alternative texts, labels of the screen reader), one block a line."""
    page = re.sub(r"(?is)<(script|style|template)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    attributs = re.findall(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"', page)
    page = re.sub(
        r"(?i)<(?:br|/p|/li|/h\d|/div|/td|/th|/tr|/summary|/button|/a|/label|/legend|/option)\b[^>]*>", "\n", page
    )
    texte = html.unescape(re.sub(r"<[^>]+>", " ", page))
    lignes = [re.sub(r"[ \t\u00a0]+", " ", ligne).strip() for ligne in [*texte.splitlines(), *attributs]]
    return "\n".join(ligne for ligne in lignes if ligne)


def _noms_propres() -> list[str]:
    """Names printed as they are: an organisation (« CA Le Grand Narbonne »), a grid's title, the licence of the
    software in the footer."""
    return [
        *Organisation.objects.values_list("nom", flat=True),
        *VersionGrille.objects.values_list("libelle", flat=True),
        "AGPL-3.0",
    ]


def _codes_des_grilles() -> set[str]:
    """The identifiers of the published grids' criteria, sections and values; a one-word identifier that is a
    word of the grid's own labels (« situation ») is left to the other checks."""
    codes: set[str] = set()
    for version in VersionGrille.objects.all():
        grille = version.charger()
        ids = {c.id for _, c in grille.criteres()} | {s.id for s in grille.sections} | {v.id for v in grille.valeurs}
        libelles = " ".join([c.libelle for _, c in grille.criteres()] + [s.libelle for s in grille.sections]).lower()
        codes |= {i for i in ids if "_" in i or not re.search(rf"\b{re.escape(i)}\b", libelles)}
    return codes


def _fuites(texte: str, *, ou: str, noms: list[str], codes: set[str]) -> list[str]:
    trouvees = [f"{ou} : {d}" for d in examiner(texte, noms_propres=noms, lisibilite=False)]
    for code in codes:
        if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", texte):
            trouvees.append(f"{ou} : code de critère « {code} »")
    if "NOTE-INTERNE" in texte or "cheffe de service" in texte:
        trouvees.append(f"{ou} : note du personnel")
    return trouvees


def _urls_espace(client: Client, compte: CompteDemandeur) -> Iterator[str]:
    """Every GET-able address of the applicant space for this account (its demands and links filled in)."""
    liaisons = list(Liaison.objects.filter(compte=compte, retiree_le__isnull=True))
    resolver = get_resolver()
    espace = next(
        p for p in resolver.url_patterns if isinstance(p, URLResolver) and getattr(p, "namespace", "") == "demandeurs"
    )
    for motif in espace.url_patterns:
        if not isinstance(motif, URLPattern) or motif.name is None:
            continue
        noms = set(motif.pattern.regex.groupindex)
        for liaison in liaisons:
            valeurs: dict[str, Any] = {"pk": liaison.demande_id, "liaison_pk": liaison.pk, "jeton": "jeton-essai"}
            arguments = {n: valeurs.get(n, 1) for n in noms}
            yield reverse(f"demandeurs:{motif.name}", kwargs=arguments)
            if not noms:
                break


def _lire_pages(client: Client, compte: CompteDemandeur) -> dict[str, str]:
    pages = {}
    for url in dict.fromkeys(_urls_espace(client, compte)):
        reponse = client.get(url)
        # Error pages are read too (a refused link, a missing page): a household reads them as well.
        if reponse.get("Content-Type", "").startswith("text/html") and reponse.content:
            pages[url] = _visible(reponse.content.decode())
    return pages


def _client(compte: CompteDemandeur) -> Client:
    client = Client()
    client.force_login(compte.utilisateur)
    return client


# --- the audit ------------------------------------------------------------------------------------------------


def test_aucune_fuite_interne_sur_les_pages_les_avis_les_courriels_et_les_courriers(demo: Demo) -> None:
    noms, codes = _noms_propres(), _codes_des_grilles()
    fuites: list[str] = []
    lues: dict[str, str] = {}
    for compte in (demo.titulaire, demo.autre_menage, demo.travailleur_social):
        for url, texte in _lire_pages(_client(compte), compte).items():
            lues[f"{compte.courriel} {url}"] = texte
    for url in (reverse("demandeurs:connexion"), reverse("demandeurs:inscription")):
        lues[f"anonyme {url}"] = _visible(Client().get(url).content.decode())
    # Every page of the space was read, the demand's page of each household and of the social worker included.
    for demande in (demo.demande, demo.radiee):
        assert (
            f"{demo.titulaire.courriel if demande == demo.demande else demo.autre_menage.courriel} "
            + reverse("demandeurs:demande", args=[demande.pk])
            in lues
        )
    assert any("Votre score et votre position" in t for t in lues.values())
    for ou, texte in lues.items():
        fuites += _fuites(texte, ou=ou, noms=noms, codes=codes)

    avis = list(Avis.objects.filter(demande__in=[demo.demande, demo.radiee]).select_related("demande__guichet"))
    assert {"radiation", "pieces_attendues", "piece_validee"} <= {a.nature for a in avis}
    for a in avis:
        fuites += _fuites(f"{a.titre}\n{a.texte}", ou=f"avis {a.nature}", noms=noms, codes=codes)
    adresses = {p.email for d in (demo.demande, demo.radiee) for p in d.personnes.all() if p.email}
    courriels = [m for m in mail.outbox if set(m.to) & adresses]
    for message in courriels:
        fuites += _fuites(
            f"{message.subject}\n{message.body}", ou=f"courriel « {message.subject} »", noms=noms, codes=codes
        )
    courriers = Envoi.objects.filter(avis__in=avis, canal=Canal.COURRIER).select_related("avis__demande__guichet")
    for envoi in courriers:
        texte = _visible(courrier_html(envoi.avis, envoi.avis.demande))
        fuites += _fuites(texte, ou=f"courrier {envoi.avis.nature}", noms=noms, codes=codes)
    # The demo's households are reached by email or by letter: one of the two was read for each notice.
    assert len(courriels) + courriers.count() == len(avis)

    assert not fuites, "\n".join(fuites)


def test_le_menage_lit_sa_situation_sensible_le_travailleur_social_et_le_co_demandeur_non(demo: Demo) -> None:
    cotation = Cotation.objects.get(demande=demo.demande)
    assert any(k.startswith("l441_g") for k in cotation.detail["provisoire"])
    url = reverse("demandeurs:demande", args=[demo.demande.pk])
    menage = _visible(_client(demo.titulaire).get(url).content.decode())
    score = menage[menage.index("Votre score et votre position") : menage.index("Ce qui changerait votre position")]
    assert "Victime de violences au sein du couple" in score and LIBELLE_CONFIDENTIEL_DEMANDEUR not in score
    # Its notices (an email, a letter may be read by someone else in the home) never name it.
    boite = menage[menage.index("Mes avis") : menage.index("Mes pièces justificatives")]
    assert "violence" not in boite.lower()

    social = _visible(_client(demo.travailleur_social).get(url).content.decode())
    assert LIBELLE_CONFIDENTIEL_DEMANDEUR in social
    for revelateur in ("violence", "mariage forcé", "Victime"):
        assert revelateur.lower() not in social.lower(), revelateur
    # The confidential line keeps its points: the detail still adds up to the score shown.
    ligne = next(ligne for ligne in social.splitlines() if ligne.startswith(LIBELLE_CONFIDENTIEL_DEMANDEUR))
    assert ligne == LIBELLE_CONFIDENTIEL_DEMANDEUR
    assert "Pièce confidentielle" in social or not demo.demande.pieces.filter(sensible=True).exists()

    # A co-applicant given access by the household reads the same as the social worker.
    from tests.demandeurs.outils import compte_verifie

    co = compte_verifie("co.demandeur@example.org")
    titulaire = Liaison.objects.get(compte=demo.titulaire, demande=demo.demande)
    Liaison.objects.create(compte=co, demande=demo.demande, qualite=Qualite.CODEMANDEUR, accordee_par=titulaire)
    lu = _visible(_client(co).get(url).content.decode())
    assert LIBELLE_CONFIDENTIEL_DEMANDEUR in lu and "violence" not in lu.lower()


def test_le_controle_trouve_ce_qu_il_cherche() -> None:
    """The audit is not blind: each kind of leak it looks for is found in a text that holds it."""
    noms: list[str] = []
    codes = {"l441_g_violences", "poulidor"}
    for texte, attendu in (
        ("Critère l441_g_violences : 500 points.", "code"),
        ("Bonus poulidor appliqué.", "code de critère"),
        ("Source : DOMAIN.md §1.3 [K].", "étiquette"),
        ("Voir socle.yaml.", "nom de fichier"),
        ("Votre token a expiré.", "anglais"),
        ("Priorité DALO reconnue.", "sigle non expliqué"),
        (f"Motif : {NOTE_DU_PERSONNEL}", "note du personnel"),
    ):
        trouvees = _fuites(texte, ou="essai", noms=noms, codes=codes)
        assert any(attendu in f for f in trouvees), (texte, trouvees)
    assert _fuites("Ménage reconnu au titre du droit au logement opposable (DALO).", ou="", noms=[], codes=codes) == []
    assert isinstance(Defaut("a", "b"), Defaut)
