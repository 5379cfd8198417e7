"""The URLs of the bank account pages (in the ``records`` namespace, see ``liaison/urls.py``)."""

from liaison.banking.kind import BANK_ACCOUNT
from liaison.banking.views import pages
from liaison.records.views import record_urls

urlpatterns = record_urls(BANK_ACCOUNT, pages)
