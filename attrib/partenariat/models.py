"""The shared partner committee (issue 15 §2, decision 0035): a commission per territory with its member
organisations, its sessions with an agenda of households' cases (not of dwellings), the shared case file, the
partners' opinions and the collective decisions, followed until the case is closed.

- :class:`CommissionPartenariale`: the committee of an EPCI (its competence written out).
- :class:`MembreCommissionPartenariale`: an organisation sitting in it, with its qualité; what each qualité sees of
  a case's personal content is a data rule (``enums.RUBRIQUES_PAR_QUALITE``).
- :class:`SeancePartenariale`, :class:`PresenceSeancePartenariale`: a session (planned, open, closed) and who
  attended; its minutes (HTML and PDF, with their SHA-256) are frozen at closing.
- :class:`Dossier`: one household's case brought to the committee by a member; :class:`InscriptionDossier` puts it
  on a session's agenda with its rank.
- :class:`EvaluationSociale` (sensitive), :class:`AvisPartenaire`, :class:`DecisionCommission`,
  :class:`ClotureDossier`.

Invariants are database constraints; writes go through ``attrib.partenariat.services``; who sees what through
``visible_to`` here and ``attrib.partenariat.permissions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attrib.labellisation import parametres as labels_parametres
from attrib.organisations.acteurs import Acteur, restreindre
from attrib.partenariat.enums import (
    MesureAccompagnement,
    MotifCloture,
    NatureDecision,
    QualiteMembre,
    SensAvis,
    StatutDossier,
    StatutSeance,
)


def _membres(ids: list[int]) -> models.QuerySet[MembreCommissionPartenariale]:
    return MembreCommissionPartenariale.objects.filter(organisation_id__in=ids)


class CommissionPartenarialeQuerySet(models.QuerySet["CommissionPartenariale"]):
    def visible_to(self, acteur: Acteur) -> CommissionPartenarialeQuerySet:
        """The committees one of the actor's organisations sits in."""
        return restreindre(self, acteur, lambda ids: Q(pk__in=_membres(ids).values("commission_id")))


class CommissionPartenariale(models.Model):
    epci = models.ForeignKey(
        "territoires.EPCI", on_delete=models.PROTECT, related_name="commissions_partenariales", verbose_name="EPCI"
    )
    nom = models.CharField("nom", max_length=200)
    competence = models.TextField(
        "compétence",
        help_text="Les ménages dont la commission examine la situation et ce qu'elle peut décider "
        "(charte ou règlement intérieur).",
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = CommissionPartenarialeQuerySet.as_manager()

    class Meta:
        verbose_name = "commission partenariale"
        verbose_name_plural = "commissions partenariales"
        ordering = ["epci_id", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["epci", "nom"],
                name="commission_partenariale_nom_unique",
                violation_error_message="Ce territoire a déjà une commission partenariale de ce nom.",
            ),
            models.CheckConstraint(
                condition=~Q(nom="") & ~Q(competence=""),
                name="commission_partenariale_nom_competence",
                violation_error_message="Une commission partenariale a un nom et une compétence.",
            ),
        ]

    def __str__(self) -> str:
        return self.nom


