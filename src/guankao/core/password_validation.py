"""Password rules of 資通系統防護基準（中級）: complexity and history (``AUTH_PASSWORD_VALIDATORS``).

Django calls every validator's ``password_changed(password, user)`` after a user is saved with a
new password (``User.set_password`` then ``save()``: the admin, ``createsuperuser``, the password
change and reset pages, ``core.accounts.user_ensure``). ``PasswordHistoryValidator`` uses that
hook to keep the new hash and to mark the password as set by someone else; the pages where the
account holder chooses their own password clear that mark (``core.accounts.password_chosen``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guankao.core.models import AccountSecurity, PasswordHistory


def character_classes(password: str) -> set[str]:
    """Which of upper case, lower case, digit and symbol (anything else) ``password`` uses."""
    found: set[str] = set()
    for character in password:
        if character.isupper():
            found.add("upper")
        elif character.islower():
            found.add("lower")
        elif character.isdigit():
            found.add("digit")
        else:
            found.add("symbol")
    return found


class ComplexityValidator:
    """At least ``min_classes`` (3) of: upper case, lower case, digits, symbols. The length
    (12 characters) is Django's ``MinimumLengthValidator``, kept beside this one."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                _("密碼須包含大寫英文字母、小寫英文字母、數字、符號四類中的至少 %(n)d 類。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密碼須包含大寫英文字母、小寫英文字母、數字、符號四類中的至少 %(n)d 類。") % {
            "n": self.min_classes
        }


class PasswordHistoryValidator:
    """Refuses the account's last ``count`` (3) passwords, the current one included; records
    each new password's hash when Django reports the change."""

    def __init__(self, count: int = 3) -> None:
        self.count = count

    def _recent(self, user: Any) -> list[str]:
        return list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password_hash", flat=True)[
                : self.count
            ]
        )

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        # The current password counts too, recorded or not (create_user does not report it).
        stored = {getattr(user, "password", ""), *self._recent(user)} - {""}
        if any(check_password(password, encoded) for encoded in stored):
            raise ValidationError(
                ngettext(
                    "不可使用最近 %(n)d 次用過的密碼。",
                    "不可使用最近 %(n)d 次用過的密碼。",
                    self.count,
                )
                % {"n": self.count},
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or getattr(user, "pk", None) is None:
            return
        with transaction.atomic():
            now = timezone.now()
            PasswordHistory.objects.create(user=user, password_hash=user.password, created_at=now)
            history = PasswordHistory.objects.filter(user_id=user.pk)
            keep = list(history.values_list("pk", flat=True)[: self.count])
            history.exclude(pk__in=keep).delete()
            # Set by someone else until the holder chooses one (core.accounts.password_chosen).
            AccountSecurity.objects.update_or_create(
                user=user, defaults={"must_change_password": True, "password_changed_at": now}
            )

    def get_help_text(self) -> str:
        return _("不可使用最近 %(n)d 次用過的密碼。") % {"n": self.count}
