"""The territory's reception and information service (SIAD, issue 13 point 6).

* :class:`LieuAccueil`: a place where households are received (address, commune, services, accessibility,
  contact), run by an organisation (a registration desk or the EPCI), with its weekly opening hours
  (:class:`PlageHoraire`) and its exceptions (:class:`ExceptionHoraire`: closed, or other hours, on a day);
* :class:`Creneau`: an appointment slot of a place (start, length, capacity) and the count of its bookings,
  which the database keeps within the capacity (no double booking, whatever the concurrency);
* :class:`RendezVous`: a booking by a household (name, contact, reason), cancelled by the household with the
  signed link it received, or by the desk, or marked honoured; its personal data are erased after the dated
  retention of ``data/parametres/siad.yaml`` (``purger_rendez_vous``);
* :class:`ChiffresCles`: the key figures of a territory as published, small counts already hidden
  (computed by the worker, ``attrib.siad.chiffres``).

Places, hours, slots and bookings are journalled (``attrib.journal.registre``).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attrib.organisations.acteurs import Acteur, restreindre
from attrib.siad.enums import Accessibilite, AnnulePar, JourSemaine, Service, StatutRendezVous

DUREE_CRENEAU_MAX_MINUTES = 480
CAPACITE_CRENEAU_MAX = 50


class LieuAccueilQuerySet(models.QuerySet["LieuAccueil"]):
    def visible_to(self, acteur: Acteur) -> LieuAccueilQuerySet:
        """The places run by the actor's organisations (every place for the system and superusers)."""
        return restreindre(self, acteur, lambda ids: Q(organisation_id__in=ids))

    def publics(self) -> LieuAccueilQuerySet:
        """The places a household may see: the active ones."""
        return self.filter(actif=True)


class LieuAccueil(models.Model):
    epci = models.ForeignKey(
        "territoires.EPCI", on_delete=models.PROTECT, related_name="lieux_accueil", verbose_name="territoire (EPCI)"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="lieux_accueil",
        verbose_name="organisation qui tient l'accueil",
    )
    nom = models.CharField("nom du lieu", max_length=200)
    adresse = models.CharField("adresse", max_length=300, help_text="Numéro et voie.")
    complement = models.CharField(
        "complément d'adresse", max_length=200, blank=True, help_text="Bâtiment, étage, bureau…"
    )
    code_postal = models.CharField("code postal", max_length=5)
    commune = models.ForeignKey(
        "territoires.Commune", on_delete=models.PROTECT, related_name="lieux_accueil", verbose_name="commune"
    )
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    courriel = models.EmailField("adresse de courriel", blank=True)
    services: models.JSONField[Any] = models.JSONField("services proposés", default=list, blank=True)
    accessibilite: models.JSONField[Any] = models.JSONField("accessibilité", default=list, blank=True)
    informations = models.TextField(
        "informations pratiques", blank=True, help_text="Comment venir, ce qu'il faut apporter… Lu par les ménages."
    )
    rendez_vous_en_ligne = models.BooleanField("rendez-vous réservables en ligne", default=True)
    actif = models.BooleanField("ouvert au public", default=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    objects = LieuAccueilQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu d'accueil"
        verbose_name_plural = "lieux d'accueil"
        ordering = ["commune__nom", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "nom"],
                name="lieu_accueil_nom_unique_par_organisation",
                violation_error_message="Votre organisation a déjà un lieu d'accueil de ce nom.",
            )
        ]

    def __str__(self) -> str:
        return self.nom

    def libelles_services(self) -> list[str]:
        return [Service(c).label for c in self.services if c in Service.values]

    def libelles_accessibilite(self) -> list[str]:
        return [Accessibilite(c).label for c in self.accessibilite if c in Accessibilite.values]


