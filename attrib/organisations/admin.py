from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from attrib.organisations.models import Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class AttribUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "categorie_reservataire", "code_guichet", "epci"]
    list_filter = ["type", "categorie_reservataire"]
    search_fields = ["nom", "siren"]
    filter_horizontal = ["perimetre"]
    inlines = [MembershipInline]
