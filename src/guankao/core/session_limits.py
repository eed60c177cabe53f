"""Signed-in sessions end when idle and after an absolute limit; staff responses are not cached.

A session idle for ``SESSION_IDLE_MINUTES`` (30) or older than ``SESSION_ABSOLUTE_HOURS`` (12)
is signed out: a page asks to sign in again and comes back to where the person was, the JSON API
answers 401. A page with typing on it warns a few minutes before (``includes/idle_warning.html``);
its 「繼續使用」 posts to :func:`keep_alive`, which is activity like any other request. Every response to a signed-in person says ``Cache-Control: no-store``, so a shared
computer's browser cache or a proxy keeps no staff page or export.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

STARTED = "guankao_session_started"
SEEN = "guankao_session_seen"
# The last-seen time is written at most once a minute, not on every request.
SEEN_RESOLUTION = 60


@receiver(user_logged_in)
def start_the_clock(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """A sign-in starts both limits (stored with the session, so every server sees them)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED] = now
        request.session[SEEN] = now


class SessionLimitsMiddleware:
    """Sign out idle and over-age sessions; mark responses to signed-in people ``no-store``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired:
                return self._signed_out(request, expired)
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response

    @staticmethod
    def _expired(request: HttpRequest) -> str:
        """Why the session has ended ("" while it is alive); refreshes the last-seen time."""
        now = int(time.time())
        session = request.session
        started = session.setdefault(STARTED, now)
        seen = session.get(SEEN, now)
        if now - seen > settings.SESSION_IDLE_MINUTES * 60:
            return _("您已閒置超過 %(n)d 分鐘，為保護資料已登出，請重新登入。") % {
                "n": settings.SESSION_IDLE_MINUTES
            }
        if now - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
            return _("登入已超過 %(n)d 小時，請重新登入。") % {"n": settings.SESSION_ABSOLUTE_HOURS}
        if now - seen >= SEEN_RESOLUTION or SEEN not in session:
            session[SEEN] = now
        return ""

    @staticmethod
    def _signed_out(request: HttpRequest, reason: str) -> HttpResponse:
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": reason}, status=401, json_dumps_params={"ensure_ascii": False}
            )
        messages.info(request, reason)
        response = redirect_to_login(request.get_full_path())
        patch_cache_control(response, no_store=True, private=True)
        return response


def idle_seconds() -> int:
    """How long a signed-in person may be idle, for the page's warning."""
    return int(settings.SESSION_IDLE_MINUTES) * 60


@login_required
@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """「繼續使用」: the middleware has already counted this request as activity."""
    request.session[SEEN] = int(time.time())
    return JsonResponse({"idle_seconds": idle_seconds()})
