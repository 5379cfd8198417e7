"""Core app: errors, number series, shared field rules."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "liaison.core"
    label = "core"
