"""The API schemas of customers (In, Out, Patch and Page, named Customer...)."""

from liaison.records.schemas import record_schemas
from liaison.sales.kind import CUSTOMER

CUSTOMER_SCHEMAS = record_schemas(CUSTOMER)
