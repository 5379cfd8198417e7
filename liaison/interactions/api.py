"""REST resources for the interaction log, interaction templates and setup, and e-mail."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from liaison.contacts.selectors import contact_get
from liaison.core.http import etag, expected_version, location
from liaison.core.pagination import page
from liaison.core.schemas import ERRORS, Problem
from liaison.interactions.schemas import (
    ContactEmailIn,
    EmailOut,
    EmailPage,
    InteractionCorrectionIn,
    InteractionIn,
    InteractionOut,
    InteractionPage,
    InteractionSetupOut,
    InteractionSetupPatch,
    InteractionTemplateIn,
    InteractionTemplateOut,
    InteractionTemplatePatch,
    setup_out,
)
from liaison.interactions.selectors import (
    email_get,
    email_list,
    interaction_get,
    interaction_list,
    interaction_setup_get,
    interaction_template_get,
    interaction_template_list,
)
from liaison.interactions.services import (
    email_retry,
    email_send,
    interaction_correct,
    interaction_log_manual,
    interaction_setup_update,
    interaction_template_create,
    interaction_template_delete,
    interaction_template_update,
)

router = Router(tags=["interactions"])


def email_result(sent: Any) -> Any:
    """201 with the e-mail, or a 502 problem when delivery failed (the row keeps the error)."""
    if sent.status == "failed":
        return Status(
            502,
            Problem(
                type="/problems/email_delivery_failed",
                title="Bad gateway",
                status=502,
                detail=f"E-mail {sent.pk} to {sent.to} could not be delivered: {sent.error}. "
                f"It is kept; retry with POST /api/v1/emails/{sent.pk}/retry.",
                code="email_delivery_failed",
            ),
        )
    return Status(201, sent)


@router.get("/interactions", response={200: InteractionPage, **ERRORS})
def list_interactions(
    request: HttpRequest,
    contact: str | None = Query(
        None, description="a contact's timeline (a company's includes its persons)"
    ),
    logged_under: str | None = Query(
        None, description="the contact number entries were logged under (kept after delete)"
    ),
    document: str | None = Query(None, description="document number"),
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """Interaction log entries in entry order."""
    entries = interaction_list(
        contact=contact_get(contact) if contact else None,
        contact_number=logged_under or "",
        document_number=document or "",
    )
    items, nxt = page(entries, cursor=cursor, limit=limit, key="id")
    return {"items": items, "next_cursor": nxt}


@router.post("/interactions", response={201: InteractionOut, **ERRORS})
def log_interaction(request: HttpRequest, payload: InteractionIn, response: HttpResponse) -> Any:
    """Log a call, meeting or other interaction by hand."""
    data = payload.dict(exclude_unset=True, exclude={"contact_number", "template_code"})
    entry = interaction_log_manual(
        contact=contact_get(payload.contact_number),
        template_code=payload.template_code,
        data={k: v for k, v in data.items() if v is not None},
        user=request.user,  # type: ignore[arg-type]
    )
    response["Location"] = location("interactions", entry.pk)
    return Status(201, entry)


@router.get("/interactions/{entry_id}", response={200: InteractionOut, **ERRORS})
def get_interaction(request: HttpRequest, entry_id: int) -> Any:
    """One entry."""
    return interaction_get(entry_id)


@router.post("/interactions/{entry_id}/correct", response={201: InteractionOut, **ERRORS})
def correct_interaction(
    request: HttpRequest, entry_id: int, payload: InteractionCorrectionIn, response: HttpResponse
) -> Any:
    """Correct an entry: a new entry pointing at the original, which stays unchanged."""
    data = payload.dict(exclude_unset=True)
    entry = interaction_correct(
        entry=interaction_get(entry_id),
        data={k: v for k, v in data.items() if v is not None},
        user=request.user,  # type: ignore[arg-type]
    )
    response["Location"] = location("interactions", entry.pk)
    return Status(201, entry)


@router.post("/contacts/{number}/email", response={201: EmailOut, 502: Problem, **ERRORS})
def email_contact(request: HttpRequest, number: str, payload: ContactEmailIn) -> Any:
    """Send a plain e-mail to a contact; logged with the setup's E-Mails template. 502 when
    delivery failed (the e-mail is kept with its error and can be retried)."""
    sent = email_send(
        contact=contact_get(number),
        subject=payload.subject,
        body=payload.body,
        to=payload.to,
        user=request.user,  # type: ignore[arg-type]
    )
    return email_result(sent)


@router.get("/emails", response={200: EmailPage, **ERRORS})
def list_emails(
    request: HttpRequest,
    status: str | None = Query(None, pattern="^(queued|sent|failed)$"),
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """The outbox: every e-mail Liaison sent or tried to send."""
    items, nxt = page(email_list(status=status or ""), cursor=cursor, limit=limit, key="id")
    return {"items": items, "next_cursor": nxt}


@router.get("/emails/{email_id}", response={200: EmailOut, **ERRORS})
def get_email(request: HttpRequest, email_id: int) -> Any:
    return email_get(email_id)


@router.post("/emails/{email_id}/retry", response={201: EmailOut, 502: Problem, **ERRORS})
def retry_email(request: HttpRequest, email_id: int) -> Any:
    """Deliver a failed or stuck e-mail again."""
    email_retry(email=email_get(email_id))
    return email_result(email_get(email_id))


@router.get("/interaction-templates", response={200: list[InteractionTemplateOut], **ERRORS})
def list_interaction_templates(request: HttpRequest) -> Any:
    return list(interaction_template_list())


@router.post("/interaction-templates", response={201: InteractionTemplateOut, **ERRORS})
def create_interaction_template(
    request: HttpRequest, payload: InteractionTemplateIn, response: HttpResponse
) -> Any:
    data = payload.dict(exclude_unset=True, exclude={"code"})
    template = interaction_template_create(
        code=payload.code, data={k: v for k, v in data.items() if v is not None}
    )
    response["Location"] = location("interaction-templates", template.code)
    return Status(201, template)


@router.get("/interaction-templates/{code}", response={200: InteractionTemplateOut, **ERRORS})
def get_interaction_template(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    template = interaction_template_get(code)
    response["ETag"] = etag(template.version)
    return template


@router.patch("/interaction-templates/{code}", response={200: InteractionTemplateOut, **ERRORS})
def update_interaction_template(
    request: HttpRequest, code: str, payload: InteractionTemplatePatch, response: HttpResponse
) -> Any:
    template = interaction_template_update(
        template=interaction_template_get(code),
        data=payload.dict(exclude_unset=True),
        expected_version=expected_version(request),
    )
    response["ETag"] = etag(template.version)
    return template


@router.delete("/interaction-templates/{code}", response={204: None, **ERRORS})
def delete_interaction_template(request: HttpRequest, code: str) -> Any:
    interaction_template_delete(
        template=interaction_template_get(code), expected_version=expected_version(request)
    )
    return Status(204, None)


@router.get("/interaction-template-setup", response={200: InteractionSetupOut, **ERRORS})
def get_interaction_setup(request: HttpRequest) -> Any:
    """Which template logs each document type and e-mails."""
    return setup_out(interaction_setup_get())


@router.patch("/interaction-template-setup", response={200: InteractionSetupOut, **ERRORS})
def update_interaction_setup(request: HttpRequest, payload: InteractionSetupPatch) -> Any:
    """Name templates by code; '' stops logging that event."""
    setup = interaction_setup_update(
        data=payload.dict(exclude_unset=True), expected_version=expected_version(request)
    )
    return setup_out(setup)
