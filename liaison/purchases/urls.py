"""The URLs of the vendor pages (in the ``records`` namespace, see ``liaison/urls.py``)."""

from liaison.purchases.kind import VENDOR
from liaison.purchases.views import pages
from liaison.records.views import record_urls

urlpatterns = record_urls(VENDOR, pages)
