"""The REST resource of customers."""

from liaison.records.api import record_router
from liaison.sales.kind import CUSTOMER
from liaison.sales.schemas import CUSTOMER_SCHEMAS

router = record_router(CUSTOMER, CUSTOMER_SCHEMAS)
