"""Suivi DALO (issue 15, point 4; décision 0036): the decisions of the commission de médiation on a demand, the
préfet's designations to a bailleur, and the internal alerts of the State's agents.

- :class:`DecisionDalo`: one decision of the commission (date, commission, département, sense). A favourable
  decision carries the deadline of the offer, computed at recording from ``data/parametres/dalo.yaml`` and frozen
  with the délai it applied (a later change of the rule does not move a recorded deadline). One decision is in
  force per demand; a later decision replaces it, an annulment closes it. The demand's ``dalo_*`` fields mirror the
  decision in force (the existing screens and exports read them). The outcome « obligation levée » (refusal of an
  adapted offer) is recorded on the decision with the offer and the reason; « relogé » is read from the lease
  (``commissions.Bail``) signed after the decision; a litigation (recours devant le tribunal administratif) is
  dated on the decision.
- :class:`DesignationPrefet`: the préfet designates the household to a bailleur, which charges the attribution to
  a contingent (usually the State's); a dwelling may be named.
- :class:`AlerteDalo`: a notice to a State organisation that a household's deadline is near or past, written once
  per decision, organisation and nature by the nightly batch (``manage.py alerter_dalo``).

Invariants are database constraints; writes go through ``attrib.dalo.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from attrib.commissions.enums import Contingent
from attrib.dalo.enums import EtatDecision, NatureAlerte, SensDecision
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import CategorieReservataire, TypeOrganisation


def _organisations_suivi(acteur: Acteur) -> tuple[list[int], list[int]]:
    """The actor's organisations that follow every recognised household of their perimeter (the State, the EPCI),
    and its bailleurs (who follow the households designated to them)."""
    territoire = [
        a.organisation_id
        for a in acteur.appartenances
        if a.categorie_reservataire == CategorieReservataire.ETAT or a.type == TypeOrganisation.EPCI
    ]
    bailleurs = [a.organisation_id for a in acteur.appartenances if a.type == TypeOrganisation.BAILLEUR]
    return territoire, bailleurs


class DecisionQuerySet(models.QuerySet["DecisionDalo"]):
    def visible_to(self, acteur: Acteur) -> DecisionQuerySet:
        """The decisions of the follow-up board an actor reads: every decision for the system and superusers; for
        the State and the EPCI, those on the demands of their perimeter; for a bailleur, those of the households
        designated to it; nothing for anybody else."""
        acteur = acteur_de(acteur)
        if acteur.voit_tout:
            return self.all()
        if not acteur.est_agent:
            return self.none()
        territoire, bailleurs = _organisations_suivi(acteur)
        condition = Q(pk__in=[])
        if territoire:
            condition |= Q(demande__in=Demande.objects.visible_to(acteur).values("pk"))
        if bailleurs:
            condition |= Q(pk__in=DesignationPrefet.objects.filter(bailleur_id__in=bailleurs).values("decision_id"))
        return self.filter(condition)

    def en_vigueur(self) -> DecisionQuerySet:
        return self.filter(etat=EtatDecision.EN_VIGUEUR)

    def favorables(self) -> DecisionQuerySet:
        """The households recognised prioritaire et urgent whose decision is in force: the board's rows."""
        return self.en_vigueur().filter(sens=SensDecision.FAVORABLE)


