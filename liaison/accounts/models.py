"""API tokens: stored hashed, shown once, revocable, optionally read-only."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=12, unique=True, help_text="Shown to identify the token.")
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.user})"


class UserProfile(models.Model):
    """What Liaison keeps about a user beyond Django's user: the salesperson code a new
    contact, customer or vendor made by the user gets where it was left blank (R-B5, spec 1.1
    "User Setup")."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaison_profile"
    )
    salesperson_code = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return str(self.user)
