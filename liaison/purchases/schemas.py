"""The API schemas of vendors (In, Out, Patch and Page, named Vendor...)."""

from liaison.purchases.kind import VENDOR
from liaison.records.schemas import record_schemas

VENDOR_SCHEMAS = record_schemas(VENDOR)
