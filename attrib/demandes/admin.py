from django.contrib import admin

from attrib.demandes.models import PrioriteLegale


@admin.register(PrioriteLegale)
class PrioriteLegaleAdmin(admin.ModelAdmin):
    list_display = ["code", "lettre", "libelle", "base_legale", "sensible", "date_debut", "date_fin"]
