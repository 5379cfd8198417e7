"""The customer card form."""

from liaison.records.forms import RecordForm
from liaison.sales.kind import CUSTOMER


class CustomerForm(RecordForm):
    kind = CUSTOMER
