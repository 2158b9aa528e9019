"""Priority labels and the social worker's role (issue 15 points 1 and 3).

- :class:`RegleLabellisation`: a dated local rule of an EPCI naming the organisation that validates a kind of
  label (and, optionally, how long a validated label lasts there). Without a rule, the data file's default kind
  of organisation validates (``data/parametres/labellisation.yaml``).
- :class:`Label`: a kind of priority (DALO, an L441-1 letter, PDALHPD, accord collectif, local priority) proposed
  for a demand with its proofs, examined by the holder of the right, validated for a period or refused with a
  reason, expired or withdrawn; a renewal names the label it renews. A label recorded directly from an
  authority's decision (``source = decision``) is born validated.
- :class:`PieceLabel`: a proof attached to a label.
- :class:`Consentement`: the household's consent to a social follow-up by a service, or to the sharing of its
  situation with the partners; dated, withdrawable.
- :class:`Accompagnement`: a social service following a household (with its consent), and its referent.
- :class:`ValidationCritere`: a social worker's assessment validating a grid criterion that requires it.
- :class:`Qualification`: the demand checked and its documents validated (a pilotage figure).

Invariants are database constraints; writes go through ``attrib.labellisation.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attrib.labellisation.enums import ModeConsentement, ObjetConsentement, SourceLabel, StatutLabel
from attrib.organisations.acteurs import Acteur, acteur_de, restreindre


def _demandes_visibles(acteur: Acteur) -> Q:
    from attrib.demandes.models import Demande

    return Q(demande_id__in=Demande.objects.visible_to(acteur).values("pk"))


class _ParDemandeQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def visible_to(self, acteur: Acteur) -> _ParDemandeQuerySet:
        """Rows of the demands the actor sees (an applicant: its own demands)."""
        acteur = acteur_de(acteur)
        if acteur.voit_tout:
            return self.all()
        if acteur.est_demandeur:
            return self.filter(demande_id__in=acteur.demande_ids)
        if not acteur.est_agent:
            return self.none()
        return self.filter(_demandes_visibles(acteur))


class RegleQuerySet(models.QuerySet["RegleLabellisation"]):
    def visible_to(self, acteur: Acteur) -> RegleQuerySet:
        """The rules of the actor's EPCI and those naming its organisation as validator."""
        return restreindre(
            self,
            acteur,
            lambda ids: Q(validateur_id__in=ids) | Q(epci__organisations__in=ids),
        ).distinct()

    def en_vigueur(self, jour: object) -> RegleQuerySet:
        return self.filter(Q(fin__isnull=True) | Q(fin__gte=jour), debut__lte=jour)


class RegleLabellisation(models.Model):
    epci = models.ForeignKey("territoires.EPCI", on_delete=models.PROTECT, related_name="regles_labellisation")
    type_label = models.CharField("type de label", max_length=40)
    validateur = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="regles_labellisation",
        verbose_name="organisation qui valide",
    )
    debut = models.DateField("en vigueur à partir du")
    fin = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    duree_mois = models.PositiveSmallIntegerField(
        "durée de validité (mois)", null=True, blank=True, help_text="Vide : la durée par défaut du type de label."
    )
    acte = models.CharField(
        "acte qui fonde la règle", max_length=300, blank=True, help_text="Délibération, convention, arrêté…"
    )
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = RegleQuerySet.as_manager()

    class Meta:
        verbose_name = "règle de labellisation"
        verbose_name_plural = "règles de labellisation"
        ordering = ["epci_id", "type_label", "-debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="regle_label_periode_ordonnee",
                violation_error_message="La fin de la règle ne précède pas son début.",
            ),
            models.CheckConstraint(
                condition=Q(duree_mois__isnull=True) | Q(duree_mois__gte=1),
                name="regle_label_duree_positive",
                violation_error_message="Un label validé vaut au moins un mois.",
            ),
            models.UniqueConstraint(
                fields=["epci", "type_label", "debut"],
                name="regle_label_une_par_jour",
                violation_error_message="Une règle de ce label commence déjà ce jour-là pour cet EPCI.",
            ),
        ]
        indexes = [models.Index(fields=["epci", "type_label", "debut"])]

    def __str__(self) -> str:
        return f"{self.type_label} — {self.validateur} à partir du {self.debut:%d/%m/%Y}"


