"""The API schemas of bank accounts (In, Out, Patch and Page, named BankAccount...)."""

from liaison.banking.kind import BANK_ACCOUNT
from liaison.records.schemas import record_schemas

BANK_ACCOUNT_SCHEMAS = record_schemas(BANK_ACCOUNT)
