"""Token services: create (the secret is returned once), revoke, authenticate."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import connection, transaction
from django.utils import timezone

from liaison.accounts.models import ApiToken, UserProfile
from liaison.accounts.roles import EDITOR, ROLES, VIEWER, remember_roles
from liaison.core.errors import NotFound
from liaison.core.reads import rows_where
from liaison.core.update import full_clean_or_raise
from liaison.masterdata.services import codes_check


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
    """The active token matching ``secret``, with its user and the user's roles, or None.

    Every API request pays for this, so it reads through ``core.reads`` (statements built once
    per process): the token with its user, then the user's role groups. One ORM query with the
    roles as ``Exists`` annotations spends longer building its SQL than both reads take to run.
    """
    found = rows_where(ApiToken, "key_hash", [_hash(secret)], related="user")
    token = found[0] if found else None
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    remember_roles(token.user, _group_names(token.user.pk))
    return token


def _group_names(user_pk: int) -> set[str]:
    """The names of the user's groups, in one statement built once per process."""
    through = get_user_model().groups.through
    sql = _GROUPS_SQL.get(connection.vendor)
    if sql is None:
        qn = connection.ops.quote_name
        groups, links = qn(Group._meta.db_table), qn(through._meta.db_table)
        sql = (
            f"SELECT {groups}.{qn('name')} FROM {groups} INNER JOIN {links} "
            f"ON {links}.{qn('group_id')} = {groups}.{qn('id')} WHERE {links}.{qn('user_id')} = %s"
        )
        _GROUPS_SQL[connection.vendor] = sql
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_pk])
        return {row[0] for row in cursor.fetchall()}


_GROUPS_SQL: dict[str, str] = {}


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str = EDITOR,
    admin: bool = False,
    salesperson_code: str = "",
) -> AbstractBaseUser:
    """A person who signs in to the web UI with a role (viewer, editor, admin).

    ``admin`` also opens Django's (read-only) admin site; ``salesperson_code`` is the code
    the contacts, customers and vendors the user makes get where blank (R-B5).
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
    if salesperson_code:
        user_salesperson_set(username=username, salesperson_code=salesperson_code)
    return user


@transaction.atomic
def user_salesperson_set(*, username: str, salesperson_code: str) -> UserProfile:
    """Give a user a salesperson code ('' for none): R-B5's "user's default salesperson".

    The code is kept upper-case, as contacts keep codes; a code longer than 20 characters is
    refused and nothing changes.
    """
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"User {username} does not exist: see `liaison user create`.")
    profile = UserProfile.objects.select_for_update().filter(user=user).first()
    profile = profile or UserProfile(user=user)
    profile.salesperson_code = salesperson_code.strip().upper()
    full_clean_or_raise(profile, ["salesperson_code"])
    # The code goes onto the contacts the user makes: it must exist and not be blocked due
    # to privacy (E-41).
    codes_check({"salesperson_code": profile.salesperson_code}, contact=True)
    profile.save()
    return profile
