"""Interaction pages."""

from django.urls import path

from liaison.interactions import views

app_name = "interactions"
urlpatterns = [
    path("emails/", views.outbox_view, name="outbox"),
    path("contacts/<str:number>/log/", views.log_view, name="log"),
    path("contacts/<str:number>/email/", views.email_view, name="email"),
]
