"""Pages of batch jobs, and the ``records`` namespace the customer, vendor and bank account
pages share (templates reverse ``records:detail`` with a kind's path)."""

from django.urls import path

from liaison.banking.urls import urlpatterns as bank_account_urls
from liaison.purchases.urls import urlpatterns as vendor_urls
from liaison.relations import views
from liaison.sales.urls import urlpatterns as customer_urls

app_name = "records"
urlpatterns = [
    path("batch/", views.batch, name="batch"),
    path("batch/start/", views.batch_start, name="batch_start"),
    path("batch/jobs/<int:job_id>/", views.job_view, name="job"),
    *customer_urls,
    *vendor_urls,
    *bank_account_urls,
]
