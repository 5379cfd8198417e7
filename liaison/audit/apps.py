"""The audit app: who changed which field of which record, when, and through what."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "liaison.audit"
    label = "audit"
