"""Writes to accounts and roles: users and their memberships. Each one is validated and audited."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from guankao.core.models import Agency, Jurisdiction, Membership, Role
from guankao.core.permissions import forget_memberships
from guankao.core.services import Actor, audit_record, model_update


@transaction.atomic
def user_ensure(
    *,
    username: str,
    password: str,
    email: str,
    full_name: str,
    is_staff: bool = False,
    is_superuser: bool = False,
    actor: Actor,
) -> User:
    """Create the user, or bring name, e-mail and flags up to date; set the password if it differs.

    The password must pass the project's validators (``AUTH_PASSWORD_VALIDATORS``); a weak one
    raises ``ValidationError``. Running twice with the same values writes nothing.
    """
    user = User.objects.filter(username=username).first()
    data = {"email": email, "first_name": full_name, "is_staff": is_staff}
    data["is_superuser"] = is_superuser
    if user is None:
        user = User(username=username, **data)
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        audit_record(actor=actor, action="create", obj=user, after={"username": username, **data})
        return user
    model_update(instance=user, data=data, actor=actor)
    if not user.check_password(password):
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        # Never the password itself, not even hashed, in the audit log.
        audit_record(actor=actor, action="set_password", obj=user)
    return user


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: Role,
    jurisdiction: Jurisdiction | None = None,
    agency: Agency | None = None,
    actor: Actor,
) -> Membership:
    """Give ``user`` the ``role`` over a jurisdiction or an agency; granting twice is harmless."""
    existing = Membership.objects.filter(
        user=user, role=role, jurisdiction=jurisdiction, agency=agency
    ).first()
    if existing is not None:
        return existing
    membership = Membership(user=user, role=role, jurisdiction=jurisdiction, agency=agency)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="grant",
        obj=membership,
        after={
            "user": user.username,
            "role": role.value,
            "jurisdiction": jurisdiction.slug if jurisdiction else None,
            "agency": agency.slug if agency else None,
        },
    )
    forget_memberships(user)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor: Actor) -> None:
    """Take a role away; the audit log keeps who had it."""
    audit_record(
        actor=actor,
        action="revoke",
        obj=membership,
        before={"user": membership.user.username, "role": membership.role},
    )
    membership.delete()
    forget_memberships(membership.user)
