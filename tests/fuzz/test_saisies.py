"""Generated values posted into every form and every API write endpoint of the product: never a 500, and
nothing half written (when the answer is an error, no table gained or lost a row).

The forms are discovered, not listed: every page of the permission matrix is opened by each profile allowed
to see it, and every ``<form>`` found there is submitted (POST, and GET for search forms) with values drawn
by hypothesis around what the page offered: control characters and bidirectional overrides, huge and
negative numbers, odd and far dates, empty values, very long strings, values outside the choices, random
files. The registration wizard is walked to each of its steps first. The API write endpoints come from the
URL configuration (every DRF view with a write method), each mutated from a valid body. Each example runs in
a savepoint rolled back afterwards, so that examples are independent; the number of examples per form is
bounded so that the whole run takes a few minutes.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from attrib.organisations.models import Organisation
from tests.api.aide import corps_demande
from tests.demandes.test_views import ETAPE_1, ETAPE_2_UNE_PERSONNE, ETAPE_3, ETAPE_4
from tests.factories import NARBONNE
from tests.fuzz.formulaires import Formulaire, formulaires_de, routes_api_en_ecriture
from tests.permissions.test_matrice import MATRICE, Monde, _arguments

pytestmark = pytest.mark.django_db(transaction=False)

#: Examples per form and per API endpoint (bounded: the whole run takes a few minutes).
EXEMPLES = 12
#: Forms that end the session rather than write anything.
EXCLUES = {"logout", "login", "deconnexion"}  # deconnexion: the applicant space's logout

VALEURS_PIEGES = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e400",
    "-1e400",
    "NaN",
    "inf",
    "1,5",
    "1.005",
    "99999999999",
    str(2**31),
    str(2**63),
    "9" * 40,
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "1850-01-01",
    "2011-03-31",
    "31/02/2024",
    "2024-02-30",
    "=1+1",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "Mar\x07tin",
    "a\x00b",
    "\x1b[31mrouge",
    "Léa\u202eaéL",
    "\u2066isolé\u2069",
    "\t\r\n",
    "🏠" * 3,
    "x" * 101,
    "é" * 301,
    "9" * 5000,
    "y" * 70_000,
]
TEXTE_LIBRE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
FUZZ_TEXTE = st.one_of(
    st.sampled_from(VALEURS_PIEGES),
    TEXTE_LIBRE,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(lambda d: f"{d:%d/%m}/{d.year}"),
)
FUZZ_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(VALEURS_PIEGES),
        st.sampled_from(["\ud800", "a\udfffb"]),  # lone surrogates, sent escaped in JSON
        TEXTE_LIBRE,
    ),
    lambda enfants: st.one_of(st.lists(enfants, max_size=3), st.dictionaries(st.text(max_size=8), enfants, max_size=3)),
    max_leaves=6,
)
REGLAGES = settings(
    max_examples=EXEMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

MODELES = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


def lignes() -> dict[str, int]:
    """Row count of every table of the product, in one query."""
    tables = [m._meta.db_table for m in MODELES]
    q = connection.ops.quote_name
    with connection.cursor() as curseur:
        curseur.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {q(t)})" for t in tables))
        return dict(zip(tables, curseur.fetchone(), strict=True))


def _valeur_champ(champ: Any) -> st.SearchStrategy[Any]:
    if champ.type == "file":
        contenus = st.one_of(
            st.binary(max_size=300),
            st.sampled_from([b"", "nom;prenom\n\x00;\u202e\n".encode(), b"%PDF-1.4\n" + b"x" * 2000]),
        )
        return st.one_of(st.none(), contenus.map(lambda b: SimpleUploadedFile("fichier.csv", b)))
    if champ.type in ("checkbox", "radio") or (champ.type == "select" and champ.multiple):
        choix = champ.options or ["on"]
        return st.lists(st.one_of(st.sampled_from(choix), FUZZ_TEXTE), max_size=3)
    if champ.type == "select":
        return st.one_of(st.sampled_from(champ.options or [""]), FUZZ_TEXTE)
    return st.one_of(st.just(champ.valeur), FUZZ_TEXTE)


def donnees_formulaire(formulaire: Formulaire) -> st.SearchStrategy[dict[str, Any]]:
    """Every field drawn (kept as offered, or replaced by a trap), plus one of the submit buttons."""
    champs = {nom: _valeur_champ(c) for nom, c in formulaire.champs.items()}
    boutons = st.sampled_from(formulaire.boutons) if formulaire.boutons else st.none()
    return st.tuples(st.fixed_dictionaries(champs), boutons).map(
        lambda t: {k: v for k, v in t[0].items() if v is not None and v != []} | ({t[1][0]: t[1][1]} if t[1] else {})
    )


def _est_une_erreur(reponse: Any) -> bool:
    if reponse.status_code >= 400:
        return True
    if reponse.status_code != 200 or "html" not in reponse.get("Content-Type", ""):
        return False
    page = reponse.content.decode(errors="replace")
    return any(m in page for m in ("fr-error-text", "fr-alert--error", "fr-message--error"))


@dataclass
class Cible:
    profil: str
    url_page: str
    formulaire: Formulaire


def _client(monde: Monde, profil: str) -> Client:
    client = Client()
    client.force_login(monde.utilisateurs[profil])
    return client


def _assistant_jusqu_a(client: Client, monde: Monde, etape: int) -> None:
    """Type valid steps 1 … ``etape - 1`` of the registration wizard."""
    guichet = Organisation.objects.get(code_guichet="MHN01")
    valides = {
        1: {
            "enregistrement-guichet": str(guichet.pk),
            "enregistrement-date_depot": date.today().isoformat(),
            **ETAPE_1,
        },
        2: ETAPE_2_UNE_PERSONNE,
        3: {k: v for k, v in ETAPE_3.items() if "codemandeur" not in k},
        4: ETAPE_4,
        5: {
            "logement_recherche-typologie_min": "3",
            "logement_recherche-typologie_max": "4",
            "logement_recherche-type_logement_recherche": "indifferent",
            "logement_recherche-commune_1": NARBONNE,
        },
    }
    for n in range(1, etape):
        reponse = client.post(reverse("demandes:nouvelle_etape", args=[n]), {**valides[n], "action": "suivant"})
        assert reponse.status_code == 302, f"étape {n} de l'assistant refusée : {reponse.content[:2000]!r}"


def cibles(monde: Monde) -> tuple[list[Cible], dict[str, Client]]:
    """Every form of every page each allowed profile can open (one per action and set of fields)."""
    clients: dict[str, Client] = {}
    trouvees: dict[tuple[Any, ...], Cible] = {}

    def explorer(profil: str, client: Client, url: str) -> None:
        reponse = client.get(url)
        if reponse.status_code != 200 or "html" not in reponse.get("Content-Type", ""):
            return
        for formulaire in formulaires_de(url, reponse.content.decode()):
            if resolve(urlsplit(formulaire.action).path).url_name in EXCLUES:
                continue
            trouvees.setdefault((profil, *formulaire.signature()), Cible(profil, url, formulaire))

    for route in MATRICE:
        if route.api or route.methode != "get":
            continue
        for profil in sorted(route.autorises):
            client = clients.setdefault(profil, _client(monde, profil))
            explorer(profil, client, reverse(route.nom, args=_arguments(route, monde)) + route.suffixe)
    # The steps of the registration wizard, each reached by typing the steps before it.
    for etape in range(2, 6):
        nom = f"assistant-{etape}"
        clients[nom] = _client(monde, "guichet")
        _assistant_jusqu_a(clients[nom], monde, etape)
        avant = len(trouvees)
        explorer(nom, clients[nom], reverse("demandes:nouvelle_etape", args=[etape]))
        assert len(trouvees) > avant, f"étape {etape} de l'assistant sans formulaire"
    # Dedupe across profiles: one profile per form (the first allowed one in name order).
    une_fois: dict[tuple[Any, ...], Cible] = {}
    for (_, *signature), cible in sorted(trouvees.items(), key=lambda kv: kv[0]):
        une_fois.setdefault(tuple(signature), cible)
    return list(une_fois.values()), clients


def _soumettre(client: Client, cible: Cible, donnees: dict[str, Any]) -> Any:
    f = cible.formulaire
    if f.methode == "get":
        return client.get(urlsplit(f.action).path, {k: v for k, v in donnees.items() if not hasattr(v, "read")})
    return client.post(f.action, donnees)


def _sans_ecriture(avant: dict[str, int], apres: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {k: (avant[k], apres[k]) for k in avant if avant[k] != apres[k]}


@pytest.fixture
def sessions_en_cookie(settings: Any) -> None:
    # The wizard's draft lives in the session: signed cookies keep it across the rolled-back examples.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"


def essai_formulaire(client: Client, cible: Cible) -> Any:
    """A hypothesis test of one form, for one client; every example starts from the same session."""
    instantane = copy.deepcopy(client.cookies)

    @REGLAGES
    @given(donnees=donnees_formulaire(cible.formulaire))
    def essai(donnees: dict[str, Any]) -> None:
        client.cookies = copy.deepcopy(instantane)
        with transaction.atomic():
            ecriture = cible.formulaire.methode == "post"
            avant = lignes() if ecriture else {}
            reponse = _soumettre(client, cible, donnees)
            assert reponse.status_code < 500, f"{reponse.status_code} pour {donnees!r}"
            if ecriture and _est_une_erreur(reponse):
                ecrit = _sans_ecriture(avant, lignes())
                assert not ecrit, f"réponse d'erreur mais lignes écrites {ecrit} pour {donnees!r}"
            transaction.set_rollback(True)

    return essai


def test_chaque_formulaire_sans_500_ni_ecriture_partielle(monde, sessions_en_cookie):
    liste, clients = cibles(monde)
    assert len(liste) > 40, "la découverte des formulaires a échoué"
    echecs: list[str] = []
    for cible in liste:
        try:
            essai_formulaire(clients[cible.profil], cible)()
        except Exception as exc:  # noqa: BLE001 - every form is tried, then all failures are reported
            f = cible.formulaire
            echecs.append(f"{f.methode.upper()} {f.action} ({cible.profil}) : {exc!r}"[:3000])
    assert not echecs, "\n\n".join(echecs)


#: A valid body for each API write endpoint, mutated by the test; the route's arguments from the matrix.
CORPS_API: dict[tuple[str, str], Any] = {
    ("api-demandes", "post"): corps_demande(),
    ("api-demandes-recherche", "post"): {"recherche": "Martin", "statut": "active"},
    ("api-demande", "patch"): corps_demande(),
    ("api-demande-renouveler", "post"): corps_demande(),
    ("api-demande-radier", "post"): {"motif": "renonciation", "commentaire": "Courrier du 3 mars"},
    ("api-demande-decision-dalo", "post"): {"reconnu": True, "date_decision": "2026-11-04", "commission": "Aude"},
}


def muter(valeur: Any) -> st.SearchStrategy[Any]:
    if isinstance(valeur, dict):
        return st.fixed_dictionaries({k: muter(v) for k, v in valeur.items()}, optional={"champ_inconnu": FUZZ_JSON})
    if isinstance(valeur, list):
        element = muter(valeur[0]) if valeur else FUZZ_JSON
        return st.one_of(st.lists(element, max_size=3), FUZZ_JSON)
    return st.one_of(st.just(valeur), st.just(valeur), FUZZ_JSON)


def test_chaque_route_d_ecriture_de_l_api_est_essayee():
    assert routes_api_en_ecriture() == set(CORPS_API)


def essai_api(client: Client, methode: str, url: str, corps: Any) -> Any:
    @REGLAGES
    @given(envoye=muter(corps))
    def essai(envoye: Any) -> None:
        with transaction.atomic():
            avant = lignes()
            # ensure_ascii: lone surrogates travel as \\ud800 escapes, as a partner's JSON library may send them.
            reponse = client.generic(
                methode.upper(), url, json.dumps(envoye, ensure_ascii=True), content_type="application/json"
            )
            assert reponse.status_code < 500, f"{reponse.status_code} pour {envoye!r} : {reponse.content[:500]!r}"
            if reponse.status_code >= 400:
                ecrit = _sans_ecriture(avant, lignes())
                assert not ecrit, f"réponse {reponse.status_code} mais lignes écrites {ecrit} pour {envoye!r}"
            transaction.set_rollback(True)

    return essai


def test_chaque_ecriture_de_l_api_sans_500_ni_ecriture_partielle(monde):
    echecs: list[str] = []
    for (nom, methode), corps in CORPS_API.items():
        route = next(r for r in MATRICE if r.nom == nom and r.methode == methode and r.api and r.autorises)
        profil = sorted(route.autorises)[0]
        url = reverse(nom, args=_arguments(route, monde))
        jeton = Token.objects.get_or_create(user=monde.utilisateurs[profil])[0].key
        client = Client(HTTP_AUTHORIZATION=f"Token {jeton}")

        essai = essai_api(client, methode, url, corps)
        try:
            essai()
        except Exception as exc:  # noqa: BLE001
            echecs.append(f"{methode.upper()} {url} ({profil}) : {exc!r}"[:3000])
    assert not echecs, "\n\n".join(echecs)
