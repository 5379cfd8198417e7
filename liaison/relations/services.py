"""Write services for links, batch jobs and setup (spec R-G, R-I, 1.6, 1.7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from liaison.accounts.roles import roles_ensure
from liaison.audit.trail import Trail
from liaison.banking.models import BankingSetup
from liaison.contacts.models import Contact
from liaison.core.errors import NotFound, ValidationFailed
from liaison.core.models import NoSeries, NoSeriesLine, Party
from liaison.core.reads import row_for_update
from liaison.core.update import full_clean_or_raise, label, model_update
from liaison.documents.quotes import quotes_assign_record
from liaison.duplicates.services import duplicates_exist, duplicates_index
from liaison.masterdata.services import codes_check, masterdata_setup_init
from liaison.purchases.models import PurchasesSetup, VendorTemplate
from liaison.records.selectors import record_get
from liaison.records.services import existing_relationship_check, privacy_check
from liaison.relations.errors import (
    BusinessRelationInUse,
    CompanyRequired,
    CustomerUnknown,
    NotLinked,
    SetupCodesNotDistinct,
    SystemRelationCode,
)
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.links import LABELS, contacts_create_for_records, link_insert
from liaison.relations.models import BusinessRelation, ContactBusinessRelation, MarketingSetup
from liaison.relations.selectors import (
    KIND_PLURAL,
    KIND_SETUP_FIELD,
    links_to_records,
    marketing_setup_get,
    relation_code_required,
    unlinked_records,
)
from liaison.relations.sync import (
    SyncReport,
    summaries_refresh,
    sync_from_contacts,
    sync_from_linked,
)
from liaison.sales.models import Customer, CustomerTemplate, SalesSetup


@transaction.atomic
def relation_link(
    *, contact: Contact, kind: str, number: str, master: str = "contact"
) -> tuple[Party, SyncReport]:
    """R-G1..R-G3: link a contact with an existing customer, vendor or bank account.

    ``master`` says whose data wins for the shared fields: ``"contact"`` pushes the contact's
    values into the record, ``"record"`` pulls the record's into the contact (and onwards).
    R-M9 / R-M10: a linked customer (vendor) then goes onto the family's open quotes.
    """
    _kind_check(kind)
    if master not in ("contact", "record"):
        raise ValidationFailed(
            'master must be "contact" or "record".',
            fields={"master": ["Choose contact or record."]},
        )
    number_asked = contact.number
    try:
        contact = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("company")
            .get(pk=contact.pk)
        )
    except Contact.DoesNotExist:
        raise _gone("Contact", number_asked) from None
    if kind in ("customer", "vendor"):  # R-G1: banks have no such pre-check
        existing_relationship_check(kind, contact)
    privacy_check(contact)
    if kind != "customer" and not contact.company_no:
        raise CompanyRequired(
            f"Company No. must have a value in Contact {contact.number}: link a "
            f"{LABELS[kind].lower()} to a company or to a person of a company."
        )
    code = relation_code_required(kind)
    record = record_get(kind, number)
    try:
        record = type(record)._default_manager.select_for_update().get(pk=record.pk)
    except ObjectDoesNotExist:
        raise _gone(LABELS[kind], number) from None
    trail = Trail()
    link_insert(contact=contact, kind=kind, record=record, code=code, trail=trail)
    if master == "contact":
        report = sync_from_contacts([contact], trail=trail)
    else:
        report = sync_from_linked(kind, [record], trail=trail)
    trail.save()
    quotes_assign_record(kind, contact, record)
    return record, report


@transaction.atomic
def relation_unlink(*, contact: Contact, kind: str) -> None:
    """Remove a contact's link of this kind; both records stay (R-E3).

    The contact is locked first, as the engine and ``contact_delete`` lock it, before its link
    goes and its summary is written: a delete of the same contact waits, or is waited for,
    instead of deadlocking.
    """
    _kind_check(kind)
    try:
        contact = row_for_update(Contact, contact.pk)
    except Contact.DoesNotExist:
        raise _gone("Contact", contact.number) from None
    link = links_to_records([contact.pk]).filter(link_to_table=kind).first()
    if link is None:
        raise NotLinked(f"Contact {contact.number} has no {LABELS[kind].lower()} link to remove.")
    trail = Trail()
    trail.link(link.contact, kind, getattr(link, kind), unlink=True)
    ContactBusinessRelation.objects.filter(pk=link.pk).delete()
    trail.save()
    summaries_refresh([contact.pk])


def _kind_check(kind: str) -> None:
    if kind not in FIELD_MAPS:
        raise ValidationFailed(
            _("%(kind)s is not a kind of record: use customer, vendor or bank_account.")
            % {"kind": kind},
            fields={"kind": [_("Choose customer, vendor or bank_account.")]},
        )


def _gone(what: str, number: str) -> NotFound:
    """A record read a moment ago that a concurrent delete removed before it could be locked."""
    return NotFound(
        _("%(what)s %(number)s does not exist any more: it was deleted meanwhile.")
        % {"what": what, "number": number}
    )


@transaction.atomic
def relation_add(*, contact: Contact, code: str) -> ContactBusinessRelation:
    """Add a plain business relation (PRESS, LAWYER...) to a contact (R-G7, E-12)."""
    relation = BusinessRelation.objects.filter(code=code.strip().upper()).first()
    if relation is None:
        raise NotFound(f"Business relation {code} does not exist.")
    setup = marketing_setup_get()
    for kind, name in KIND_SETUP_FIELD.items():
        if getattr(setup, f"{name}_id") == relation.pk:
            raise SystemRelationCode(
                f"Business Relation Code {relation.code} is used when a Contact is linked with a "
                f"{LABELS[kind]}: link the record instead."
            )
    if ContactBusinessRelation.objects.filter(contact=contact, business_relation=relation).exists():
        raise ValidationFailed(f"Contact {contact.number} already has relation {relation.code}.")
    row = ContactBusinessRelation.objects.create(contact=contact, business_relation=relation)
    summaries_refresh([contact.pk])
    return row


@dataclass
class BatchResult:
    """The outcome of a batch "create contacts from ..." run, also its progress while it runs.

    ``last_number`` is the cursor: the last record number of the last committed chunk.
    """

    kind: str
    created: int = 0
    skipped: int = 0
    with_duplicates: int = 0  # R-I7: new contacts with duplicates (R-O3)
    contact_numbers: list[str] = field(default_factory=list)
    total: int = 0
    last_number: str = ""

    @property
    def done(self) -> int:
        """Records dealt with: contacts created plus records found already linked."""
        return self.created + self.skipped


def contacts_create_from(
    kind: str,
    *,
    numbers: list[str] | None = None,
    chunk_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    keep_numbers: bool = False,
    resume: BatchResult | None = None,
    checkpoint: Callable[[BatchResult], None] | None = None,
) -> BatchResult:
    """R-I: create a company contact for each record of ``kind`` that has none, in number order.

    Streams in chunks, each chunk one transaction, so memory stays bounded and a run that is
    stopped can simply be run again: linked records are skipped (R-I3). ``checkpoint(result)``
    runs inside each chunk's transaction, after its writes, so progress recorded there commits
    with the chunk or not at all. ``resume`` (the last committed checkpoint of a stopped run)
    goes on after its cursor and adds to its counts. ``progress(done, total)`` is called after
    each commit.
    """
    relation_code_required(kind)  # R-I1: checked before anything is processed
    model = FIELD_MAPS[kind].model
    scope = model._default_manager.all()
    if numbers is not None:
        scope = scope.filter(number__in=numbers)
    todo = unlinked_records(kind)
    if numbers is not None:
        todo = todo.filter(number__in=numbers)
    result = BatchResult(kind=kind, total=scope.count())
    if resume is not None:
        result.created, result.last_number = resume.created, resume.last_number
        result.with_duplicates = resume.with_duplicates
    # Everything linked, except by this run, is skipped: before the cursor all of it is
    # linked (by this run or not), after it only by someone else.
    remaining = todo.filter(number__gt=result.last_number).count()
    result.skipped = max(result.total - result.created - remaining, 0)
    while True:
        with transaction.atomic():
            chunk = list(
                todo.filter(number__gt=result.last_number).select_for_update()[:chunk_size]
            )
            if not chunk:
                break
            trail = Trail()
            created = contacts_create_for_records(
                kind, chunk, setup=marketing_setup_get(), trail=trail
            )
            trail.save()
            # R-I4 steps 7-8: every new contact indexed, whatever Maintain says.
            new_pks = [c.pk for c in created]
            found = duplicates_index(new_pks)
            result.with_duplicates += len(duplicates_exist(found))
            result.created += len(created)
            result.last_number = chunk[-1].number
            if checkpoint is not None:
                checkpoint(result)
        if keep_numbers:
            result.contact_numbers.extend(c.number for c in created)
        if progress is not None:
            progress(result.done, result.total)
    return result


# The marketing setup's foreign keys, by field: each names a row by its code.
_SETUP_CODE_TARGETS: dict[str, type[models.Model]] = {
    f.name: f.related_model
    for f in MarketingSetup._meta.concrete_fields
    if f.is_relation and isinstance(f.related_model, type)
}


# Spec 1.7 fields 28-31: the codes a new contact gets where blank (the format region is text).
DEFAULT_CODES = frozenset(
    {
        "default_salesperson_code",
        "default_territory_code",
        "default_country_code",
        "default_language_code",
    }
)


@transaction.atomic
def marketing_setup_update(*, data: dict[str, Any]) -> MarketingSetup:
    """Change the marketing setup; the three relation codes must be distinct (decision 8),
    and a kind's code cannot change or be blanked while links use it (ux.md Setup)."""
    setup, _created = MarketingSetup.objects.select_for_update().get_or_create(pk=1)
    values: dict[str, Any] = {}
    for key, value in data.items():
        # The codes of the setup's foreign keys (relation codes, the contact series, the
        # default templates) name rows that must exist; the flags are taken as they are.
        target = _SETUP_CODE_TARGETS.get(key)
        values[key] = _by_code(target, value) if target is not None else value
        if key in DEFAULT_CODES and isinstance(value, str):
            values[key] = value.strip().upper()  # codes, as a contact keeps them
    merged = {k: values.get(k, getattr(setup, k)) for k in KIND_SETUP_FIELD.values()}
    codes = [c.code for c in merged.values() if c is not None]
    if len(codes) != len(set(codes)):
        raise SetupCodesNotDistinct(
            "The business relation codes for customers, vendors and bank accounts must be "
            f"distinct ({', '.join(codes)}): a contact could otherwise hold only one of them."
        )
    _refuse_relation_codes_in_use(setup, merged)
    allowed = {f.name for f in MarketingSetup._meta.concrete_fields} - {"id", "version"}
    model_update(setup, values, allowed=allowed)
    # After the field checks (a too-long code says so), inside the transaction: the defaults
    # fill new contacts, so each names an existing code and the salesperson is not blocked
    # due to privacy (E-41), or every new contact would be refused.
    codes_check({k: v for k, v in values.items() if k in DEFAULT_CODES}, contact=True)
    return setup


