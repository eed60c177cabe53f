"""API tokens: issue one (the key is shown once), revoke it, and find the user a key signs in.

A key is ``gk_`` and 40 URL-safe random characters. Keys are random enough that a plain SHA-256
is safe to store and to look up by; a slow password hash would only slow every API call.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guankao.core.models import TOKEN_NAME_MAX, ApiToken, TokenScope
from guankao.core.services import Actor, audit_record
from guankao.tw import format_roc_datetime

KEY_PREFIX = "gk_"
# last_used_at is written at most this often per token, not on every call.
USE_RECORDED_EVERY = timedelta(minutes=1)


def local_time(value: datetime.datetime | None) -> str:
    """``115年11月24日 09:46`` in Taipei time, ``—`` for never."""
    if value is None:
        return "—"
    return format_roc_datetime(timezone.localtime(value))


def key_hash(key: str) -> str:
    """What is stored of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, actor: Actor, scope: str = TokenScope.WRITE
) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns it and the key, which is not kept anywhere.

    ``scope`` is ``read`` (the API refuses its writes) or ``write``. Raises ``ValidationError``
    for an inactive user, an empty or too long name, or an unknown scope.
    """
    if not user.is_active:
        raise ValidationError(_("帳號「%(user)s」已停用，不能發給 API 金鑰。") % {"user": user})
    if not 1 <= len(name.strip()) <= TOKEN_NAME_MAX:
        raise ValidationError(_("請以 1 到 %(n)d 字寫下金鑰的用途。") % {"n": TOKEN_NAME_MAX})
    key = KEY_PREFIX + secrets.token_urlsafe(30)
    token = ApiToken(
        user=user, name=name.strip(), prefix=key[:10], key_hash=key_hash(key), scope=scope
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action="create",
        obj=token,
        after={"user": user.username, "name": token.name, "scope": token.scope},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Actor) -> bool:
    """Revoke ``token`` at once; returns False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="revoke", obj=token)
    return True


def token_for_key(key: str) -> ApiToken | None:
    """The usable token of a key (its user active), or None; notes when it was last used."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(key_hash=key_hash(key)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_key(key: str) -> User | None:
    """The active user a key signs in, or None; notes when the token was last used."""
    token = token_for_key(key)
    return token.user if token is not None else None
