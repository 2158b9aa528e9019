from django.contrib import admin

from attrib.taches.models import Travail


@admin.register(Travail)
class TravailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("libelle", "nature", "lance_par", "statut", "cree_le", "termine_le")
    list_filter = ("statut", "nature")
    readonly_fields = [f.name for f in Travail._meta.fields if f.name != "fichier"]
