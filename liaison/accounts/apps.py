"""Accounts: API tokens of the users who script Liaison."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "liaison.accounts"
    label = "accounts"
