"""``BENCH web``: the demo at a region's size in PostgreSQL, served by the production server, under 50 users.

- Data: ``charger_demo --demandes N`` (``ATTRIB_BENCH_WEB_DEMANDES``, default 100,000) into a PostgreSQL database
  of its own, ``attrib_bench_web_<N>`` on ``ATTRIB_BENCH_PG`` (default ``postgres://postgres@127.0.0.1:5432``).
  The database is kept between runs (loading takes minutes) and reloaded only when its demand count differs or
  with ``ATTRIB_BENCH_WEB_RECHARGER=1``.
- Server: gunicorn with the project's configuration (``config/gunicorn.conf.py``), DEBUG off, on a free loopback
  port; the benchmark starts and stops it.
- ``shortlist_cold_ms``: the first request of a freed dwelling's shortlist right after the server started (every
  cache empty).
- Load: ``USERS`` virtual users (threads, loopback only), each logged in with a demo account (the EPCI and a
  commune, whose visibility goes through its perimeter), requesting a weighted mix of the main pages with a think
  time drawn between 1 and 3 s (seeded), for ``ATTRIB_BENCH_WEB_DUREE`` seconds (default 120) after a warm-up.
  Ids (demands, residences, freed dwellings, sessions) are read off the pages each user can see.
- ``worst_p95_ms``: the largest per-page 95th percentile; ``errors``: answers other than 200 and failed
  connections. Per-page p95 follow as ``p95_<page>=…``.
- Baseline, same run: the same mix requested by one user alone, without think time (``solo_worst_p95_ms``);
  ``ratio = worst_p95_ms / solo_worst_p95_ms`` is what 50 users cost over one.
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

RACINE = Path(__file__).resolve().parents[1]
NB_DEMANDES = int(os.environ.get("ATTRIB_BENCH_WEB_DEMANDES", "100000"))
USERS = int(os.environ.get("ATTRIB_BENCH_WEB_USERS", "50"))
DUREE_S = float(os.environ.get("ATTRIB_BENCH_WEB_DUREE", "120"))
ECHAUFFEMENT_S = 20.0
PG = os.environ.get("ATTRIB_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
MOT_DE_PASSE = "demo-attrib"
COMPTES = ("epci", "narbonne")
GRAINE = 2026

#: page name → weight in the mix (a staff member's day: lists and files first).
POIDS = {
    "accueil": 10,
    "demandes": 12,
    "demandes_recherche": 5,
    "demandes_filtre": 5,
    "demande": 18,
    "classement": 5,
    "residences": 5,
    "residence": 5,
    "flux": 5,
    "shortlist": 8,
    "caleol": 5,
    "pilotage": 5,
    "api": 7,
}


def _base() -> str:
    return f"attrib_bench_web_{NB_DEMANDES}"


def _url_base(nom: str) -> str:
    return f"{PG.rstrip('/')}/{nom}"


def _compte_demandes(nom: str) -> int | None:
    try:
        with psycopg.connect(_url_base(nom), connect_timeout=5) as cnx:
            return int(cnx.execute("SELECT count(*) FROM demandes_demande").fetchone()[0])  # type: ignore[index]
    except psycopg.Error:
        return None


def _preparer_base(env: dict[str, str]) -> float | None:
    """Load the demo into the benchmark's database unless it is already there; returns the load time."""
    nom = _base()
    if os.environ.get("ATTRIB_BENCH_WEB_RECHARGER") != "1" and (_compte_demandes(nom) or 0) >= NB_DEMANDES * 0.9:
        # Kept from an earlier run: brought to the code's migrations.
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"], cwd=RACINE, env=env, check=True, capture_output=True
        )
        return None
    with psycopg.connect(_url_base("postgres"), autocommit=True) as cnx:
        cnx.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')
        cnx.execute(f'CREATE DATABASE "{nom}"')
    debut = time.perf_counter()
    for commande in (["migrate", "--noinput"], ["charger_demo", "--demandes", str(NB_DEMANDES)]):
        subprocess.run([sys.executable, "manage.py", *commande], cwd=RACINE, env=env, check=True, capture_output=True)
    return time.perf_counter() - debut


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Client:
    """One logged-in browser: its cookies and the ids it can see."""

    base: str
    compte: str
    ouvreur: urllib.request.OpenerDirector = field(init=False)
    ids: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.biscuits = http.cookiejar.CookieJar()
        self.ouvreur = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.biscuits))

    def get(self, chemin: str) -> tuple[int, str]:
        """GET ``chemin``; ``"POST /chemin/ champ=valeur"`` posts that form field (CSRF token from the cookie)."""
        requete: str | urllib.request.Request = self.base + chemin
        if chemin.startswith("POST "):
            adresse, champ = chemin[5:].split(" ", 1)
            cle, valeur = champ.split("=", 1)
            jeton = next((c.value for c in self.biscuits if c.name == "csrftoken"), "")
            corps = urllib.parse.urlencode({cle: valeur, "csrfmiddlewaretoken": jeton or ""}).encode()
            requete = urllib.request.Request(self.base + adresse, data=corps, headers={"Referer": self.base + adresse})
        try:
            with self.ouvreur.open(requete, timeout=120) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, ""

    def connecter(self) -> None:
        _, page = self.get("/connexion/")
        jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        donnees = urllib.parse.urlencode(
            {"username": self.compte, "password": MOT_DE_PASSE, "csrfmiddlewaretoken": jeton.group(1) if jeton else ""}
        ).encode()
        requete = urllib.request.Request(self.base + "/connexion/", data=donnees, headers={"Referer": self.base})
        with self.ouvreur.open(requete, timeout=60) as r:
            if "/connexion/" in r.geturl():
                raise SystemExit(f"BENCH web : connexion refusée pour le compte de démonstration « {self.compte} ».")

    def reperer(self) -> None:
        """Ids of the pages this user can open, read off its list pages."""
        motifs = {
            "demande": ("/demandes/", r'href="/demandes/(\d+)/"'),
            "residence": ("/patrimoine/", r'href="/patrimoine/residences/(\d+)/"'),
            "caleol": ("/commissions/", r'href="/commissions/seances/(\d+)/"'),
        }
        for nom, (chemin, motif) in motifs.items():
            _, page = self.get(chemin)
            self.ids[nom] = sorted({int(x) for x in re.findall(motif, page)})
        self.ids["shortlist"] = logements_liberes(self)
        if not self.ids["caleol"]:  # sessions are listed on each commission's page
            _, page = self.get("/commissions/")
            for pk in sorted({int(x) for x in re.findall(r'href="/commissions/(\d+)/"', page)})[:3]:
                _, page = self.get(f"/commissions/{pk}/")
                self.ids["caleol"] += [int(x) for x in re.findall(r'href="/commissions/seances/(\d+)/"', page)]


