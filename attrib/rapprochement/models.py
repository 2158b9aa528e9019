"""Batch proposals (``LotPropositions``): one run of the batch matching for the freed dwellings of a
territory and a period, its progress (polled by the screen) and its result (certificate, objectives,
proposals with their reasons) kept as the engine gave it, so that the page shows what was computed."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact, GreaterThan, LessThanOrEqual

from attrib.organisations.acteurs import Acteur, restreindre
from attrib.rapprochement.enums import StatutLot


class LotPropositionsQuerySet(models.QuerySet["LotPropositions"]):
    def visible_to(self, acteur: Acteur) -> LotPropositionsQuerySet:
        """A run belongs to the organisation it was launched for: its members see it (every run for the
        system and superusers)."""
        return restreindre(self, acteur, lambda ids: Q(organisation_id__in=ids))


class LotPropositions(models.Model):
    ETAPES = 3

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="pour le compte de"
    )
    epci = models.ForeignKey("territoires.EPCI", on_delete=models.PROTECT, related_name="+", verbose_name="territoire")
    debut = models.DateField("début de la période")
    fin = models.DateField("fin de la période")
    statut = models.CharField("statut", max_length=10, choices=StatutLot.choices, default=StatutLot.EN_COURS)
    etape = models.PositiveSmallIntegerField("étape", default=0)
    libelle_etape = models.CharField("étape en cours", max_length=200, blank=True)
    faites = models.PositiveIntegerField("éléments traités dans l'étape", default=0)
    total = models.PositiveIntegerField("éléments à traiter", default=0)
    message = models.TextField("bilan", blank=True)
    resultat: models.JSONField[Any] = models.JSONField("résultat", default=dict, blank=True)
    lance_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    travail = models.ForeignKey(
        "taches.Travail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="travail long qui l'exécute",
    )
    cree_le = models.DateTimeField("lancé le", auto_now_add=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    objects = LotPropositionsQuerySet.as_manager()

    class Meta:
        verbose_name = "lot de propositions"
        verbose_name_plural = "lots de propositions"
        ordering = ["-cree_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__gte=F("debut")),
                name="lot_propositions_periode_ordonnee",
                violation_error_message="La fin de la période précède son début.",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutLot.values),
                name="lot_propositions_statut_connu",
                violation_error_message="Statut de lot inconnu.",
            ),
        ]

    def __str__(self) -> str:
        return f"Propositions du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y} — {self.organisation}"

    @property
    def en_cours(self) -> bool:
        return self.statut == StatutLot.EN_COURS

    @property
    def pourcentage(self) -> int:
        """Overall progress, 0 to 100 (each step counts for a third)."""
        if self.statut != StatutLot.EN_COURS:
            return 100
        if self.etape == 0:
            return 0
        dans_etape = self.faites / self.total if self.total else 1
        return min(99, int(100 * ((self.etape - 1) + dans_etape) / self.ETAPES))


# --- the réservataire's choice of its candidates (decision 0037) ---------------------------------------------

#: Longest comment a réservataire writes for one candidate (a few paragraphs for the commission).
COMMENTAIRE_MAX = 1000


class ChoixReservataireQuerySet(models.QuerySet["ChoixReservataire"]):
    def visible_to(self, acteur: Acteur) -> ChoixReservataireQuerySet:
        """The réservataire that chose and the bailleur that owns the dwelling see the choice (every choice for
        the system and superusers)."""
        return restreindre(self, acteur, lambda ids: Q(reservataire_id__in=ids) | Q(bailleur_id__in=ids))


class ChoixReservataire(models.Model):
    """The ordered list of households a réservataire chose for a freed dwelling oriented to it, sent to the
    bailleur for its commission (CALEOL). Frozen at submission: its lines keep what the réservataire saw
    (score, seniority, labels, consent) when it chose; it is never edited afterwards."""

    orientation = models.OneToOneField(
        "flux.Orientation", on_delete=models.PROTECT, related_name="choix_reservataire", verbose_name="orientation"
    )
    logement_libere = models.ForeignKey(
        "flux.LogementLibere", on_delete=models.PROTECT, related_name="choix_reservataires"
    )
    reservataire = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="réservataire"
    )
    bailleur = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="bailleur"
    )
    seance = models.ForeignKey(
        "commissions.Seance", on_delete=models.PROTECT, related_name="choix_reservataires", verbose_name="séance"
    )
    soumis_le = models.DateTimeField("transmis le")
    jour = models.DateField("jour du choix")
    soumis_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ChoixReservataireQuerySet.as_manager()

    class Meta:
        verbose_name = "choix des candidats par le réservataire"
        verbose_name_plural = "choix des candidats par les réservataires"
        ordering = ["-soumis_le", "-id"]

    def __str__(self) -> str:
        return f"Choix de {self.reservataire} pour le logement libéré n° {self.logement_libere_id}"


class LigneChoix(models.Model):
    """One household of a réservataire's choice: its rank, the comment for the bailleur and, frozen, what the
    réservataire saw of it when it chose."""

    choix = models.ForeignKey(ChoixReservataire, on_delete=models.PROTECT, related_name="lignes")
    rang = models.PositiveSmallIntegerField("rang")
    demande = models.ForeignKey("demandes.Demande", on_delete=models.PROTECT, related_name="+")
    numero_unique = models.CharField("numéro unique", max_length=30)
    commentaire = models.TextField("commentaire pour le bailleur")
    examen = models.OneToOneField(
        "commissions.Examen",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ligne_choix",
        verbose_name="ligne de l'ordre du jour",
    )
    score = models.FloatField("score de cotation au moment du choix")
    date_depot = models.DateField("date de dépôt initiale")
    labels: models.JSONField[Any] = models.JSONField("labels en vigueur au moment du choix", default=list, blank=True)
    consentement = models.CharField("consentement au partage", max_length=200, blank=True)
    salarie_cotisante = models.BooleanField("salarié d'une entreprise cotisante", null=True, blank=True)

    class Meta:
        verbose_name = "candidat choisi par le réservataire"
        verbose_name_plural = "candidats choisis par le réservataire"
        ordering = ["choix", "rang"]
        constraints = [
            models.UniqueConstraint(
                fields=["choix", "rang"],
                name="ligne_choix_rang_unique",
                violation_error_message="Deux candidats du choix ont le même rang.",
            ),
            models.UniqueConstraint(
                fields=["choix", "demande"],
                name="ligne_choix_demande_unique",
                violation_error_message="Un ménage figure une seule fois dans le choix.",
            ),
            models.CheckConstraint(
                condition=Q(rang__gte=1),
                name="ligne_choix_rang_positif",
                violation_error_message="Le rang d'un candidat est d'au moins 1.",
            ),
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("commentaire"), COMMENTAIRE_MAX))
                & Q(GreaterThan(Length("commentaire"), 0)),
                name="ligne_choix_commentaire_borne",
                violation_error_message=f"Le commentaire d'un candidat compte de 1 à {COMMENTAIRE_MAX} caractères.",
            ),
        ]

    def __str__(self) -> str:
        return f"Candidat {self.rang} : {self.numero_unique}"


# --- contributing companies (Action Logement) -------------------------------------------------------------


class EntrepriseCotisanteQuerySet(models.QuerySet["EntrepriseCotisante"]):
    def visible_to(self, acteur: Acteur) -> EntrepriseCotisanteQuerySet:
        """A réservataire's list is seen by its members only (and the system, superusers)."""
        return restreindre(self, acteur, lambda ids: Q(reservataire_id__in=ids))

    def en_vigueur(self, jour: date) -> EntrepriseCotisanteQuerySet:
        return self.filter(Q(debut__lte=jour) & (Q(fin__isnull=True) | Q(fin__gte=jour)))


