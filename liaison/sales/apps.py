"""The sales app."""

from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "liaison.sales"
    label = "sales"
