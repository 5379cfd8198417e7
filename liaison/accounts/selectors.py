"""Reads about users: the salesperson of the user acting now (R-B5, spec 1.1)."""

from __future__ import annotations

from liaison.accounts.models import UserProfile
from liaison.audit.context import current_actor


def acting_salesperson_code() -> str:
    """The salesperson code of the user acting now (``audit.context``: the signed-in user of a
    page or API call, the user a command acts as), or '' for none, the system or a user
    without one. One query; a bulk caller reads it once per batch."""
    user_pk, _name = current_actor().who()
    if user_pk is None:
        return ""
    found = UserProfile.objects.filter(user_id=user_pk).values_list("salesperson_code", flat=True)
    return next(iter(found), "")
