"""Roles: viewer (reads), editor (changes records and links), admin (also changes the setup).

A role is a Django group of that name; a superuser is an admin. An API token acts with its
user's role, or as a viewer when it is read-only (never more than its user).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
ROLES = (VIEWER, EDITOR, ADMIN)
RANK = {VIEWER: 1, EDITOR: 2, ADMIN: 3}


_HELD = "_liaison_roles"


def remember_roles(user: AbstractBaseUser, names: set[str]) -> None:
    """Attach the role groups a query already read, so ``role_of`` needs no query of its own."""
    setattr(user, _HELD, names)


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """The highest role the user holds, or None (not signed in, or no role at all)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "is_superuser", False):
        return ADMIN
    names = getattr(user, _HELD, None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    held = [role for role in ROLES if role in names]
    return max(held, key=RANK.__getitem__) if held else None


def allows(role: str | None, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` requires."""
    return role is not None and RANK[role] >= RANK[needed]


def roles_ensure() -> list[str]:
    """Create the three role groups if missing (part of ``liaison init``)."""
    created = []
    for name in ROLES:
        _, made = Group.objects.get_or_create(name=name)
        if made:
            created.append(f"role {name}")
    return created
