"""The nightly expiry never stops on one bad record (it names it, the others expire); the pilotage counts a
household as priority when a label was in force on the day of its lease, not when it had expired before."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import connection

from attrib.labellisation.enums import StatutLabel
from attrib.labellisation.models import Label
from attrib.labellisation.services import label_attribuer, label_proposer, label_valider, labels_expirer
from attrib.organisations.acteurs import acteur_de
from attrib.pilotage.selectors import Perimetre, Periode, tableau
from tests.factories import UserFactory, creer_demande
from tests.labellisation.conftest import SYSTEME
from tests.pilotage.conftest import Monde, construire_monde, seuils_essai  # noqa: F401 (fixture)


def _ligne_ancienne(label: Label) -> None:
    """Make ``label`` a row imported before the constraint « un label validé a sa date de validation » existed
    (no date of examination): the database refuses any later change of its status."""
    table, contrainte = Label._meta.db_table, "label_valide_date"
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("PRAGMA ignore_check_constraints = ON")
            c.execute(f"UPDATE {table} SET examine_le = NULL WHERE id = %s", [label.pk])
            c.execute("PRAGMA ignore_check_constraints = OFF")
        else:
            c.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %s", [contrainte])
            definition = c.fetchone()[0]
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key check before ALTER TABLE
            c.execute(f"ALTER TABLE {table} DROP CONSTRAINT {contrainte}")
            c.execute(f"UPDATE {table} SET examine_le = NULL WHERE id = %s", [label.pk])
            c.execute(f"ALTER TABLE {table} ADD CONSTRAINT {contrainte} {definition} NOT VALID")


def test_un_label_en_echec_est_nomme_et_les_autres_expirent(ml):
    depot = ml.jour - timedelta(days=400)
    labels = []
    for code in ("l441_k", "l441_c", "l441_a"):
        d = creer_demande(guichet_org=ml.desk, date_depot=depot, aujourd_hui=ml.jour)
        label = label_proposer(demande=d, type_label=code, motif="Situation attestée", auteur=ml.guichet)
        labels.append(label_valider(label=label, auteur=ml.etat, valide_du=ml.jour - timedelta(days=380)))
    casse = labels[1]
    _ligne_ancienne(casse)

    rapport = labels_expirer(aujourd_hui=ml.jour, auteur=SYSTEME)

    assert rapport.expires == 2
    assert len(rapport.sautes) == 1 and rapport.sautes[0].startswith(f"label n° {casse.pk} : ")
    assert f"label n° {casse.pk}" in rapport.resume
    statuts = {lab.pk: Label.objects.get(pk=lab.pk).statut for lab in labels}
    assert statuts == {labels[0].pk: StatutLabel.EXPIRE, casse.pk: StatutLabel.VALIDE, labels[2].pk: StatutLabel.EXPIRE}


@pytest.fixture
def monde_pilotage(db: None, seuils_essai: Path) -> Monde:  # noqa: F811 (the pilotage fixture)
    return construire_monde(avec_refus=False)


def _par_reservataire(t: object) -> dict[str, tuple[int, int]]:
    return {
        i.libelle.split("réservataire ")[1].split(" aux")[0]: (i.compte.attributions, i.compte.cibles)
        for i in t.par_reservataire  # type: ignore[attr-defined]
    }


def test_un_label_en_vigueur_au_bail_compte_dans_l_objectif_prioritaire(monde_pilotage: Monde) -> None:
    admin = UserFactory(username="admin", is_superuser=True)
    avant = _par_reservataire(tableau(acteur_de(admin), Periode.annee(2026), Perimetre()))
    assert avant["Préfecture de l'Aude"] == (5, 3) and avant["Action Logement Services"] == (4, 1)
    trois, cinq = monde_pilotage.baux[2], monde_pilotage.baux[4]  # État 24/02/2026, Action Logement 18/03/2026
    # Lease 3: a label validated on 01/06/2025 for 12 months, in force on 24/02/2026 (expired since).
    label_attribuer(
        demande=trois.demande,
        type_label="l441_k",
        auteur=SYSTEME,
        date_decision=date(2025, 6, 1),
        motif="Décision de la commission partenariale",
        aujourd_hui=date(2025, 6, 2),
    )
    # Lease 5: a label that ended on 28/02/2026, before the lease of 18/03/2026.
    label_attribuer(
        demande=cinq.demande,
        type_label="l441_k",
        auteur=SYSTEME,
        date_decision=date(2025, 3, 1),
        motif="Décision de la commission partenariale",
        valide_jusqu_au=date(2026, 2, 28),
        aujourd_hui=date(2025, 3, 2),
    )
    assert labels_expirer(aujourd_hui=date(2026, 7, 1), auteur=SYSTEME).expires == 2

    t = tableau(acteur_de(admin), Periode.annee(2026), Perimetre())
    apres = _par_reservataire(t)
    assert apres["Préfecture de l'Aude"] == (5, 4)
    assert apres["Action Logement Services"] == (4, 1)
    lignes = {ligne.logement: ligne for ligne in t.lignes}
    assert lignes["LGT-03"].prioritaire and not lignes["LGT-05"].prioritaire
    assert lignes["LGT-03"].explication_priorite() == "ménage prioritaire L441-1 (priorité validée)"
