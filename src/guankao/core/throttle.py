"""Sign-in throttling: after repeated failures an account (or an address) is locked for a while.

Attempts are rows in the database (``LoginAttempt``), not cache entries, so every worker process
of the server sees the same count without a shared cache to run; see docs/decisions/0040.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from math import ceil
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guankao.core.models import LoginAttempt


@dataclass(frozen=True, slots=True)
class Policy:
    """How many failures lock, over which window, for how long."""

    failures_per_account: int = 5
    failures_per_address: int = 20
    window: datetime.timedelta = datetime.timedelta(minutes=15)
    lockout: datetime.timedelta = datetime.timedelta(minutes=15)
    # Sign-in events are logs the 資通安全責任等級分級辦法 keeps for at least six months.
    keep: datetime.timedelta = datetime.timedelta(days=180)


def policy() -> Policy:
    """The policy, with settings ``LOGIN_FAILURES_PER_ACCOUNT``, ``LOGIN_FAILURES_PER_ADDRESS``,
    ``LOGIN_FAILURE_WINDOW_MINUTES``, ``LOGIN_LOCKOUT_MINUTES`` and ``LOGIN_EVENTS_KEEP_DAYS``
    where they are set."""
    default = Policy()
    minutes = datetime.timedelta(minutes=1)
    return Policy(
        failures_per_account=getattr(
            settings, "LOGIN_FAILURES_PER_ACCOUNT", default.failures_per_account
        ),
        failures_per_address=getattr(
            settings, "LOGIN_FAILURES_PER_ADDRESS", default.failures_per_address
        ),
        window=getattr(settings, "LOGIN_FAILURE_WINDOW_MINUTES", default.window // minutes)
        * minutes,
        lockout=getattr(settings, "LOGIN_LOCKOUT_MINUTES", default.lockout // minutes) * minutes,
        keep=datetime.timedelta(
            days=getattr(settings, "LOGIN_EVENTS_KEEP_DAYS", default.keep.days)
        ),
    )


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def client_address(request: HttpRequest | None) -> str | None:
    """The caller's address: REMOTE_ADDR, or the header named by ``LOGIN_CLIENT_ADDRESS_HEADER``
    (e.g. ``HTTP_X_REAL_IP``) when a reverse proxy we run sets it; a client could forge any
    forwarded header that the proxy does not overwrite, so none is trusted by default."""
    if request is None:
        return None
    header = getattr(settings, "LOGIN_CLIENT_ADDRESS_HEADER", "")
    value = request.META.get(header, "") if header else ""
    address = (value.split(",")[-1].strip() if value else "") or request.META.get("REMOTE_ADDR", "")
    return address[:45] or None


def _lock_end(
    failures: list[datetime.datetime], limit: int, rules: Policy
) -> datetime.datetime | None:
    """The end of the latest lock: ``limit`` failures within one window lock until the last of
    them plus the lockout time."""
    failures = sorted(failures)
    ends = [
        failures[i] + rules.lockout
        for i in range(limit - 1, len(failures))
        if failures[i] - failures[i - limit + 1] <= rules.window
    ]
    return max(ends) if ends else None


def locked_until(
    *, username: str, address: str | None, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When the lock on this account or address ends, or None when sign-in is allowed now."""
    rules = policy()
    now = now or timezone.now()
    recent = LoginAttempt.objects.filter(
        created_at__gte=now - rules.window - rules.lockout, created_at__lte=now
    )
    key = _key(username)
    last_success = (
        recent.filter(username=key, succeeded=True)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    # Failures before the last successful sign-in no longer count against the account.
    account = recent.filter(username=key, succeeded=False)
    if last_success is not None:
        account = account.filter(created_at__gt=last_success)
    ends = [
        _lock_end(
            list(account.values_list("created_at", flat=True)), rules.failures_per_account, rules
        )
    ]
    if address:
        by_address = recent.filter(ip_address=address, succeeded=False)
        ends.append(
            _lock_end(
                list(by_address.values_list("created_at", flat=True)),
                rules.failures_per_address,
                rules,
            )
        )
    active = [end for end in ends if end is not None and end > now]
    return max(active) if active else None


def record_attempt(
    *, username: str, address: str | None, succeeded: bool, now: datetime.datetime | None = None
) -> None:
    """Write one attempt (a sign-in event) and forget the events older than the retention
    (``LOGIN_EVENTS_KEEP_DAYS``, 180 days by default; docs/security.md)."""
    now = now or timezone.now()
    LoginAttempt.objects.create(
        username=_key(username), ip_address=address, succeeded=succeeded, created_at=now
    )
    LoginAttempt.objects.filter(created_at__lt=now - policy().keep).delete()


def lockout_message(until: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """The sentence a locked-out person sees, with the minutes left."""
    minutes = max(1, ceil((until - (now or timezone.now())).total_seconds() / 60))
    return str(
        _("登入失敗次數過多，已暫時鎖定。請於 %(minutes)d 分鐘後再試，或洽系統管理者。")
        % {"minutes": minutes}
    )


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing locked accounts before the password is even checked."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        until = locked_until(username=username, address=address)
        if until is not None:
            # Checked first, so a correct password does not get through a lockout either.
            raise forms.ValidationError(lockout_message(until), code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_attempt(username=username, address=address, succeeded=False)
            raise
        record_attempt(username=username, address=address, succeeded=True)
        return cleaned


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The admin's sign-in form with the same lockout (set as ``admin.site.login_form``)."""


class ThrottledLoginView(LoginView):
    """The sign-in page with throttling; a locked-out attempt is answered with status 429."""

    authentication_form = ThrottledAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="locked"):
            response.status_code = 429
        return response
