"""Read-only admin: the interaction log is append-only and written by its services."""

from django.contrib import admin

from liaison.core.admin_readonly import ReadOnlyAdmin
from liaison.interactions.models import (
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
    OutgoingEmail,
)

for model in (InteractionLogEntry, InteractionTemplate, InteractionTemplateSetup, OutgoingEmail):
    admin.site.register(model, ReadOnlyAdmin)
