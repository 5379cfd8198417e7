"""Write services for documents: create (from a contact or a record), edit, lines, release,
reopen, make order from quote (R-M8, R-M9/R-M10), print and e-mail with interaction logging
(R-N1, R-N2). Each is one transaction (product decision 5)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.contacts.models import Contact
from liaison.core.errors import NotFound, SetupMissing, ValidationFailed
from liaison.core.numbering import number_manual_check, numbers_draw
from liaison.core.update import (
    check_version,
    full_clean_or_raise,
    model_update,
    refuse_nulls,
    refuse_unknown,
    snapshot,
)
from liaison.documents.errors import (
    DocumentNotOpen,
    NotAQuote,
    NothingToRelease,
    RecordOrTemplateRequired,
)
from liaison.documents.models import DocumentSetup, DocumentStatus
from liaison.documents.pdf import document_pdf
from liaison.documents.quotes import quotes_assign
from liaison.documents.resolve import (
    change_contact,
    check_contact_of_record,
    linked_record,
    resolve_contact,
    resolve_record,
)
from liaison.documents.sides import SALES, Side, side_of
from liaison.interactions.models import DocumentType, OutgoingEmail
from liaison.interactions.services import (
    Account,
    email_queue,
    interaction_log_document,
    recipient_of,
)
from liaison.records.services import privacy_check, record_create_from_contact

HEADER_FIELDS = frozenset({"document_date", "description", "currency_code"})
LINE_FIELDS = frozenset({"description", "quantity", "unit_price", "line_discount_pct"})
CENT = Decimal("0.01")


def _lock(header: Any) -> Any:
    model = type(header)
    return model.objects.select_for_update().get(pk=header.pk)


def _check_open(header: Any) -> None:
    if header.status != DocumentStatus.OPEN:
        raise DocumentNotOpen(
            f"Status must be equal to Open in {header.number}: reopen the document to change it."
        )


def _check_type(side: Side, document_type: str) -> None:
    if document_type not in side.types.values:
        allowed = ", ".join(side.types.values)
        raise ValidationFailed(
            f'"{document_type}" is not a {side.label.lower()} document type ({allowed}).',
            fields={"document_type": [f"Choose one of {allowed}."]},
        )


def _number(side: Side, header: Any, number: str) -> None:
    setup = DocumentSetup.objects.select_related(*side.series.values()).filter(pk=1).first()
    series = getattr(setup, side.series[header.document_type]) if setup else None
    if number:
        number_manual_check(series, number)
        if type(header).objects.filter(number=number).exists():
            raise ValidationFailed(
                f"{side.label} document {number} already exists: choose another number.",
                fields={"number": ["Already exists."]},
            )
        header.number = number
        return
    if series is None:
        field = side.series[header.document_type].replace("_", " ").capitalize()
        raise SetupMissing(
            f"{field} must have a value in the document setup: choose a number series."
        )
    header.number = numbers_draw(
        series,
        taken=lambda c: type(header).objects.filter(number__in=c).values_list("number", flat=True),
    )[0]


def _check_fields(allowed: frozenset[str], data: dict[str, Any], model: Any) -> None:
    refuse_unknown(data, allowed)
    refuse_nulls(model, data)


def _touch(header: Any) -> None:
    type(header).objects.filter(pk=header.pk).update(
        version=F("version") + 1, modified_at=timezone.now()
    )


@transaction.atomic
def document_create(
    *,
    side: Side,
    document_type: str,
    contact: Contact | None = None,
    record: Any = None,
    template_code: str | None = None,
    data: dict[str, Any] | None = None,
    lines: list[dict[str, Any]] | None = None,
    number: str = "",
    user: AbstractBaseUser | None = None,
) -> Any:
    """R-M1 / R-M2 (and R-M7 for a record): a new document for a contact or a customer/vendor.

    From a contact: its customer (vendor) is found through its link, a person's own link
    first; an unlinked contact gets a prospect quote with a proposed template, and is refused
    (E-24) on any other type. With both a record and a contact, the contact must belong to the
    record (E-28, E-27)."""
    _check_type(side, document_type)
    data = dict(data or {})
    _check_fields(HEADER_FIELDS | {side.person_code}, data, side.header)
    header = side.header(document_type=document_type)
    if contact is not None:
        contact = Contact.objects.select_related("company").get(pk=contact.pk)
    if record is not None:
        resolve_record(side, header, record)
        if contact is not None:
            check_contact_of_record(side, header, record, contact)
            resolve_contact(side, header, side.party, contact, template_code)
            resolve_contact(side, header, side.bill, contact, template_code)
    elif contact is not None:
        resolve_contact(side, header, side.party, contact, template_code)
        resolve_contact(side, header, side.bill, contact, template_code)
    else:
        raise ValidationFailed(
            f"Give a contact or a {side.kind} to make the document for.",
            fields={"contact_number": ["Required (or give a record number)."]},
        )
    for name, value in data.items():
        setattr(header, name, value)
    _number(side, header, number.strip().upper())
    full_clean_or_raise(header)
    header.save()
    for line in lines or []:
        document_line_add(header=header, data=line, user=user)
    header.refresh_from_db()
    return header


@transaction.atomic
def document_update(
    *, header: Any, data: dict[str, Any], expected_version: int | None = None
) -> Any:
    """Edit an open document's date, description, currency or salesperson (purchaser); on a
    prospect quote, ``template_code`` chooses the template its customer (vendor) will be made
    from (R-M6 d). ``sell_to_contact_number`` / ``bill_to_contact_number`` (``buy_from_`` /
    ``pay_to_`` on purchases; ``""`` blanks it) change a contact with R-M3 / R-M11's checks
    and re-resolve what the document takes from it."""
    side = side_of(header)
    header = _lock(header)
    _check_open(header)
    check_version(header, expected_version)
    data = dict(data)
    code = data.pop("template_code", None)
    contacts = {
        role: data.pop(f"{role}_contact_number")
        for role in (side.party, side.bill)
        if data.get(f"{role}_contact_number") is not None
    }
    before = snapshot(header)
    for role, number in contacts.items():
        _change_contact(side, header, role, number)
    if code is not None:
        _choose_template(side, header, code)
    model_update(
        header,
        data,
        allowed=HEADER_FIELDS | {side.person_code},
        expected_version=expected_version,
        before=before,
    )
    return header


def _change_contact(side: Side, header: Any, role: str, number: str) -> None:
    contact = None
    if number:
        contact = Contact.objects.select_related("company").filter(number=number).first()
        if contact is None:
            raise NotFound(
                _("Contact %(number)s does not exist: choose an existing contact.")
                % {"number": number},
                fields={f"{role}_contact_number": [_("Unknown contact.")]},
            )
    change_contact(side, header, role, contact, has_lines=header.lines.exists())


def _choose_template(side: Side, header: Any, code: str) -> None:
    if header.document_type != "quote":
        raise NotAQuote(f"{header.number} is not a quote: only a prospect quote has a template.")
    template = side.template_model._default_manager.filter(code=code).first() if code else None
    if code and template is None:
        raise NotFound(
            f"Template {code} does not exist: choose one of the {side.kind} templates.",
            fields={"template_code": ["Unknown template."]},
        )
    for role in (side.party, side.bill):
        if getattr(header, f"{side.record_field(role)}_id") is None:
            setattr(header, side.template_field(role), template)


@transaction.atomic
def document_delete(*, header: Any, expected_version: int | None = None) -> None:
    """Delete a document and its lines; interactions logged for it stay in the log."""
    header = _lock(header)
    check_version(header, expected_version)
    header.delete()


def _amount(line: Any) -> Decimal:
    gross = Decimal(line.quantity) * Decimal(line.unit_price)
    net = gross * (Decimal(100) - Decimal(line.line_discount_pct)) / Decimal(100)
    return net.quantize(CENT, rounding=ROUND_HALF_UP)


def _log_service_order_created(header: Any, user: AbstractBaseUser | None) -> None:
    """R-N2: the first line on a service order logs "Serv. Ord. Create" against the bill-to
    contact, else the customer, with the header's description."""
    interaction_log_document(
        document_type=DocumentType.SERVICE_ORDER_CREATE,
        document_number=header.number,
        account=_sales_account(header),
        salesperson_code=header.salesperson_code,
        description=header.description,
        user=user,
    )


