"""The URLs of the customer pages (in the ``records`` namespace, see ``liaison/urls.py``)."""

from liaison.records.views import record_urls
from liaison.sales.kind import CUSTOMER
from liaison.sales.views import pages

urlpatterns = record_urls(CUSTOMER, pages)
