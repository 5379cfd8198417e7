"""Bank accounts as a kind of record: no templates and no primary contact."""

from liaison.banking.models import BankAccount, BankingSetup
from liaison.records.kind import RecordKind

BANK_ACCOUNT = RecordKind(key="bank_account", model=BankAccount, setup_model=BankingSetup)
