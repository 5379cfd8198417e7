"""API schemas of links, the setup (marketing setup, business relations, number series,
templates) and drift."""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Q
from ninja import Field, FilterSchema, Schema
from ninja.orm import create_schema

from liaison.core.schemas import CODE_PATTERN, StrictIn, SyncChangeOut
from liaison.records.kinds import TEMPLATE_MODELS
from liaison.records.record_templates import template_fields
from liaison.relations.models import (
    BusinessRelation,
    ContactBusinessRelation,
    MarketingSetup,
)

Kind = Literal["customer", "vendor", "bank_account"]
NAMES = {"customer": "Customer", "vendor": "Vendor"}


class LinkIn(StrictIn):
    """Link a contact with an existing record; ``master`` says whose data wins."""

    kind: Kind
    number: str = Field(..., min_length=1, max_length=20)
    master: Literal["contact", "record"] = "contact"


class UnlinkIn(StrictIn):
    kind: Kind


class CreateFromContactIn(StrictIn):
    """Template code: leave out to use the setup default, '' for none."""

    template_code: str | None = Field(None, max_length=20)


class LinkOut(Schema):
    contact_number: str
    business_relation: str
    kind: str
    record_number: str

    @staticmethod
    def resolve_contact_number(obj: ContactBusinessRelation) -> str:
        return obj.contact.number

    @staticmethod
    def resolve_business_relation(obj: ContactBusinessRelation) -> str:
        return obj.business_relation.code

    @staticmethod
    def resolve_kind(obj: ContactBusinessRelation) -> str:
        return obj.link_to_table

    @staticmethod
    def resolve_record_number(obj: ContactBusinessRelation) -> str:
        record = obj.customer or obj.vendor or obj.bank_account
        return record.number if record else ""


class LinkResultOut(Schema):
    link: LinkOut
    synchronised: list[SyncChangeOut]


class LinkFilters(FilterSchema):
    contact: str | None = None
    kind: str | None = None

    def filter_contact(self, value: str | None) -> Q:
        return Q(contact__number=value) if value else Q()

    def filter_kind(self, value: str | None) -> Q:
        return Q(link_to_table=value) if value is not None else Q()


BusinessRelationOut = create_schema(
    BusinessRelation, name="BusinessRelationOut", fields=["code", "description"]
)


class BusinessRelationIn(StrictIn):
    code: str = Field(..., min_length=1, max_length=10, pattern=CODE_PATTERN)
    description: str = Field("", max_length=100)


_SETUP_FKS = (
    "bus_rel_code_for_customers",
    "bus_rel_code_for_vendors",
    "bus_rel_code_for_bank_accounts",
    "contact_nos",
    "default_customer_template_company",
    "default_customer_template_person",
    "default_vendor_template",
)
# Spec 1.7: what a new contact gets where it was left blank (spec 1.1).
SETUP_DEFAULTS = (
    "default_salesperson_code",
    "default_territory_code",
    "default_country_code",
    "default_language_code",
    "default_format_region",
    "default_correspondence_type",
)
_SETUP_FLAGS = tuple(
    f.name for f in MarketingSetup._meta.concrete_fields if f.get_internal_type() == "BooleanField"
)


class MarketingSetupOut(Schema):
    """Codes are shown as the codes they name ('' when blank)."""

    bus_rel_code_for_customers: str
    bus_rel_code_for_vendors: str
    bus_rel_code_for_bank_accounts: str
    contact_nos: str
    default_customer_template_company: str
    default_customer_template_person: str
    default_vendor_template: str
    default_salesperson_code: str
    default_territory_code: str
    default_country_code: str
    default_language_code: str
    default_format_region: str
    default_correspondence_type: str
    inherit_salesperson_code: bool
    inherit_territory_code: bool
    inherit_country_code: bool
    inherit_language_code: bool
    inherit_format_region: bool
    inherit_address_details: bool
    inherit_communication_details: bool
    maintain_dupl_search_strings: bool
    autosearch_for_duplicates: bool
    search_hit_pct: int
    version: int


class MarketingSetupPatch(StrictIn):
    bus_rel_code_for_customers: str | None = Field(None, max_length=10)
    bus_rel_code_for_vendors: str | None = Field(None, max_length=10)
    bus_rel_code_for_bank_accounts: str | None = Field(None, max_length=10)
    contact_nos: str | None = Field(None, max_length=20)
    default_customer_template_company: str | None = Field(None, max_length=20)
    default_customer_template_person: str | None = Field(None, max_length=20)
    default_vendor_template: str | None = Field(None, max_length=20)
    default_salesperson_code: str | None = Field(None, max_length=20)
    default_territory_code: str | None = Field(None, max_length=10)
    default_country_code: str | None = Field(None, max_length=10)
    default_language_code: str | None = Field(None, max_length=10)
    default_format_region: str | None = Field(None, max_length=80)
    default_correspondence_type: str | None = None
    inherit_salesperson_code: bool | None = None
    inherit_territory_code: bool | None = None
    inherit_country_code: bool | None = None
    inherit_language_code: bool | None = None
    inherit_format_region: bool | None = None
    inherit_address_details: bool | None = None
    inherit_communication_details: bool | None = None
    maintain_dupl_search_strings: bool | None = None
    autosearch_for_duplicates: bool | None = None
    search_hit_pct: int | None = Field(None, ge=1, le=100)


