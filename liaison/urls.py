"""URL configuration: the web UI, the REST API, sign-in and a read-only admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from liaison import views
from liaison.accounts.forms import SignInForm
from liaison.api import api
from liaison.banking.urls import urlpatterns as bank_account_urls
from liaison.purchases.urls import urlpatterns as vendor_urls
from liaison.sales.urls import urlpatterns as customer_urls

# The 500 page shows the request's id (liaison/core/request_id.py), which the log shows too.
handler500 = "liaison.core.request_id.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="contacts:list", permanent=False), name="home"),
    path("overview/", views.home, name="overview"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("contacts/", include("liaison.contacts.urls")),
    path("duplicates/", include("liaison.duplicates.urls")),
    path("setup/codes/", include("liaison.masterdata.urls")),
    path("setup/", include("liaison.relations.urls")),
    path("history/", include("liaison.audit.urls")),
    path("documents/", include("liaison.documents.urls")),
    path("interactions/", include("liaison.interactions.urls")),
    path("merges/", include("liaison.merges.urls")),
    path("", include("liaison.batch.urls")),
    # One ``records`` namespace for the three kinds' pages, so a template reverses
    # ``records:detail`` with the kind's path; each kind's app lists its own URLs.
    path("", include(([*customer_urls, *vendor_urls, *bank_account_urls], "records"))),
]
