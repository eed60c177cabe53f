"""``guankao flush``: Django's flush, which also empties the audit log and kept revisions.

The database refuses to delete audit entries while the chain head exists (decision 0056), so
emptying the whole database removes the head first. The test suite's transactional tests flush
through this command too.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections


class Command(flush.Command):
    help = flush.Command.help + " The audit log is emptied too (its guard is lifted first)."

    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if options["interactive"]:
            answer = input(
                f"This erases ALL data of {connection.settings_dict['NAME']}, the audit log "
                "included. Type 'yes' to continue: "
            )
            if answer != "yes":
                self.stdout.write("Flush cancelled.")
                return
        if "core_auditchainhead" in connection.introspection.table_names():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM core_auditchainhead")
        super().handle(**{**options, "interactive": False})
