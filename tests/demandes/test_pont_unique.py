"""One bridge from a stored demand to the engine: the demand page (its ceilings and the explanation of the
consumption units) and the cotation read the same household resources — those of the applicant and the
co-applicant minus the alimony they pay, as the interchange format defines them."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attrib.cotation.colonnes import colonnes_cotation
from attrib.demandes import enums
from attrib.demandes.models import Demande
from attrib.demandes.moteur import menage_de, menages_colonnes, situation_plafonds
from attrib.engine import deriver
from tests.factories import creer_demande, guichet, membre, personne, territoire_minimal

# Frozen clock (tests/conftest.py): expectations computed from today hold on any day the suite runs.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("horloge")]


@pytest.fixture
def narbonne():
    territoire_minimal()
    return guichet()


def _menage_avec_un_autre_adulte(narbonne) -> Demande:
    return creer_demande(
        guichet_org=narbonne,
        personnes=[
            personne(salaires=1400, pension_alimentaire_versee=150, date_naissance=date(1980, 2, 3)),
            personne(
                role=enums.RolePersonne.CODEMANDEUR,
                lien=enums.LienParente.CONJOINT,
                prenoms="Hugo",
                date_naissance=date(1979, 7, 8),
                salaires=900,
                pension_alimentaire_versee=50,
            ),
            # An adult son living with them: part of the household, not of its resources.
            personne(
                role=enums.RolePersonne.PERSONNE_A_LOGER,
                lien=enums.LienParente.ENFANT,
                prenoms="Noé",
                date_naissance=date(2003, 4, 4),
                salaires=700,
            ),
        ],
    )


def test_la_page_et_la_cotation_lisent_les_memes_ressources(narbonne) -> None:
    demande = _menage_avec_un_autre_adulte(narbonne)
    jour = timezone.localdate()
    attendu = 1400 - 150 + 900 - 50  # the son's 700 € are not counted
    assert menage_de(demande, jour).revenus_mensuels == attendu
    assert menages_colonnes(Demande.objects.all(), jour)["revenus_mensuels"].to_list() == [attendu]
    cotation = colonnes_cotation(Demande.objects.all(), jour=jour)
    assert cotation["revenus_mensuels"].to_list() == [attendu]

    # The yearly income per consumption unit the page explains is the one the cotation derives.
    derivees = deriver(
        cotation.select(menages_colonnes(Demande.objects.all(), jour).drop("demande_id", "numero_unique").columns),
        date_reference=jour,
        annee_plafonds=jour.year,
        financements=("PLUS",),
    )
    par_uc = derivees["revenu_annuel_par_uc"][0]
    assert par_uc == pytest.approx(attendu * 12 / 2.0)  # 1 + 0.5 (spouse) + 0.5 (adult son)
    situation = situation_plafonds(demande, jour)
    texte = f"{par_uc:,.2f}".replace(",", "\u00a0").replace(".", ",")
    assert any(f"revenu annuel par UC : {texte}" in phrase for phrase in situation.phrases)

    client = Client()
    client.force_login(membre(narbonne, username="agent-narbonne"))
    page = client.get(reverse("demandes:detail", args=[demande.pk])).content.decode()
    assert f"revenu annuel par UC : {texte}" in page


def test_pensions_versees_au_dela_des_ressources(narbonne) -> None:
    demande = creer_demande(guichet_org=narbonne, personnes=[personne(salaires=300, pension_alimentaire_versee=450)])
    situation = situation_plafonds(demande, timezone.localdate())
    assert situation.eligible == {"PLAI": None, "PLUS": None, "PLS": None}
    assert situation.phrases[0].startswith("Éligibilité non évaluée : les pensions alimentaires versées dépassent")
    client = Client()
    client.force_login(membre(narbonne, username="agent-narbonne"))
    reponse = client.get(reverse("demandes:detail", args=[demande.pk]))
    assert reponse.status_code == 200
    assert "Éligibilité non évaluée" in reponse.content.decode()
