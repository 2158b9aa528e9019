"""The reception service's writes: places and hours (journalled), slot series with their dates checked, bookings
held within the slot's capacity, cancellation by the household's signed link or by the desk, erasure of past
bookings' personal data."""

from __future__ import annotations

import inspect
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import ANONYME, Acteur, Refus, acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.siad import services
from attrib.siad.horaires import ExceptionSaisie, HoraireInvalide, lire_exceptions, lire_plages
from attrib.siad.models import Creneau, ExceptionHoraire, LieuAccueil, PlageHoraire, RendezVous
from tests.siad.conftest import SYSTEME, MondeSiad, demain, donnees_lieu

pytestmark = pytest.mark.django_db


def reserver(
    creneau: Creneau, *, nom: str = "Camille Martin", email: str = "camille@example.org", **kw: Any
) -> RendezVous:
    return services.rendez_vous_reserver(
        creneau=creneau,
        nom=nom,
        email=email,
        telephone=kw.pop("telephone", ""),
        motif=kw.pop("motif", "information"),
        auteur=kw.pop("auteur", ANONYME),
        **kw,
    )


# --- places and hours -------------------------------------------------------------------------------------------


def test_un_lieu_est_journalise_et_garde_son_territoire(monde: MondeSiad) -> None:
    lieu = monde.lieu
    assert lieu.epci_id == monde.epci.siren
    assert EntreeJournal.objects.filter(racine_table="siad.lieuaccueil", racine_id=str(lieu.pk)).exists()
    donnees = donnees_lieu(monde.guichet, telephone="04 68 11 11 11")
    services.lieu_enregistrer(lieu=lieu, donnees=donnees, auteur=acteur_de(monde.agent))
    modif = EntreeJournal.objects.filter(racine_table="siad.lieuaccueil", operation="modification").latest("id")
    assert modif.avant["telephone"] == "04 68 00 00 00" and modif.apres["telephone"] == "04 68 11 11 11"
    # The hours are journalled under the place too.
    assert EntreeJournal.objects.filter(table_objet="siad.plagehoraire", racine_id=str(lieu.pk)).count() == 10


def test_seuls_les_gestionnaires_de_l_organisation_modifient_le_lieu(monde: MondeSiad) -> None:
    avant = LieuAccueil.objects.get(pk=monde.lieu.pk).nom
    for acteur in (ANONYME, acteur_de(monde.lecteur), acteur_de(monde.autre_agent)):
        with pytest.raises(Refus):
            services.lieu_enregistrer(
                lieu=monde.lieu, donnees=donnees_lieu(monde.guichet, nom="Autre nom"), auteur=acteur
            )
    assert LieuAccueil.objects.get(pk=monde.lieu.pk).nom == avant


def test_un_lieu_est_tenu_par_un_guichet_ou_un_epci_et_ses_champs_sont_controles(monde: MondeSiad) -> None:
    social = Organisation.objects.create(nom="Service social", type=TypeOrganisation.SERVICE_SOCIAL)
    with pytest.raises(ValidationError) as erreur:
        services.lieu_enregistrer(lieu=None, donnees=donnees_lieu(social, nom="Permanence"), auteur=SYSTEME)
    assert "guichet enregistreur ou par un EPCI" in str(erreur.value)
    with pytest.raises(ValidationError) as erreur:
        services.lieu_enregistrer(
            lieu=None,
            donnees=donnees_lieu(monde.guichet, nom="", code_postal="1110", telephone="abc", services=[]),
            auteur=SYSTEME,
        )
    assert set(erreur.value.message_dict) == {"nom", "code_postal", "telephone", "services"}


def test_horaires_lus_et_ecrits() -> None:
    assert lire_plages("9h-12h, 13h30 - 17h") == [(time(9), time(12)), (time(13, 30), time(17))]
    assert lire_plages("") == []
    for faux, attendu in (
        ("12h-9h", "après"),
        ("9h-12h, 11h-14h", "chevauchent"),
        ("9h", "plage"),
        ("25h-26h", "heure"),
    ):
        with pytest.raises(HoraireInvalide, match=attendu):
            lire_plages(faux)
    lues = lire_exceptions("25/12/2026 : fermé (Noël)\n24/12/2026 : 9h-12h")
    assert lues == [
        ExceptionSaisie(date(2026, 12, 24), ((time(9), time(12)),), ""),
        ExceptionSaisie(date(2026, 12, 25), (), "Noël"),
    ]
    with pytest.raises(HoraireInvalide, match="Ligne 2"):
        lire_exceptions("25/12/2026 : fermé\n31/02/2026 : fermé")


