"""Read-only admin: records change only through the services, which run synchronisation."""

from django.contrib import admin

from liaison.core.admin_readonly import ReadOnlyAdmin
from liaison.core.models import NoSeries, NoSeriesLine

admin.site.register(NoSeries, ReadOnlyAdmin)
admin.site.register(NoSeriesLine, ReadOnlyAdmin)
