"""API schemas of duplicate detection: the pairs and the setup rows."""

from __future__ import annotations

from ninja import Field, Schema

from liaison.core.schemas import StrictIn


class PairContactOut(Schema):
    number: str
    name: str
    type: str
    address: str
    city: str
    post_code: str
    country_code: str
    phone_no: str
    email: str
    vat_registration_no: str


class DuplicateOut(Schema):
    """A pair of Contact Duplicates: both contacts side by side, the score and its reasons."""

    id: int
    contact: PairContactOut
    duplicate: PairContactOut
    separate_contacts: bool
    matching_strings: int
    score: int
    strings: list[str]
    identifiers: list[str]


class DuplicatePatch(StrictIn):
    separate_contacts: bool


class DuplSetupOut(Schema):
    id: int
    field: str
    part: str
    length: int


class DuplSetupIn(StrictIn):
    field: str = Field(..., max_length=40)
    part: str = Field("first", max_length=5)
    length: int = Field(5)


class DuplSetupPatch(StrictIn):
    field: str | None = Field(None, max_length=40)
    part: str | None = Field(None, max_length=5)
    length: int | None = None