class LabelQuerySet(_ParDemandeQuerySet):
    def en_vigueur(self, jour: object) -> LabelQuerySet:
        return self.filter(  # type: ignore[return-value]
            Q(valide_jusqu_au__isnull=True) | Q(valide_jusqu_au__gte=jour),
            statut=StatutLabel.VALIDE,
            valide_du__lte=jour,
        )

    def ouverts(self) -> LabelQuerySet:
        return self.filter(statut__in=[StatutLabel.PROPOSE, StatutLabel.VALIDE])  # type: ignore[return-value]


class Label(models.Model):
    demande = models.ForeignKey("demandes.Demande", on_delete=models.CASCADE, related_name="labels")
    type_label = models.CharField("type de label", max_length=40)
    statut = models.CharField("statut", max_length=10, choices=StatutLabel.choices, default=StatutLabel.PROPOSE)
    source = models.CharField("origine", max_length=12, choices=SourceLabel.choices, default=SourceLabel.PROPOSITION)
    # Proposal
    propose_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="labels_proposes",
        verbose_name="organisation qui propose",
    )
    par_demandeur = models.BooleanField("proposé par le ménage", default=False)
    propose_le = models.DateField("proposé le")
    motif = models.TextField("motif de la proposition")
    # Examination
    validateur = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="labels_examines",
        verbose_name="organisation qui a examiné",
    )
    examine_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    examine_le = models.DateField("examiné le", null=True, blank=True)
    commentaire = models.TextField("commentaire de la décision", blank=True)
    motif_refus = models.TextField("motif du refus", blank=True)
    valide_du = models.DateField("valide du", null=True, blank=True)
    valide_jusqu_au = models.DateField(
        "valide jusqu'au", null=True, blank=True, help_text="Vide : sans échéance tant que la décision vaut."
    )
    # End
    clos_le = models.DateField("expiré ou retiré le", null=True, blank=True)
    motif_retrait = models.TextField("motif du retrait", blank=True)
    renouvelle = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renouvellements",
        verbose_name="label renouvelé",
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)

    objects = LabelQuerySet.as_manager()

    class Meta:
        verbose_name = "label de priorité"
        verbose_name_plural = "labels de priorité"
        ordering = ["demande_id", "-propose_le", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demande", "type_label"],
                condition=Q(statut=StatutLabel.PROPOSE),
                name="label_une_proposition_ouverte",
                violation_error_message="Une proposition de ce label attend déjà son examen pour cette demande.",
            ),
            models.UniqueConstraint(
                fields=["demande", "type_label"],
                condition=Q(statut=StatutLabel.VALIDE),
                name="label_un_seul_valide",
                violation_error_message="Cette demande a déjà ce label validé.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutLabel.REFUSE) | ~Q(motif_refus=""),
                name="label_refus_motive",
                violation_error_message="Un refus dit son motif.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutLabel.RETIRE) | ~Q(motif_retrait=""),
                name="label_retrait_motive",
                violation_error_message="Un retrait dit son motif.",
            ),
            models.CheckConstraint(
                condition=~Q(motif=""),
                name="label_proposition_motivee",
                violation_error_message="Une proposition de label dit pourquoi le ménage le mérite.",
            ),
            models.CheckConstraint(
                condition=~Q(statut__in=[StatutLabel.VALIDE, StatutLabel.EXPIRE])
                | (Q(valide_du__isnull=False) & Q(examine_le__isnull=False)),
                name="label_valide_date",
                violation_error_message="Un label validé a une date de validation et un début de validité.",
            ),
            models.CheckConstraint(
                condition=~Q(statut__in=[StatutLabel.REFUSE]) | Q(examine_le__isnull=False),
                name="label_refus_date",
                violation_error_message="Un refus a une date d'examen.",
            ),
            models.CheckConstraint(
                condition=Q(valide_jusqu_au__isnull=True)
                | (Q(valide_du__isnull=False) & Q(valide_jusqu_au__gte=F("valide_du"))),
                name="label_validite_ordonnee",
                violation_error_message="La fin de validité ne précède pas son début.",
            ),
            models.CheckConstraint(
                condition=Q(examine_le__isnull=True) | Q(examine_le__gte=F("propose_le")),
                name="label_examen_apres_proposition",
                violation_error_message="Un label n'est pas examiné avant d'avoir été proposé.",
            ),
            models.CheckConstraint(
                condition=Q(clos_le__isnull=True) | Q(clos_le__gte=F("propose_le")),
                name="label_cloture_apres_proposition",
                violation_error_message="Un label n'est pas clos avant d'avoir été proposé.",
            ),
            models.CheckConstraint(
                condition=~Q(statut__in=[StatutLabel.EXPIRE, StatutLabel.RETIRE]) | Q(clos_le__isnull=False),
                name="label_cloture_datee",
                violation_error_message="Un label expiré ou retiré a sa date de clôture.",
            ),
            models.CheckConstraint(
                condition=Q(par_demandeur=False) | Q(organisation__isnull=True),
                name="label_demandeur_sans_organisation",
                violation_error_message="Le ménage propose en son nom, sans organisation.",
            ),
            models.CheckConstraint(
                condition=~Q(source=SourceLabel.DECISION) | ~Q(statut=StatutLabel.PROPOSE),
                name="label_decision_nait_valide",
                violation_error_message="Un label enregistré d'après une décision est validé dès son enregistrement.",
            ),
        ]
        indexes = [
            models.Index(fields=["statut", "type_label"]),
            models.Index(fields=["statut", "valide_jusqu_au"]),
        ]

    def __str__(self) -> str:
        return f"{self.type_label} ({self.get_statut_display()})"


