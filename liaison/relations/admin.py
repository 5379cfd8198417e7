"""Read-only admin: records change only through the services, which run synchronisation."""

from django.contrib import admin

from liaison.core.admin_readonly import ReadOnlyAdmin
from liaison.relations.models import BusinessRelation, ContactBusinessRelation, MarketingSetup

admin.site.register(BusinessRelation, ReadOnlyAdmin)
admin.site.register(ContactBusinessRelation, ReadOnlyAdmin)
admin.site.register(MarketingSetup, ReadOnlyAdmin)
