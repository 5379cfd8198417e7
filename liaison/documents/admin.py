"""Read-only admin: documents change only through their services."""

from django.contrib import admin

from liaison.core.admin_readonly import ReadOnlyAdmin
from liaison.documents.models import CompanyInformation, DocumentSetup, PurchaseHeader, SalesHeader

for model in (SalesHeader, PurchaseHeader, DocumentSetup, CompanyInformation):
    admin.site.register(model, ReadOnlyAdmin)
