"""The audit trail: one append-only row per created, changed, deleted, linked or renamed record
field, naming who did it, how (a user, synchronisation, an import, a batch job, the system) and,
for synchronised changes, the record the change came from."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from liaison.audit.context import Source

__all__ = ["Action", "AuditEntry", "Entity", "Source"]


class Action(models.TextChoices):
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    LINK = "link", "Linked"
    UNLINK = "unlink", "Unlinked"
    RENAME = "rename", "Renumbered"
    MERGE = "merge", "Merged"
    UNMERGE = "unmerge", "Merge undone"


class Entity(models.TextChoices):
    """The kinds of record the trail covers (the link kinds plus contacts)."""

    CONTACT = "contact", "Contact"
    CUSTOMER = "customer", "Customer"
    VENDOR = "vendor", "Vendor"
    BANK_ACCOUNT = "bank_account", "Bank account"


class AuditEntry(models.Model):
    """One recorded change of one field of one record (or its creation, deletion, link, unlink
    or new number). Append-only: no service updates or deletes a row.

    ``entity_pk`` is the record's key when it was written (not a foreign key, so the history
    of a deleted record stays); ``number`` is its number at that moment. ``user`` is null for
    the command line and the system; ``username`` keeps the name even when the user goes.
    ``origin_kind``/``origin_number`` name the record a synchronised change came from.
    """

    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    entity = models.CharField(max_length=20, choices=Entity.choices)
    entity_pk = models.BigIntegerField()
    number = models.CharField(max_length=20)
    field = models.CharField(max_length=50, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    origin_kind = models.CharField(max_length=20, choices=Entity.choices, blank=True)
    origin_number = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        verbose_name_plural = "audit entries"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["entity", "entity_pk", "-id"], name="audit_entity_pk_idx"),
            models.Index(fields=["entity", "number", "-id"], name="audit_entity_number_idx"),
        ]

    def __str__(self) -> str:
        what = f" {self.field}" if self.field else ""
        return f"{self.at:%Y-%m-%d %H:%M} {self.entity} {self.number}{what} {self.action}"

    @property
    def field_label(self) -> str:
        """The field as people read it ("phone no", "bank account")."""
        return self.field.replace("_", " ")
