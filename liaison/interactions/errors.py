"""Errors of interaction logging and e-mail."""

from liaison.core.errors import Conflict, DomainError, NotFound


class InteractionTemplateNotFound(NotFound):
    """The interaction template named does not exist."""

    code = "interaction_template_not_found"


class InteractionTemplateInUse(Conflict):
    """A template the setup still names cannot be deleted."""

    code = "interaction_template_in_use"


class EntryAlreadyCorrected(Conflict):
    """Append-only log: correct the latest correction, not an entry already corrected."""

    code = "interaction_already_corrected"


class NoEmailAddress(DomainError):
    """The contact (or document) has no e-mail address to send to."""

    code = "no_email_address"


class EmailNotRetryable(Conflict):
    """Only an e-mail whose delivery failed (or never ran) can be sent again."""

    code = "email_not_retryable"