class DecisionDalo(models.Model):
    demande = models.ForeignKey(Demande, on_delete=models.PROTECT, related_name="decisions_dalo")
    date_decision = models.DateField("date de la décision")
    commission = models.CharField("commission de médiation", max_length=200, blank=True)
    departement = models.CharField("département", max_length=3)
    sens = models.CharField("décision", max_length=30, choices=SensDecision.choices)
    delai_mois = models.PositiveSmallIntegerField("délai de l'offre (mois)", null=True, blank=True)
    date_limite_relogement = models.DateField("date limite de l'offre de logement", null=True, blank=True)
    etat = models.CharField("état", max_length=12, choices=EtatDecision.choices, default=EtatDecision.EN_VIGUEUR)
    close_le = models.DateTimeField("remplacée ou annulée le", null=True, blank=True)
    obligation_levee_le = models.DateField("obligation levée le", null=True, blank=True)
    offre_refusee = models.ForeignKey(
        "commissions.Offre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="offre adaptée refusée",
    )
    motif_levee = models.TextField("motif de la levée de l'obligation", blank=True)
    recours_le = models.DateField("recours devant le tribunal administratif le", null=True, blank=True)
    enregistree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enregistree_le = models.DateTimeField("enregistrée le", auto_now_add=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "décision DALO"
        verbose_name_plural = "décisions DALO"
        ordering = ["-date_decision", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sens__in=SensDecision.values) & Q(etat__in=EtatDecision.values),
                name="decision_dalo_sens_etat_connus",
                violation_error_message="Sens ou état de la décision DALO inconnus.",
            ),
            models.UniqueConstraint(
                fields=["demande"],
                condition=Q(etat=EtatDecision.EN_VIGUEUR),
                name="decision_dalo_une_en_vigueur",
                violation_error_message="Une seule décision DALO est en vigueur pour une demande.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(sens=SensDecision.FAVORABLE)
                    & Q(date_limite_relogement__isnull=False)
                    & Q(delai_mois__isnull=False)
                    & Q(date_limite_relogement__gt=models.F("date_decision"))
                )
                | (
                    ~Q(sens=SensDecision.FAVORABLE)
                    & Q(date_limite_relogement__isnull=True)
                    & Q(delai_mois__isnull=True)
                    & Q(obligation_levee_le__isnull=True)
                    & Q(recours_le__isnull=True)
                ),
                name="decision_dalo_delai_si_favorable",
                violation_error_message="Seule une décision favorable porte une date limite d'offre, postérieure à "
                "la décision, une levée d'obligation ou un recours.",
            ),
            models.CheckConstraint(
                condition=(Q(obligation_levee_le__isnull=True) & Q(offre_refusee__isnull=True) & Q(motif_levee=""))
                | (
                    Q(obligation_levee_le__isnull=False)
                    & Q(offre_refusee__isnull=False)
                    & ~Q(motif_levee="")
                    & Q(obligation_levee_le__gte=models.F("date_decision"))
                ),
                name="decision_dalo_levee_complete",
                violation_error_message="Une levée d'obligation porte sa date (après la décision), l'offre "
                "refusée et son motif.",
            ),
            models.CheckConstraint(
                condition=Q(recours_le__isnull=True) | Q(recours_le__gte=models.F("date_decision")),
                name="decision_dalo_recours_apres_decision",
                violation_error_message="Le recours suit la décision de la commission de médiation.",
            ),
            models.CheckConstraint(
                condition=(Q(etat=EtatDecision.EN_VIGUEUR) & Q(close_le__isnull=True))
                | (~Q(etat=EtatDecision.EN_VIGUEUR) & Q(close_le__isnull=False)),
                name="decision_dalo_close_datee",
                violation_error_message="Une décision remplacée ou annulée porte la date de sa fin.",
            ),
        ]
        indexes = [models.Index(fields=["etat", "sens", "date_limite_relogement"], name="decision_dalo_tableau_idx")]

    def __str__(self) -> str:
        return f"Décision DALO du {self.date_decision:%d/%m/%Y} ({self.get_sens_display().lower()})"

    @property
    def favorable(self) -> bool:
        return self.sens == SensDecision.FAVORABLE


class DesignationQuerySet(models.QuerySet["DesignationPrefet"]):
    def visible_to(self, acteur: Acteur) -> DesignationQuerySet:
        return self.filter(decision__in=DecisionDalo.objects.visible_to(acteur).values("pk"))


class DesignationPrefet(models.Model):
    decision = models.ForeignKey(DecisionDalo, on_delete=models.PROTECT, related_name="designations")
    bailleur = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="designations_dalo"
    )
    date_designation = models.DateField("date de la désignation")
    reservataire = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations_dalo_imputees",
        verbose_name="réservataire dont le contingent est mobilisé",
    )
    contingent = models.CharField("contingent imputé", max_length=30, choices=Contingent.choices)
    logement = models.ForeignKey(
        "patrimoine.Logement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations_dalo",
        verbose_name="logement désigné",
    )
    motif = models.TextField("observations", blank=True)
    enregistree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enregistree_le = models.DateTimeField("enregistrée le", auto_now_add=True)

    objects = DesignationQuerySet.as_manager()

    class Meta:
        verbose_name = "désignation du préfet"
        verbose_name_plural = "désignations du préfet"
        ordering = ["-date_designation", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contingent__in=Contingent.values),
                name="designation_dalo_contingent_connu",
                violation_error_message="Contingent inconnu.",
            ),
        ]

    def __str__(self) -> str:
        return f"Désignation du {self.date_designation:%d/%m/%Y} à {self.bailleur}"


class AlerteQuerySet(models.QuerySet["AlerteDalo"]):
    def visible_to(self, acteur: Acteur) -> AlerteQuerySet:
        """The alerts of the actor's organisations (every alert for the system and superusers)."""
        acteur = acteur_de(acteur)
        if acteur.voit_tout:
            return self.all()
        return self.filter(organisation_id__in=acteur.organisation_ids()) if acteur.est_agent else self.none()


class AlerteDalo(models.Model):
    decision = models.ForeignKey(DecisionDalo, on_delete=models.CASCADE, related_name="alertes")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    nature = models.CharField("nature", max_length=20, choices=NatureAlerte.choices)
    date_limite = models.DateField("date limite de l'offre")
    jour = models.DateField("constatée le")
    texte = models.TextField("texte")
    creee_le = models.DateTimeField("écrite le", auto_now_add=True)

    objects = AlerteQuerySet.as_manager()

    class Meta:
        verbose_name = "alerte DALO"
        verbose_name_plural = "alertes DALO"
        ordering = ["-jour", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "organisation", "nature"],
                name="alerte_dalo_unique",
                violation_error_message="Cette alerte a déjà été adressée à cette organisation.",
            ),
            models.CheckConstraint(
                condition=Q(nature__in=NatureAlerte.values),
                name="alerte_dalo_nature_connue",
                violation_error_message="Nature d'alerte inconnue.",
            ),
        ]
