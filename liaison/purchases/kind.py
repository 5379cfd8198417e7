"""Vendors as a kind of record: a vendor needs a company contact and, created from a contact, a
template that fits its type (E-13)."""

from liaison.purchases.models import PurchasesSetup, Vendor, VendorTemplate
from liaison.records.kind import RecordKind

VENDOR = RecordKind(
    key="vendor",
    model=Vendor,
    path="vendors",
    label="Vendor",
    schema_name="Vendor",
    setup_model=PurchasesSetup,
    setup_series_field="vendor_nos",
    setup_series_label="Vendor Nos.",
    template_model=VendorTemplate,
    template_defaults={"company": "default_vendor_template"},
    template_required=True,
    primary_contact_copies=("phone_no", "email"),
)