_RECORDS = {  # a kind's record, singular and plural, for messages
    "customer": (gettext_noop("customer"), gettext_noop("customers")),
    "vendor": (gettext_noop("vendor"), gettext_noop("vendors")),
    "bank_account": (gettext_noop("bank account"), gettext_noop("bank accounts")),
}


def _refuse_relation_codes_in_use(
    setup: MarketingSetup, merged: dict[str, BusinessRelation | None]
) -> None:
    """A kind's code cannot change or go blank while links hold it: they would stop counting as
    links of that kind (stale summaries, R-K1) and the code could no longer be told apart."""
    problems: dict[str, list[str]] = {}
    for kind, name in KIND_SETUP_FIELD.items():
        old, new = getattr(setup, name), merged[name]
        if old is None or (new is not None and new.pk == old.pk):
            continue
        count = (
            ContactBusinessRelation.objects.filter(business_relation=old)
            .exclude(link_to_table="")
            .count()
        )
        if count:
            problems[name] = [
                ngettext(
                    "Bus. Rel. Code for %(kinds)s cannot change from %(code)s while %(count)d "
                    "link uses it (a contact linked with its %(records)s): unlink it first.",
                    "Bus. Rel. Code for %(kinds)s cannot change from %(code)s while %(count)d "
                    "links use it (contacts linked with their %(records)s): unlink them first.",
                    count,
                )
                % {
                    "kinds": KIND_PLURAL[kind],
                    "code": old.code,
                    "count": count,
                    "records": _(_RECORDS[kind][count != 1]),
                }
            ]
    if problems:
        raise BusinessRelationInUse(
            " ".join(m for messages in problems.values() for m in messages), fields=problems
        )


