"""Sign-in throttling: after repeated failures an account (or an address) is locked for a while.

Attempts are rows in the database (``LoginAttempt``), not cache entries, so every worker process
of the server sees the same count without a shared cache to run; see docs/decisions/0040.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from dataclasses import dataclass
from math import ceil
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guankao.core.models import LoginAttempt, PasswordResetRequest

logger = logging.getLogger(__name__)


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


# Password reset e-mails: requests per account (the address typed) and per client address
# within a window, settings PASSWORD_RESET_PER_ACCOUNT, PASSWORD_RESET_PER_ADDRESS and
# PASSWORD_RESET_WINDOW_MINUTES.
RESET_PER_ACCOUNT = 3
RESET_PER_ADDRESS = 10
RESET_WINDOW_MINUTES = 60


def reset_locked_until(
    *, email: str, address: str | None, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When another reset e-mail may be asked for this account or from this address, or None
    when one may be asked now. Counted whether the account exists or not, so the answer says
    nothing about which addresses have accounts."""
    now = now or timezone.now()
    window = datetime.timedelta(
        minutes=getattr(settings, "PASSWORD_RESET_WINDOW_MINUTES", RESET_WINDOW_MINUTES)
    )
    recent = PasswordResetRequest.objects.filter(created_at__gt=now - window, created_at__lte=now)
    limits = [
        (
            recent.filter(email=_key(email)),
            getattr(settings, "PASSWORD_RESET_PER_ACCOUNT", RESET_PER_ACCOUNT),
        )
    ]
    if address:
        limits.append(
            (
                recent.filter(ip_address=address),
                getattr(settings, "PASSWORD_RESET_PER_ADDRESS", RESET_PER_ADDRESS),
            )
        )
    ends = []
    for requests, limit in limits:
        times = sorted(requests.values_list("created_at", flat=True), reverse=True)
        if len(times) >= limit:
            # The oldest request that still counts leaves the window then.
            ends.append(times[limit - 1] + window)
    return max(ends) if ends else None


def record_reset_request(
    *, email: str, address: str | None, now: datetime.datetime | None = None
) -> None:
    """Count one reset request, and forget those older than a day."""
    now = now or timezone.now()
    PasswordResetRequest.objects.create(email=_key(email)[:254], ip_address=address, created_at=now)
    PasswordResetRequest.objects.filter(created_at__lt=now - datetime.timedelta(days=1)).delete()


class SendingPasswordResetForm(PasswordResetForm):
    """Django's reset form, except that a failure to send is raised, not only logged (Django
    logs it and the page would still say the e-mail was sent)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        EmailMultiAlternatives(subject, body, from_email, [to_email]).send()


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset page, limited per account and per address (429 when over), and
    honest when the mail server cannot be reached: it says so (503) instead of failing or
    claiming the e-mail was sent."""

    form_class = SendingPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        address = client_address(self.request)
        until = reset_locked_until(email=email, address=address)
        if until is not None:
            minutes = max(1, ceil((until - timezone.now()).total_seconds() / 60))
            form.add_error(
                None,
                _("申請重設密碼的次數過多，請於 %(minutes)d 分鐘後再試，或洽系統管理者。")
                % {"minutes": minutes},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        record_reset_request(email=email, address=address)
        try:
            return super().form_valid(form)
        except (smtplib.SMTPException, OSError):
            logger.exception("password reset e-mail could not be sent")
            form.add_error(
                None,
                _(
                    "目前無法寄出電子郵件（郵件伺服器沒有回應），重設信並未寄出。請稍後再試，或洽系統管理者。"
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=503)
