"""The masterdata app."""

from django.apps import AppConfig


class MasterdataConfig(AppConfig):
    name = "liaison.masterdata"
    label = "masterdata"