class PlageHoraire(models.Model):
    """An opening range of a weekday (several per day: morning and afternoon)."""

    lieu = models.ForeignKey(LieuAccueil, on_delete=models.CASCADE, related_name="plages")
    jour = models.PositiveSmallIntegerField("jour", choices=JourSemaine.choices)
    debut = models.TimeField("ouverture")
    fin = models.TimeField("fermeture")

    class Meta:
        verbose_name = "horaire d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        ordering = ["lieu_id", "jour", "debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gt=F("debut")),
                name="plage_horaire_fin_apres_debut",
                violation_error_message="L'heure de fermeture doit être après l'heure d'ouverture.",
            ),
            models.CheckConstraint(condition=Q(jour__gte=0) & Q(jour__lte=6), name="plage_horaire_jour_de_la_semaine"),
        ]

    def __str__(self) -> str:
        return f"{self.get_jour_display()} {self.debut:%H:%M}–{self.fin:%H:%M}"


class ExceptionHoraire(models.Model):
    """A day whose hours differ from the week's: closed (no range), or open on this range only."""

    lieu = models.ForeignKey(LieuAccueil, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField("date")
    debut = models.TimeField("ouverture", null=True, blank=True)
    fin = models.TimeField("fermeture", null=True, blank=True)
    motif = models.CharField("motif", max_length=200, blank=True)

    class Meta:
        verbose_name = "horaire exceptionnel"
        verbose_name_plural = "horaires exceptionnels"
        ordering = ["lieu_id", "date", "debut"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debut__isnull=True) & Q(fin__isnull=True))
                | (Q(debut__isnull=False) & Q(fin__isnull=False) & Q(fin__gt=F("debut"))),
                name="exception_horaire_fermee_ou_plage",
                violation_error_message="Un jour exceptionnel est fermé, ou ouvert d'une heure à une heure plus tardive.",
            )
        ]

    def __str__(self) -> str:
        if self.ferme:
            return f"{self.date:%d/%m/%Y} : fermé"
        assert self.debut is not None and self.fin is not None
        return f"{self.date:%d/%m/%Y} : {self.debut:%H:%M}–{self.fin:%H:%M}"

    @property
    def ferme(self) -> bool:
        return self.debut is None


class CreneauQuerySet(models.QuerySet["Creneau"]):
    def ouverts(self, maintenant: datetime) -> CreneauQuerySet:
        """The slots a household may still book: to come, with a place left, at an active place open to bookings."""
        return self.filter(
            debut__gt=maintenant,
            reserves__lt=F("capacite"),
            lieu__actif=True,
            lieu__rendez_vous_en_ligne=True,
        )


