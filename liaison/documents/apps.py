"""The documents app: sales and purchase quotes and orders made from contacts."""

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "liaison.documents"
    label = "documents"
