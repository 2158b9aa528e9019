"""Agreements: whole-set validation by the engine, territories, contingents, no retroactive change."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.flux.models import ConventionReservation
from attrib.flux.services import reglage_flux_enregistrer
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from tests.factories import GRUISSAN, NARBONNE
from tests.flux.conftest import Monde

# Frozen clock (tests/conftest.py): agreements start on 1 January of "this year".
pytestmark = pytest.mark.usefixtures("horloge")


def test_une_part_de_l_etat_de_35_pourcent_est_refusee_avec_la_regle(monde: Monde) -> None:
    monde.convention(monde.etat, "etat", "30")
    with pytest.raises(ValidationError) as exc:
        monde.convention(monde.etat, "etat_agents", "5")
    messages = exc.value.message_dict["part"]
    assert any(
        "La part de l'État (35 %) dépasse le plafond de 30 % du flux annuel (R441-5 CCH)" in m for m in messages
    ), messages
    assert ConventionReservation.objects.count() == 1


def test_la_part_des_agents_de_l_etat_est_plafonnee(monde: Monde) -> None:
    monde.convention(monde.etat, "etat", "20")
    with pytest.raises(ValidationError) as exc:
        monde.convention(monde.etat, "etat_agents", "6")
    assert any("agents de l'État (6 %) dépasse le plafond de 5 %" in m for m in exc.value.message_dict["part"])


def test_les_parts_d_un_bailleur_ne_depassent_pas_100_pourcent(monde: Monde) -> None:
    monde.convention(monde.action_logement, "action_logement", "80")
    with pytest.raises(ValidationError) as exc:
        monde.convention(monde.etat, "etat", "25")
    assert any("105 %" in m and "ne peut dépasser 100 %" in m for m in exc.value.message_dict["part"])


def test_une_convention_communale_ne_partage_que_le_flux_de_son_territoire(monde: Monde) -> None:
    monde.convention(monde.action_logement, "action_logement", "60")
    # 60 % + 40 % on Narbonne only: valid, Gruissan keeps 40 % for the bailleur.
    ville = monde.convention(monde.ville, "commune", "40", communes=[NARBONNE])
    assert list(ville.territoire.values_list("code_insee", flat=True)) == [NARBONNE]
    with pytest.raises(ValidationError) as exc:
        monde.convention(monde.epci, "epci", "1", communes=[NARBONNE, GRUISSAN])
    message = exc.value.message_dict["part"][0]
    assert "101 %" in message and "(logements de : Gruissan, Narbonne)" in message


def test_le_contingent_doit_correspondre_a_la_categorie_du_reservataire(monde: Monde) -> None:
    with pytest.raises(ValidationError) as exc:
        monde.convention(monde.etat, "action_logement", "10")
    assert "réservé à un réservataire de catégorie « Action Logement »" in exc.value.message_dict["categorie"][0]


def test_une_part_ou_un_nombre_mais_pas_les_deux(monde: Monde) -> None:
    with pytest.raises(ValidationError) as exc:
        monde.convention(monde.action_logement, "action_logement", "10", nombre_logements=4)
    assert "pas les deux" in exc.value.message_dict["part"][0]
    with pytest.raises(ValidationError) as exc:
        monde.convention(monde.action_logement, "action_logement", None)
    assert "part du flux" in exc.value.message_dict["part"][0]


def test_un_contingent_n_a_qu_une_convention_a_la_fois(monde: Monde) -> None:
    debut = date(timezone.localdate().year, 1, 1)
    monde.convention(monde.action_logement, "action_logement", "10", debut=debut, fin=debut + timedelta(days=200))
    with pytest.raises(ValidationError) as exc:
        monde.convention(monde.action_logement, "action_logement", "12", debut=debut + timedelta(days=100))
    assert any("Chevauche la convention (Action Logement Services)" in m for m in exc.value.message_dict["debut"])


def test_la_base_refuse_une_convention_incoherente(monde: Monde) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ConventionReservation.objects.create(
            bailleur=monde.alogea,
            reservataire=monde.etat,
            categorie="etat",
            part=Decimal("10"),
            nombre_logements=3,
            debut=date(2026, 1, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ConventionReservation.objects.create(
            bailleur=monde.alogea,
            reservataire=monde.etat,
            categorie="etat",
            part=Decimal("120"),
            debut=date(2026, 1, 1),
        )


def test_une_convention_est_tracee_et_reservee_aux_gestionnaires_du_bailleur(monde: Monde) -> None:
    with pytest.raises(PermissionDenied):
        monde.convention(monde.etat, "etat", "20", auteur=monde.users["alogea_lecteur"])
    with pytest.raises(PermissionDenied):
        monde.convention(monde.etat, "etat", "20", auteur=monde.users["etat"])
    c = monde.convention(monde.etat, "etat", "20", auteur=monde.users["alogea"])
    evenement = Evenement.objects.pour(c).get()
    assert evenement.action == "convention_creee"
    assert evenement.details["apres"]["part"] == "20.000"


def test_une_convention_appliquee_ne_change_plus_retroactivement(monde: Monde) -> None:
    conventions = monde.conventions_standard()
    monde.declarer(monde.logement("centre", 1))
    with pytest.raises(ValidationError) as exc:
        monde.convention(
            monde.action_logement, "action_logement", "30", convention=conventions["al"], debut=conventions["al"].debut
        )
    assert "ne changent plus" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        monde.convention(monde.ville, "commune", "5", communes=[NARBONNE])
    assert "commence après la dernière orientation" in exc.value.message_dict["debut"][0]
    # Ending it after the last orientation, or changing its deadline, remains possible.
    fin = timezone.localdate() + timedelta(days=10)
    modifiee = monde.convention(
        monde.action_logement,
        "action_logement",
        "25",
        convention=conventions["al"],
        debut=conventions["al"].debut,
        fin=fin,
        delai_proposition_jours=20,
    )
    assert modifiee.fin == fin and modifiee.delai_proposition_jours == 20
    # A new agreement on Gruissan only does not touch the dwelling oriented in Narbonne.
    monde.convention(monde.epci, "epci", "5", communes=[GRUISSAN])


def test_l_arbitrage_du_bailleur_est_trace(monde: Monde) -> None:
    reglage = reglage_flux_enregistrer(
        bailleur=monde.alogea, arbitrage="part_globale", auteur=acteur_de(monde.users["alogea"])
    )
    assert reglage.arbitrage == "part_globale"
    assert Evenement.objects.pour(reglage).get().action == "arbitrage_modifie"
    with pytest.raises(ValidationError):
        reglage_flux_enregistrer(auteur=acteur_systeme("test"), bailleur=monde.alogea, arbitrage="au_hasard")
