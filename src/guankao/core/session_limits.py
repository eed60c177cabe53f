"""Signed-in sessions end when idle and after an absolute limit; staff responses are not cached.

A session idle for ``SESSION_IDLE_MINUTES`` (30) or older than ``SESSION_ABSOLUTE_HOURS`` (12)
is signed out: a page asks to sign in again and comes back to where the person was, the JSON API
answers 401. A post to a page of typed work that arrives after the end is kept in the new
session and given back to that page after the sign-in (:func:`kept_post_take`). A page with
typing on it warns a few minutes before (``includes/idle_warning.html``);
its 「繼續使用」 posts to :func:`keep_alive`, which is activity like any other request. Every response to a signed-in person says ``Cache-Control: no-store``, so a shared
computer's browser cache or a proxy keeps no staff page or export.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

STARTED = "guankao_session_started"
SEEN = "guankao_session_seen"
KEPT_POST = "guankao_kept_post"
# Pages whose post is kept when it arrives after the session ended, to be shown again after
# the sign-in (decision 0062). Only pages of typed work: never a password or token form.
KEEP_POST_VIEWS = frozenset({"cycles:submission_edit"})
KEEP_POST_MAX_CHARS = 200_000
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
        kept = _keepable_post(request)
        user_pk = request.user.pk
        logout(request)
        if kept is not None:
            # The new (signed-out) session carries it; a sign-in keeps the session's data.
            request.session[KEPT_POST] = {**kept, "user": user_pk, "at": int(time.time())}
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": reason}, status=401, json_dumps_params={"ensure_ascii": False}
            )
        messages.info(request, reason)
        response = redirect_to_login(request.get_full_path())
        patch_cache_control(response, no_store=True, private=True)
        return response


def _keepable_post(request: HttpRequest) -> dict[str, Any] | None:
    """What a post that arrived too late said, if its page keeps posts and it is genuine."""
    if request.method != "POST":
        return None
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        return None
    if view_name not in KEEP_POST_VIEWS:
        return None
    # The view's CSRF check never runs for a signed-out post, so check here: a forged post from
    # another site must not plant text in the form this person will see after signing in.
    if CsrfViewMiddleware(_no_view).process_view(request, _no_view, (), {}) is not None:
        return None
    data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
    if sum(len(v) for values in data.values() for v in values) > KEEP_POST_MAX_CHARS:
        return None
    files = [f.name or "" for _key, items in request.FILES.lists() for f in items]
    return {"path": request.path, "data": data, "files": [n for n in files if n]}


def _no_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse()  # pragma: no cover - never called, only named to the CSRF check


@dataclass(frozen=True)
class KeptPost:
    """A post that arrived after the session had ended, given back to the page it was for."""

    data: QueryDict
    files: list[str]


def kept_post_take(request: HttpRequest) -> KeptPost | None:
    """The post kept for this page and this person, removed from the session once taken."""
    kept = request.session.get(KEPT_POST)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[KEPT_POST]
    fresh = int(time.time()) - int(kept.get("at", 0)) < settings.SESSION_ABSOLUTE_HOURS * 3600
    if kept.get("user") != request.user.pk or not fresh:
        return None
    data = QueryDict(mutable=True)
    for key, values in kept.get("data", {}).items():
        data.setlist(key, [str(v) for v in values])
    return KeptPost(data=data, files=[str(n) for n in kept.get("files", [])])


def idle_seconds() -> int:
    """How long a signed-in person may be idle, for the page's warning."""
    return int(settings.SESSION_IDLE_MINUTES) * 60


@login_required
@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """「繼續使用」: the middleware has already counted this request as activity."""
    request.session[SEEN] = int(time.time())
    return JsonResponse({"idle_seconds": idle_seconds()})
