from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from attrib.avis.models import Canal, Envoi, StatutEnvoi


@admin.register(Envoi)
class EnvoiAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only, except one action: an email in failure (or left « en cours » by a killed worker) is put back in
    the queue, for the next run of the worker."""

    list_display = ("id", "avis", "canal", "statut", "destinataire", "tentatives", "envoye_le", "imprime_le")
    list_filter = ("canal", "statut")
    search_fields = ("destinataire", "avis__demande__numero_unique")
    readonly_fields = [f.name for f in Envoi._meta.fields]
    actions = ["remettre_a_envoyer"]

    @admin.action(description="Remettre les courriels sélectionnés à envoyer")
    def remettre_a_envoyer(self, request: HttpRequest, queryset: QuerySet[Envoi]) -> None:
        n = queryset.filter(canal=Canal.COURRIEL, statut__in=(StatutEnvoi.ECHEC, StatutEnvoi.EN_COURS)).update(
            statut=StatutEnvoi.A_ENVOYER, erreur=""
        )
        self.message_user(request, f"{n} courriel(s) remis à envoyer.", messages.SUCCESS)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