@transaction.atomic
def document_line_add(
    *, header: Any, data: dict[str, Any], user: AbstractBaseUser | None = None
) -> Any:
    """Add a line to an open document; its amount is quantity × price less the discount."""
    side = side_of(header)
    header = _lock(header)
    _check_open(header)
    _check_fields(LINE_FIELDS, data, side.line)
    last = header.lines.aggregate(last=Max("line_no"))["last"]
    line = side.line(document=header, line_no=(last or 0) + 10000, **data)
    line.line_amount = _amount(line)
    full_clean_or_raise(line)
    line.save()
    _touch(header)
    if last is None and side is SALES and header.document_type == "service_order":
        _log_service_order_created(header, user)
    return line


def _line(header: Any, line_no: int) -> Any:
    found = header.lines.filter(line_no=line_no).first()
    if found is None:
        raise NotFound(f"Document {header.number} has no line {line_no}.")
    return found


@transaction.atomic
def document_line_update(*, header: Any, line_no: int, data: dict[str, Any]) -> Any:
    """Change an open document's line; the amount follows."""
    header = _lock(header)
    _check_open(header)
    line = _line(header, line_no)

    def derive(obj: Any, _before: dict[str, Any]) -> None:
        obj.line_amount = _amount(obj)

    model_update(line, data, allowed=LINE_FIELDS, derive=derive)
    _touch(header)
    return line


