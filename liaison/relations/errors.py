"""Errors of linking and synchronisation, with the spec's E-numbers as stable codes."""

from liaison.core.errors import Conflict, DomainError, NotFound, SetupMissing


class ContactAlreadyLinked(Conflict):
    """E-1a: the contact (or a person's company) already has a link of this kind."""

    code = "contact_already_linked"


class RecordAlreadyLinked(Conflict):
    """E-1b: the customer, vendor or bank account is already linked to another contact."""

    code = "record_already_linked"


class RelationCodeMissing(SetupMissing):
    """E-2: the marketing setup has no business relation code for this kind."""

    code = "business_relation_code_missing"


class ContactPrivacyBlocked(DomainError):
    """E-9: the contact is blocked due to privacy."""

    code = "contact_privacy_blocked"


class CompanyRequired(DomainError):
    """E-11: vendors and bank accounts need a company contact."""

    code = "company_required"


class SystemRelationCode(DomainError):
    """E-12: a plain relation cannot use a code reserved for linked records."""

    code = "system_relation_code"


class TemplateNotFound(NotFound):
    """E-10 for templates: the template named does not exist."""

    code = "template_not_found"


class TemplateChoiceNeeded(DomainError):
    """R-H1/E-13: no single template fits the contact's type, so the caller must choose."""

    code = "template_choice_needed"


class NotLinked(NotFound):
    """The contact has no link of this kind to remove."""

    code = "not_linked"


class PrimaryContactNotRelated(DomainError):
    """E-15/E-16: the primary contact is not the linked company or one of its persons."""

    code = "primary_contact_not_related"


class SetupCodesNotDistinct(DomainError):
    """Product decision 8: one business relation code per kind of linked record."""

    code = "business_relation_codes_not_distinct"


class RecordInUse(Conflict):
    """A customer or vendor named by documents cannot be deleted."""

    code = "record_in_use"


class TemplateInUse(Conflict):
    """A customer or vendor template proposed by documents (prospect quotes) cannot be deleted."""

    code = "template_in_use"


class TemplateIsSetupDefault(Conflict):
    """The template the marketing setup names as a default cannot be deleted."""

    code = "template_is_setup_default"


class BusinessRelationInUse(Conflict):
    """The setup's relation code of a kind cannot change while links of that code exist."""

    code = "business_relation_in_use"


class RelatedTypeRequired(DomainError):
    """E-32: contacts information needs the related record's type and number."""

    code = "related_type_required"


class CustomerUnknown(DomainError):
    """E-33: a customer contact cannot be moved to a customer that does not exist."""

    code = "customer_unknown"
