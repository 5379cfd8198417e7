"""The duplicates app: duplicate search strings and contact duplicate pairs (spec group O)."""

from django.apps import AppConfig


class DuplicatesConfig(AppConfig):
    name = "liaison.duplicates"
    label = "duplicates"
    verbose_name = "Duplicate detection"
