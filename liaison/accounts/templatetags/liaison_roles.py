"""``{% load liaison_roles %}``: pages show an action only to a user whose role may take it
(the views refuse it all the same)."""

from __future__ import annotations

from typing import Any

from django import template

from liaison.accounts.roles import allows, role_of

register = template.Library()

_ROLE = "_liaison_page_role"


@register.filter
def may(user: Any, needed: str) -> bool:
    """``{% if user|may:"editor" %}``: whether ``user`` holds ``needed`` (viewer, editor,
    admin) or more. The role is read once per request."""
    if not hasattr(user, _ROLE):
        setattr(user, _ROLE, role_of(user))
    return allows(getattr(user, _ROLE), needed)
