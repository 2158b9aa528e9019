"""The dated rules of a bailleur × réservataire pair: one rule in force a day, a new one replacing an open-ended
one from its start, within the life of the pair's reservation agreements, written by the bailleur's managers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from attrib.annonces.models import RegleLocationVoulue
from attrib.annonces.selectors import regle_en_vigueur
from attrib.annonces.services import regle_enregistrer
from attrib.common.models import Evenement
from attrib.organisations.acteurs import Refus
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from tests.annonces.conftest import MondeLV

pytestmark = pytest.mark.django_db


def test_une_nouvelle_regle_remplace_la_precedente_a_sa_date(lv: MondeLV) -> None:
    debut = lv.jour + timedelta(days=15)
    nouvelle = regle_enregistrer(
        bailleur=lv.monde.bailleur,
        reservataire=lv.monde.etat,
        debut=debut,
        part=40,
        typologie_min=2,
        typologie_max=4,
        hors_qpv_seulement=True,
        financements=["PLUS", "PLAI"],
        duree_publication_jours=10,
        auteur=lv.bailleur,
    )
    lv.regle_etat.refresh_from_db()
    assert lv.regle_etat.fin == debut - timedelta(days=1)
    assert nouvelle.financements == ["PLAI", "PLUS"] and nouvelle.cree_par == lv.monde.gestionnaire_bailleur
    assert regle_en_vigueur(bailleur_id=lv.monde.bailleur.pk, reservataire_id=lv.monde.etat.pk, jour=lv.jour) == (
        lv.regle_etat
    )
    assert regle_en_vigueur(bailleur_id=lv.monde.bailleur.pk, reservataire_id=lv.monde.etat.pk, jour=debut) == nouvelle
    (evenement,) = Evenement.objects.filter(action="regle_location_voulue", cible_id=str(nouvelle.pk))
    assert f"la règle précédente prend fin le {debut - timedelta(days=1):%d/%m/%Y}" in evenement.resume


def test_deux_regles_d_un_couple_ne_s_appliquent_pas_le_meme_jour(lv: MondeLV) -> None:
    fermee = regle_enregistrer(
        bailleur=lv.monde.bailleur,
        reservataire=lv.monde.etat,
        debut=lv.jour + timedelta(days=30),
        fin=lv.jour + timedelta(days=60),
        part=20,
        auteur=lv.bailleur,
    )
    with pytest.raises(ValidationError) as exc:
        regle_enregistrer(
            bailleur=lv.monde.bailleur,
            reservataire=lv.monde.etat,
            debut=lv.jour + timedelta(days=45),
            part=25,
            auteur=lv.bailleur,
        )
    assert exc.value.message_dict["debut"] == [
        f"Une règle de Alogea pour Préfecture de l'Aude est déjà en vigueur du {fermee.debut:%d/%m/%Y} au "
        f"{fermee.fin:%d/%m/%Y} : deux règles d'un même couple ne s'appliquent pas le même jour."
    ]
    assert RegleLocationVoulue.objects.filter(reservataire=lv.monde.etat).count() == 2


def test_la_regle_d_un_reservataire_vit_dans_sa_convention(lv: MondeLV) -> None:
    convention = lv.monde.bailleur.conventions_bailleur.get(reservataire=lv.monde.etat)
    avant = convention.debut - timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        regle_enregistrer(
            bailleur=lv.monde.bailleur, reservataire=lv.monde.etat, debut=avant, fin=avant, part=10, auteur=lv.bailleur
        )
    assert exc.value.message_dict["debut"] == [
        f"La règle commence le {avant:%d/%m/%Y}, hors de la vie des conventions de réservation de Préfecture de "
        f"l'Aude avec Alogea (à partir du {convention.debut:%d/%m/%Y})."
    ]
    sans_convention = Organisation.objects.create(
        nom="Ville de Gruissan",
        type=TypeOrganisation.RESERVATAIRE,
        categorie_reservataire=CategorieReservataire.COMMUNE,
    )
    with pytest.raises(ValidationError) as exc:
        regle_enregistrer(
            bailleur=lv.monde.bailleur, reservataire=sans_convention, debut=lv.jour, part=10, auteur=lv.bailleur
        )
    assert exc.value.message_dict["reservataire"] == [
        "Ville de Gruissan n'a pas de convention de réservation avec Alogea : il n'a pas de flux à publier."
    ]


def test_les_valeurs_d_une_regle_sont_verifiees(lv: MondeLV) -> None:
    with pytest.raises(ValidationError) as exc:
        regle_enregistrer(
            bailleur=lv.monde.bailleur,
            reservataire=lv.monde.bailleur,
            debut=date(2027, 1, 1),
            fin=date(2026, 12, 1),
            part=120,
            typologie_min=4,
            typologie_max=2,
            financements=["PLI"],
            duree_publication_jours=0,
            auteur=lv.bailleur,
        )
    erreurs = exc.value.message_dict
    assert erreurs["part"] == ["La part de location voulue est un pourcentage entier, de 0 à 100."]
    assert erreurs["fin"] == ["La fin de la règle précède son début."]
    assert erreurs["typologie_max"] == ["La typologie maximale est inférieure à la typologie minimale."]
    assert erreurs["financements"] == ["Financement(s) inconnu(s) : PLI (attendu : PLAI, PLUS, PLS)."]
    assert erreurs["duree_publication_jours"] == ["Une annonce reste publiée au moins un jour."]
    assert erreurs["reservataire"] == [
        "Le bailleur n'est pas son propre réservataire : laissez le réservataire vide pour sa part non réservée."
    ]


def test_seuls_les_gestionnaires_du_bailleur_fixent_ses_regles(lv: MondeLV) -> None:
    avant = RegleLocationVoulue.objects.count()
    for acteur in (lv.etat, lv.menage("famille")):
        with pytest.raises(Refus, match="Seuls les gestionnaires du bailleur fixent ses règles de location voulue."):
            regle_enregistrer(bailleur=lv.monde.bailleur, debut=date(2027, 1, 1), part=10, auteur=acteur)
    assert RegleLocationVoulue.objects.count() == avant
