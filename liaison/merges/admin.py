"""Merges in the read-only admin."""

from django.contrib import admin

from liaison.core.admin_readonly import ReadOnlyAdmin
from liaison.merges.models import Merge

admin.site.register(Merge, ReadOnlyAdmin)
