"""The banking app."""

from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "liaison.banking"
    label = "banking"
