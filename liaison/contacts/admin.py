"""Read-only admin: records change only through the services, which run synchronisation."""

from django.contrib import admin

from liaison.contacts.models import Contact
from liaison.core.admin_readonly import ReadOnlyAdmin

admin.site.register(Contact, ReadOnlyAdmin)