def logements_liberes(client: Client) -> list[int]:
    """Freed dwellings listed on the flux pages (this year's, else last year's: the demo replays a past year)."""
    annee = time.localtime().tm_year
    for suffixe in ("", f"?annee={annee - 1}"):
        _, page = client.get("/flux/logements-liberes/" + suffixe)
        if trouves := sorted({int(x) for x in re.findall(r'href="/flux/logements-liberes/(\d+)/"', page)}):
            return trouves
    return []


def _chemins(client: Client) -> dict[str, Callable[[random.Random], str | None]]:
    def un(nom: str, gabarit: str) -> Callable[[random.Random], str | None]:
        return lambda alea: gabarit.format(alea.choice(client.ids[nom])) if client.ids.get(nom) else None

    return {
        "accueil": lambda _: "/",
        "demandes": lambda alea: f"/demandes/?page={alea.randint(1, 20)}",
        # Searches are sent by POST (never in the address) and answered by a redirect to an opaque key.
        "demandes_recherche": lambda alea: "POST /demandes/ q=" + alea.choice(["Martin", "Garcia", "Dupont", "Moreau"]),
        "demandes_filtre": lambda _: "/demandes/?statut=active",
        "demande": un("demande", "/demandes/{}/"),
        "classement": lambda _: "/cotation/classement/",
        "residences": lambda _: "/patrimoine/",
        "residence": un("residence", "/patrimoine/residences/{}/"),
        "flux": lambda _: "/flux/",
        "shortlist": un("shortlist", "/rapprochement/logements-liberes/{}/"),
        "caleol": un("caleol", "/commissions/seances/{}/"),
        "pilotage": lambda _: "/pilotage/",
        "api": lambda _: "/api/v1/demandes/",
    }


@dataclass
class Mesures:
    durees: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    erreurs: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    verrou: threading.Lock = field(default_factory=threading.Lock)

    def noter(self, page: str, duree: float, ok: bool) -> None:
        with self.verrou:
            self.durees[page].append(duree)
            if not ok:
                self.erreurs[page] += 1

    def p95(self) -> dict[str, float]:
        return {p: _centile(v, 95) for p, v in sorted(self.durees.items()) if v}


def _centile(valeurs: list[float], q: int) -> float:
    if len(valeurs) < 2:
        return valeurs[0] if valeurs else 0.0
    return statistics.quantiles(valeurs, n=100, method="inclusive")[q - 1]


def _tirer(alea: random.Random) -> str:
    return alea.choices(list(POIDS), weights=list(POIDS.values()))[0]