@transaction.atomic
def document_line_delete(*, header: Any, line_no: int) -> None:
    header = _lock(header)
    _check_open(header)
    _line(header, line_no).delete()
    _touch(header)


# Quotes become orders -------------------------------------------------------------------


def _ensure_records(side: Side, header: Any) -> Any:
    """R-M8: before a quote is released or made an order, its customer (vendor) must exist;
    create it from the quote's contact with the quote's template (E-40 without them)."""
    for role in (side.party, side.bill):
        if getattr(header, f"{side.record_field(role)}_id") is not None:
            continue
        contact = getattr(header, f"{role}_contact")
        template = getattr(header, side.template_field(role))
        if contact is None or template is None:
            missing = f"{role}_contact_number" if contact is None else f"{role}_template_code"
            raise RecordOrTemplateRequired(
                f"{role.replace('_', '-').capitalize()} contact and {side.kind} template must "
                f"have a value in quote {header.number}: set them so the {side.kind} can be "
                "created.",
                fields={missing: ["Required to create the record."]},
            )
        record = linked_record(side, contact)
        if record is None:  # the new record goes onto the family's quotes (R-M9) as it is made
            record_create_from_contact(side.kind, contact=contact, template_code=template.code)
        else:
            quotes_assign(side, contact, record)
        header = _lock(header)
    return header


@transaction.atomic
def document_release(*, header: Any) -> Any:
    """Release an open document (a quote first gets its customer or vendor, R-M8)."""
    side = side_of(header)
    header = _lock(header)
    _check_open(header)
    if not header.lines.exists():
        raise NothingToRelease(f"There is nothing to release in {header.number}: add a line.")
    if header.document_type == "quote":
        header = _ensure_records(side, header)
    header.status = DocumentStatus.RELEASED
    header.version += 1
    header.modified_at = timezone.now()
    header.save(update_fields=["status", "version", "modified_at"])
    return header


@transaction.atomic
def document_reopen(*, header: Any) -> Any:
    header = _lock(header)
    if header.status != DocumentStatus.OPEN:
        header.status = DocumentStatus.OPEN
        header.version += 1
        header.modified_at = timezone.now()
        header.save(update_fields=["status", "version", "modified_at"])
    return header


