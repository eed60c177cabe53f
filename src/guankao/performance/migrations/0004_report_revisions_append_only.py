"""Published revisions are history: the database refuses UPDATE and DELETE on them and on their
files while the audit chain head exists (decision 0067; the same guard as the audit log's)."""

from django.db import migrations

TABLES = ("performance_reportrevision", "performance_reportrevisionfile")

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER {table}_append_only_{event.lower()}
    BEFORE {event} ON {table}
    WHEN EXISTS (SELECT 1 FROM core_auditchainhead)
    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
    for table in TABLES
    for event in ("UPDATE", "DELETE")
]
# guankao_append_only() is created by core's migration 0004.
POSTGRESQL_TRIGGERS = [
    statement
    for table in TABLES
    for statement in (
        f"""CREATE TRIGGER {table}_append_only
        BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION guankao_append_only()""",
        f"""CREATE TRIGGER {table}_no_truncate
        BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION guankao_append_only()""",
    )
]


def create_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}
    for statement in statements.get(schema_editor.connection.vendor, []):
        # params=None: the statement is sent as written (PL/pgSQL uses % in RAISE).
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for table in TABLES:
        if schema_editor.connection.vendor == "sqlite":
            for event in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{event}")
        elif schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0003_report_revisions_and_correcting"),
        ("core", "0004_audit_hash_chain_and_append_only_triggers"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
