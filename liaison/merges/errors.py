"""The refusals of merging two contacts and of undoing a merge (stable codes)."""

from __future__ import annotations

from liaison.core.errors import Conflict, DomainError


class MergeRefused(DomainError):
    """The two contacts cannot be merged (the same contact, a company with a person, ...)."""

    code = "merge_refused"


class MergeSameContact(MergeRefused):
    """A contact cannot be merged with itself."""

    code = "merge_same_contact"


class MergeAcrossTypes(MergeRefused):
    """A company and a person cannot be merged."""

    code = "merge_across_types"


class MergeBothBankAccounts(MergeRefused):
    """Both contacts have a bank account: a contact holds one bank account link."""

    code = "merge_both_bank_accounts"


class MergeUndoRefused(Conflict):
    """A merge that cannot be undone (already undone)."""

    code = "merge_undo_refused"


class MergeChangedSince(Conflict):
    """Rows the merge wrote or moved changed since: ``fields["changed"]`` lists them."""

    code = "merge_changed_since"
