"""The bank account card form."""

from liaison.banking.kind import BANK_ACCOUNT
from liaison.records.forms import RecordForm


class BankAccountForm(RecordForm):
    kind = BANK_ACCOUNT
