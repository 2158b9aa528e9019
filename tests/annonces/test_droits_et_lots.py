"""Who may do what (a refusal writes nothing), the hourly closing command, the replay of a published ranking by the
documented command, and two applications of one household at the same time: the limit holds."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from attrib.annonces.enums import StatutAnnonce
from attrib.annonces.models import Annonce, Candidature
from attrib.annonces.selectors import classement_publie
from attrib.annonces.services import (
    annonce_clore,
    annonce_creer,
    annonce_presenter,
    candidature_deposer,
    candidature_retirer,
)
from attrib.common.models import Evenement
from attrib.organisations.acteurs import ANONYME, Acteur, Refus, acteur_de
from tests.annonces.conftest import MondeLV

pytestmark = pytest.mark.django_db


def test_sans_le_droit_rien_ne_s_ecrit(lv: MondeLV) -> None:
    annonce = lv.annonce()
    candidature = candidature_deposer(annonce=annonce, demande=lv.d["famille"], auteur=lv.menage("famille"))
    epci = acteur_de(lv.monde.agent_epci)
    lv.apres_cloture(annonce)
    evenements = Evenement.objects.count()
    appels = [
        (ANONYME, lambda a: annonce_creer(orientation=lv.monde.ll_propre.orientations.get(actuelle=True), auteur=a)),
        (epci, lambda a: annonce_clore(annonce=annonce, auteur=a)),
        (lv.menage("couple"), lambda a: candidature_retirer(candidature=candidature, auteur=a)),
        (epci, lambda a: annonce_presenter(annonce=annonce, seance=lv.monde.seance, auteur=a)),
    ]
    for acteur, appel in appels:
        with pytest.raises(Refus):
            appel(acteur)
    annonce.refresh_from_db()
    candidature.refresh_from_db()
    assert annonce.statut == StatutAnnonce.PUBLIEE and candidature.rang is None
    assert Annonce.objects.count() == 1 and Evenement.objects.count() == evenements


def test_la_commande_horaire_clot_les_annonces_echues(lv: MondeLV) -> None:
    annonce = lv.annonce()
    candidature_deposer(annonce=annonce, demande=lv.d["famille"], auteur=lv.menage("famille"))
    sortie = StringIO()
    call_command("clore_annonces", stdout=sortie)
    assert "aucune annonce à clore" in sortie.getvalue()
    lv.apres_cloture(annonce)
    sortie = StringIO()
    call_command("clore_annonces", stdout=sortie)
    assert f"1 annonce(s) close(s) et classée(s) : {annonce.reference}." in sortie.getvalue()
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.CLOSE


def test_le_classement_publie_se_rejoue_par_la_commande_documentee(lv: MondeLV, tmp_path: Path) -> None:
    annonce = lv.annonce()
    for nom in ("couple", "dalo", "famille"):
        candidature_deposer(annonce=annonce, demande=lv.d[nom], auteur=lv.menage(nom))
    lv.apres_cloture(annonce)
    annonce_clore(annonce=annonce, auteur=lv.bailleur)
    annonce.refresh_from_db()
    fichier = tmp_path / f"{annonce.reference}.json"
    fichier.write_text(json.dumps(classement_publie(annonce)), encoding="utf-8")
    rejeu = subprocess.run(
        [sys.executable, "-m", "attrib.engine", "annonce-rejouer", str(fichier)],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )
    assert rejeu.returncode == 0, rejeu.stdout + rejeu.stderr
    assert rejeu.stdout.strip().endswith("Classement identique au classement publié.")
    jetons = list(Candidature.objects.filter(annonce=annonce).order_by("rang").values_list("jeton", flat=True))
    lignes = [ligne.split()[1] for ligne in rejeu.stdout.splitlines() if ligne[:1].isdigit()]
    assert lignes == jetons


def _deposer(
    annonce: Annonce, lv: MondeLV, acteur: Acteur, depart: threading.Barrier | None, sorties: list[str]
) -> None:
    try:
        if depart is not None:
            depart.wait(timeout=30)
        candidature_deposer(annonce=annonce, demande=lv.d["famille"], auteur=acteur)
        sorties.append("déposée")
    except ValidationError as exc:
        sorties.append(" ".join(exc.messages))
    finally:
        if depart is not None:
            connection.close()


@pytest.mark.django_db(transaction=True)
def test_deux_candidatures_simultanees_ne_depassent_pas_la_limite(lv: MondeLV) -> None:
    annonces = [lv.annonce(), lv.annonce(ll=lv.monde.ll_propre)]
    annonces += [lv.annonce(ll=lv.liberer(f"PINS-{i}")) for i in (3, 4)]
    menage = lv.menage("famille")
    for a in annonces[:2]:
        candidature_deposer(annonce=a, demande=lv.d["famille"], auteur=menage)
    sorties: list[str] = []
    if connection.vendor == "postgresql":
        depart = threading.Barrier(2)
        fils = [threading.Thread(target=_deposer, args=(a, lv, menage, depart, sorties)) for a in annonces[2:]]
        for f in fils:
            f.start()
        for f in fils:
            f.join(timeout=60)
        assert not any(f.is_alive() for f in fils)
    else:
        for a in annonces[2:]:
            _deposer(a, lv, menage, None, sorties)
    assert len(sorties) == 2 and sorties.count("déposée") == 1
    (refus,) = [s for s in sorties if s != "déposée"]
    assert refus.startswith("Vous avez déjà 3 candidatures ouvertes : c'est le maximum (3).")
    assert Candidature.objects.filter(demande=lv.d["famille"]).ouvertes().count() == 3
