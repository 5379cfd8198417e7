"""Read-only admin of the master data: it changes through its services and pages."""

from django.contrib import admin

from liaison.core.admin_readonly import ReadOnlyAdmin
from liaison.masterdata.models import Language, PaymentTerms, PostCode, Salesperson, Territory

for _model in (Salesperson, Territory, Language, PaymentTerms, PostCode):
    admin.site.register(_model, ReadOnlyAdmin)