class Creneau(models.Model):
    lieu = models.ForeignKey(LieuAccueil, on_delete=models.PROTECT, related_name="creneaux")
    debut = models.DateTimeField("début")
    duree_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    capacite = models.PositiveSmallIntegerField("nombre de rendez-vous", default=1)
    #: Active bookings (reserved or honoured): kept by the booking services, bounded by the capacity in the
    #: database, so that two households booking the last place at once cannot both get it.
    reserves = models.PositiveSmallIntegerField("rendez-vous pris", default=0)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = CreneauQuerySet.as_manager()

    class Meta:
        verbose_name = "créneau de rendez-vous"
        verbose_name_plural = "créneaux de rendez-vous"
        ordering = ["lieu_id", "debut"]
        constraints = [
            models.UniqueConstraint(
                fields=["lieu", "debut"],
                name="creneau_unique_par_lieu_et_heure",
                violation_error_message="Ce lieu a déjà un créneau qui commence à cette heure.",
            ),
            models.CheckConstraint(
                condition=Q(duree_minutes__gte=5) & Q(duree_minutes__lte=DUREE_CRENEAU_MAX_MINUTES),
                name="creneau_duree_plausible",
                violation_error_message="Un créneau dure de 5 minutes à 8 heures.",
            ),
            models.CheckConstraint(
                condition=Q(capacite__gte=1) & Q(capacite__lte=CAPACITE_CRENEAU_MAX),
                name="creneau_capacite_plausible",
                violation_error_message=f"Un créneau reçoit de 1 à {CAPACITE_CRENEAU_MAX} rendez-vous.",
            ),
            models.CheckConstraint(
                condition=Q(reserves__gte=0) & Q(reserves__lte=F("capacite")),
                name="creneau_pas_plus_de_rendez_vous_que_de_places",
                violation_error_message="Ce créneau est complet.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lieu} — {self.debut:%d/%m/%Y %H:%M}"

    @property
    def fin(self) -> datetime:
        return self.debut + timedelta(minutes=self.duree_minutes)

    @property
    def places_restantes(self) -> int:
        return max(0, self.capacite - self.reserves)


class RendezVousQuerySet(models.QuerySet["RendezVous"]):
    def visible_to(self, acteur: Acteur) -> RendezVousQuerySet:
        """The bookings of the places run by the actor's organisations."""
        return restreindre(self, acteur, lambda ids: Q(creneau__lieu__organisation_id__in=ids))


class RendezVous(models.Model):
    creneau = models.ForeignKey(Creneau, on_delete=models.PROTECT, related_name="rendez_vous")
    nom = models.CharField("nom et prénom", max_length=150, blank=True)
    email = models.EmailField("adresse de courriel", blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    motif = models.CharField("motif", max_length=20, choices=Service.choices)
    statut = models.CharField(
        "statut", max_length=10, choices=StatutRendezVous.choices, default=StatutRendezVous.RESERVE
    )
    #: The secret of the household's cancellation link (signed with the site's key, ``attrib.siad.services``).
    cle = models.UUIDField("clé du lien d'annulation", default=uuid.uuid4, unique=True, editable=False)
    compte = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rendez_vous_siad",
        verbose_name="compte de l'espace demandeur",
    )
    annule_le = models.DateTimeField("annulé le", null=True, blank=True)
    annule_par = models.CharField("annulé par", max_length=10, choices=AnnulePar.choices, blank=True)
    honore_le = models.DateTimeField("honoré le", null=True, blank=True)
    confirmation_envoyee_le = models.DateTimeField("confirmation envoyée le", null=True, blank=True)
    purge_le = models.DateTimeField("données personnelles effacées le", null=True, blank=True)
    cree_le = models.DateTimeField("réservé le", auto_now_add=True)

    objects = RendezVousQuerySet.as_manager()

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["creneau__debut", "cree_le"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purge_le__isnull=False) | (~Q(nom="") & (~Q(email="") | ~Q(telephone=""))),
                name="rendez_vous_nom_et_contact",
                violation_error_message="Un rendez-vous porte un nom et un moyen de contact (courriel ou téléphone).",
            ),
            models.CheckConstraint(
                condition=(Q(statut=StatutRendezVous.ANNULE) & Q(annule_le__isnull=False) & ~Q(annule_par=""))
                | (~Q(statut=StatutRendezVous.ANNULE) & Q(annule_le__isnull=True) & Q(annule_par="")),
                name="rendez_vous_annulation_datee",
                violation_error_message="Un rendez-vous annulé porte la date et l'auteur de l'annulation.",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutRendezVous.HONORE, honore_le__isnull=False)
                | (~Q(statut=StatutRendezVous.HONORE) & Q(honore_le__isnull=True)),
                name="rendez_vous_honore_date",
                violation_error_message="Un rendez-vous honoré porte sa date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Rendez-vous du {self.creneau.debut:%d/%m/%Y %H:%M} — {self.creneau.lieu}"

    @property
    def actif(self) -> bool:
        return self.statut != StatutRendezVous.ANNULE


class ChiffresCles(models.Model):
    """The key figures of a territory as they are published: every figure below the minimum count, and every
    figure that would let one be found back, is already hidden (``None``); the hidden values are not kept.
    Derived data, rewritten by each computation (not journalled)."""

    epci = models.OneToOneField("territoires.EPCI", on_delete=models.CASCADE, related_name="chiffres_cles")
    jour = models.DateField("chiffres au")
    calcule_le = models.DateTimeField("calculés le")
    donnees: models.JSONField[Any] = models.JSONField("chiffres publiés")

    class Meta:
        verbose_name = "chiffres clés d'un territoire"
        verbose_name_plural = "chiffres clés des territoires"

    def __str__(self) -> str:
        return f"Chiffres clés — {self.epci} au {self.jour:%d/%m/%Y}"