def test_les_jours_exceptionnels_passes_sont_refuses(monde: MondeSiad) -> None:
    with pytest.raises(ValidationError) as erreur:
        services.horaires_enregistrer(
            lieu=monde.lieu, plages={}, exceptions=[ExceptionSaisie(date(2026, 6, 1), ())], auteur=SYSTEME
        )
    assert "passé" in erreur.value.message_dict["exceptions"][0]
    assert PlageHoraire.objects.filter(lieu=monde.lieu).count() == 10


# --- slot series ------------------------------------------------------------------------------------------------


def test_serie_chaque_mardi_de_9h_a_12h_par_20_minutes_pendant_4_semaines(monde: MondeSiad) -> None:
    mardi = demain()
    assert mardi.weekday() == 1
    args = {
        "lieu": monde.lieu,
        "premier_jour": mardi,
        "dernier_jour": mardi + timedelta(days=27),
        "jours": [1],
        "heure_debut": time(9),
        "heure_fin": time(12),
        "duree_minutes": 20,
        "capacite": 1,
    }
    serie = services.creneaux_creer_serie(auteur=acteur_de(monde.agent), **args)
    assert len(serie.creneaux) == 4 * 9
    heures = sorted({timezone.localtime(c.debut).strftime("%H:%M") for c in serie.creneaux})
    assert heures[0] == "09:00" and heures[-1] == "11:40"
    # Again: nothing doubled; a closed day is left out and said.
    ExceptionHoraire.objects.create(lieu=monde.lieu, date=mardi + timedelta(days=14), motif="formation")
    encore = services.creneaux_creer_serie(auteur=acteur_de(monde.agent), **args)
    assert encore.creneaux == [] and encore.deja_existants == 27 and encore.jours_fermes == [mardi + timedelta(days=14)]
    with pytest.raises(Refus):
        services.creneaux_creer_serie(auteur=acteur_de(monde.lecteur), **args)


def test_serie_dates_controlees(monde: MondeSiad) -> None:
    base = {
        "lieu": monde.lieu,
        "premier_jour": demain(),
        "dernier_jour": demain(),
        "jours": [1],
        "heure_debut": time(9),
        "heure_fin": time(12),
        "duree_minutes": 20,
        "capacite": 1,
        "auteur": SYSTEME,
    }
    cas = {
        "premier_jour": {"premier_jour": date(2026, 6, 1), "dernier_jour": date(2026, 6, 30)},
        "dernier_jour": {"dernier_jour": demain() - timedelta(days=1)},
        "heure_fin": {"heure_fin": time(8)},
        "duree_minutes": {"duree_minutes": 200},
        "capacite": {"capacite": 0},
        "jours": {"jours": []},
    }
    for champ, surcharge in cas.items():
        with pytest.raises(ValidationError) as erreur:
            services.creneaux_creer_serie(**(base | surcharge))
        assert champ in erreur.value.message_dict, champ
    assert not Creneau.objects.exists()
    # Today: the slots already started are left out, the others opened.
    aujourd_hui = services.creneaux_creer_serie(
        **(base | {"premier_jour": date(2026, 6, 15), "dernier_jour": date(2026, 6, 15), "jours": [0]})
    )
    assert aujourd_hui.deja_commences == 4 and len(aujourd_hui.creneaux) == 5  # 9h00 to 10h00 started at 10h00


