"""The pages of vendors: list, card, new, edit, delete, "create contact"."""

from liaison.purchases.forms import VendorForm
from liaison.purchases.kind import VENDOR
from liaison.records.views import record_pages

pages = record_pages(VENDOR, VendorForm)
