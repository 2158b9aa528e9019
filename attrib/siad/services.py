"""Writes of the reception service: places and their hours, slot series, bookings and their cancellation, the
erasure of past bookings' personal data (decision 0030).

Every function takes the acting ``auteur`` and checks its right first (``attrib.siad.permissions``); errors are
French ``ValidationError`` messages keyed by the field they concern. A booking is open to anybody, logged in or
not: the slot's capacity is held by the database (``Creneau.reserves ≤ capacite``, raised by one conditional
update), so that two households taking the last place at the same moment cannot both get it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from attrib.engine.parametres.arbre import valeur
from attrib.exploitation.donnees_personnelles import nettoyer_journal
from attrib.journal.models import EntreeJournal
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation
from attrib.siad import permissions
from attrib.siad.enums import Accessibilite, AnnulePar, Service, StatutRendezVous
from attrib.siad.horaires import ExceptionSaisie
from attrib.siad.models import (
    CAPACITE_CRENEAU_MAX,
    DUREE_CRENEAU_MAX_MINUTES,
    Creneau,
    ExceptionHoraire,
    LieuAccueil,
    PlageHoraire,
    RendezVous,
)
from attrib.territoires.models import Commune

journal = logging.getLogger(__name__)

SEL_JETON = "attrib.siad.rendez_vous"
LIEN_INVALIDE = (
    "Ce lien d'annulation n'est pas valide. Vérifiez qu'il a été copié en entier depuis le courriel de confirmation, "
    "ou appelez le lieu d'accueil."
)
_TELEPHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")
_CODE_POSTAL = re.compile(r"^\d{5}$")


def _maintenant(maintenant: datetime | None) -> datetime:
    return maintenant or timezone.now()


def _texte(donnees: dict[str, Any], cle: str) -> str:
    return " ".join(str(donnees.get(cle) or "").split())


def _verifier_telephone(telephone: str, cle: str, erreurs: dict[str, list[str]]) -> None:
    if telephone and (not _TELEPHONE.match(telephone) or sum(c.isdigit() for c in telephone) < 6):
        erreurs.setdefault(cle, []).append("Saisissez un numéro de téléphone, par exemple 04 68 00 00 00.")


def _verifier_courriel(courriel: str, cle: str, erreurs: dict[str, list[str]]) -> None:
    if courriel:
        try:
            validate_email(courriel)
        except ValidationError:
            erreurs.setdefault(cle, []).append(
                "Saisissez une adresse de courriel valide, par exemple prenom.nom@exemple.fr."
            )


# --- places ----------------------------------------------------------------------------------------------------


@transaction.atomic
def lieu_enregistrer(*, lieu: LieuAccueil | None, donnees: dict[str, Any], auteur: Acteur) -> LieuAccueil:
    """Create (``lieu=None``) or update a reception place. ``donnees``: ``organisation``, ``nom``, ``adresse``,
    ``complement``, ``code_postal``, ``commune``, ``telephone``, ``courriel``, ``services``, ``accessibilite``,
    ``informations``, ``rendez_vous_en_ligne``, ``actif``."""
    auteur = acteur_de(auteur)
    organisation: Organisation | None = donnees.get("organisation")
    if lieu is not None:
        auteur.exiger(permissions.peut_gerer_lieu(auteur, lieu.organisation_id), permissions.REFUS_GERER)
    auteur.exiger(
        organisation is not None and permissions.peut_creer_pour(auteur, organisation.pk), permissions.REFUS_CREER
    )
    assert organisation is not None
    erreurs: dict[str, list[str]] = {}
    if not organisation.code_guichet and organisation.type != "epci":
        erreurs["organisation"] = ["Un lieu d'accueil est tenu par un guichet enregistreur ou par un EPCI."]
    nom, adresse = _texte(donnees, "nom"), _texte(donnees, "adresse")
    for cle, texte, libelle in (("nom", nom, "le nom du lieu"), ("adresse", adresse, "l'adresse")):
        if not texte:
            erreurs[cle] = [f"Indiquez {libelle}."]
    code_postal = _texte(donnees, "code_postal")
    if not _CODE_POSTAL.match(code_postal):
        erreurs["code_postal"] = ["Le code postal s'écrit avec cinq chiffres."]
    commune: Commune | None = donnees.get("commune")
    if commune is None:
        erreurs["commune"] = ["Choisissez la commune du lieu."]
    elif commune.epci_id is None:
        erreurs["commune"] = ["Cette commune n'appartient à aucun EPCI : choisissez une commune d'un territoire."]
    telephone, courriel = _texte(donnees, "telephone"), _texte(donnees, "courriel").lower()
    _verifier_telephone(telephone, "telephone", erreurs)
    _verifier_courriel(courriel, "courriel", erreurs)
    services = list(dict.fromkeys(donnees.get("services") or []))
    if not services:
        erreurs["services"] = ["Cochez au moins un service proposé."]
    elif any(s not in Service.values for s in services):
        erreurs["services"] = ["Un service coché n'existe pas."]
    accessibilite = list(dict.fromkeys(donnees.get("accessibilite") or []))
    if any(a not in Accessibilite.values for a in accessibilite):
        erreurs["accessibilite"] = ["Une mention d'accessibilité cochée n'existe pas."]
    if erreurs:
        raise ValidationError(erreurs)
    assert commune is not None and commune.epci_id is not None
    doublon = LieuAccueil.objects.filter(organisation=organisation, nom=nom)
    if lieu is not None:
        doublon = doublon.exclude(pk=lieu.pk)
    if doublon.exists():
        raise ValidationError({"nom": ["Votre organisation a déjà un lieu d'accueil de ce nom."]})
    lieu = lieu or LieuAccueil()
    lieu.epci_id = commune.epci_id
    lieu.organisation = organisation
    lieu.nom, lieu.adresse, lieu.complement = nom, adresse, _texte(donnees, "complement")
    lieu.code_postal, lieu.commune = code_postal, commune
    lieu.telephone, lieu.courriel = telephone, courriel
    lieu.services, lieu.accessibilite = services, accessibilite
    lieu.informations = str(donnees.get("informations") or "").strip()
    lieu.rendez_vous_en_ligne = bool(donnees.get("rendez_vous_en_ligne", True))
    lieu.actif = bool(donnees.get("actif", True))
    lieu.full_clean()
    lieu.save()
    return lieu


@transaction.atomic
def horaires_enregistrer(
    *,
    lieu: LieuAccueil,
    plages: dict[int, list[tuple[time, time]]],
    exceptions: list[ExceptionSaisie],
    auteur: Acteur,
    aujourd_hui: date | None = None,
) -> None:
    """Replace the weekly hours of the place, and its exceptional days from today on (past ones are history)."""
    auteur = acteur_de(auteur)
    auteur.exiger(permissions.peut_gerer_lieu(auteur, lieu.organisation_id), permissions.REFUS_GERER)
    jour = aujourd_hui or timezone.localdate()
    passees = [e.date for e in exceptions if e.date < jour]
    if passees:
        raise ValidationError(
            {"exceptions": [f"Le {passees[0]:%d/%m/%Y} est passé : indiquez seulement les jours à venir."]}
        )
    if any(j not in range(7) for j in plages):
        raise ValidationError("Un jour de la semaine n'existe pas.")
    PlageHoraire.objects.filter(lieu=lieu).delete()
    PlageHoraire.objects.bulk_create(
        [PlageHoraire(lieu=lieu, jour=j, debut=d, fin=f) for j, liste in sorted(plages.items()) for d, f in liste]
    )
    ExceptionHoraire.objects.filter(lieu=lieu, date__gte=jour).delete()
    ExceptionHoraire.objects.bulk_create(
        [
            ExceptionHoraire(lieu=lieu, date=e.date, debut=d, fin=f, motif=e.motif)
            for e in exceptions
            for d, f in (e.plages or ((None, None),))
        ]
    )


# --- slots -----------------------------------------------------------------------------------------------------


@dataclass
class SerieCreee:
    creneaux: list[Creneau] = field(default_factory=list)
    #: Slots of the series not created, and why (already there, day closed, already started).
    deja_existants: int = 0
    jours_fermes: list[date] = field(default_factory=list)
    deja_commences: int = 0


@transaction.atomic
def creneaux_creer_serie(
    *,
    lieu: LieuAccueil,
    premier_jour: date,
    dernier_jour: date,
    jours: list[int],
    heure_debut: time,
    heure_fin: time,
    duree_minutes: int,
    capacite: int,
    auteur: Acteur,
    maintenant: datetime | None = None,
) -> SerieCreee:
    """Open the slots of a series: on each chosen weekday from ``premier_jour`` to ``dernier_jour``, one slot of
    ``duree_minutes`` after the other from ``heure_debut`` while it ends by ``heure_fin``. A day the place is
    closed (exceptional day), a slot already there or already started is left out, and said."""
    auteur = acteur_de(auteur)
    auteur.exiger(permissions.peut_gerer_lieu(auteur, lieu.organisation_id), permissions.REFUS_GERER)
    instant = _maintenant(maintenant)
    aujourd_hui = timezone.localdate(instant)
    erreurs: dict[str, list[str]] = {}
    if premier_jour < aujourd_hui:
        erreurs["premier_jour"] = ["Le premier jour est passé : une série commence aujourd'hui au plus tôt."]
    if dernier_jour < premier_jour:
        erreurs["dernier_jour"] = ["Le dernier jour doit être le premier jour ou un jour après."]
    elif (dernier_jour - premier_jour).days > settings.SIAD_SERIE_JOURS_MAX:
        erreurs["dernier_jour"] = [f"Une série couvre au plus {settings.SIAD_SERIE_JOURS_MAX} jours."]
    if not jours or any(j not in range(7) for j in jours):
        erreurs["jours"] = ["Cochez au moins un jour de la semaine."]
    if heure_fin <= heure_debut:
        erreurs["heure_fin"] = ["L'heure de fin doit être après l'heure de début."]
    if not 5 <= duree_minutes <= DUREE_CRENEAU_MAX_MINUTES:
        erreurs["duree_minutes"] = ["Un rendez-vous dure de 5 minutes à 8 heures."]
    elif heure_fin > heure_debut and (
        datetime.combine(premier_jour, heure_fin) - datetime.combine(premier_jour, heure_debut)
    ) < timedelta(minutes=duree_minutes):
        erreurs["duree_minutes"] = [
            "Aucun rendez-vous de cette durée ne tient entre l'heure de début et l'heure de fin."
        ]
    if not 1 <= capacite <= CAPACITE_CRENEAU_MAX:
        erreurs["capacite"] = [f"Un créneau reçoit de 1 à {CAPACITE_CRENEAU_MAX} rendez-vous."]
    if erreurs:
        raise ValidationError(erreurs)
    fermes = set(ExceptionHoraire.objects.filter(lieu=lieu, debut__isnull=True).values_list("date", flat=True))
    existants = set(
        Creneau.objects.filter(lieu=lieu, debut__date__gte=premier_jour - timedelta(days=1)).values_list(
            "debut", flat=True
        )
    )
    serie = SerieCreee()
    a_creer: list[Creneau] = []
    duree = timedelta(minutes=duree_minutes)
    jour = premier_jour
    while jour <= dernier_jour:
        if jour.weekday() in jours:
            if jour in fermes:
                serie.jours_fermes.append(jour)
            else:
                debut = timezone.make_aware(datetime.combine(jour, heure_debut))
                fin_journee = timezone.make_aware(datetime.combine(jour, heure_fin))
                while debut + duree <= fin_journee:
                    if debut <= instant:
                        serie.deja_commences += 1
                    elif debut in existants:
                        serie.deja_existants += 1
                    else:
                        a_creer.append(Creneau(lieu=lieu, debut=debut, duree_minutes=duree_minutes, capacite=capacite))
                    debut += duree
        jour += timedelta(days=1)
    if len(a_creer) > settings.SIAD_SERIE_CRENEAUX_MAX:
        raise ValidationError(
            f"Cette série ouvrirait {len(a_creer)} créneaux ; une série en ouvre au plus "
            f"{settings.SIAD_SERIE_CRENEAUX_MAX}. Raccourcissez la période ou allongez les rendez-vous."
        )
    serie.creneaux = Creneau.objects.bulk_create(a_creer)
    return serie


@transaction.atomic
def creneau_supprimer(*, creneau: Creneau, auteur: Acteur, maintenant: datetime | None = None) -> None:
    """Remove a slot nobody booked (a slot with bookings keeps them: cancel them first)."""
    auteur = acteur_de(auteur)
    auteur.exiger(permissions.peut_gerer_lieu(auteur, creneau.lieu.organisation_id), permissions.REFUS_GERER)
    if creneau.debut <= _maintenant(maintenant):
        raise ValidationError("Ce créneau a déjà commencé : il reste dans l'agenda.")
    if RendezVous.objects.filter(creneau=creneau).exists():
        raise ValidationError("Ce créneau a des rendez-vous : il reste dans l'agenda pour les garder.")
    creneau.delete()


# --- bookings --------------------------------------------------------------------------------------------------


def jeton_de(rendez_vous: RendezVous) -> str:
    """The secret of the household's link to its booking (signed with the site's key)."""
    return signing.dumps({"r": rendez_vous.pk, "c": str(rendez_vous.cle)}, salt=SEL_JETON, compress=True)


def rendez_vous_du_jeton(texte: str) -> RendezVous:
    """The booking a link names (``ValidationError`` for a link that is not valid or a booking erased)."""
    try:
        contenu = signing.loads(texte, salt=SEL_JETON)
        rendez_vous = RendezVous.objects.select_related("creneau__lieu__commune").get(
            pk=int(contenu["r"]), cle=str(contenu["c"]), purge_le__isnull=True
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, RendezVous.DoesNotExist) as exc:
        raise ValidationError(LIEN_INVALIDE) from exc
    return rendez_vous


def lien(rendez_vous: RendezVous, adresse_site: str) -> str:
    return adresse_site.rstrip("/") + reverse(
        "siad:rendez_vous", args=[rendez_vous.creneau.lieu.epci_id, jeton_de(rendez_vous)]
    )


@transaction.atomic
def rendez_vous_reserver(
    *,
    creneau: Creneau,
    nom: str,
    email: str,
    telephone: str,
    motif: str,
    auteur: Acteur,
    maintenant: datetime | None = None,
) -> RendezVous:
    """Book a place of ``creneau`` for a household. Open to anybody: a visitor without account, an applicant
    (its account is kept with the booking), a desk booking for a household on the phone."""
    auteur = acteur_de(auteur)
    instant = _maintenant(maintenant)
    lieu = creneau.lieu
    if not (lieu.actif and lieu.rendez_vous_en_ligne):
        raise ValidationError("Ce lieu ne prend pas de rendez-vous en ligne : appelez-le pour en convenir.")
    if creneau.debut <= instant:
        raise ValidationError("Ce créneau est passé : choisissez un créneau à venir.")
    nom = " ".join((nom or "").split())
    email = (email or "").strip().lower()
    telephone = " ".join((telephone or "").split())
    erreurs: dict[str, list[str]] = {}
    if not nom:
        erreurs["nom"] = ["Indiquez votre nom et votre prénom."]
    elif len(nom) > 150:
        erreurs["nom"] = ["Le nom s'écrit en 150 caractères au plus."]
    if not email and not telephone:
        erreurs["email"] = ["Indiquez une adresse de courriel ou un numéro de téléphone pour être prévenu."]
    _verifier_courriel(email, "email", erreurs)
    _verifier_telephone(telephone, "telephone", erreurs)
    if motif not in Service.values or (lieu.services and motif not in lieu.services):
        erreurs["motif"] = ["Choisissez le motif du rendez-vous parmi les services de ce lieu."]
    if erreurs:
        raise ValidationError(erreurs)
    contact = Q(email=email) if email else Q(pk__in=[])
    if telephone:
        contact |= Q(telephone=telephone)
    en_cours = RendezVous.objects.filter(
        contact, statut=StatutRendezVous.RESERVE, creneau__debut__gt=instant, creneau__lieu=lieu
    ).count()
    if en_cours >= settings.SIAD_RENDEZ_VOUS_PAR_CONTACT_MAX:
        raise ValidationError(
            f"Vous avez déjà {en_cours} rendez-vous à venir dans ce lieu : annulez-en un avant d'en prendre un autre."
        )
    # The database keeps reserves ≤ capacite: of two bookings of the last place at once, one updates no row.
    pris = Creneau.objects.filter(pk=creneau.pk, reserves__lt=F("capacite"), debut__gt=instant).update(
        reserves=F("reserves") + 1
    )
    if not pris:
        raise ValidationError("Ce créneau vient d'être complet : choisissez-en un autre.")
    return RendezVous.objects.create(
        creneau=creneau,
        nom=nom,
        email=email,
        telephone=telephone,
        motif=motif,
        compte=auteur.utilisateur if auteur.est_demandeur else None,
    )


def _envoyer(rendez_vous: RendezVous, *, objet: str, gabarit: str, adresse_site: str) -> bool:
    """One e-mail to the household (``False``: it has no address, or the server refused; logged)."""
    if not rendez_vous.email:
        return False
    contexte = {
        "rendez_vous": rendez_vous,
        "creneau": rendez_vous.creneau,
        "lieu": rendez_vous.creneau.lieu,
        "lien": lien(rendez_vous, adresse_site),
    }
    try:
        send_mail(objet, render_to_string(gabarit, contexte), None, [rendez_vous.email], fail_silently=False)
    except OSError:  # SMTP errors are OSErrors (refused connection, timeout, SMTPException)
        journal.warning("Courriel du rendez-vous %s non envoyé", rendez_vous.pk, exc_info=True)
        return False
    return True


def rendez_vous_confirmer(*, rendez_vous: RendezVous, adresse_site: str, auteur: Acteur) -> bool:
    """Send the confirmation with the cancellation link, once the booking is committed (``False``: not sent; the
    page then shows the link). Records when it was sent."""
    auteur = acteur_de(auteur)
    if rendez_vous.confirmation_envoyee_le is not None:
        return True
    envoye = _envoyer(
        rendez_vous,
        objet=f"Votre rendez-vous du {timezone.localtime(rendez_vous.creneau.debut):%d/%m/%Y à %H:%M}",
        gabarit="siad/courriels/confirmation.txt",
        adresse_site=adresse_site,
    )
    if envoye:
        RendezVous.objects.filter(pk=rendez_vous.pk).update(confirmation_envoyee_le=timezone.now())
    return envoye


def _annuler(rendez_vous: RendezVous, par: str, instant: datetime) -> None:
    # One conditional update: of two cancellations at once, only one frees the place.
    annule = RendezVous.objects.filter(pk=rendez_vous.pk, statut=StatutRendezVous.RESERVE).update(
        statut=StatutRendezVous.ANNULE, annule_le=instant, annule_par=par
    )
    if not annule:
        raise ValidationError("Ce rendez-vous n'est plus réservé : il a déjà été annulé ou a eu lieu.")
    Creneau.objects.filter(pk=rendez_vous.creneau_id).update(reserves=F("reserves") - 1)
    rendez_vous.refresh_from_db()


@transaction.atomic
def rendez_vous_annuler_par_jeton(*, jeton: str, auteur: Acteur, maintenant: datetime | None = None) -> RendezVous:
    """The household cancels with the link it received (whoever holds the link may cancel: it was sent to the
    household only)."""
    acteur_de(auteur)
    instant = _maintenant(maintenant)
    rendez_vous = rendez_vous_du_jeton(jeton)
    if rendez_vous.creneau.debut <= instant:
        raise ValidationError("Ce rendez-vous a déjà commencé ou est passé : il ne peut plus être annulé en ligne.")
    _annuler(rendez_vous, AnnulePar.MENAGE, instant)
    return rendez_vous


@transaction.atomic
def rendez_vous_annuler(*, rendez_vous: RendezVous, auteur: Acteur, maintenant: datetime | None = None) -> RendezVous:
    """The desk cancels a booking (the household is told by e-mail: :func:`rendez_vous_prevenir_annulation`)."""
    auteur = acteur_de(auteur)
    auteur.exiger(
        permissions.peut_gerer_lieu(auteur, rendez_vous.creneau.lieu.organisation_id), permissions.REFUS_GERER
    )
    instant = _maintenant(maintenant)
    if rendez_vous.creneau.debut <= instant:
        raise ValidationError("Ce rendez-vous a déjà commencé : marquez-le honoré s'il a eu lieu.")
    _annuler(rendez_vous, AnnulePar.ACCUEIL, instant)
    return rendez_vous


def rendez_vous_prevenir_annulation(*, rendez_vous: RendezVous, adresse_site: str, auteur: Acteur) -> bool:
    """Tell the household its booking was cancelled by the desk (``False``: no address, or not sent)."""
    auteur = acteur_de(auteur)
    auteur.exiger(
        permissions.peut_gerer_lieu(auteur, rendez_vous.creneau.lieu.organisation_id), permissions.REFUS_GERER
    )
    return _envoyer(
        rendez_vous,
        objet=f"Votre rendez-vous du {timezone.localtime(rendez_vous.creneau.debut):%d/%m/%Y à %H:%M} est annulé",
        gabarit="siad/courriels/annulation.txt",
        adresse_site=adresse_site,
    )


@transaction.atomic
def rendez_vous_marquer_honore(
    *, rendez_vous: RendezVous, auteur: Acteur, maintenant: datetime | None = None
) -> RendezVous:
    auteur = acteur_de(auteur)
    auteur.exiger(
        permissions.peut_gerer_lieu(auteur, rendez_vous.creneau.lieu.organisation_id), permissions.REFUS_GERER
    )
    instant = _maintenant(maintenant)
    if rendez_vous.creneau.debut > instant:
        raise ValidationError("Ce rendez-vous n'a pas encore eu lieu.")
    marque = RendezVous.objects.filter(pk=rendez_vous.pk, statut=StatutRendezVous.RESERVE).update(
        statut=StatutRendezVous.HONORE, honore_le=instant
    )
    if not marque:
        raise ValidationError("Seul un rendez-vous réservé peut être marqué honoré.")
    rendez_vous.refresh_from_db()
    return rendez_vous


@transaction.atomic
def rendez_vous_purger(*, auteur: Acteur, aujourd_hui: date | None = None) -> int:
    """Erase the name and contact of the bookings whose slot is older than the retention of
    ``siad.rendez_vous_conservation_jours``, in the bookings and in their journal entries. Returns their number."""
    auteur = acteur_de(auteur)
    auteur.exiger(auteur.voit_tout, permissions.REFUS_PURGER)
    jour = aujourd_hui or timezone.localdate()
    jours = int(valeur("siad.rendez_vous_conservation_jours", jour).valeur)
    limite = timezone.make_aware(datetime.combine(jour - timedelta(days=jours), time.min))
    cibles = RendezVous.objects.filter(creneau__debut__lt=limite, purge_le__isnull=True)
    ids = list(cibles.values_list("pk", flat=True))
    if not ids:
        return 0
    RendezVous.objects.filter(pk__in=ids).update(nom="", email="", telephone="", compte=None, purge_le=timezone.now())
    nettoyer_journal(
        EntreeJournal.objects.filter(table_objet="siad.rendezvous", objet_id__in=[str(i) for i in ids]).iterator()
    )
    return len(ids)
