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
    """One kind of record: its model, the setup naming its number series, its templates.

    ``key`` is the link-table value ("customer"); the names pages, URLs, API schemas and the
    setup use follow from it and from the model.
    """

    key: str
    model: type[P_co]
    # Spec 1.8: the setup row whose "<key>_nos" names the series of new records.
    setup_model: type[models.Model]
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
    # R-B5: the field a new record takes from its maker's salesperson code when blank ('' for
    # a kind that has none: bank accounts).
    user_salesperson_field: str = ""

    @property
    def path(self) -> str:
        """The URL segment: "customers", "bank-accounts"."""
        return f"{self.key.replace('_', '-')}s"

    @property
    def label(self) -> str:
        """How a page names one: "Customer", "Bank account"."""
        return str(self.model._meta.verbose_name).capitalize()

    @property
    def schema_name(self) -> str:
        """The prefix of its API schemas: "Customer", "BankAccount"."""
        return self.model.__name__

    @property
    def setup_series_field(self) -> str:
        return f"{self.key}_nos"

    @property
    def setup_series_label(self) -> str:
        """The setup field as E-3 names it: "Customer Nos.", "Bank Account Nos."."""
        return f"{self.key.replace('_', ' ').title()} Nos."

    @property
    def has_primary_contact(self) -> bool:
        return bool(self.primary_contact_copies)
