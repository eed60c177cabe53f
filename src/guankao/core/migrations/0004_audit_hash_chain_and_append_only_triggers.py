"""The audit log becomes a hash chain (decision 0056): entries are numbered and each digest covers
the entry and the digest before it. Entries already written are linked in the order they were
written. The database then refuses UPDATE and DELETE on the log while a chain head exists.
"""

import datetime
import hashlib
import json

import django.utils.timezone
from django.db import migrations, models


GENESIS = "0" * 64


def _plain(value):
    # A frozen copy of guankao.core.audit_chain's canonical form: migrations never import app code.
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _digest(entry):
    content = {
        "sequence": entry.sequence,
        "previous": entry.previous_digest,
        "created_at": entry.created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "before": _plain(entry.before),
        "after": _plain(entry.after),
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def link_existing_entries(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    sequence, previous = 0, GENESIS
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        sequence += 1
        entry.sequence, entry.previous_digest = sequence, previous
        entry.digest = previous = _digest(entry)
        entry.save(update_fields=["sequence", "previous_digest", "digest"])
    AuditChainHead.objects.create(pk=1, sequence=sequence, digest=previous)


SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER core_auditentry_append_only_{event.lower()} BEFORE {event} ON core_auditentry
    WHEN EXISTS (SELECT 1 FROM core_auditchainhead)
    BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only'); END"""
    for event in ("UPDATE", "DELETE")
]
POSTGRESQL_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION guankao_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM core_auditchainhead) THEN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN COALESCE(NEW, OLD);
    END $$""",
    """CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION guankao_append_only()""",
    """CREATE TRIGGER core_auditentry_no_truncate BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION guankao_append_only()""",
]


def create_triggers(apps, schema_editor):
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}
    for statement in statements.get(schema_editor.connection.vendor, []):
        # params=None: the statement is sent as written (PL/pgSQL uses % in RAISE).
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for event in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS core_auditentry_append_only_{event}")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry")
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_api_tokens'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.PositiveBigIntegerField(verbose_name='最後序號')),
                ('digest', models.CharField(max_length=64, verbose_name='最後雜湊')),
            ],
            options={
                'verbose_name': '稽核鏈末端',
                'verbose_name_plural': '稽核鏈末端',
            },
        ),
        migrations.AddField(
            model_name='auditentry',
            name='digest',
            field=models.CharField(blank=True, max_length=64, verbose_name='雜湊'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='previous_digest',
            field=models.CharField(blank=True, max_length=64, verbose_name='前一筆雜湊'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='sequence',
            field=models.PositiveBigIntegerField(blank=True, null=True, unique=True, verbose_name='序號'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='created_at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='時間'),
        ),
        migrations.RunPython(link_existing_entries, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