def _requete(
    client: Client,
    chemins: dict[str, Callable[[random.Random], str | None]],
    page: str,
    alea: random.Random,
    mesures: Mesures | None,
) -> None:
    chemin = chemins[page](alea)
    if chemin is None:
        return
    debut = time.perf_counter()
    try:
        statut, _ = client.get(chemin)
    except OSError:
        statut = 0
    if mesures is not None:
        mesures.noter(page, (time.perf_counter() - debut) * 1000, statut == 200)


def _utilisateur(client: Client, graine: int, debut_mesure: float, fin: float, mesures: Mesures) -> None:
    alea = random.Random(graine)
    chemins = _chemins(client)
    while (maintenant := time.monotonic()) < fin:
        _requete(client, chemins, _tirer(alea), alea, mesures if maintenant >= debut_mesure else None)
        time.sleep(alea.uniform(1.0, 3.0))


def _attendre(base: str, serveur: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if serveur.poll() is not None:
            raise SystemExit(f"BENCH web : le serveur s'est arrêté (code {serveur.returncode}).")
        try:
            with urllib.request.urlopen(base + "/connexion/", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("BENCH web : le serveur ne répond pas.")


def run() -> None:
    if _compte_demandes("postgres") is None and not _pg_joignable():
        print(f"BENCH web skipped=1 reason=postgresql_absent ({PG})")
        return
    with tempfile.TemporaryDirectory(prefix="attrib-bench-web-") as dossier:
        env = {**os.environ, "DATABASE_URL": _url_base(_base()), "ATTRIB_VAR_DIR": dossier, "DEBUG": "0"}
        chargement_s = _preparer_base(env)
        port = _port_libre()
        base = f"http://127.0.0.1:{port}"
        env["GUNICORN_CMD_ARGS"] = f"--bind 127.0.0.1:{port}"
        serveur = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *_configuration(), "config.wsgi"],
            cwd=RACINE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _attendre(base, serveur)
            ligne = _mesurer(base)
        finally:
            serveur.terminate()
            serveur.wait(timeout=60)
    if chargement_s is not None:
        ligne += f" load_s={chargement_s:.1f}"
    print(ligne)


def _configuration() -> list[str]:
    conf = RACINE / "config" / "gunicorn.conf.py"
    return ["-c", str(conf)] if conf.exists() else ["--workers", "3", "--timeout", "120"]


def _pg_joignable() -> bool:
    try:
        with psycopg.connect(_url_base("postgres"), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _mesurer(base: str) -> str:
    # The cold shortlist: first request of a freed dwelling's page after start, every cache empty.
    premier = Client(base, COMPTES[0])
    premier.connecter()
    liberes = logements_liberes(premier)
    if not liberes:
        raise SystemExit("BENCH web : aucun logement libéré visible dans la démo.")
    debut = time.perf_counter()
    statut, _ = premier.get(f"/rapprochement/logements-liberes/{liberes[0]}/")
    froid_ms = (time.perf_counter() - debut) * 1000
    if statut != 200:
        raise SystemExit(f"BENCH web : la présélection à froid a répondu {statut}.")

    clients = [Client(base, COMPTES[k % len(COMPTES)]) for k in range(USERS)]
    reperes: dict[str, dict[str, list[int]]] = {}
    for client in clients:
        client.connecter()
        if client.compte not in reperes:
            client.reperer()
            reperes[client.compte] = client.ids
        client.ids = reperes[client.compte]

    # Baseline: one user alone, the same mix, no think time.
    solo = Mesures()
    alea = random.Random(GRAINE)
    chemins = _chemins(clients[0])
    for page in POIDS:
        _requete(clients[0], chemins, page, alea, None)  # warm every page once
    for _ in range(3):
        for page in POIDS:
            _requete(clients[0], chemins, page, alea, solo)

    mesures = Mesures()
    debut_mesure = time.monotonic() + ECHAUFFEMENT_S
    fin = debut_mesure + DUREE_S
    fils = [
        threading.Thread(target=_utilisateur, args=(c, GRAINE + k, debut_mesure, fin, mesures), daemon=True)
        for k, c in enumerate(clients)
    ]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=DUREE_S + ECHAUFFEMENT_S + 300)

    p95 = mesures.p95()
    pire = max(p95.values()) if p95 else 0.0
    solo_pire = max(solo.p95().values()) if solo.durees else 0.0
    requetes = sum(len(v) for v in mesures.durees.values())
    erreurs = sum(mesures.erreurs.values())
    par_page = " ".join(f"p95_{p}={v:.0f}" for p, v in p95.items())
    return (
        f"BENCH web demandes={NB_DEMANDES} users={USERS} duration_s={DUREE_S:.0f} requests={requetes} "
        f"worst_p95_ms={pire:.0f} errors={erreurs} shortlist_cold_ms={froid_ms:.0f} "
        f"solo_worst_p95_ms={solo_pire:.0f} ratio={pire / solo_pire if solo_pire else 0:.1f} {par_page}"
    )
