"""Organisations, their territorial perimeter, and the people who work in them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from attrib.territoires.models import CommuneQuerySet


class TypeOrganisation(models.TextChoices):
    EPCI = "epci", "EPCI"
    BAILLEUR = "bailleur", "Bailleur social"
    RESERVATAIRE = "reservataire", "Réservataire"
    COMMUNE = "commune", "Commune"
    GUICHET = "guichet", "Guichet enregistreur"
    SERVICE_SOCIAL = "service_social", "Service social"
    SIAO = "siao", "Service intégré d'accueil et d'orientation (SIAO)"


class CategorieReservataire(models.TextChoices):
    """Contingents of the SNE radiation schema (arrêté du 17 septembre 2012)."""

    ETAT = "etat", "État"
    ACTION_LOGEMENT = "action_logement", "Action Logement"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    AUTRE = "autre", "Autre réservataire"


class Role(models.TextChoices):
    ADMINISTRATEUR = "administrateur", "Administrateur de l'organisation"
    GESTIONNAIRE = "gestionnaire", "Gestionnaire"
    CONSULTATION = "consultation", "Consultation"


#: User names of the applicant space's accounts (``demandeur-<uuid>``, attrib.demandeurs): opaque, never typed.
PREFIXE_COMPTE_DEMANDEUR = "demandeur-"


class User(AbstractUser):
    """A person who logs in. What they may see and do comes from their memberships."""

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        if self.username.startswith(PREFIXE_COMPTE_DEMANDEUR):
            # The staff read who acted in the applicant space by the person's name or address, not the opaque id.
            return f"{self.get_full_name() or self.email or 'compte FranceConnect'} (espace demandeur)"
        return self.get_full_name() or self.username


class Organisation(models.Model):
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=20, choices=TypeOrganisation.choices)
    categorie_reservataire = models.CharField(
        "catégorie de réservataire",
        max_length=20,
        choices=CategorieReservataire.choices,
        blank=True,
        help_text="Renseignée pour toute organisation titulaire de droits de réservation.",
    )
    siren = models.CharField("SIREN", max_length=9, blank=True)
    code_guichet = models.CharField(
        "code guichet", max_length=5, blank=True, help_text="Code du guichet dans le numéro unique (5 caractères)."
    )
    epci = models.ForeignKey(
        "territoires.EPCI", on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    commune = models.ForeignKey(
        "territoires.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations_siege",
        help_text="Pour une commune : la commune elle-même.",
    )
    perimetre = models.ManyToManyField(
        "territoires.Commune", related_name="organisations", blank=True, verbose_name="périmètre (communes)"
    )
    guichet_en_ligne = models.BooleanField(
        "guichet en ligne",
        default=False,
        help_text="Point d'enregistrement des demandes que les ménages déposent eux-mêmes dans leur espace, pour les "
        "communes de son EPCI (un par EPCI, avec son propre code guichet).",
    )

    class Meta:
        verbose_name = "organisation"
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type=TypeOrganisation.RESERVATAIRE) | ~Q(categorie_reservataire=""),
                name="organisation_reservataire_a_une_categorie",
                violation_error_message="Un réservataire doit avoir une catégorie (État, Action Logement, …).",
            ),
            models.UniqueConstraint(
                fields=["code_guichet"], condition=~Q(code_guichet=""), name="organisation_code_guichet_unique"
            ),
            models.CheckConstraint(
                condition=Q(guichet_en_ligne=False) | (~Q(code_guichet="") & Q(epci__isnull=False)),
                name="organisation_guichet_en_ligne_code_et_epci",
                violation_error_message="Un guichet en ligne a un code guichet et un EPCI.",
            ),
            models.UniqueConstraint(
                fields=["epci"],
                condition=Q(guichet_en_ligne=True),
                name="organisation_un_guichet_en_ligne_par_epci",
                violation_error_message="Cet EPCI a déjà un guichet en ligne.",
            ),
        ]

    def __str__(self) -> str:
        return self.nom

    @property
    def est_reservataire(self) -> bool:
        return bool(self.categorie_reservataire)

    def communes_du_perimetre(self) -> CommuneQuerySet:
        return self.perimetre.all()  # type: ignore[return-value]


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.GESTIONNAIRE)

    class Meta:
        verbose_name = "appartenance"
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"
