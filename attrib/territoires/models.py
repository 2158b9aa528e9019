"""Territorial referentials: EPCI, communes (COG 2026) and QPV (2015 generation)."""

from __future__ import annotations

from django.db import models


class ZonePlafond(models.TextChoices):
    """Zones of the resource ceilings (arrêté du 29 juillet 1987, annexe I)."""

    PARIS_LIMITROPHES = "paris_communes_limitrophes", "Paris et communes limitrophes"
    ILE_DE_FRANCE = "ile_de_france", "Île-de-France hors Paris et communes limitrophes"
    AUTRES_REGIONS = "autres_regions", "Autres régions"


class EPCI(models.Model):
    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    nature = models.CharField("nature juridique", max_length=10, help_text="CA, CC, CU, METRO, MET69")
    population = models.PositiveIntegerField("population municipale", default=0)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class CommuneQuerySet(models.QuerySet["Commune"]):
    def de_epci(self, epci: EPCI | str) -> CommuneQuerySet:
        siren = epci.siren if isinstance(epci, EPCI) else epci
        return self.filter(epci_id=siren)


class Commune(models.Model):
    code_insee = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    departement = models.CharField("département", max_length=3, db_index=True)
    region = models.CharField(
        "région", max_length=3, db_index=True, help_text="Code COG ; 3 caractères pour les collectivités d'outre-mer"
    )
    population = models.PositiveIntegerField("population municipale", default=0)
    epci = models.ForeignKey(EPCI, on_delete=models.PROTECT, null=True, blank=True, related_name="communes")
    zone_plafond = models.CharField(
        "zone des plafonds de ressources",
        max_length=32,
        choices=ZonePlafond.choices,
        default=ZonePlafond.AUTRES_REGIONS,
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["nom"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code_insee})"


class QPV(models.Model):
    """Quartier prioritaire de la politique de la ville."""

    code = models.CharField("code", max_length=10, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="qpvs")
    generation = models.CharField("génération", max_length=4, default="2015")
    contour = models.JSONField("contour (GeoJSON, WGS84)", null=True, blank=True)

    class Meta:
        verbose_name = "QPV"
        verbose_name_plural = "QPV"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"