def _by_code(model: type[models.Model], code: str | None) -> Any:
    """The row of ``model`` with this code (None for a blank code), or E-10 naming it."""
    if not code:
        return None
    found = model._default_manager.filter(code=code).first()
    if found is None:
        raise NotFound(f"{label(model)} {code} does not exist.")
    return found


@transaction.atomic
def business_relation_create(*, code: str, description: str = "") -> BusinessRelation:
    """A new business relation code (upper-case, trimmed)."""
    relation = BusinessRelation(code=code.strip().upper(), description=description)
    full_clean_or_raise(relation)
    relation.save()
    return relation


@transaction.atomic
def no_series_create(
    *,
    code: str,
    description: str = "",
    starting_no: str,
    ending_no: str = "",
    manual_nos: bool = False,
) -> NoSeries:
    """A number series with one line."""
    series = NoSeries(code=code.strip().upper(), description=description, manual_nos=manual_nos)
    full_clean_or_raise(series)
    series.save()
    NoSeriesLine.objects.create(series=series, starting_no=starting_no, ending_no=ending_no)
    return series


_DEFAULT_SERIES = (
    ("CONT", "Contacts", "CT000001", "CT999999"),
    ("CUST", "Customers", "C00010", "C99990"),
    ("VEND", "Vendors", "V00010", "V99990"),
    ("BANK", "Bank accounts", "B010", "B990"),
)


