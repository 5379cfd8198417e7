"""The records app: the rules customers, vendors and bank accounts share (no models)."""

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "liaison.records"
    label = "records"
