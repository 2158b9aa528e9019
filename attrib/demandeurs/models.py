"""Accounts of the applicant space (issue 13): the account, the demands it is linked to, the one-time codes.

- :class:`CompteDemandeur`: a user of the applicant space (never a member of an organisation): a local account
  (e-mail verified, password, reset by a link sent to that address) or a FranceConnect account (the provider's
  ``sub``), or both.
- :class:`Liaison`: an account's access to one demand. The household's own link (``TITULAIRE``) comes from the
  one-time code sent to the contact the demand holds; the household gives (and withdraws) access to a
  co-applicant or a social worker (consent, ``accordee_par``). A withdrawn link keeps its row (``retiree_le``).
- :class:`CodeLiaison`: a one-time code, stored as a hash, sent by e-mail or by a letter the desk prints; it
  expires and is used at most once.

Links and codes are followed by the change journal (``attrib.journal.registre``) under their demand; accounts
(their address, its verification, a password reset) on their own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CompteDemandeur(models.Model):
    utilisateur = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="compte_demandeur", verbose_name="utilisateur"
    )
    courriel = models.EmailField("courriel", max_length=254, null=True, blank=True)
    courriel_verifie_le = models.DateTimeField("courriel vérifié le", null=True, blank=True)
    franceconnect_sub = models.CharField("identifiant FranceConnect", max_length=255, null=True, blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    #: The last password chosen through the « mot de passe oublié » link (the journal keeps each one).
    mot_de_passe_change_le = models.DateTimeField("mot de passe réinitialisé le", null=True, blank=True)

    class Meta:
        verbose_name = "compte demandeur"
        verbose_name_plural = "comptes demandeurs"
        constraints = [
            models.UniqueConstraint(fields=["courriel"], name="compte_demandeur_courriel_unique"),
            models.UniqueConstraint(fields=["franceconnect_sub"], name="compte_demandeur_sub_unique"),
            models.CheckConstraint(
                condition=Q(courriel__isnull=False) | Q(franceconnect_sub__isnull=False),
                name="compte_demandeur_courriel_ou_franceconnect",
                violation_error_message="Un compte demandeur a un courriel ou un identifiant FranceConnect.",
            ),
        ]

    def __str__(self) -> str:
        return self.courriel or "compte FranceConnect"

    @property
    def verifie(self) -> bool:
        return self.courriel_verifie_le is not None or bool(self.franceconnect_sub)


class Qualite(models.TextChoices):
    TITULAIRE = "titulaire", "Ménage demandeur"
    CODEMANDEUR = "codemandeur", "Co-demandeur"
    TRAVAILLEUR_SOCIAL = "travailleur_social", "Travailleur social"


class Liaison(models.Model):
    compte = models.ForeignKey(CompteDemandeur, on_delete=models.CASCADE, related_name="liaisons")
    demande = models.ForeignKey("demandes.Demande", on_delete=models.CASCADE, related_name="liaisons_demandeurs")
    qualite = models.CharField("qualité", max_length=20, choices=Qualite.choices)
    accordee_par = models.ForeignKey(
        "self",
        # Links are withdrawn, never deleted; they go only with their demand (retention, demo), all together.
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="acces_accordes",
        verbose_name="accès accordé par",
    )
    creee_le = models.DateTimeField("accès ouvert le", auto_now_add=True)
    retiree_le = models.DateTimeField("accès retiré le", null=True, blank=True)

    class Meta:
        verbose_name = "accès d'un compte demandeur à une demande"
        verbose_name_plural = "accès des comptes demandeurs aux demandes"
        constraints = [
            models.UniqueConstraint(
                fields=["compte", "demande"], condition=Q(retiree_le__isnull=True), name="liaison_active_unique"
            ),
            models.CheckConstraint(
                condition=Q(qualite="titulaire", accordee_par__isnull=True)
                | (~Q(qualite="titulaire") & Q(accordee_par__isnull=False)),
                name="liaison_consentement_du_menage",
                violation_error_message=(
                    "Le ménage se lie par son code ; un co-demandeur ou un travailleur social reçoit l'accès du ménage."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_qualite_display()} — {self.demande}"


class CanalCode(models.TextChoices):
    COURRIEL = "courriel", "Courriel"
    COURRIER = "courrier", "Courrier remis ou envoyé par le guichet"


class CodeLiaison(models.Model):
    demande = models.ForeignKey("demandes.Demande", on_delete=models.CASCADE, related_name="codes_liaison")
    canal = models.CharField("envoyé par", max_length=10, choices=CanalCode.choices)
    empreinte = models.CharField("empreinte du code", max_length=128)
    emis_le = models.DateTimeField("émis le", auto_now_add=True)
    expire_le = models.DateTimeField("expire le")
    utilise_le = models.DateTimeField("utilisé le", null=True, blank=True)
    utilise_par = models.ForeignKey(
        CompteDemandeur, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="utilisé par"
    )
    annule_le = models.DateTimeField("remplacé ou épuisé le", null=True, blank=True)
    essais = models.PositiveSmallIntegerField("codes erronés saisis", default=0)

    class Meta:
        verbose_name = "code de liaison"
        verbose_name_plural = "codes de liaison"
        constraints = [
            models.CheckConstraint(
                condition=Q(utilise_le__isnull=True) | Q(utilise_par__isnull=False),
                name="code_liaison_utilise_par_un_compte",
            ),
        ]

    def __str__(self) -> str:
        return f"code {self.get_canal_display().lower()} — {self.demande}"
