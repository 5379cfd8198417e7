"""URL converters for the kinds of record a contact links with."""

from __future__ import annotations

from liaison.relations.fieldmaps import FIELD_MAPS


class KindConverter:
    """``<kind:kind>``: customer, vendor or bank_account; any other value matches no URL, so
    ``/contacts/CT000001/link/employee/`` is a 404, not an error in the view."""

    regex = "|".join(FIELD_MAPS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
