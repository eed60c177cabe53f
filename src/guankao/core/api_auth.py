"""How the API knows who calls: a session cookie (the staff pages' sign-in, with CSRF on
writes) or an API token sent as ``Authorization: Bearer gk_…`` (other systems)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from guankao.core.tokens import user_for_key


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``; the request then acts as the token's user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_key(token)
        if user is not None:
            request.user = user
        return user


# Either one will do; endpoints then check the user's roles as the pages do.
API_AUTH = [TokenAuth(), django_auth]


def caller(request: HttpRequest) -> User | AnonymousUser:
    """Who calls a public endpoint (one without ``auth``): the token's user when a valid
    ``Authorization: Bearer`` key is sent, else the session's user (maybe anonymous).

    Public endpoints show more to staff (drafts); a token must see what a session sees.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() == "bearer" and key:
        user = user_for_key(key.strip())
        if user is not None:
            return user
    return request.user
