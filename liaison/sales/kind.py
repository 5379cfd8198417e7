"""Customers as a kind of record: what the shared rules in ``records/`` need to know of them."""

from liaison.records.kind import RecordKind
from liaison.sales.models import Customer, CustomerTemplate, SalesSetup

CUSTOMER = RecordKind(
    key="customer",
    model=Customer,
    path="customers",
    label="Customer",
    schema_name="Customer",
    setup_model=SalesSetup,
    setup_series_field="customer_nos",
    setup_series_label="Customer Nos.",
    template_model=CustomerTemplate,
    template_defaults={
        "company": "default_customer_template_company",
        "person": "default_customer_template_person",
    },
    # Spec 1.9: the payment method always comes from the template.
    template_always=("payment_method_code",),
    person_may_hold=True,
    primary_contact_copies=("phone_no", "email", "mobile_phone_no"),
)
