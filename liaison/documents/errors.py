"""Errors of documents made from contacts, with the spec's E-numbers in the docstrings."""

from liaison.core.errors import Conflict, DomainError


class ContactNotRelated(DomainError):
    """E-24 / E-24v: an order or blanket order needs a contact linked to a customer / vendor."""

    code = "contact_not_related"


class ContactNotRelatedToRecord(DomainError):
    """E-27 / E-27v: the document already has another customer / vendor than the contact's."""

    code = "contact_not_related_to_record"


class ContactOfOtherCompany(DomainError):
    """E-28 / E-28v: the record's contact is neither the contact nor the contact's company."""

    code = "contact_of_other_company"


class RecordOrTemplateRequired(DomainError):
    """E-40: a prospect quote needs its contact and a template before it can become an order."""

    code = "record_or_template_required"


class DocumentNotOpen(Conflict):
    """A released document cannot be changed: reopen it first."""

    code = "document_not_open"


class NothingToRelease(DomainError):
    """A document without lines cannot be released or made into an order."""

    code = "nothing_to_release"


class RecordBlocked(DomainError):
    """The customer or vendor is blocked for new documents."""

    code = "record_blocked"


class NotAQuote(DomainError):
    """Only a quote can be made into an order."""

    code = "not_a_quote"


class DocumentHasLines(DomainError):
    """E-25: a document's contact and customer (vendor) cannot both be blanked while it has
    lines."""

    code = "document_has_lines"