@transaction.atomic
def setup_init() -> list[str]:
    """``liaison init``: a ready-to-use default setup. Idempotent: fills only what is missing.

    Returns what it created, for the command's message.
    """
    created: list[str] = []
    series: dict[str, NoSeries] = {}
    for code, description, start, end in _DEFAULT_SERIES:
        found = NoSeries.objects.filter(code=code).first()
        if found is None:
            found = no_series_create(
                code=code, description=description, starting_no=start, ending_no=end
            )
            created.append(f"number series {code}")
        series[code] = found
    # CUST and VEND step by 10 as in Business Central's demo company.
    NoSeriesLine.objects.filter(series__code__in=["CUST", "VEND"], last_no_used="").update(
        increment_by=10
    )
    NoSeriesLine.objects.filter(series__code="BANK", last_no_used="").update(increment_by=10)
    relations = {}
    for code, description in (
        ("CUST", "Customer"),
        ("VEND", "Vendor"),
        ("BANK", "Bank account"),
    ):
        relation, made = BusinessRelation.objects.get_or_create(
            code=code, defaults={"description": description}
        )
        relations[code] = relation
        if made:
            created.append(f"business relation {code}")
    created += masterdata_setup_init()  # the payment terms the templates below name
    company, made_c = CustomerTemplate.objects.get_or_create(
        code="CUST-COMPANY",
        defaults={
            "description": "Business customer",
            "contact_type": "company",
            "customer_posting_group": "DOMESTIC",
            "gen_bus_posting_group": "DOMESTIC",
            "vat_bus_posting_group": "DOMESTIC",
            "payment_terms_code": "14 DAYS",
            "payment_method_code": "BANK",
        },
    )
    person, made_p = CustomerTemplate.objects.get_or_create(
        code="CUST-PERSON",
        defaults={
            "description": "Private customer",
            "contact_type": "person",
            "customer_posting_group": "DOMESTIC",
            "gen_bus_posting_group": "DOMESTIC",
            "vat_bus_posting_group": "DOMESTIC",
            "payment_terms_code": "CASH",
            "payment_method_code": "CARD",
            "prices_including_vat": True,
        },
    )
    vendor, made_v = VendorTemplate.objects.get_or_create(
        code="VEND-COMPANY",
        defaults={
            "description": "Supplier",
            "contact_type": "company",
            "vendor_posting_group": "DOMESTIC",
            "gen_bus_posting_group": "DOMESTIC",
            "vat_bus_posting_group": "DOMESTIC",
            "payment_terms_code": "30 DAYS",
            "payment_method_code": "BANK",
        },
    )
    created += [
        f"template {t.code}"
        for t, m in ((company, made_c), (person, made_p), (vendor, made_v))
        if m
    ]
    setup, made = MarketingSetup.objects.get_or_create(pk=1)
    if made:
        setup.bus_rel_code_for_customers = relations["CUST"]
        setup.bus_rel_code_for_vendors = relations["VEND"]
        setup.bus_rel_code_for_bank_accounts = relations["BANK"]
        setup.contact_nos = series["CONT"]
        setup.default_customer_template_company = company
        setup.default_customer_template_person = person
        setup.default_vendor_template = vendor
        setup.save()
        created.append("marketing setup")
    for model, attr, code in (
        (SalesSetup, "customer_nos", "CUST"),
        (PurchasesSetup, "vendor_nos", "VEND"),
        (BankingSetup, "bank_account_nos", "BANK"),
    ):
        _row, made = model._default_manager.get_or_create(pk=1, defaults={attr: series[code]})
        if made:
            created.append(str(model._meta.verbose_name))
    created += roles_ensure()
    return created