def setup_out(setup: MarketingSetup) -> dict[str, Any]:
    """The setup with its foreign keys as codes."""
    out: dict[str, Any] = {name: getattr(setup, name) for name in (*_SETUP_FLAGS, *SETUP_DEFAULTS)}
    for name in _SETUP_FKS:
        target = getattr(setup, name)
        out[name] = target.code if target is not None else ""
    out["search_hit_pct"] = setup.search_hit_pct
    out["version"] = setup.version
    return out


class NoSeriesLineOut(Schema):
    starting_no: str
    ending_no: str
    increment_by: int
    last_no_used: str
    open: bool


class NoSeriesOut(Schema):
    code: str
    description: str
    default_nos: bool
    manual_nos: bool
    lines: list[NoSeriesLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class NoSeriesIn(StrictIn):
    code: str = Field(..., min_length=1, max_length=20, pattern=CODE_PATTERN)
    description: str = Field("", max_length=100)
    starting_no: str = Field(..., min_length=1, max_length=20, pattern=r"\d")
    ending_no: str = Field("", max_length=20)
    manual_nos: bool = False


def template_schemas(kind: str) -> tuple[type[Schema], type[Schema], type[Schema]]:
    """Out, In and Patch schemas of a template kind."""
    model = TEMPLATE_MODELS[kind]
    name = NAMES[kind]
    plain = sorted(template_fields(kind) - {"no_series"})
    base = create_schema(model, name=f"{name}TemplateBase", fields=["code", *plain])

    def resolve_no_series(obj: Any) -> str:
        return obj.no_series.code if obj.no_series_id else ""

    out = type(
        f"{name}TemplateOut",
        (base,),
        {
            "__annotations__": {"no_series": str},
            "no_series": "",
            "resolve_no_series": staticmethod(resolve_no_series),
        },
    )
    fields = create_schema(
        model,
        name=f"{name}TemplateFields",
        fields=plain,
        optional_fields=plain,
        base_class=StrictIn,
    )
    patch = type(
        f"{name}TemplatePatch",
        (fields,),
        {"__annotations__": {"no_series": str | None}, "no_series": Field(None, max_length=20)},
    )
    new = type(
        f"{name}TemplateIn",
        (patch,),
        {
            "__annotations__": {"code": str},
            "code": Field(..., min_length=1, max_length=20, pattern=CODE_PATTERN),
        },
    )
    return out, new, patch


class DriftOut(Schema):
    contact: str
    kind: str
    record: str
    field: str
    contact_value: str
    record_value: str


class DriftReportOut(Schema):
    disagreements: int
    stale_summaries: int
    items: list[DriftOut]


class RepairOut(Schema):
    records_written: int
    summaries_fixed: int


class _ContactRow(Schema):
    """A row about a contact: its number and name under the integration views' names."""

    contact_number: str
    contact_name: str

    @staticmethod
    def resolve_contact_number(obj: Any) -> str:
        return str(obj.number)

    @staticmethod
    def resolve_contact_name(obj: Any) -> str:
        return str(obj.name)


class ContactInformationOut(_ContactRow):
    """R-P2: a contact a customer, vendor or bank account is related to."""

    contact_type: str
    related_type: str
    related_number: str
    relation: str = Field(..., description="linked_contact or person_of_company")

    @staticmethod
    def resolve_contact_type(obj: Any) -> str:
        return str(obj.type)


class ContactInformationPage(Schema):
    items: list[ContactInformationOut]
    next_cursor: str | None


class ContactInformationFilters(Schema):
    related_type: Kind | None = None
    related_number: str | None = Field(None, max_length=20)


class CustomerContactOut(_ContactRow):
    """R-P3: a person of a customer, with that customer."""

    company_number: str
    customer_number: str
    customer_name: str
    email: str
    phone_no: str

    @staticmethod
    def resolve_company_number(obj: Any) -> str:
        return obj.company.number if obj.company_id else ""


class CustomerContactPage(Schema):
    items: list[CustomerContactOut]
    next_cursor: str | None


class CustomerContactPatch(StrictIn):
    """Another customer number moves the customer link of the person's company (R-P3)."""

    customer_number: str = Field(..., min_length=1, max_length=20, pattern=CODE_PATTERN)
