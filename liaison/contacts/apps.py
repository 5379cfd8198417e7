"""The contacts app."""

from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "liaison.contacts"
    label = "contacts"
