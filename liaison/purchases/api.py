"""The REST resource of vendors."""

from liaison.purchases.kind import VENDOR
from liaison.purchases.schemas import VENDOR_SCHEMAS
from liaison.records.api import record_router

router = record_router(VENDOR, VENDOR_SCHEMAS)
