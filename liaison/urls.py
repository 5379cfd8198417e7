"""URL configuration: the REST API, admin (read-only) and the start page."""

from django.contrib import admin
from django.urls import path

from liaison import views
from liaison.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
