"""The merges app: merging two contacts and undoing a merge."""

from django.apps import AppConfig


class MergesConfig(AppConfig):
    name = "liaison.merges"
    label = "merges"
