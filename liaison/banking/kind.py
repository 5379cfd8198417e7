"""Bank accounts as a kind of record: no templates and no primary contact."""

from liaison.banking.models import BankAccount, BankingSetup
from liaison.records.kind import RecordKind

BANK_ACCOUNT = RecordKind(
    key="bank_account",
    model=BankAccount,
    path="bank-accounts",
    label="Bank account",
    schema_name="BankAccount",
    setup_model=BankingSetup,
    setup_series_field="bank_account_nos",
    setup_series_label="Bank Account Nos.",
)
