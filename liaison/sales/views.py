"""The pages of customers: list, card, new, edit, delete, "create contact"."""

from liaison.records.views import record_pages
from liaison.sales.forms import CustomerForm
from liaison.sales.kind import CUSTOMER

pages = record_pages(CUSTOMER, CustomerForm)
