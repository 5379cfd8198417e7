"""The REST resource of bank accounts."""

from liaison.banking.kind import BANK_ACCOUNT
from liaison.banking.schemas import BANK_ACCOUNT_SCHEMAS
from liaison.records.api import record_router

router = record_router(BANK_ACCOUNT, BANK_ACCOUNT_SCHEMAS)