class MembreCommissionPartenariale(models.Model):
    commission = models.ForeignKey(CommissionPartenariale, on_delete=models.CASCADE, related_name="membres")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="membres_commissions_partenariales"
    )
    qualite = models.CharField("qualité", max_length=20, choices=QualiteMembre.choices)
    ajoute_le = models.DateTimeField("ajouté le", auto_now_add=True)

    class Meta:
        verbose_name = "membre de commission partenariale"
        verbose_name_plural = "membres de commission partenariale"
        ordering = ["commission_id", "qualite", "organisation__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "organisation"],
                name="membre_partenarial_unique",
                violation_error_message="Cette organisation est déjà membre de la commission.",
            ),
            models.UniqueConstraint(
                fields=["commission"],
                condition=Q(qualite=QualiteMembre.PRESIDENT),
                name="membre_partenarial_un_president",
                violation_error_message="La commission a déjà un président.",
            ),
            models.CheckConstraint(
                condition=Q(qualite__in=QualiteMembre.values),
                name="membre_partenarial_qualite_connue",
                violation_error_message="Qualité de membre inconnue.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_qualite_display()})"


class SeancePartenarialeQuerySet(models.QuerySet["SeancePartenariale"]):
    def visible_to(self, acteur: Acteur) -> SeancePartenarialeQuerySet:
        return restreindre(self, acteur, lambda ids: Q(commission_id__in=_membres(ids).values("commission_id")))


class SeancePartenariale(models.Model):
    commission = models.ForeignKey(CommissionPartenariale, on_delete=models.PROTECT, related_name="seances")
    date = models.DateField("date de la séance")
    lieu = models.CharField("lieu", max_length=200)
    statut = models.CharField("statut", max_length=10, choices=StatutSeance.choices, default=StatutSeance.PREVUE)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    ouverte_le = models.DateTimeField("ouverte le", null=True, blank=True)
    close_le = models.DateTimeField("close le", null=True, blank=True)
    # The minutes, frozen at closing: what was rendered then, served as stored.
    compte_rendu_html = models.TextField("compte rendu (HTML figé)", blank=True)
    compte_rendu_pdf = models.FileField("compte rendu (PDF figé)", upload_to="partenariat/comptes-rendus/", blank=True)
    compte_rendu_empreinte = models.CharField("empreinte du compte rendu (SHA-256)", max_length=64, blank=True)

    objects = SeancePartenarialeQuerySet.as_manager()

    class Meta:
        verbose_name = "séance de commission partenariale"
        verbose_name_plural = "séances de commission partenariale"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(statut=StatutSeance.PREVUE) & Q(ouverte_le__isnull=True) & Q(close_le__isnull=True))
                | (Q(statut=StatutSeance.OUVERTE) & Q(ouverte_le__isnull=False) & Q(close_le__isnull=True))
                | (
                    Q(statut=StatutSeance.CLOSE)
                    & Q(ouverte_le__isnull=False)
                    & Q(close_le__isnull=False)
                    & Q(close_le__gte=F("ouverte_le"))
                    & ~Q(compte_rendu_html="")
                    & ~Q(compte_rendu_empreinte="")
                ),
                name="seance_partenariale_statut_coherent",
                violation_error_message="Une séance ouverte a sa date d'ouverture ; une séance close, son ouverture, "
                "sa clôture et son compte rendu figé ; une séance prévue n'a ni l'une ni l'autre.",
            ),
            models.CheckConstraint(
                condition=~Q(lieu=""),
                name="seance_partenariale_lieu",
                violation_error_message="Indiquez le lieu de la séance.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commission.nom}, séance du {self.date:%d/%m/%Y}"


class PresenceSeancePartenariale(models.Model):
    seance = models.ForeignKey(SeancePartenariale, on_delete=models.PROTECT, related_name="presences")
    membre = models.ForeignKey(MembreCommissionPartenariale, on_delete=models.PROTECT, related_name="presences")
    representant = models.CharField("représenté par", max_length=200, blank=True)
    enregistree_le = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "présence en commission partenariale"
        verbose_name_plural = "présences en commission partenariale"
        ordering = ["seance_id", "membre__qualite"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "membre"],
                name="presence_partenariale_unique",
                violation_error_message="La présence de ce membre est déjà enregistrée pour cette séance.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.membre)


class DossierPartenarialQuerySet(models.QuerySet["Dossier"]):
    def visible_to(self, acteur: Acteur) -> DossierPartenarialQuerySet:
        """The cases of the committees the actor sits in (what of their content it reads: ``permissions``)."""
        return restreindre(self, acteur, lambda ids: Q(commission_id__in=_membres(ids).values("commission_id")))

    def ouverts(self) -> DossierPartenarialQuerySet:
        return self.filter(statut=StatutDossier.OUVERT)


class Dossier(models.Model):
    demande = models.ForeignKey("demandes.Demande", on_delete=models.PROTECT, related_name="dossiers_partenariaux")
    commission = models.ForeignKey(CommissionPartenariale, on_delete=models.PROTECT, related_name="dossiers")
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saisi_par_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="saisie par"
    )
    saisi_le = models.DateField("saisie le")
    motif_saisine = models.TextField("motif de la saisine")
    statut = models.CharField("statut", max_length=10, choices=StatutDossier.choices, default=StatutDossier.OUVERT)
    echeance = models.DateField(
        "échéance", null=True, blank=True, help_text="Date à laquelle l'orientation décidée doit avoir abouti."
    )

    objects = DossierPartenarialQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de commission partenariale"
        verbose_name_plural = "dossiers de commission partenariale"
        ordering = [F("echeance").asc(nulls_last=True), "saisi_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["demande", "commission"],
                condition=Q(statut=StatutDossier.OUVERT),
                name="dossier_partenarial_un_ouvert_par_demande",
                violation_error_message="Cette demande a déjà un dossier ouvert devant la commission.",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutDossier.values) & ~Q(motif_saisine=""),
                name="dossier_partenarial_statut_motif",
                violation_error_message="Un dossier a un statut connu et le motif de sa saisine.",
            ),
            models.CheckConstraint(
                condition=Q(echeance__isnull=True) | Q(echeance__gt=F("saisi_le")),
                name="dossier_partenarial_echeance_apres_saisine",
                violation_error_message="L'échéance suit la saisine.",
            ),
        ]
        indexes = [models.Index(fields=["commission", "statut", "echeance"])]

    def __str__(self) -> str:
        return f"Dossier {self.demande.numero_unique} — {self.commission.nom}"