def test_la_base_refuse_un_creneau_sans_duree_ou_plus_de_rendez_vous_que_de_places(monde: MondeSiad) -> None:
    creneau = monde.ouvrir(demain(), time(9), time(9, 20))[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Creneau.objects.filter(pk=creneau.pk).update(reserves=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Creneau.objects.filter(pk=creneau.pk).update(duree_minutes=0)


# --- bookings ---------------------------------------------------------------------------------------------------


def test_capacite_du_creneau(monde: MondeSiad) -> None:
    creneau = monde.ouvrir(demain(), time(9), time(9, 30), duree=30, capacite=2)[0]
    reserver(creneau, email="a@example.org")
    reserver(creneau, email="b@example.org")
    with pytest.raises(ValidationError, match="complet"):
        reserver(creneau, email="c@example.org")
    creneau.refresh_from_db()
    assert creneau.reserves == 2 and RendezVous.objects.filter(creneau=creneau).count() == 2


def test_pas_de_reservation_d_un_creneau_passe(monde: MondeSiad, horloge: Any) -> None:
    creneau = monde.ouvrir(demain(), time(9), time(9, 20))[0]
    horloge.move_to(timezone.localtime(creneau.debut) + timedelta(minutes=1))
    with pytest.raises(ValidationError, match="passé"):
        reserver(creneau)
    assert not RendezVous.objects.exists()


def test_reservation_controlee_et_journalisee(monde: MondeSiad) -> None:
    creneau = monde.ouvrir(demain(), time(9), time(9, 20))[0]
    with pytest.raises(ValidationError) as erreur:
        reserver(creneau, nom=" ", email="", motif="inconnu")
    assert set(erreur.value.message_dict) == {"nom", "email", "motif"}
    with pytest.raises(ValidationError) as erreur:
        reserver(creneau, motif="numerique")  # not a service of this place
    assert "motif" in erreur.value.message_dict
    rdv = reserver(creneau, email="", telephone="06 12 34 56 78")
    entree = EntreeJournal.objects.get(table_objet="siad.rendezvous", objet_id=str(rdv.pk), operation="creation")
    assert entree.racine_table == "siad.creneau" and entree.apres["telephone"] == "06 12 34 56 78"
    assert "cle" not in entree.apres  # the secret of the link is never journalled


def test_un_contact_ne_prend_pas_tous_les_creneaux(monde: MondeSiad, settings: Any) -> None:
    creneaux = monde.ouvrir(demain(), time(9), time(11))
    for creneau in creneaux[: settings.SIAD_RENDEZ_VOUS_PAR_CONTACT_MAX]:
        reserver(creneau)
    with pytest.raises(ValidationError, match="déjà"):
        reserver(creneaux[-1], email="CAMILLE@example.org ")


def test_le_compte_du_demandeur_connecte_est_garde(monde: MondeSiad) -> None:
    from tests.factories import creer_demande
    from tests.permissions.matrice_demandeurs import demandeur_lie

    user = demandeur_lie(creer_demande(guichet_org=monde.guichet))
    creneau = monde.ouvrir(demain(), time(9), time(9, 20))[0]
    rdv = reserver(creneau, auteur=acteur_de(user))
    assert rdv.compte_id == user.pk


def test_confirmation_par_courriel_et_annulation_par_le_lien(monde: MondeSiad) -> None:
    creneau = monde.ouvrir(demain(), time(9), time(9, 20))[0]
    rdv = reserver(creneau)
    assert services.rendez_vous_confirmer(rendez_vous=rdv, adresse_site="http://testserver", auteur=ANONYME)
    (message,) = mail.outbox
    assert message.to == ["camille@example.org"]
    assert "mardi 16 juin 2026 à 9h00" in message.body and "Maison de l'habitat" in message.body
    lien = next(ligne for ligne in message.body.splitlines() if ligne.startswith("http://testserver/territoire/"))
    # A forged or altered link is refused; the right one cancels once and frees the place.
    jeton = lien.rstrip("/").rsplit("/", 1)[-1]
    for faux in (
        jeton[:-2] + "xx",
        services.jeton_de(RendezVous(pk=rdv.pk, cle="00000000-0000-0000-0000-000000000000")),
    ):
        with pytest.raises(ValidationError, match="lien d'annulation n'est pas valide"):
            services.rendez_vous_annuler_par_jeton(jeton=faux, auteur=ANONYME)
    reponse = Client().post(lien.removeprefix("http://testserver"))
    assert reponse.status_code == 200 and "Votre rendez-vous est annulé" in reponse.content.decode()
    rdv.refresh_from_db()
    creneau.refresh_from_db()
    assert rdv.statut == "annule" and rdv.annule_par == "menage" and creneau.reserves == 0
    with pytest.raises(ValidationError, match="n'est plus réservé"):
        services.rendez_vous_annuler_par_jeton(jeton=jeton, auteur=ANONYME)
    creneau.refresh_from_db()
    assert creneau.reserves == 0


def test_sans_serveur_de_courriel_le_rendez_vous_reste_reserve(monde: MondeSiad, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    rdv = reserver(monde.ouvrir(demain(), time(9), time(9, 20))[0])
    assert not services.rendez_vous_confirmer(rendez_vous=rdv, adresse_site="http://testserver", auteur=ANONYME)
    rdv.refresh_from_db()
    assert rdv.statut == "reserve" and rdv.confirmation_envoyee_le is None


def test_le_guichet_annule_previent_et_marque_honore(monde: MondeSiad, horloge: Any) -> None:
    a, b = monde.ouvrir(demain(), time(9), time(9, 40))
    rdv_a, rdv_b = reserver(a), reserver(b, email="autre@example.org")
    with pytest.raises(Refus):
        services.rendez_vous_annuler(rendez_vous=rdv_a, auteur=acteur_de(monde.lecteur))
    services.rendez_vous_annuler(rendez_vous=rdv_a, auteur=acteur_de(monde.agent))
    assert services.rendez_vous_prevenir_annulation(
        rendez_vous=rdv_a, adresse_site="http://testserver", auteur=acteur_de(monde.agent)
    )
    assert "est annulé par le lieu d'accueil" in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        services.rendez_vous_marquer_honore(rendez_vous=rdv_b, auteur=acteur_de(monde.agent))
    horloge.move_to(timezone.localtime(b.debut) + timedelta(minutes=5))
    services.rendez_vous_marquer_honore(rendez_vous=rdv_b, auteur=acteur_de(monde.agent))
    rdv_b.refresh_from_db()
    assert rdv_b.statut == "honore" and rdv_b.honore_le is not None
    with pytest.raises(ValidationError, match="commencé"):
        services.rendez_vous_annuler(rendez_vous=rdv_b, auteur=acteur_de(monde.agent))


def test_un_creneau_avec_rendez_vous_n_est_pas_supprime(monde: MondeSiad) -> None:
    a, b = monde.ouvrir(demain(), time(9), time(9, 40))
    reserver(a)
    with pytest.raises(ValidationError, match="a des rendez-vous"):
        services.creneau_supprimer(creneau=a, auteur=acteur_de(monde.agent))
    services.creneau_supprimer(creneau=b, auteur=acteur_de(monde.agent))
    assert list(Creneau.objects.values_list("pk", flat=True)) == [a.pk]


def test_purge_des_donnees_personnelles_apres_la_duree_de_conservation(monde: MondeSiad, horloge: Any) -> None:
    creneau = monde.ouvrir(demain(), time(9), time(9, 20))[0]
    rdv = reserver(creneau, telephone="06 12 34 56 78")
    with pytest.raises(Refus):
        services.rendez_vous_purger(auteur=acteur_de(monde.agent))
    assert services.rendez_vous_purger(auteur=SYSTEME, aujourd_hui=date(2026, 9, 1)) == 0  # 77 days: kept
    assert services.rendez_vous_purger(auteur=SYSTEME, aujourd_hui=date(2026, 9, 20)) == 1  # 96 days > 90
    rdv.refresh_from_db()
    assert (rdv.nom, rdv.email, rdv.telephone) == ("", "", "") and rdv.purge_le is not None
    for entree in EntreeJournal.objects.filter(table_objet="siad.rendezvous", objet_id=str(rdv.pk)):
        texte = f"{entree.avant} {entree.apres}"
        assert "Camille" not in texte and "camille@example.org" not in texte and "06 12" not in texte
    with pytest.raises(ValidationError):  # its link no longer opens anything
        services.rendez_vous_du_jeton(services.jeton_de(rdv))


# --- every writing service takes a typed actor ---------------------------------------------------------------

LECTURES = {"jeton_de", "rendez_vous_du_jeton", "lien"}


def test_chaque_service_qui_ecrit_exige_un_acteur_type() -> None:
    for nom, fonction in inspect.getmembers(services, inspect.isfunction):
        if fonction.__module__ != services.__name__ or nom.startswith("_") or nom in LECTURES:
            continue
        parametre = inspect.signature(fonction, eval_str=True).parameters.get("auteur")
        assert parametre is not None, nom
        assert parametre.kind is inspect.Parameter.KEYWORD_ONLY and parametre.annotation is Acteur, nom
        assert parametre.default is inspect.Parameter.empty, nom


def test_une_copie_anonymisee_ne_garde_ni_nom_ni_contact_des_rendez_vous(monde: MondeSiad, settings: Any) -> None:
    import io

    from django.core.management import call_command

    settings.EXPLOITATION_ENVIRONNEMENT = "copie"
    rdv = reserver(monde.ouvrir(demain(), time(9), time(9, 20))[0], nom="Ghislaine Dupontel", telephone="0612345678")
    call_command("anonymiser", "--je-confirme-copie", "--graine", "essai", stdout=io.StringIO())
    rdv.refresh_from_db()
    assert (rdv.nom, rdv.email, rdv.telephone) == ("", "", "")
    for entree in EntreeJournal.objects.filter(table_objet="siad.rendezvous"):
        assert (
            "Dupontel" not in f"{entree.avant} {entree.apres}" and "0612345678" not in f"{entree.avant} {entree.apres}"
        )
