"""The interactions app: interaction templates, their setup and the interaction log."""

from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "liaison.interactions"
    label = "interactions"
