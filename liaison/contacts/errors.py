"""Errors of contact rules (spec E-9, E-20, E-21, E-34, E-38)."""

from liaison.core.errors import DomainError


class ContactTypeChangeRefused(DomainError):
    """E-20/E-21: the contact's type cannot change while it has persons, links or such data."""

    code = "contact_type_change_refused"


class CompanyNotCompany(DomainError):
    """E-34: only persons belong to a company, and only to a company contact."""

    code = "company_no_invalid"


class PrivacyConsentMissing(DomainError):
    """E-38: a minor's privacy block stays until parental consent is received."""

    code = "privacy_consent_missing"
