"""Errors of the master data: a code that names no row, a blocked salesperson, a code in use."""

from liaison.core.errors import Conflict, DomainError


class UnknownCode(DomainError):
    """A salesperson, territory, language or payment terms code that names no row."""

    code = "unknown_code"


class SalespersonPrivacyBlocked(DomainError):
    """E-41: a privacy-blocked salesperson cannot be put on a contact."""

    code = "salesperson_privacy_blocked"


class CodeInUse(Conflict):
    """A code that contacts, records, templates or the setup still name cannot be deleted."""

    code = "code_in_use"


class CodeExists(Conflict):
    """A new code that another row of the table already has."""

    code = "code_exists"
