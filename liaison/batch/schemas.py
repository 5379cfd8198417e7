"""API schemas of batch jobs."""

from __future__ import annotations

from typing import Literal

from ninja.orm import create_schema

from liaison.batch.models import BatchJob
from liaison.core.schemas import StrictIn

# The kinds of record a batch job creates contacts from.
JobKind = Literal["customer", "vendor", "bank_account"]


class JobIn(StrictIn):
    kind: JobKind


JobOut = create_schema(
    BatchJob,
    name="JobOut",
    fields=[
        "id",
        "kind",
        "status",
        "total",
        "done",
        "created",
        "skipped",
        "with_duplicates",
        "error",
        "created_at",
        "finished_at",
    ],
)
