"""Read-only admin: records change only through the services, which run synchronisation."""

from django.contrib import admin

from liaison.banking.models import BankAccount, BankingSetup
from liaison.core.admin_readonly import ReadOnlyAdmin

admin.site.register(BankAccount, ReadOnlyAdmin)
admin.site.register(BankingSetup, ReadOnlyAdmin)
