"""URL configuration: admin (read-only for synchronised records) and the start page."""

from django.contrib import admin
from django.urls import path

from liaison import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
