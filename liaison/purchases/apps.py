"""The purchases app."""

from django.apps import AppConfig


class PurchasesConfig(AppConfig):
    name = "liaison.purchases"
    label = "purchases"
