"""The steps after the password, before anything else: the second factor (enrolment or a code)
where it is required, then changing an initial password.

A signed-in account with a step pending is sent to that step's page (with ``?next=``); the
API answers 403 with a JSON message instead. Signing out and static files stay open. Installed
after ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware`` (decision 0059).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guankao.core.accounts import must_change_password
from guankao.core.two_factor import has_device, two_factor_required

# Whether the signed-in account still has to change its initial password, read once a session.
MUST_CHANGE_SESSION_KEY = "guankao_must_change_password"


@dataclass(frozen=True, slots=True)
class Step:
    url_names: tuple[str, ...]
    message: Promise


ENROL = Step(
    ("core:two-factor-enrol",), _("您的帳號須先設定兩步驟驗證（驗證器 App），請至網頁完成設定。")
)
VERIFY = Step(("core:two-factor-verify",), _("請先在網頁輸入驗證器 App 的驗證碼，完成兩步驟驗證。"))
PASSWORD = Step(
    ("password_change", "password_change_done"),
    _("您的密碼是初始密碼，請先在網頁變更密碼。"),
)


def forced_password_change_on() -> bool:
    return bool(getattr(settings, "GUANKAO_FORCE_INITIAL_PASSWORD_CHANGE", True))


def pending_step(request: HttpRequest) -> Step | None:
    """The step the signed-in account must take before anything else, or None."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    if two_factor_required(user) and not getattr(user, "is_verified", lambda: False)():
        return VERIFY if has_device(user) else ENROL
    if forced_password_change_on():
        flag = request.session.get(MUST_CHANGE_SESSION_KEY)
        if flag is None:
            flag = must_change_password(user)
            request.session[MUST_CHANGE_SESSION_KEY] = flag
        if flag:
            return PASSWORD
    return None


class AccountSecurityMiddleware:
    """Sends a signed-in account to its pending step (``pending_step``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(settings.STATIC_URL) or request.path == reverse("logout"):
            return self.get_response(request)
        step = pending_step(request)
        if step is None:
            return self.get_response(request)
        targets = [reverse(name) for name in step.url_names]
        if request.path in targets:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": str(step.message)}, status=403, json_dumps_params={"ensure_ascii": False}
            )
        return HttpResponseRedirect(f"{targets[0]}?{urlencode({'next': request.get_full_path()})}")
