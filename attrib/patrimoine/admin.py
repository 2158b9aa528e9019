from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from attrib.patrimoine.models import Logement, Residence


class LogementInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Logement
    extra = 0
    fields = [
        "identifiant",
        "nb_pieces",
        "surface_habitable",
        "surface_estimee",
        "financement",
        "loyer_principal",
        "loyer_estime",
        "etage",
        "reserve_stock",
    ]
    readonly_fields = ["identifiant"]
    show_change_link = True


@admin.register(Residence)
class ResidenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "identifiant",
        "nom",
        "commune",
        "adresse",
        "nombre_logements",
        "en_qpv",
        "bailleur",
        "bailleur_estime",
        "source",
        "estimee",
    ]
    list_filter = ["source", "en_qpv", "estimee", "bailleur_estime", "type_construction", "enjeu_mixite", "commune"]
    search_fields = ["identifiant", "nom", "nom_voie", "programme", "commune__nom"]
    list_select_related = ["commune", "bailleur"]
    raw_id_fields = ["commune", "bailleur", "qpv"]
    inlines = [LogementInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Residence]:
        base: QuerySet[Residence] = super().get_queryset(request)
        return base.annotate(nb_logements=Count("logements"))

    @admin.display(description="logements", ordering="nb_logements")
    def nombre_logements(self, obj: Residence) -> int:
        return obj.nb_logements  # type: ignore[attr-defined,no-any-return]


@admin.register(Logement)
class LogementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "identifiant",
        "residence",
        "nb_pieces",
        "surface_habitable",
        "financement",
        "loyer_principal",
        "loyer_estime",
        "dpe_energie",
        "reserve_stock",
    ]
    list_filter = ["financement", "nb_pieces", "loyer_estime", "surface_estimee", "dpe_energie", "reserve_stock"]
    search_fields = ["identifiant", "identifiant_rpls", "residence__nom", "residence__nom_voie"]
    list_select_related = ["residence"]
    raw_id_fields = ["residence"]
