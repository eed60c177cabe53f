"""Writes to accounts and roles: users and their memberships. Each one is validated and audited.

Also the account rules of 資通系統防護基準（中級）: an initial password is changed at the first
sign-in (``password_chosen``), accounts idle for 90 days are disabled (``idle_accounts``,
``idle_accounts_disable``; ``guankao accounts review``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from guankao.core.models import AccountSecurity, Agency, Jurisdiction, Membership, Role
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
    raises ``ValidationError``. Running twice with the same values writes nothing. A password set
    here is an initial password, changed at the first sign-in, except on a local demo
    (``demo_accounts_ready()``), where the printed passwords are used as they are.
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
        _demo_ready(user)
        return user
    model_update(instance=user, data=data, actor=actor)
    if not user.check_password(password):
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        # Never the password itself, not even hashed, in the audit log.
        audit_record(actor=actor, action="set_password", obj=user)
        _demo_ready(user)
    return user


def demo_accounts_ready() -> bool:
    """Whether accounts set up by ``guankao demo`` sign in with the printed password alone (no
    forced change): on a local demo, ``DEBUG`` or ``GUANKAO_DEMO_ACCOUNTS_READY`` (``make run``)."""
    return bool(settings.DEBUG or getattr(settings, "GUANKAO_DEMO_ACCOUNTS_READY", False))


def _demo_ready(user: User) -> None:
    if demo_accounts_ready():
        AccountSecurity.objects.update_or_create(
            user=user, defaults={"must_change_password": False}
        )


def must_change_password(user: User) -> bool:
    """Whether the account still has a password someone else set: marked so when it was set
    (``core.password_validation``), or never chosen by its holder at all (an account made with
    ``create_user``/``createsuperuser``; accounts older than this rule were marked as chosen by
    migration ``core.0005``). ``GUANKAO_FORCE_INITIAL_PASSWORD_CHANGE`` decides whether this is
    enforced (``core.middleware``)."""
    return not AccountSecurity.objects.filter(user_id=user.pk, must_change_password=False).exists()


@transaction.atomic
def password_chosen(*, user: User, reset: bool = False) -> None:
    """The account holder has just chosen their own password (the change page, or a reset
    link): no longer an initial password. Audited as the holder's own act."""
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"must_change_password": False, "password_changed_at": timezone.now()}
    )
    audit_record(actor=user, action="password_reset" if reset else "password_change", obj=user)


IDLE_DAYS = 90


def idle_cutoff(
    *, days: int = IDLE_DAYS, now: datetime.datetime | None = None
) -> datetime.datetime:
    """The moment before which an account's last sign-in makes it idle."""
    return (now or timezone.now()) - datetime.timedelta(days=days)


def idle_accounts(*, days: int = IDLE_DAYS, now: datetime.datetime | None = None) -> QuerySet[User]:
    """Active accounts not signed in for ``days`` days (never signed in: counted from the day
    the account was created), oldest sign-in first."""
    cutoff = idle_cutoff(days=days, now=now)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("last_login", "date_joined", "username")
    )


@transaction.atomic
def idle_accounts_disable(
    *, days: int = IDLE_DAYS, now: datetime.datetime | None = None, actor: Actor
) -> list[User]:
    """Disable (``is_active=False``) every idle account; each one is audited. Returns them."""
    disabled = list(idle_accounts(days=days, now=now).select_for_update())
    for user in disabled:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="disable_idle",
            obj=user,
            before={"is_active": True},
            after={
                "is_active": False,
                "last_login": user.last_login.isoformat() if user.last_login else None,
                "idle_days": days,
            },
        )
    return disabled


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
