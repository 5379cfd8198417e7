"""The record of a merge: who merged which contact into which, what each side held before,
every row it moved, and what it left behind, so that the merge can be undone (``merge_undo``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class SnapshotEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, keeping a time's microseconds (an undo restores them exactly)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


class Merge(models.Model):
    """Contact ``merged_number`` merged into ``survivor_number``.

    ``before``: the stored columns, by model label and key, of every row the merge wrote or
    deleted (both contacts, their persons, records and links). ``moved``: every row whose
    reference was re-pointed (``table``, ``pk``, ``field``, ``old``, ``new``). ``after``: the
    version each written row held once the merge was done (the undo refuses when one moved).
    """

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    survivor_number = models.CharField(max_length=20)
    merged_number = models.CharField(max_length=20)
    survivor_pk = models.BigIntegerField()
    merged_pk = models.BigIntegerField()
    choices = models.JSONField(default=dict, encoder=SnapshotEncoder)
    before = models.JSONField(default=dict, encoder=SnapshotEncoder)
    moved = models.JSONField(default=list, encoder=SnapshotEncoder)
    after = models.JSONField(default=dict, encoder=SnapshotEncoder)
    summary = models.JSONField(default=dict, encoder=SnapshotEncoder)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return f"{self.merged_number} -> {self.survivor_number}"

    def _name(self, pk: int) -> str:
        row = self.before.get("contacts.contact", {}).get(str(pk), {})
        return str(row.get("name", ""))

    @property
    def survivor_name(self) -> str:
        """The surviving contact's name before the merge."""
        return self._name(self.survivor_pk)

    @property
    def merged_name(self) -> str:
        """The merged contact's name."""
        return self._name(self.merged_pk)
