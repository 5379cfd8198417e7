"""The relations app."""

from django.apps import AppConfig


class RelationsConfig(AppConfig):
    name = "liaison.relations"
    label = "relations"

    def ready(self) -> None:
        from django.core import checks

        from liaison.relations.fieldmaps import check_field_maps

        checks.register(check_field_maps)
