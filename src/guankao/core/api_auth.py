"""How the API knows who calls: a session cookie (the staff pages' sign-in, with CSRF on
writes) or an API token sent as ``Authorization: Bearer gk_…`` (other systems).

A caller with neither (no session, or a key that is wrong, revoked or of an inactive account)
gets 401 from the API's handler; a signed-in session that writes without the CSRF token gets
403, and so does a read-only token that writes. Both are JSON in Traditional Chinese, as every API error is.

The schemas of those refusals, and the ``refusals()`` helper each endpoint declares them with,
are here too: every app's ``apis.py`` uses them, and the API's handlers (``api/v1.py``) write
exactly these shapes.
"""

from __future__ import annotations

from typing import Any, Final

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import Field

from guankao.core.models import TokenScope
from guankao.core.tokens import token_for_key, user_for_key

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``; the request then acts as the token's user.

    A read-only token (``scope`` read) is refused every write with 403, whatever its user's
    roles: a system that only reads cannot be made to write by a stolen key (decision 0084).
    """

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_for_key(token)
        if found is None:
            return None
        if found.scope != TokenScope.WRITE and request.method not in SAFE_METHODS:
            raise HttpError(
                403,
                _("這把 API 金鑰是唯讀的，不能寫入；請改用讀寫金鑰（在「API 金鑰」頁發給）。"),
            )
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """The staff pages' session. Unlike ninja's ``django_auth``, the CSRF check runs only for a
    signed-in session: a caller without one is told to sign in (401), not about CSRF (403)."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(
                403,
                _(
                    "缺少或不符的 CSRF 權杖：以登入的工作階段寫入時，請附上 X-CSRFToken 標頭，"
                    "或改用 API 金鑰。"
                ),
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        return user if isinstance(user, User) and user.is_authenticated else None


session_auth = SessionAuth()

# Either one will do; endpoints then check the user's roles as the pages do.
API_AUTH = [TokenAuth(), session_auth]


def caller(request: HttpRequest) -> User | AnonymousUser:
    """Who calls a public endpoint (one without ``auth``): the token's user when a valid
    ``Authorization: Bearer`` key is sent, else the session's user (maybe anonymous).

    Public endpoints show more to staff (drafts); a token must see what a session sees.
    """
    header = request.headers.get("Authorization", "")
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() == "bearer" and key:
        user = user_for_key(key.strip())
        if user is not None:
            return user
    return request.user


# --- what the API answers when it refuses ----------------------------------------------------


class Error(Schema):
    """Every refusal: one sentence in Traditional Chinese."""

    detail: str


class Invalid(Schema):
    """422: pydantic's list of errors in ``detail`` and a sentence naming the fields in
    ``message``; a value the endpoint itself refuses (an unknown language) has the sentence in
    ``detail`` alone."""

    detail: list[dict[str, Any]] | str
    message: str | None = Field(None, description="the fields to check, as a sentence")


# Which refusals an endpoint can answer: 401 and 403 when it needs a person (403 also for a
# session write without its CSRF token), 400 and 413 when it reads a body, 404 when its path
# names a record, 422 always (a path or query value of the wrong type).
SIGNED_IN = (401, 403)
WITH_BODY = (400, 413)


def refusals(*codes: int | tuple[int, ...]) -> dict[int, type[Schema]]:
    """``response={200: Out, **refusals(SIGNED_IN, WITH_BODY, 404)}``: each status with the
    schema the API's handlers answer it with; 422 is always included."""
    flat: set[int] = {422}
    for code in codes:
        flat.update(code if isinstance(code, tuple) else (code,))
    return {code: Invalid if code == 422 else Error for code in sorted(flat)}
