"""Read-only admin: the VAT registration log is written by its services."""

from django.contrib import admin

from liaison.core.admin_readonly import ReadOnlyAdmin
from liaison.vatlog.models import VatRegistrationLog

admin.site.register(VatRegistrationLog, ReadOnlyAdmin)
