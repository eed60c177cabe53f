"""``guankao api_token create|list|revoke``: keys for other systems to call the JSON API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guankao.core.models import ApiToken, TokenScope
from guankao.core.tokens import api_token_create, api_token_revoke, local_time


def _refuse(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = (
        "Issue, list and revoke API tokens (Authorization: Bearer …); a token acts as its user "
        "with the user's roles. Examples: guankao api_token create --user demo-coordinator "
        '--name "填報系統介接"; guankao api_token list; guankao api_token revoke gk_AbC1234'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue a token; its key is printed once")
        create.add_argument("--user", required=True, help="the account the token acts as")
        create.add_argument("--name", required=True, help="what the token is for")
        create.add_argument(
            "--scope",
            choices=[choice.value for choice in TokenScope],
            default=TokenScope.WRITE.value,
            help="read: the API refuses its writes (403); write (default): reads and writes",
        )
        listing = actions.add_parser("list", help="tokens with their user, use and status")
        listing.add_argument("--user", help="only this account's tokens")
        revoke = actions.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument("prefix", help="the key's beginning, as `list` shows it")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self._create(options["user"], options["name"], options["scope"])
        elif options["action"] == "list":
            self._list(options["user"])
        else:
            self._revoke(options["prefix"])

    def _create(self, username: str, name: str, scope: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise _refuse(_("沒有帳號「%(user)s」。") % {"user": username})
        try:
            token, key = api_token_create(user=user, name=name, actor=None, scope=scope)
        except ValidationError as error:
            raise _refuse("；".join(error.messages)) from None
        self.stdout.write(
            _("已發給 %(user)s 的 API 金鑰「%(name)s」（只顯示這一次，請妥善保存）：")
            % {"user": user.username, "name": token.name}
        )
        self.stdout.write(key)

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user")
        if username is not None:
            tokens = tokens.filter(user__username=username)
        for token in tokens:
            status = _("已撤銷") if token.revoked_at else _("有效")
            self.stdout.write(
                f"{token.prefix}\t{token.user.username}\t{token.name}\t{status}\t"
                + _("建立 %(created)s，最近使用 %(used)s")
                % {"created": local_time(token.created_at), "used": local_time(token.last_used_at)}
            )

    def _revoke(self, prefix: str) -> None:
        tokens = list(ApiToken.objects.filter(prefix=prefix.strip()))
        if len(tokens) != 1:
            raise _refuse(
                _("沒有開頭為「%(prefix)s」的 API 金鑰。") % {"prefix": prefix}
                if not tokens
                else _("有多個金鑰開頭為「%(prefix)s」，請改在管理介面撤銷。") % {"prefix": prefix}
            )
        if api_token_revoke(token=tokens[0], actor=None):
            self.stdout.write(_("已撤銷 API 金鑰 %(token)s。") % {"token": tokens[0]})
        else:
            self.stdout.write(_("API 金鑰 %(token)s 先前已撤銷。") % {"token": tokens[0]})
