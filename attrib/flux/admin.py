"""Read-only admin pages: every write of the flux goes through ``attrib.flux.services`` (audited)."""

from typing import Any

from django.contrib import admin

from attrib.flux.models import ConventionReservation, LogementLibere, Orientation, ReglageFlux


class LectureSeule(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ConventionReservation)
class ConventionReservationAdmin(LectureSeule):
    list_display = ("bailleur", "reservataire", "categorie", "part", "nombre_logements", "debut", "fin")
    list_filter = ("categorie",)


@admin.register(LogementLibere)
class LogementLibereAdmin(LectureSeule):
    list_display = ("logement", "bailleur", "date_liberation", "nature", "motif_exclusion")


@admin.register(Orientation)
class OrientationAdmin(LectureSeule):
    list_display = ("logement_libere", "libelle", "regle", "statut", "actuelle", "rang")
    list_filter = ("regle", "statut", "actuelle")


@admin.register(ReglageFlux)
class ReglageFluxAdmin(LectureSeule):
    list_display = ("bailleur", "arbitrage")