class EntrepriseCotisante(models.Model):
    """An establishment (SIRET) that contributes to a réservataire's fund (Action Logement's PEEC) over a
    period: its employees are the households the réservataire houses first. Imported from the réservataire's
    own file; never shown to another organisation."""

    reservataire = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="entreprises_cotisantes",
        verbose_name="réservataire",
    )
    siret = models.CharField("SIRET", max_length=14)
    raison_sociale = models.CharField("raison sociale", max_length=200)
    debut = models.DateField("cotisante depuis le")
    fin = models.DateField("cotisante jusqu'au", null=True, blank=True)
    importee_le = models.DateTimeField("importée le", auto_now=True)

    objects = EntrepriseCotisanteQuerySet.as_manager()

    class Meta:
        verbose_name = "entreprise cotisante"
        verbose_name_plural = "entreprises cotisantes"
        ordering = ["reservataire", "raison_sociale", "siret", "debut"]
        constraints = [
            models.UniqueConstraint(
                fields=["reservataire", "siret", "debut"],
                name="entreprise_cotisante_unique",
                violation_error_message="Cette entreprise est déjà enregistrée à cette date de début.",
            ),
            models.CheckConstraint(
                condition=Q(Exact(Length("siret"), 14)),
                name="entreprise_cotisante_siret_14_chiffres",
                violation_error_message="SIRET : 14 chiffres attendus.",
            ),
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="entreprise_cotisante_periode_ordonnee",
                violation_error_message="La fin de la période de cotisation précède son début.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.raison_sociale} ({self.siret})"