class PieceLabel(models.Model):
    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="pieces")
    libelle = models.CharField("pièce", max_length=200)
    fichier = models.FileField("fichier", upload_to="labels/%Y/%m/")
    sensible = models.BooleanField("pièce sensible", default=False)
    ajoutee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    ajoutee_le = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce d'un label"
        ordering = ["label_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(libelle=""), name="piece_label_libelle", violation_error_message="Une pièce a un nom."
            )
        ]

    def __str__(self) -> str:
        return self.libelle


class ConsentementQuerySet(_ParDemandeQuerySet):
    def en_vigueur(self, jour: object) -> ConsentementQuerySet:
        return self.filter(  # type: ignore[return-value]
            Q(retire_le__isnull=True) | Q(retire_le__gt=jour), donne_le__lte=jour
        )


class Consentement(models.Model):
    demande = models.ForeignKey("demandes.Demande", on_delete=models.CASCADE, related_name="consentements")
    objet = models.CharField("objet", max_length=30, choices=ObjetConsentement.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consentements",
        help_text="Pour un suivi social : le service social qui accompagne.",
    )
    mode = models.CharField("recueilli", max_length=12, choices=ModeConsentement.choices)
    recueilli_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    donne_le = models.DateField("donné le")
    retire_le = models.DateField("retiré le", null=True, blank=True)
    retire_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConsentementQuerySet.as_manager()

    class Meta:
        verbose_name = "consentement"
        ordering = ["demande_id", "-donne_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(retire_le__isnull=True) | Q(retire_le__gte=F("donne_le")),
                name="consentement_retrait_apres_don",
                violation_error_message="Un consentement n'est pas retiré avant d'avoir été donné.",
            ),
            models.CheckConstraint(
                condition=~Q(objet=ObjetConsentement.ACCOMPAGNEMENT_SOCIAL) | Q(organisation__isnull=False),
                name="consentement_accompagnement_nomme_le_service",
                violation_error_message="Un consentement au suivi social nomme le service qui accompagne.",
            ),
            models.UniqueConstraint(
                fields=["demande", "objet", "organisation"],
                condition=Q(retire_le__isnull=True, organisation__isnull=False),
                name="consentement_un_ouvert_par_service",
                violation_error_message="Ce consentement est déjà donné.",
            ),
            models.UniqueConstraint(
                fields=["demande", "objet"],
                condition=Q(retire_le__isnull=True, organisation__isnull=True),
                name="consentement_un_ouvert",
                violation_error_message="Ce consentement est déjà donné.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_objet_display()} ({self.donne_le:%d/%m/%Y})"


class AccompagnementQuerySet(_ParDemandeQuerySet):
    def en_cours(self, jour: object) -> AccompagnementQuerySet:
        return self.filter(Q(fin__isnull=True) | Q(fin__gte=jour), debut__lte=jour)  # type: ignore[return-value]


class Accompagnement(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="accompagnements",
        verbose_name="service social",
    )
    demande = models.ForeignKey("demandes.Demande", on_delete=models.CASCADE, related_name="accompagnements")
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompagnements_referent",
        verbose_name="travailleur social référent",
    )
    consentement = models.ForeignKey(Consentement, on_delete=models.PROTECT, related_name="accompagnements")
    debut = models.DateField("début du suivi")
    fin = models.DateField("fin du suivi", null=True, blank=True)
    motif_fin = models.CharField("motif de fin", max_length=300, blank=True)

    objects = AccompagnementQuerySet.as_manager()

    class Meta:
        verbose_name = "accompagnement social"
        ordering = ["organisation_id", "-debut", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="accompagnement_periode_ordonnee",
                violation_error_message="La fin du suivi ne précède pas son début.",
            ),
            models.UniqueConstraint(
                fields=["organisation", "demande"],
                condition=Q(fin__isnull=True),
                name="accompagnement_un_ouvert",
                violation_error_message="Ce service suit déjà ce ménage.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — demande {self.demande_id}"


class ValidationCritereQuerySet(_ParDemandeQuerySet):
    def actives(self) -> ValidationCritereQuerySet:
        return self.filter(retiree_le__isnull=True)  # type: ignore[return-value]


class ValidationCritere(models.Model):
    demande = models.ForeignKey("demandes.Demande", on_delete=models.CASCADE, related_name="validations_criteres")
    critere_id = models.CharField("critère", max_length=80)
    grille = models.CharField("version de la grille", max_length=80, blank=True)
    validee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    validee_le = models.DateField("validé le")
    evaluation = models.TextField("évaluation sociale")
    fichier = models.FileField("évaluation jointe", upload_to="evaluations/%Y/%m/", blank=True)
    retiree_le = models.DateField("retirée le", null=True, blank=True)

    objects = ValidationCritereQuerySet.as_manager()

    class Meta:
        verbose_name = "validation d'un critère par un travailleur social"
        verbose_name_plural = "validations de critères par un travailleur social"
        ordering = ["demande_id", "critere_id", "-validee_le"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(evaluation=""),
                name="validation_critere_evaluee",
                violation_error_message="Une validation dit l'évaluation sociale qui la fonde.",
            ),
            models.CheckConstraint(
                condition=Q(retiree_le__isnull=True) | Q(retiree_le__gte=F("validee_le")),
                name="validation_critere_retrait_apres",
                violation_error_message="Une validation n'est pas retirée avant d'avoir été donnée.",
            ),
            models.UniqueConstraint(
                fields=["demande", "critere_id"],
                condition=Q(retiree_le__isnull=True),
                name="validation_critere_une_active",
                violation_error_message="Ce critère est déjà validé pour cette demande.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.critere_id} — demande {self.demande_id}"


class Qualification(models.Model):
    demande = models.ForeignKey("demandes.Demande", on_delete=models.CASCADE, related_name="qualifications")
    qualifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    qualifiee_le = models.DateField("qualifiée le")
    commentaire = models.TextField("commentaire", blank=True)

    objects = _ParDemandeQuerySet.as_manager()

    class Meta:
        verbose_name = "qualification de la demande"
        ordering = ["demande_id", "-qualifiee_le", "-id"]

    def __str__(self) -> str:
        return f"Demande {self.demande_id} qualifiée le {self.qualifiee_le:%d/%m/%Y}"