_NOT_COPIED = {"id", "number", "document_type", "status", "no_printed", "version", "created_at"}


@transaction.atomic
def document_make_order(*, header: Any, user: AbstractBaseUser | None = None) -> Any:
    """Quote → order: the customer (vendor) is created first when the quote is a prospect's
    (R-M8), the order gets its own number, the lines are copied and the quote is deleted."""
    side = side_of(header)
    header = _lock(header)
    if header.document_type != "quote":
        raise NotAQuote(f"{header.number} is not a quote: only a quote can be made an order.")
    header = _ensure_records(side, header)
    values = {
        f.attname: getattr(header, f.attname)
        for f in side.header._meta.concrete_fields
        if f.name not in _NOT_COPIED
    }
    order = side.header(**values)
    order.document_type = "order"
    order.quote_number = header.number
    order.document_date = timezone.localdate()
    order.modified_at = timezone.now()
    _number(side, order, "")
    full_clean_or_raise(order)
    order.save()
    line_model: Any = side.line
    line_model.objects.bulk_create(
        [
            line_model(
                document=order,
                line_no=line.line_no,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                line_discount_pct=line.line_discount_pct,
                line_amount=line.line_amount,
            )
            for line in header.lines.all()
        ]
    )
    header.delete()
    return order


# Printing and e-mail ----------------------------------------------------------------------


def _sales_account(header: Any) -> Account:
    """R-N2: sales documents log against the bill-to contact, else the bill-to customer."""
    if header.bill_to_contact_id:
        return Account("contact", header.bill_to_contact_id)
    return Account("customer", header.bill_to_customer_id)


def _account(side: Side, header: Any) -> Account:
    if side is SALES:
        return _sales_account(header)
    # Purchase quotes and blanket orders log against the pay-to vendor, orders the buy-from.
    if header.document_type == "order":
        return Account("vendor", header.buy_from_vendor_id)
    return Account("vendor", header.pay_to_vendor_id)


def _log_output(
    side: Side,
    header: Any,
    user: AbstractBaseUser | None,
    *,
    email: OutgoingEmail | None = None,
) -> None:
    log_type = side.log_type.get(header.document_type)
    if log_type is None:
        return
    interaction_log_document(
        document_type=log_type,
        document_number=header.number,
        account=_account(side, header),
        salesperson_code=getattr(header, side.person_code),
        description=f"{side.type_label(header.document_type)} {header.number}",
        occurrence=header.doc_no_occurrence,
        correspondence_type="email" if email is not None else "hard_copy",
        email=email,
        user=user,
    )


def _count_output(header: Any) -> None:
    type(header).objects.filter(pk=header.pk).update(no_printed=F("no_printed") + 1)


@transaction.atomic
def document_print(*, header: Any, user: AbstractBaseUser | None = None) -> bytes:
    """Print a document: the PDF, the print counter and the interaction (R-N2) together."""
    side = side_of(header)
    header = _lock(header)
    pdf = document_pdf(header)
    _count_output(header)
    _log_output(side, header, user)
    return pdf


@transaction.atomic
def document_email(
    *, header: Any, to: str = "", user: AbstractBaseUser | None = None
) -> OutgoingEmail:
    """E-mail a document as a PDF to its contact (or ``to``): queued now, delivered after
    commit, logged like a print with correspondence type e-mail."""
    side = side_of(header)
    header = _lock(header)
    contact = getattr(header, f"{side.party}_contact")
    if contact is not None:
        privacy_check(contact)
    default = getattr(header, f"{side.party}_email") or (contact.email if contact else "")
    address = recipient_of(owner=f"Document {header.number}", default=default, override=to)
    pdf = document_pdf(header)
    title = f"{side.type_label(header.document_type)} {header.number}"
    email = email_queue(
        to=address,
        subject=title,
        body=f"Please find {title} attached.\n",
        contact=contact,
        document_number=header.number,
        attachment=(f"{header.number}.pdf", pdf),
    )
    _count_output(header)
    _log_output(side, header, user, email=email)
    return email
