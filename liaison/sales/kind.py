"""Customers as a kind of record: a standalone person may be one; the payment method always
comes from the template (spec 1.9)."""

from liaison.records.kind import RecordKind
from liaison.sales.models import Customer, CustomerTemplate, SalesSetup

CUSTOMER = RecordKind(
    key="customer",
    model=Customer,
    setup_model=SalesSetup,
    template_defaults={
        "company": "default_customer_template_company",
        "person": "default_customer_template_person",
    },
    template_model=CustomerTemplate,
    template_always=("payment_method_code",),
    person_may_hold=True,
    primary_contact_copies=("phone_no", "email", "mobile_phone_no"),
    user_salesperson_field="salesperson_code",
)
