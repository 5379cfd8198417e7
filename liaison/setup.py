"""The whole default setup ``liaison init`` makes: the payment terms its templates name, linking
(relations), interaction logging, documents and duplicate search strings. Idempotent."""

from __future__ import annotations

from django.db import transaction

from liaison.documents.setup import documents_setup_init
from liaison.duplicates.services import duplicates_setup_init
from liaison.interactions.services import interactions_setup_init
from liaison.relations.services import setup_init


@transaction.atomic
def setup_all() -> list[str]:
    """Returns what it created, for the command's message."""
    return [
        *setup_init(),
        *interactions_setup_init(),
        *documents_setup_init(),
        *duplicates_setup_init(),
    ]
