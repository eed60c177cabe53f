"""``guankao audit verify``: check that the audit log's hash chain is intact.

Exit status 0 when every entry is in place and unchanged; 1 with one line naming the first
broken entry otherwise (decision 0056).

Example::

    guankao audit verify
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from guankao.core.selectors import audit_chain_break


class Command(BaseCommand):
    help = "Check the audit log's hash chain. Example: guankao audit verify"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="verify")
        actions.add_parser("verify", help="exit 0 when the audit log is intact, 1 naming the break")

    def handle(self, *args: Any, **options: Any) -> None:
        count, found = audit_chain_break()
        if found is not None:
            where = _("第 %(n)d 筆") % {"n": found.sequence}
            if found.pk is not None:
                where += _("（編號 %(pk)d）") % {"pk": found.pk}
            raise CommandError(
                _("稽核紀錄不完整：%(where)s%(reason)s。")
                % {"where": where, "reason": found.reason},
                returncode=1,
            )
        self.stdout.write(_("稽核紀錄完整：共 %(count)s 筆。") % {"count": f"{count:,}"})
