"""Read-only admin: records change only through the services, which run synchronisation."""

from django.contrib import admin

from liaison.core.admin_readonly import ReadOnlyAdmin
from liaison.sales.models import Customer, CustomerTemplate, SalesSetup

admin.site.register(Customer, ReadOnlyAdmin)
admin.site.register(CustomerTemplate, ReadOnlyAdmin)
admin.site.register(SalesSetup, ReadOnlyAdmin)
