"""Token services: create (the secret is returned once), revoke, authenticate."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from liaison.accounts.models import ApiToken
from liaison.accounts.roles import EDITOR, ROLES, VIEWER, remember_roles
from liaison.core.errors import NotFound


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, username: str, read_only: bool = False) -> tuple[ApiToken, str, bool]:
    """A new token for ``username`` (the user is created when missing, without a password, as
    an editor, or a viewer for a read-only token).

    Returns (token, secret, user_created); the secret is shown once and never stored.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
        role = VIEWER if read_only else EDITOR
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    prefix = secrets.token_hex(4)
    secret = f"lia_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, prefix=prefix, key_hash=_hash(secret), read_only=read_only
    )
    return token, secret, created


@transaction.atomic
def token_revoke(*, prefix: str) -> ApiToken:
    """Revoke the token with this prefix; it stops working at once."""
    token = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(f"No active token with prefix {prefix}: see `liaison token list`.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token matching ``secret``, with its user, or None."""
    # The user's role groups come in the same query: one query per API request for auth.
    held = {
        f"holds_{role}": Exists(Group.objects.filter(user=OuterRef("user_id"), name=role))
        for role in ROLES
    }
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True)
        .annotate(**held)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    remember_roles(token.user, {role for role in ROLES if getattr(token, f"holds_{role}")})
    return token


@transaction.atomic
def user_create(
    *, username: str, password: str, role: str = EDITOR, admin: bool = False
) -> AbstractBaseUser:
    """A person who signs in to the web UI with a role (viewer, editor, admin).

    ``admin`` also opens Django's (read-only) admin site.
    """
    from liaison.core.errors import ValidationFailed

    user_model = get_user_model()
    if not username.strip():
        raise ValidationFailed("A user name is required.", fields={"username": ["Required."]})
    if user_model.objects.filter(username=username).exists():
        raise ValidationFailed(
            f"User {username} already exists: choose another name.",
            fields={"username": ["Taken."]},
        )
    if role not in ROLES:
        raise ValidationFailed(
            f"Role {role} does not exist: choose viewer, editor or admin.",
            fields={"role": ["Unknown role."]},
        )
    user = user_model.objects.create_user(username=username, password=password, is_staff=admin)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user
