"""The vatlog app: the VAT registration log and its checker."""

from django.apps import AppConfig


class VatlogConfig(AppConfig):
    name = "liaison.vatlog"
    label = "vatlog"
    verbose_name = "VAT registration log"
