"""Vendors as a kind of record: a vendor needs a company contact and, created from a contact, a
template that fits its type (E-13)."""

from liaison.purchases.models import PurchasesSetup, Vendor, VendorTemplate
from liaison.records.kind import RecordKind

VENDOR = RecordKind(
    key="vendor",
    model=Vendor,
    setup_model=PurchasesSetup,
    template_required=True,
    template_model=VendorTemplate,
    template_defaults={"company": "default_vendor_template"},
    primary_contact_copies=("phone_no", "email"),
    user_salesperson_field="purchaser_code",
)
