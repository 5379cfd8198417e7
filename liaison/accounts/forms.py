"""The sign-in form."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a user name longer than any user's.

    Django only sets the field's ``maxlength`` attribute; without the check, a failed sign-in
    with a longer name reached django-axes, whose attempt row cannot hold it (a 500 on
    PostgreSQL)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = self.username_field.max_length or 254  # as Django's form reads it
        self.fields["username"].validators.append(MaxLengthValidator(limit))
