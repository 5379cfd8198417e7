"""The vendor card form."""

from liaison.purchases.kind import VENDOR
from liaison.records.forms import RecordForm


class VendorForm(RecordForm):
    kind = VENDOR
