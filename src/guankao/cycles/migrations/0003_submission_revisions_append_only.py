"""Kept revisions of submissions are history: the database refuses UPDATE and DELETE on them while
the audit chain head exists (decision 0056; the same guard as the audit log's)."""

from django.db import migrations

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER cycles_submissionrevision_append_only_{event.lower()}
    BEFORE {event} ON cycles_submissionrevision
    WHEN EXISTS (SELECT 1 FROM core_auditchainhead)
    BEGIN SELECT RAISE(ABORT, 'cycles_submissionrevision is append-only'); END"""
    for event in ("UPDATE", "DELETE")
]
# guankao_append_only() is created by core's migration 0004.
POSTGRESQL_TRIGGERS = [
    """CREATE TRIGGER cycles_submissionrevision_append_only
    BEFORE UPDATE OR DELETE ON cycles_submissionrevision
    FOR EACH ROW EXECUTE FUNCTION guankao_append_only()""",
    """CREATE TRIGGER cycles_submissionrevision_no_truncate
    BEFORE TRUNCATE ON cycles_submissionrevision
    FOR EACH STATEMENT EXECUTE FUNCTION guankao_append_only()""",
]


def create_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}
    for statement in statements.get(schema_editor.connection.vendor, []):
        # params=None: the statement is sent as written (PL/pgSQL uses % in RAISE).
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    table = "cycles_submissionrevision"
    if schema_editor.connection.vendor == "sqlite":
        for event in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{event}")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("cycles", "0002_reminder_day"),
        ("core", "0004_audit_hash_chain_and_append_only_triggers"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
