"""Cotation in the application (L441-2-8, R441-2-10 CCH): versioned grids of an EPCI and the scores of
the demands.

* ``GrilleCotation``: the general grid or the mutation grid of an EPCI organisation (at most one of
  each); its ``VersionGrille`` rows hold the YAML document (``docs/cotation.md``), drafts are edited,
  one version at a time is published (DB constraint), the previous one is archived.
* ``Cotation``: the current score of a demand (one per demand), with its detail per criterion, its
  explanation in French, the version that computed it and the demand's rank among similar demands
  (same typology and same first wished commune, and on the whole territory). ``CotationHistorique``
  keeps every change of score or version.
* ``TacheCotation``: a re-scoring run (publication, nightly run), its progress polled by the screens.

See ``docs/cotation-application.md``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from attrib.cotation.enums import NatureTache, StatutTache, StatutVersion, TypeGrille
from attrib.engine.cotation import Grille, charger_grille


@lru_cache(maxsize=32)
def _grille_du_document(document: str, origine: str) -> Grille:
    return charger_grille(document, origine=origine)


class GrilleCotation(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="grilles_cotation",
        verbose_name="EPCI",
        limit_choices_to={"type": "epci"},
    )
    type = models.CharField("type", max_length=10, choices=TypeGrille.choices)
    nom = models.CharField("nom", max_length=300)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "grille de cotation"
        verbose_name_plural = "grilles de cotation"
        ordering = ["organisation__nom", "type"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "type"],
                name="grille_cotation_unique_par_epci_et_type",
                violation_error_message="Cet EPCI a déjà une grille de ce type : importez une nouvelle version.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} — {self.organisation}"

    @property
    def version_publiee(self) -> VersionGrille | None:
        return self.versions.filter(statut=StatutVersion.PUBLIEE).first()


class VersionGrille(models.Model):
    grille = models.ForeignKey(GrilleCotation, on_delete=models.PROTECT, related_name="versions")
    numero = models.PositiveIntegerField("numéro")
    document = models.TextField("document YAML de la grille")
    libelle = models.CharField("libellé", max_length=300)
    version_document = models.CharField("version indiquée par le document", max_length=50, blank=True)
    date_effet = models.DateField("date d'effet")
    statut = models.CharField("statut", max_length=10, choices=StatutVersion.choices, default=StatutVersion.BROUILLON)
    avertissements: models.JSONField[Any] = models.JSONField(
        "avertissements du contrôle", default=list, blank=True, help_text="[{ligne, chemin, message}, …]"
    )
    origine = models.CharField("origine", max_length=300, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifiee_le = models.DateTimeField("modifiée le", auto_now=True)
    publiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    publiee_le = models.DateTimeField("publiée le", null=True, blank=True)
    archivee_le = models.DateTimeField("archivée le", null=True, blank=True)

    class Meta:
        verbose_name = "version de grille"
        verbose_name_plural = "versions de grille"
        ordering = ["grille_id", "-numero"]
        constraints = [
            models.UniqueConstraint(fields=["grille", "numero"], name="version_grille_numero_unique"),
            models.UniqueConstraint(
                fields=["grille"],
                condition=Q(statut=StatutVersion.PUBLIEE),
                name="version_grille_une_seule_publiee",
                violation_error_message="Une seule version d'une grille peut être publiée à la fois.",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutVersion.BROUILLON) | Q(publiee_le__isnull=False),
                name="version_grille_publication_datee",
                violation_error_message="Une version publiée ou archivée porte sa date de publication.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grille} — version {self.numero}"

    @property
    def est_brouillon(self) -> bool:
        return self.statut == StatutVersion.BROUILLON

    @property
    def est_publiee(self) -> bool:
        return self.statut == StatutVersion.PUBLIEE

    @property
    def nom_fichier(self) -> str:
        return f"grille-{self.grille.type}-v{self.numero}.yaml"

    def charger(self) -> Grille:
        """The grid of the document (validated by the engine when it was stored; cached by its text)."""
        return _grille_du_document(self.document, self.nom_fichier)


class Cotation(models.Model):
    """The current score of a demand. ``detail``: ``{"provisoire": {colonne: points}, "valide": {…}}``
    (non-zero detail columns of ``attrib.engine.cotation.evaluer``; they add up to each score)."""

    demande = models.OneToOneField("demandes.Demande", on_delete=models.CASCADE, related_name="cotation")
    version = models.ForeignKey(VersionGrille, on_delete=models.PROTECT, related_name="cotations")
    score = models.IntegerField("score")
    score_provisoire = models.IntegerField("score provisoire")
    score_valide = models.IntegerField("score validé")
    typologie = models.PositiveSmallIntegerField("typologie (minimale demandée)")
    secteur = models.ForeignKey(
        "territoires.Commune",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="secteur (première commune souhaitée)",
    )
    rang = models.PositiveIntegerField("rang (même typologie, même secteur)")
    effectif = models.PositiveIntegerField("demandes de même typologie et même secteur")
    rang_territoire = models.PositiveIntegerField("rang (même typologie, tout le territoire)")
    effectif_territoire = models.PositiveIntegerField("demandes de même typologie sur le territoire")
    detail: models.JSONField[Any] = models.JSONField("détail des points", default=dict)
    explication: models.JSONField[Any] = models.JSONField("explication", default=list, blank=True)
    explication_restreinte: models.JSONField[Any] = models.JSONField(
        "explication sans les situations sensibles", default=list, blank=True
    )
    cles_classement: models.JSONField[Any] = models.JSONField(
        "valeurs de départage",
        default=dict,
        blank=True,
        help_text="{champ: valeur} des règles de départage de la grille",
    )
    date_reference = models.DateField("date de calcul")
    calculee_le = models.DateTimeField("calculée le")

    class Meta:
        verbose_name = "cotation"
        ordering = ["version_id", "typologie", "secteur_id", "rang"]
        indexes = [
            models.Index(fields=["version", "typologie", "secteur", "rang"], name="cotation_classement_secteur"),
            models.Index(fields=["version", "typologie", "rang_territoire"], name="cotation_classement_epci"),
        ]

    def __str__(self) -> str:
        return f"{self.demande} : {self.score} points"

    @property
    def a_des_points_provisoires(self) -> bool:
        return self.score_provisoire != self.score_valide


class CotationHistorique(models.Model):
    """A past score of a demand, written when its score or the version that computed it changes."""

    demande = models.ForeignKey("demandes.Demande", on_delete=models.CASCADE, related_name="cotations_historique")
    version = models.ForeignKey(VersionGrille, on_delete=models.PROTECT, related_name="+")
    score = models.IntegerField("score")
    score_provisoire = models.IntegerField("score provisoire")
    score_valide = models.IntegerField("score validé")
    date_reference = models.DateField("date de calcul")
    calculee_le = models.DateTimeField("calculée le")

    class Meta:
        verbose_name = "historique de cotation"
        ordering = ["demande_id", "-calculee_le", "-id"]
        indexes = [models.Index(fields=["demande", "calculee_le"])]


class TacheCotation(models.Model):
    """A re-scoring run: three steps (reading the demands, computing, writing), progress polled by the screens."""

    ETAPES = 3

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="EPCI"
    )
    version = models.ForeignKey(VersionGrille, on_delete=models.SET_NULL, null=True, blank=True, related_name="taches")
    nature = models.CharField("nature", max_length=12, choices=NatureTache.choices)
    statut = models.CharField("statut", max_length=10, choices=StatutTache.choices, default=StatutTache.EN_COURS)
    etape = models.PositiveSmallIntegerField("étape", default=0)
    libelle_etape = models.CharField("étape en cours", max_length=200, blank=True)
    faites = models.PositiveIntegerField("demandes traitées dans l'étape", default=0)
    total = models.PositiveIntegerField("demandes à traiter", default=0)
    message = models.TextField("bilan", blank=True)
    ecartees: models.JSONField[Any] = models.JSONField(
        "demandes écartées", default=list, blank=True, help_text="[{demande_id, numero_unique, motif}, …]"
    )
    lancee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    travail = models.ForeignKey(
        "taches.Travail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="travail long qui l'exécute",
    )
    date_reference = models.DateField("date de calcul", default=timezone.localdate)
    creee_le = models.DateTimeField("lancée le", auto_now_add=True)
    terminee_le = models.DateTimeField("terminée le", null=True, blank=True)

    class Meta:
        verbose_name = "calcul des cotations"
        verbose_name_plural = "calculs des cotations"
        ordering = ["-creee_le", "-id"]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} — {self.organisation} ({self.get_statut_display()})"

    @property
    def en_cours(self) -> bool:
        return self.statut == StatutTache.EN_COURS

    @property
    def pourcentage(self) -> int:
        """Overall progress, 0 to 100 (each step counts for a third)."""
        if self.statut == StatutTache.TERMINEE:
            return 100
        if self.etape == 0:
            return 0
        dans_etape = self.faites / self.total if self.total else 1
        return min(99, int(100 * ((self.etape - 1) + dans_etape) / self.ETAPES))
