"""Set-based writes of many contacts, customers, vendors or bank accounts at once.

The bulk edit (``contacts_bulk_update``) and the CSV import (``batch.imports.pipeline``) share
the chunk functions of this package, so there is one bulk implementation (design.md). A chunk costs
a fixed number of queries whatever its size: one locked lookup, one insert or column write per
model (``bulk_create``, ``core.writes.write_columns``) and ONE engine call, where a service call
per row would cost a save and a sync per row. Items that break a rule are reported with their
key and field and left out; the others are written. The rules are the single-record
services' own functions (``contact_derive``, ``contact_company_change``,
``contact_type_change_check``, model validation, number series, the engine), called here in
sets: no rule is restated for the faster path.

- ``base``: items, reports and the validation and numbering helpers both kinds share;
- ``contacts``: ``contacts_bulk_update`` and ``contacts_upsert_chunk``;
- ``records``: ``records_upsert_chunk`` for customers, vendors and bank accounts.
"""

from liaison.batch.bulk.base import BulkReport, Item, ItemError
from liaison.batch.bulk.contacts import (
    CONTACT_FIELDS,
    contacts_bulk_update,
    contacts_upsert_chunk,
)
from liaison.batch.bulk.records import records_upsert_chunk
from liaison.contacts.services import COMPANY_NUMBER

__all__ = [
    "COMPANY_NUMBER",
    "CONTACT_FIELDS",
    "BulkReport",
    "Item",
    "ItemError",
    "contacts_bulk_update",
    "contacts_upsert_chunk",
    "records_upsert_chunk",
]
