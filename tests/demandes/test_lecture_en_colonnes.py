"""Demands read as columns (``attrib.demandes.colonnes``, the batch path of the cotation) hold exactly the values
of the row readers: the interchange format's rows (exports) and the household of ``menages_colonnes``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from attrib.demandes import colonnes as lecture
from attrib.demandes.importexport import valeurs_demandes
from attrib.demandes.models import Demande, Personne
from attrib.demandes.moteur import menages_colonnes
from tests.factories import GRUISSAN, NARBONNE, creer_demande, guichet, personne, territoire_minimal
from tests.menages import hugo_et_lina

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("horloge")]


def _flottants(valeur: Any) -> Any:
    if isinstance(valeur, Decimal):
        return float(valeur)
    if isinstance(valeur, list):
        return [_flottants(v) for v in valeur]
    if isinstance(valeur, dict):
        return {k: _flottants(v) for k, v in valeur.items()}
    return valeur


@pytest.fixture
def demandes() -> list[Demande]:
    territoire_minimal()
    narbonne = guichet()
    return [
        # Amounts whose float sum differs from the float of their decimal sum (0.1 + 0.2).
        creer_demande(
            guichet_org=narbonne,
            communes=(GRUISSAN, NARBONNE),
            personnes=[
                personne(salaires=Decimal("0.10"), autres_revenus=Decimal("0.20"), pension_alimentaire_versee=150),
                *hugo_et_lina(salaires_hugo=Decimal("1234.56"), salaires_lina=700),
            ],
            priorites=("l441_k", "l441_g"),
            motifs_secondaires=("violences", "sans_logement"),
            loyer_actuel=Decimal("640.33"),
        ),
        # A person alone, born on the day of the reading's month (age boundary).
        creer_demande(
            guichet_org=narbonne,
            personnes=[personne(date_naissance=date(2012, timezone.localdate().month, 1), salaires=0)],
        ),
    ]


def test_les_colonnes_du_fichier_sont_celles_des_lignes(demandes: list[Demande]) -> None:
    ids = sorted(d.pk for d in demandes)
    lignes = [_flottants(v) for v in valeurs_demandes(Demande.objects.filter(pk__in=ids).order_by("pk"))]
    colonnes = lecture.demandes_fichier(ids).drop(lecture.DEMANDE_ID, "departement").to_dicts()
    assert colonnes == lignes
    assert colonnes[0]["salaires_codemandeur"] == 1234.56
    assert colonnes[0]["personnes"][0]["prenoms"] == "Lina"


def test_le_menage_est_celui_du_pont_par_lignes(demandes: list[Demande]) -> None:
    jour = timezone.localdate()
    ids = sorted(d.pk for d in demandes)
    personnes = lecture.personnes_frame(ids)
    menages = lecture.menages_frame(lecture.demandes_fichier(ids, personnes), personnes, jour)
    attendu = menages_colonnes(Demande.objects.filter(pk__in=ids), jour)
    assert menages.to_dicts() == attendu.to_dicts()
    # Resources of the applicant and co-applicant only, exact in decimal before the division.
    assert menages["revenus_mensuels"][0] == float(Decimal("0.10") + Decimal("0.20") - 150 + Decimal("1234.56"))
    assert Personne.objects.filter(demande_id=ids[1]).count() == 1 and menages["age_demandeur"][1] in (13, 14)


def test_la_version_est_l_instant_de_la_ligne_a_la_microseconde(demandes: list[Demande]) -> None:
    """The ``version`` column (last modification, read by COPY as PostgreSQL writes it on that path) is the row
    reader's ``isoformat``: fraction of six digits, none when it is zero."""
    premiere, seconde = demandes
    Demande.objects.filter(pk=premiere.pk).update(modifie_le=datetime(2026, 2, 3, 4, 5, 6, 120000, tzinfo=UTC))
    Demande.objects.filter(pk=seconde.pk).update(modifie_le=datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC))
    ids = sorted(d.pk for d in demandes)
    lignes = valeurs_demandes(Demande.objects.filter(pk__in=ids).order_by("pk"))
    colonnes = lecture.demandes_fichier(ids)

    assert colonnes["version"].to_list() == [ligne["version"] for ligne in lignes]
    assert colonnes["version"].to_list() == ["2026-02-03T04:05:06.120000+00:00", "2026-02-03T04:05:06+00:00"]
