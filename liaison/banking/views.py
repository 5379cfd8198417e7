"""The pages of bank accounts: list, card, new, edit, delete, "create contact"."""

from liaison.banking.forms import BankAccountForm
from liaison.banking.kind import BANK_ACCOUNT
from liaison.records.views import record_pages

pages = record_pages(BANK_ACCOUNT, BankAccountForm)
