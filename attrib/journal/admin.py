from __future__ import annotations

from typing import Any

from django.contrib import admin

from attrib.journal.models import EntreeJournal


@admin.register(EntreeJournal)
class EntreeJournalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: entries are written by the database triggers, never by hand."""

    list_display = ("horodatage", "table_objet", "objet_id", "operation", "auteur_libelle", "origine")
    list_filter = ("operation", "table_objet")
    search_fields = ("objet_id", "racine_id", "auteur_libelle", "origine")
    date_hierarchy = "horodatage"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
