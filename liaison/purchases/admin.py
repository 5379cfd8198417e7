"""Read-only admin: records change only through the services, which run synchronisation."""

from django.contrib import admin

from liaison.core.admin_readonly import ReadOnlyAdmin
from liaison.purchases.models import PurchasesSetup, Vendor, VendorTemplate

admin.site.register(Vendor, ReadOnlyAdmin)
admin.site.register(VendorTemplate, ReadOnlyAdmin)
admin.site.register(PurchasesSetup, ReadOnlyAdmin)
