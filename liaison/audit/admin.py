"""The audit trail in the admin: read-only, like every synchronised model."""

from django.contrib import admin

from liaison.audit.models import AuditEntry
from liaison.core.admin_readonly import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "source", "action", "entity", "number", "field", "old", "new")
    list_filter = ("source", "action", "entity")
    search_fields = ("number", "username", "origin_number")
    date_hierarchy = "at"
