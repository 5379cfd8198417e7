"""Errors of contact rules (spec E-9, E-17, E-20, E-21, E-23, E-30, E-34, E-38).

Each rule has its own stable code; a rule's error names the field at fault, so every door
(the API's per-field errors, the form, a bulk report's row) shows it beside that field."""

from liaison.core.errors import DomainError, ValidationFailed


class ContactTypeChangeRefused(DomainError):
    """E-17: the type of a contact with interaction log entries cannot change. The base of
    the other type-change refusals."""

    code = "contact_type_change_refused"


class ContactHasPersons(ContactTypeChangeRefused):
    """E-20: a company with persons cannot become a person."""

    code = "contact_has_persons"


class ContactHasCompanyData(ContactTypeChangeRefused):
    """E-21: a contact with business relations, a currency or a VAT registration no. cannot
    become a person."""

    code = "contact_has_company_data"


class ContactNameMissing(ValidationFailed):
    """E-30 / E-31: a contact needs a name (a person's may be composed of its parts)."""

    code = "contact_name_required"


class CompanyNotCompany(DomainError):
    """E-34: only persons belong to a company, and only to a company contact."""

    code = "company_no_invalid"


class PrivacyConsentMissing(DomainError):
    """E-38: a minor's privacy block stays until parental consent is received."""

    code = "privacy_consent_missing"


class CompanyNameNotResolved(DomainError):
    """E-23: a typed Company Name names no company contact, or several (R-L6)."""

    code = "company_name_not_resolved"