class InscriptionDossier(models.Model):
    seance = models.ForeignKey(SeancePartenariale, on_delete=models.PROTECT, related_name="inscriptions")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="inscriptions")
    rang = models.PositiveSmallIntegerField("rang à l'ordre du jour")
    inscrit_le = models.DateTimeField("inscrit le", auto_now_add=True)

    class Meta:
        verbose_name = "inscription à l'ordre du jour"
        verbose_name_plural = "inscriptions à l'ordre du jour"
        ordering = ["seance_id", "rang"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "dossier"],
                name="inscription_partenariale_unique",
                violation_error_message="Ce dossier est déjà à l'ordre du jour de cette séance.",
            ),
            models.UniqueConstraint(
                fields=["seance", "rang"],
                name="inscription_partenariale_rang_unique",
                violation_error_message="Ce rang de l'ordre du jour est déjà pris.",
            ),
            models.CheckConstraint(
                condition=Q(rang__gte=1),
                name="inscription_partenariale_rang_positif",
                violation_error_message="Le rang à l'ordre du jour est d'au moins 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rang}. {self.dossier}"


class EvaluationSociale(models.Model):
    """The social worker's assessment attached to the case (sensitive: shown per ``RUBRIQUES_PAR_QUALITE``)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="evaluations")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date_evaluation = models.DateField("date de l'évaluation")
    texte = models.TextField("évaluation")
    fichier = models.FileField("pièce jointe", upload_to="partenariat/evaluations/%Y/%m/", blank=True)
    nom_fichier = models.CharField("nom de la pièce jointe", max_length=200, blank=True)
    jointe_le = models.DateTimeField("jointe le", auto_now_add=True)

    class Meta:
        verbose_name = "évaluation sociale"
        verbose_name_plural = "évaluations sociales"
        ordering = ["dossier_id", "-date_evaluation", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(texte=""),
                name="evaluation_sociale_texte",
                violation_error_message="Une évaluation sociale a un texte.",
            ),
        ]

    def __str__(self) -> str:
        return f"Évaluation sociale du {self.date_evaluation:%d/%m/%Y}"


class AvisPartenaire(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="avis")
    seance = models.ForeignKey(SeancePartenariale, on_delete=models.PROTECT, related_name="avis")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    sens = models.CharField("avis", max_length=12, choices=SensAvis.choices)
    texte = models.TextField("motivation", blank=True)
    donne_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    donne_le = models.DateTimeField("donné le", auto_now_add=True)

    class Meta:
        verbose_name = "avis d'un partenaire"
        verbose_name_plural = "avis des partenaires"
        ordering = ["dossier_id", "seance_id", "organisation__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "seance", "organisation"],
                name="avis_partenaire_unique",
                violation_error_message="Ce partenaire a déjà donné son avis sur ce dossier dans cette séance.",
            ),
            models.CheckConstraint(
                condition=Q(sens__in=SensAvis.values) & (Q(sens=SensAvis.FAVORABLE) | ~Q(texte="")),
                name="avis_partenaire_motive",
                violation_error_message="Un avis réservé ou défavorable est motivé.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} : {self.get_sens_display().lower()}"


class DecisionCommission(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="decisions")
    seance = models.ForeignKey(SeancePartenariale, on_delete=models.PROTECT, related_name="decisions")
    nature = models.CharField("décision", max_length=30, choices=NatureDecision.choices)
    type_label = models.CharField("label", max_length=40, blank=True)
    organisation_cible = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations_partenariales",
        verbose_name="orienté vers",
    )
    echeance = models.DateField("échéance", null=True, blank=True)
    mesure = models.CharField("mesure", max_length=10, choices=MesureAccompagnement.choices, blank=True)
    operateur = models.CharField("opérateur de la mesure", max_length=200, blank=True)
    motif = models.TextField("motif", blank=True)
    date_decision = models.DateField("date de la décision")
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decide_le = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "décision de la commission partenariale"
        verbose_name_plural = "décisions de la commission partenariale"
        ordering = ["dossier_id", "date_decision", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(nature=NatureDecision.LABEL)
                    & ~Q(type_label="")
                    & Q(organisation_cible__isnull=True, echeance__isnull=True, mesure="")
                )
                | (
                    Q(nature=NatureDecision.ORIENTATION)
                    & Q(organisation_cible__isnull=False)
                    & Q(echeance__isnull=False)
                    & Q(echeance__gt=F("date_decision"))
                    & Q(type_label="", mesure="")
                )
                | (
                    Q(nature=NatureDecision.MESURE_ACCOMPAGNEMENT)
                    & Q(mesure__in=MesureAccompagnement.values)
                    & ~Q(operateur="")
                    & Q(type_label="", organisation_cible__isnull=True)
                )
                | (
                    Q(nature=NatureDecision.AJOURNEMENT)
                    & ~Q(motif="")
                    & Q(type_label="", organisation_cible__isnull=True, echeance__isnull=True, mesure="")
                ),
                name="decision_partenariale_coherente",
                violation_error_message="Un label nomme son type ; une orientation, le bailleur ou le réservataire "
                "et une échéance postérieure à la décision ; une mesure d'accompagnement, son type et son "
                "opérateur ; un ajournement, son motif.",
            ),
            models.UniqueConstraint(
                fields=["dossier", "seance", "nature"],
                name="decision_partenariale_une_par_nature",
                violation_error_message="La commission a déjà pris une décision de cette nature sur ce dossier "
                "dans cette séance.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} — {self.dossier}"

    @property
    def type_label_libelle(self) -> str:
        """The label's name as the labellisation's dated parameters give it."""
        return labels_parametres.libelle(self.type_label) if self.type_label else ""


class ClotureDossier(models.Model):
    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="cloture")
    motif = models.CharField("motif", max_length=10, choices=MotifCloture.choices)
    bail = models.ForeignKey(
        "commissions.Bail", on_delete=models.PROTECT, null=True, blank=True, related_name="clotures_partenariales"
    )
    precision = models.TextField("précision", blank=True)
    date_cloture = models.DateField("close le")
    close_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "clôture d'un dossier partenarial"
        verbose_name_plural = "clôtures de dossiers partenariaux"
        constraints = [
            models.CheckConstraint(
                condition=(Q(motif=MotifCloture.RELOGE) & Q(bail__isnull=False))
                | (Q(motif=MotifCloture.AUTRE) & Q(bail__isnull=True) & ~Q(precision="")),
                name="cloture_partenariale_coherente",
                violation_error_message="Un dossier clos « relogé » porte le bail signé ; clos pour un autre motif, "
                "il dit lequel.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_motif_display()} le {self.date_cloture:%d/%m/%Y}"
