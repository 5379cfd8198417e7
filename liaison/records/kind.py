"""What makes a customer, a vendor or a bank account a kind of record: a descriptor each kind's
app fills in (``sales/kind.py``...), so the shared rules in ``records/`` read a kind's
differences as data and never test its name."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.db import models

from liaison.core.models import Party

P_co = TypeVar("P_co", bound=Party, covariant=True)


@dataclass(frozen=True)
class RecordKind(Generic[P_co]):
    """One kind of record: its model, its names, its number series and its templates.

    ``key`` is the link-table value ("customer"), ``path`` the URL segment ("customers"),
    ``label`` how a page names one, ``schema_name`` the prefix of its API schemas.
    """

    key: str
    model: type[P_co]
    path: str
    label: str
    schema_name: str
    # Spec 1.8: the setup row and field that name the series of new records (E-3 when blank).
    setup_model: type[models.Model]
    setup_series_field: str
    setup_series_label: str
    # Spec 1.9 / R-H1..H4: the template model, and the marketing setup's default per contact
    # type; whether creating from a contact needs a template when none fits the type.
    template_model: type[models.Model] | None = None
    template_defaults: dict[str, str] = field(default_factory=dict)
    template_required: bool = False
    # Template fields copied even over a value the record already has.
    template_always: tuple[str, ...] = ()
    # R-H5: a standalone person may hold one (the record then copies the contact's type).
    person_may_hold: bool = False
    # R-J1/R-J3: the contact fields a company chosen as primary contact copies onto the record;
    # empty when the record has no primary contact.
    primary_contact_copies: tuple[str, ...] = ()

    @property
    def has_primary_contact(self) -> bool:
        return bool(self.primary_contact_copies)
