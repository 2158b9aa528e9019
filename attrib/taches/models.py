"""A long job the product launches (``Travail``): who launched it, what it is, where it stands, what it gave.

The job's own row is the only thing a polling page reads. Its progress is written outside the work's
transaction (``attrib.taches.progression``), so the page sees it while the work runs. The queue itself
(``django_tasks_db``'s ``DBTaskResult``) is the worker's business; ``tache_id`` links the two.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse


class StatutTravail(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminé"
    ECHEC = "echec", "Échec"


class Travail(models.Model):
    lance_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="travaux", verbose_name="lancé par"
    )
    nature = models.CharField("nature", max_length=60, help_text="Identifiant technique : cotation.publication…")
    libelle = models.CharField("libellé", max_length=300)
    statut = models.CharField("statut", max_length=12, choices=StatutTravail.choices, default=StatutTravail.EN_ATTENTE)
    etape = models.PositiveSmallIntegerField("étape", default=0)
    etapes = models.PositiveSmallIntegerField("nombre d'étapes", default=1)
    libelle_etape = models.CharField("étape en cours", max_length=200, blank=True)
    faites = models.PositiveIntegerField("éléments traités dans l'étape", default=0)
    total = models.PositiveIntegerField("éléments à traiter dans l'étape", default=0)
    unite = models.CharField("unité comptée", max_length=40, blank=True, help_text="demandes, lignes…")
    resume = models.TextField("bilan", blank=True)
    conserve = models.TextField(
        "ce qui a été conservé en cas d'échec", blank=True, help_text="Dit à l'utilisateur si le travail échoue."
    )
    fichier = models.BinaryField("fichier produit", null=True, blank=True, editable=False)
    nom_fichier = models.CharField("nom du fichier", max_length=200, blank=True)
    type_fichier = models.CharField("type du fichier", max_length=120, blank=True)
    lien_vue = models.CharField("page du résultat (nom d'URL)", max_length=120, blank=True)
    lien_args: models.JSONField[Any] = models.JSONField("arguments de la page du résultat", default=list, blank=True)
    lien_libelle = models.CharField("libellé du lien vers le résultat", max_length=200, blank=True)
    details: models.JSONField[Any] = models.JSONField(
        "compte rendu détaillé", default=dict, blank=True, help_text="Données du gabarit du compte rendu."
    )
    gabarit = models.CharField(
        "gabarit du compte rendu", max_length=200, blank=True, help_text="Gabarit du domaine inclus dans la page."
    )
    tache_id = models.CharField("identifiant dans la file", max_length=64, blank=True)
    execute_par = models.CharField(
        "processus qui l'exécute",
        max_length=200,
        blank=True,
        help_text="Hôte, numéro et instant de démarrage du processus du worker : un travail dont le processus a "
        "disparu est dit interrompu.",
    )
    cree_le = models.DateTimeField("lancé le", auto_now_add=True)
    commence_le = models.DateTimeField("commencé le", null=True, blank=True)
    termine_le = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "travail long"
        verbose_name_plural = "travaux longs"
        ordering = ["-cree_le", "-id"]
        indexes = [models.Index(fields=["lance_par", "cree_le"])]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.get_statut_display()})"

    @property
    def fini(self) -> bool:
        return self.statut in (StatutTravail.TERMINE, StatutTravail.ECHEC)

    @property
    def pourcentage(self) -> int:
        """Overall progress, 0 to 100 (each step counts for the same share)."""
        if self.statut == StatutTravail.TERMINE:
            return 100
        if self.etape == 0:
            return 0
        dans_etape = self.faites / self.total if self.total else 0
        return min(99, int(100 * ((self.etape - 1) + dans_etape) / max(self.etapes, 1)))

    @property
    def a_un_fichier(self) -> bool:
        return bool(self.nom_fichier) and self.statut == StatutTravail.TERMINE

    @property
    def format_fichier(self) -> str:
        """The file's format as a user names it (« Excel », « CSV », « PDF »)."""
        extension = self.nom_fichier.rsplit(".", 1)[-1].lower() if "." in self.nom_fichier else ""
        return {"xlsx": "Excel", "csv": "CSV", "pdf": "PDF"}.get(extension, extension.upper())

    @property
    def url_resultat(self) -> str:
        if not self.lien_vue:
            return ""
        try:
            return reverse(self.lien_vue, args=self.lien_args)
        except NoReverseMatch:
            return ""
