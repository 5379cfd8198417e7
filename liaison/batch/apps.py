"""The batch app: import and export, import runs, batch jobs and bulk edits."""

from django.apps import AppConfig


class BatchConfig(AppConfig):
    name = "liaison.batch"
    label = "batch"
