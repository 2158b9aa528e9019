"""The alert when the position moves (decision 0028): the nightly follow-up, queued by ``suivre_positions`` and run
by the worker, writes one notice per demand whose band of places moved by the dated threshold (never twice for one
snapshot, at most once in the rule's interval), sent by email (or a letter for the desk) like every notice, in
plain French with the new band and the waiting range, and nothing of another household."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from attrib.avis.models import Avis, Canal, Envoi, Source, StatutEnvoi
from attrib.avis.positions import (
    RegleAlerte,
    a_signaler,
    avis_positions_ecrire,
    positions_suivre,
    regle_alerte,
)
from attrib.avis.services import avis_traiter, filigranes_a_partir_de_maintenant
from attrib.demandes.models import Demande
from attrib.engine.position import Bande
from attrib.information import selectors
from attrib.information.models import InstantanePosition
from attrib.information.selectors import PositionChangee, positions_changees
from attrib.information.services import instantane_enregistrer
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Organisation
from tests.cotation.test_worker_reel import FILE_BDD, _url_base
from tests.factories import NARBONNE, creer_demande, guichet, membre, personne, territoire_minimal
from tests.factories.modeles import coter_les_demandes

SYSTEME = acteur_systeme("test")
JOUR = date(2026, 6, 15)
TITRE = "Votre position parmi les demandes similaires a changé"


@pytest.fixture(autouse=True)
def _cache_vide(settings: Any) -> Any:
    settings.ATTRIB_AVIS_GARDE_S = 0
    settings.ATTRIB_URL_PUBLIQUE = "http://testserver"
    selectors.vider_cache()
    yield
    selectors.vider_cache()


def _demandes(nombre: int, *, sans_courriel: int = 0) -> list[Demande]:
    """``nombre`` demands of the same typology on the territory, filed on 1 January 2025; the last
    ``sans_courriel`` ones have no email (their notices are letters)."""
    territoire_minimal()
    desk = guichet(nom="Guichet essai", code="ESS01", communes=(NARBONNE,))
    depot = date(2025, 1, 1)
    return [
        creer_demande(
            guichet_org=desk,
            personnes=[
                personne(nom=f"Attente{n}", email="" if n >= nombre - sans_courriel else f"attente{n}@example.org")
            ],
            aujourd_hui=depot,
            date_depot=depot,
        )
        for n in range(nombre)
    ]


def _arrivent_devant(nombre: int, jour: date = JOUR) -> None:
    """``nombre`` households recognised DALO arrive ahead of everyone (their score is far above)."""
    desk = Organisation.objects.filter(code_guichet="ESS03").first() or guichet(
        nom="Guichet essai 3", code="ESS03", communes=(NARBONNE,)
    )
    deja = Demande.objects.filter(guichet=desk).count()
    for n in range(deja, deja + nombre):
        creer_demande(
            guichet_org=desk,
            personnes=[personne(nom=f"Dalo{n}")],
            dalo_reconnu=True,
            dalo_date_decision=date(2025, 1, 1),
        )
    coter_les_demandes(jour)


def _monde(nombre: int = 14, *, sans_courriel: int = 0) -> dict[int, tuple[int, int]]:
    """The demands scored and their positions recorded (last night), the notices of their history jumped over;
    then six DALO households arrive ahead. Returns the band each demand had."""
    demandes = _demandes(nombre, sans_courriel=sans_courriel)
    coter_les_demandes(JOUR)
    assert instantane_enregistrer(auteur=SYSTEME, jour=JOUR) == nombre
    avant = {i.demande_id: (i.debut, i.fin) for i in InstantanePosition.objects.all()}
    assert set(avant) == {d.pk for d in demandes}
    filigranes_a_partir_de_maintenant(auteur=SYSTEME)
    _arrivent_devant(6)
    return avant


@pytest.mark.django_db
def test_une_tranche_qui_bouge_donne_un_avis_envoye_par_courriel(horloge: Any) -> None:
    avant = _monde(14, sans_courriel=1)
    changees = positions_changees(jour=JOUR)
    pas = 5
    # Every demand of the first two bands went down one band; those of the last band only saw the count grow.
    bougees = {c.demande_id for c in changees if abs(c.apres.debut - c.avant.debut) >= pas}
    assert bougees == {d for d, (debut, _) in avant.items() if debut <= 6}

    sortie = StringIO()
    call_command("suivre_positions", "--date", JOUR.isoformat(), stdout=sortie)  # queued; run at once in tests
    assert "Suivi des positions mis en file du worker" in sortie.getvalue()
    avis = list(Avis.objects.filter(source=Source.POSITION))
    assert {a.demande_id for a in avis} == bougees
    assert positions_changees(jour=JOUR) == []  # the new snapshot is recorded

    # One email per notice, by the outbox; the household without an email gets a letter its desk prints.
    avant_envoi = len(mail.outbox)
    avis_traiter(auteur=SYSTEME)
    recus = [m for m in mail.outbox[avant_envoi:] if m.subject.startswith(TITRE)]
    courriers = Envoi.objects.filter(avis__source=Source.POSITION, canal=Canal.COURRIER)
    assert len(recus) + courriers.count() == len(bougees)
    assert all(e.statut == StatutEnvoi.A_IMPRIMER and e.document_id for e in courriers)
    for message in recus:
        demande = Demande.objects.get(numero_unique=message.subject.rsplit("n° ", 1)[1])
        corps = message.body
        assert f"Demande n° {demande.numero_unique}." in corps
        debut, fin = avant[demande.pk]
        premier = "1re" if debut == 1 else f"{debut}e"
        assert (
            "Votre position parmi les demandes similaires à la vôtre a reculé : vous êtes maintenant entre la " in corps
        )
        assert f"Vous étiez entre la {premier} et la {fin}e place sur 14." in corps
        assert "sur 20." in corps
        assert (
            "moins de 11 demandes similaires ont été satisfaites au cours des 12 derniers mois : aucun délai" in corps
        )
        assert (
            f"Votre demande dans votre espace demandeur : http://testserver/mon-espace/demandes/{demande.pk}/" in corps
        )
        # Nothing of another household: no other demand's number, no name.
        autres = Demande.objects.exclude(pk=demande.pk).values_list("numero_unique", flat=True)
        assert not [n for n in autres if n in corps]
        assert "Attente" not in corps and "Dalo" not in corps

    # Nothing moved since: another night writes no notice.
    assert positions_suivre(auteur=SYSTEME, jour=JOUR).rapport.avis == 0
    assert Avis.objects.filter(source=Source.POSITION).count() == len(bougees)


@pytest.mark.django_db
def test_un_avis_par_demande_et_par_instantane(horloge: Any) -> None:
    _monde()
    changees = positions_changees(jour=JOUR)
    premier = avis_positions_ecrire(positions=changees, jour=JOUR, auteur=SYSTEME)
    assert premier.avis > 0
    # A run that stopped before recording the snapshot, run again: no notice twice.
    second = avis_positions_ecrire(positions=changees, jour=JOUR, auteur=SYSTEME)
    assert second.avis == 0 and not second.sautes
    assert Avis.objects.filter(source=Source.POSITION).count() == premier.avis
    # Each notice is keyed by the snapshot row its demand was compared with.
    ecrits = set(Avis.objects.filter(source=Source.POSITION).values_list("demande_id", "source_id"))
    assert ecrits <= {(c.demande_id, c.instantane_id) for c in changees}


@pytest.mark.django_db
def test_au_plus_un_avis_de_position_dans_l_intervalle(horloge: Any) -> None:
    _monde()
    suivi = positions_suivre(auteur=SYSTEME, jour=JOUR)
    assert suivi.rapport.avis > 0
    deja = set(Avis.objects.filter(source=Source.POSITION).values_list("demande_id", flat=True))
    regle = regle_alerte(JOUR)
    assert regle.intervalle_minimal_jours == 28

    # A week later, six more households arrive ahead: the same demands move again, no second notice yet.
    horloge.shift(timedelta(days=7))
    semaine = JOUR + timedelta(days=7)
    _arrivent_devant(6, semaine)
    changees = positions_changees(jour=semaine)
    assert deja & {c.demande_id for c in changees}
    rapport = avis_positions_ecrire(positions=changees, jour=semaine, auteur=SYSTEME)
    nouvelles = set(Avis.objects.filter(source=Source.POSITION).values_list("demande_id", flat=True)) - deja
    assert rapport.avis == len(nouvelles) and not (nouvelles & deja)

    # After the interval, a move is news again.
    horloge.shift(timedelta(days=regle.intervalle_minimal_jours))
    rapport = avis_positions_ecrire(positions=changees, jour=semaine, auteur=SYSTEME)
    assert rapport.avis == len({c.demande_id for c in changees if a_signaler(c, pas=5, regle=regle)} - nouvelles)


def test_le_seuil_compte_des_tranches_pas_des_places() -> None:
    regle = RegleAlerte(tranches_minimum=1, intervalle_minimal_jours=0)

    def changee(avant: Bande, apres: Bande) -> PositionChangee:
        return PositionChangee(demande_id=1, avant=avant, apres=apres, instantane_id=1)

    # The count alone grew (the last band's end moves with it): no news.
    assert not a_signaler(changee(Bande(11, 14, 14), Bande(11, 16, 16)), pas=5, regle=regle)
    # One band down, or up: news.
    assert a_signaler(changee(Bande(6, 10, 14), Bande(11, 15, 20)), pas=5, regle=regle)
    assert a_signaler(changee(Bande(11, 15, 20), Bande(6, 10, 20)), pas=5, regle=regle)
    # A territory asking for two bands: one is not enough.
    deux = RegleAlerte(tranches_minimum=2, intervalle_minimal_jours=0)
    assert not a_signaler(changee(Bande(6, 10, 14), Bande(11, 15, 20)), pas=5, regle=deux)
    assert a_signaler(changee(Bande(1, 5, 14), Bande(11, 15, 20)), pas=5, regle=deux)


@pytest.mark.django_db
def test_seul_attrib_suit_les_positions(horloge: Any) -> None:
    from attrib.organisations.acteurs import Refus
    from tests.factories.modeles import organisation_epci

    agent = acteur_de(membre(organisation_epci(), username="agent.epci"))
    with pytest.raises(Refus):
        positions_suivre(auteur=agent, jour=JOUR)
    with pytest.raises(Refus):
        avis_positions_ecrire(positions=[], jour=JOUR, auteur=agent)


@pytest.mark.django_db(transaction=True)
def test_le_worker_suit_les_positions(settings: Any) -> None:
    """The command puts the follow-up in the queue and returns; the real worker (a separate process on the test
    database) writes the notices and records the snapshot."""
    _monde()
    bougees = {c.demande_id for c in positions_changees(jour=JOUR) if abs(c.apres.debut - c.avant.debut) >= 5}
    settings.TASKS = FILE_BDD
    call_command("suivre_positions", "--date", JOUR.isoformat(), stdout=StringIO())
    assert DBTaskResult.objects.filter(status="READY", task_path="attrib.avis.taches.suivre_positions").count() == 1
    assert not Avis.objects.filter(source=Source.POSITION).exists()  # nothing done in the command itself

    sortie = subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--max-tasks=1", "--interval=0.2", "--no-startup-delay",
         "--no-reload"],
        cwd=Path(django_settings.BASE_DIR),
        env={**os.environ, "DATABASE_URL": _url_base()},
        capture_output=True,
        text=True,
        timeout=240,
    )  # fmt: skip
    assert sortie.returncode == 0, sortie.stdout + sortie.stderr
    assert DBTaskResult.objects.get(task_path="attrib.avis.taches.suivre_positions").status == "SUCCESSFUL"
    assert set(Avis.objects.filter(source=Source.POSITION).values_list("demande_id", flat=True)) == bougees
    selectors.vider_cache()
    assert positions_changees(jour=JOUR) == []
