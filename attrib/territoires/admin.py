from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from attrib.territoires.models import EPCI, QPV, Commune


@admin.register(EPCI)
class EPCIAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["nom", "siren", "nature", "population", "nombre_communes"]
    list_filter = ["nature"]
    search_fields = ["nom", "siren"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EPCI]:
        base: QuerySet[EPCI] = super().get_queryset(request)
        return base.annotate(nb_communes=Count("communes"))

    @admin.display(description="communes", ordering="nb_communes")
    def nombre_communes(self, obj: EPCI) -> int:
        return obj.nb_communes  # type: ignore[attr-defined,no-any-return]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["nom", "code_insee", "departement", "region", "epci", "zone_plafond", "population"]
    list_filter = ["zone_plafond", "departement", "region"]
    search_fields = ["nom", "code_insee"]
    list_select_related = ["epci"]
    raw_id_fields = ["epci"]


@admin.register(QPV)
class QPVAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "nom", "commune", "generation", "a_un_contour"]
    list_filter = ["generation", "commune__departement"]
    search_fields = ["code", "nom", "commune__nom"]
    list_select_related = ["commune"]
    raw_id_fields = ["commune"]

    @admin.display(description="contour", boolean=True)
    def a_un_contour(self, obj: QPV) -> bool:
        return bool(obj.contour)