@transaction.atomic
def business_relation_delete(*, relation: BusinessRelation) -> None:
    """Delete a business relation code that no link row and no setup field uses."""
    setup = MarketingSetup.objects.filter(pk=1).first()
    used_by_setup = setup is not None and relation.pk in (
        setup.bus_rel_code_for_customers_id,
        setup.bus_rel_code_for_vendors_id,
        setup.bus_rel_code_for_bank_accounts_id,
    )
    links = ContactBusinessRelation.objects.filter(business_relation=relation).count()
    if used_by_setup or links:
        uses = [_("the marketing setup names it")] if used_by_setup else []
        if links:
            uses.append(
                ngettext("%(count)d link uses it", "%(count)d links use it", links)
                % {"count": links}
            )
        raise BusinessRelationInUse(
            _("Business relation %(code)s cannot be deleted: %(uses)s. Remove those first.")
            % {"code": relation.code, "uses": _(" and ").join(uses)}
        )
    relation.delete()


@transaction.atomic
def customer_contact_move(*, contact: Contact, customer_number: str) -> Contact:
    """R-P3: a customer contact given another customer moves the customer link of its company
    (of the person itself when it has no company) to that customer, which every person of the
    company follows. It is an unlink and a link (R-G: E-1b when the customer has another
    contact, E-9, the contact's data pushed to the new customer), never a raw update of the
    link row. E-33 for an unknown customer."""
    customer = Customer.objects.filter(number=customer_number).first()
    if customer is None:
        raise CustomerUnknown(
            _("Customer with the provided id does not exist: %(number)s.")
            % {"number": customer_number},
            fields={"customer_number": [_("Unknown customer.")]},
        )
    holder = contact.company if contact.company_id and contact.company is not None else contact
    link = links_to_records([holder.pk]).filter(link_to_table="customer").first()
    if link is None and holder is not contact:
        holder = contact
        link = links_to_records([holder.pk]).filter(link_to_table="customer").first()
    if link is None:
        raise NotLinked(
            _("Contact %(number)s has no customer link to move.") % {"number": contact.number}
        )
    if link.customer_id != customer.pk:
        relation_unlink(contact=holder, kind="customer")
        relation_link(contact=holder, kind="customer", number=customer.number)
    return contact
