"""The e-mail alerts of location voulue (issue 14, point 3; decision 0033): publishing an advert queues, once the
publication is committed, the worker's task that tells the households the advert matches (wished commune and
typology, eligible, in the advert's public, not suspended, below their limit of open applications) and that follow
their demand in their applicant space; the notices' worker e-mails them through a real SMTP server started by the
test. Running the alerts again writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from pytest_django.fixtures import Settings

from attrib.annonces.alertes import TITRE_ALERTE, alertes_du_jour, alertes_ecrire, rediger_alerte
from attrib.annonces.enums import PublicAnnonce
from attrib.annonces.models import Annonce
from attrib.annonces.selectors import precontrole, suspension_de
from attrib.annonces.taches import alerter_annonces, alerter_annonces_du_jour
from attrib.avis.models import Avis, Envoi, Source
from attrib.avis.taches import traiter_avis
from attrib.demandes.models import Demande
from attrib.engine.lisibilite import examiner
from attrib.organisations.acteurs import Refus, acteur_de, acteur_systeme
from attrib.rapprochement.moteur import vider_cache
from tests.annonces.parcours import MondeLV, monde_lv
from tests.avis.conftest import ServeurSMTP, smtp  # noqa: F401 — the real SMTP server of the notices' tests
from tests.rapprochement.conftest import seuil_connu

pytestmark = pytest.mark.django_db

SYSTEME = acteur_systeme("test")
URL = "https://attrib.example.org"
#: What never reaches a household: codes, internal tags, file names, model names.
INTERNE = ("[K]", "[V]", ".yaml", ".txt", "None", "publiee", "tous", "q1", "LV-", "annonce_")


@pytest.fixture
def lv(monkeypatch: pytest.MonkeyPatch, settings: Settings, horloge: time_machine.Coordinates) -> Iterator[MondeLV]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ATTRIB_URL_PUBLIQUE = URL
    settings.ATTRIB_AVIS_GARDE_S = 0
    settings.ATTRIB_AVIS_PAUSE_S = 0
    seuil_connu(monkeypatch)
    vider_cache()
    yield monde_lv(horloge)
    vider_cache()


def _publier(lv: MondeLV, capture: Callable[..., Any], *, ll: Any = None, **kw: Any) -> Annonce:
    """Publish as the screen does: the alerts' task runs when the publication's transaction commits (the tests'
    task backend runs it at once)."""
    with capture(execute=True):
        return lv.publier(ll, **kw)


def _traiter() -> dict[str, Any]:
    return dict(traiter_avis.enqueue().return_value)


def _corps(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def _recues(serveur: ServeurSMTP, adresse: str) -> list[Any]:
    """The alerts e-mailed to ``adresse`` (the account's own e-mails — its address check — left aside)."""
    return [
        m for m in serveur.gestionnaire.pour(adresse) if " ".join(str(m["Subject"]).split()).startswith(TITRE_ALERTE)
    ]


def _alertes(annonce: Annonce) -> set[int]:
    return set(Avis.objects.filter(source=Source.ANNONCE, source_id=annonce.pk).values_list("demande_id", flat=True))


def test_un_menage_qui_correspond_recoit_un_courriel_et_un_seul(
    lv: MondeLV,
    smtp: ServeurSMTP,  # noqa: F811 — the fixture imported above
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    d = lv.d
    # Households following their demand online: eligible (famille), too few for a T3 (seul), above the ceiling
    # (aise). The other eligible households (dalo, couple…) have no account: the alert invites to apply online.
    suivis = {n: lv.compte(n).courriel for n in ("famille", "seul", "aise")}
    annonce = _publier(lv, django_capture_on_commit_callbacks)

    assert _alertes(annonce) == {d["famille"].pk}
    avis = Avis.objects.get(source=Source.ANNONCE, source_id=annonce.pk)
    assert avis.titre == TITRE_ALERTE and avis.nature == "annonce"
    envoi = Envoi.objects.get(avis=avis)
    assert envoi.destinataire == suivis["famille"]  # the demand holds no address: the account's confirmed one

    rapport = _traiter()
    assert "1 courriel(s) envoyé(s)" in rapport["resume"]
    (message,) = _recues(smtp, suivis["famille"])
    assert " ".join(str(message["Subject"]).split()) == f"{TITRE_ALERTE} — demande n° {d['famille'].numero_unique}"
    corps = _corps(message)
    cloture = timezone.localtime(annonce.cloture_le)
    for attendu in (
        "Un logement qui correspond à votre demande est proposé en location voulue",
        "Logement de 3 pièces (T3) à Narbonne, 62 m².",
        "Loyer : 430,00\u00a0€ par mois, charges : 70,00\u00a0€ par mois, soit 500,00\u00a0€ en tout.",
        f"Vous pouvez candidater jusqu'au {cloture:%d/%m/%Y} à {cloture:%H} h {cloture:%M}.",
        "classées par score, puis par ancienneté de la demande, puis par un tirage au sort publié",
    ):
        assert attendu in corps, corps
    assert (
        f"Pour voir l'annonce, vérifier si votre ménage peut candidater et candidater : {URL}/mon-espace/annonces/{annonce.pk}/"
        in corps
    )
    assert not any(mot in corps for mot in INTERNE), corps
    for nom in ("seul", "aise"):
        assert _recues(smtp, suivis[nom]) == []

    # Again: the publication's task, the nightly batch, the outbox. Nothing new is written or sent.
    alerter_annonces.enqueue([annonce.pk])
    alerter_annonces_du_jour.enqueue(timezone.localdate(annonce.publiee_le).isoformat())
    _traiter()
    assert Avis.objects.filter(source=Source.ANNONCE).count() == 1
    assert len(_recues(smtp, suivis["famille"])) == 1


def test_le_texte_de_l_alerte_est_en_langage_clair(
    lv: MondeLV, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    annonce = _publier(
        lv,
        django_capture_on_commit_callbacks,
        public=PublicAnnonce.Q1,
        motif_public="Objectif de la convention : un quart des attributions hors quartier prioritaire aux ménages "
        "aux ressources les plus faibles.",
    )
    texte = rediger_alerte(annonce=annonce, demande=lv.d["modeste"]).texte
    assert "Cette annonce est réservée aux ménages aux ressources les plus faibles" in texte
    assert "Pourquoi : Objectif de la convention" in texte
    assert examiner(texte, noms_propres=["Narbonne"]) == [], examiner(texte)


def test_un_menage_suspendu_ou_a_sa_limite_de_candidatures_n_est_pas_prevenu(
    lv: MondeLV, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    d = lv.d
    for n in ("dalo", "famille", "couple", "recent", "modeste"):
        lv.compte(n)
    # The household ranked first of couple, recent and modeste refuses twice a dwelling it applied for.
    (suspendue,) = {lv.refus_du_premier("couple", "recent", "modeste").demande_id for _ in range(2)}
    suspension = suspension_de(Demande.objects.get(pk=suspendue))
    assert suspension.suspendu
    # famille holds the three open applications the rule allows.
    for _ in range(3):
        lv.candidater(lv.publier(lv.liberer()), "famille")

    annonce = _publier(lv, django_capture_on_commit_callbacks, ll=lv.liberer())

    alertes = _alertes(annonce)
    # Each would match the advert; only the rule stops it (the pre-check of the application says so).
    assert d["famille"].pk not in alertes
    (limite,) = precontrole(annonce=annonce, demande=d["famille"]).motifs
    assert "3 candidatures" in limite, limite
    assert suspendue not in alertes
    assert precontrole(annonce=annonce, demande=Demande.objects.get(pk=suspendue)).motifs == [suspension.texte()]
    assert d["dalo"].pk in alertes
    assert {d["couple"].pk, d["recent"].pk, d["modeste"].pk} - {suspendue} <= alertes


def test_les_annonces_publiees_le_meme_jour_sont_traitees_ensemble(lv: MondeLV) -> None:
    """The nightly batch: every advert published on the day, each household told once per advert; an advert
    withdrawn or closed meanwhile is no news."""
    d = lv.d
    lv.compte("famille")
    lv.compte("dalo")
    # Published without their task (a worker that was down): the batch catches them.
    a, b = lv.publier(lv.liberer()), lv.publier(lv.liberer())
    rapport = alertes_du_jour(jour=timezone.localdate(), auteur=SYSTEME)
    assert rapport.annonces == 2 and rapport.avis.avis == 4, rapport.resume
    assert _alertes(a) == _alertes(b) == {d["famille"].pk, d["dalo"].pk}
    assert alertes_du_jour(jour=timezone.localdate(), auteur=SYSTEME).avis.avis == 0
    lv.horloge.shift(timedelta(days=8))  # both closed to applications
    assert alertes_ecrire(annonces=[a, b], auteur=SYSTEME).annonces == 0


def test_seul_le_service_ecrit_les_alertes(lv: MondeLV) -> None:
    annonce = lv.publier()
    with pytest.raises(Refus) as refus:
        alertes_ecrire(annonces=[annonce], auteur=acteur_de(lv.monde.gestionnaire_bailleur))
    assert "Seul le service" in str(refus.value)
