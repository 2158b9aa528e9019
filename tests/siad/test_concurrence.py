"""Two households book the last place of a slot at the same moment, each in its own connection: one gets it, the
other is told the slot is full, and the slot never holds more bookings than places (the conditional update of
``Creneau.reserves`` under the database's check). On PostgreSQL the two transactions really overlap; SQLite
serialises its writers, and the same test checks the same outcome."""

from __future__ import annotations

import threading
from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from attrib.organisations.acteurs import ANONYME, acteur_systeme
from attrib.siad.models import Creneau, RendezVous
from attrib.siad.services import creneaux_creer_serie, lieu_enregistrer, rendez_vous_reserver
from tests.factories import guichet, territoire_minimal
from tests.siad.conftest import donnees_lieu


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("essai", range(3))
def test_deux_menages_et_une_seule_place(essai: int) -> None:
    territoire_minimal()
    lieu = lieu_enregistrer(lieu=None, donnees=donnees_lieu(guichet()), auteur=acteur_systeme("test"))
    jour = timezone.localdate() + timedelta(days=2)
    (creneau,) = creneaux_creer_serie(
        lieu=lieu,
        premier_jour=jour,
        dernier_jour=jour,
        jours=[jour.weekday()],
        heure_debut=time(9),
        heure_fin=time(9, 30),
        duree_minutes=30,
        capacite=1,
        auteur=acteur_systeme("test"),
    ).creneaux
    depart = threading.Barrier(2)
    issues: list[str] = []

    def menage(numero: int) -> None:
        try:
            depart.wait(timeout=10)
            rendez_vous_reserver(
                creneau=Creneau.objects.select_related("lieu").get(pk=creneau.pk),
                nom=f"Ménage {numero}",
                email=f"menage{numero}@example.org",
                telephone="",
                motif="information",
                auteur=ANONYME,
            )
            issues.append("réservé")
        except ValidationError as exc:
            issues.append(exc.messages[0])
        finally:
            connection.close()

    fils = [threading.Thread(target=menage, args=(n,)) for n in (1, 2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=60)
    assert sorted(issues) == ["Ce créneau vient d'être complet : choisissez-en un autre.", "réservé"]
    creneau.refresh_from_db()
    assert creneau.reserves == 1 and RendezVous.objects.filter(creneau=creneau).count() == 1
