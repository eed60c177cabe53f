"""Each published revision keeps its 執行率 method in a column beside its JSON, so that the
overviews, which need it for every report of a year, do not read each revision's whole ``data``
(issue 14). Existing revisions are filled from their JSON.

The revisions are append-only (migration 0004): the fill lifts the UPDATE guard for its own
statement and puts it back as it was, in the same transaction. On SQLite the trigger's own
text is read back from ``sqlite_master``, so it is recreated exactly as 0004 wrote it.
"""

from django.db import migrations, models

TABLE = "performance_reportrevision"
SQLITE_TRIGGER = f"{TABLE}_append_only_update"
POSTGRESQL_TRIGGER = f"{TABLE}_append_only"


def _fill(apps, schema_editor):
    revision_model = apps.get_model("performance", "ReportRevision")
    rows = revision_model.objects.values_list("pk", "data__rate_method")
    for pk, method in rows.iterator():
        revision_model.objects.filter(pk=pk).update(rate_method=method or "reported")


def fill_rate_methods(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [SQLITE_TRIGGER],
            )
            found = cursor.fetchone()
        if found:
            schema_editor.execute(f"DROP TRIGGER {SQLITE_TRIGGER}")
        _fill(apps, schema_editor)
        if found:
            schema_editor.execute(found[0], params=None)
    elif vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {POSTGRESQL_TRIGGER}")
        _fill(apps, schema_editor)
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {POSTGRESQL_TRIGGER}")
    else:
        _fill(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0005_indicator_series_and_light_legend"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportrevision",
            name="rate_method",
            field=models.CharField(
                blank=True,
                choices=[
                    ("reported", "依填報執行率"),
                    ("measures", "衡量標準達成度平均（每項上限 100%）"),
                    ("budget", "預算執行率（執行數 ÷ 預算數）"),
                ],
                max_length=20,
                null=True,
                verbose_name="執行率計算方式",
            ),
        ),
        migrations.RunPython(fill_rate_methods, migrations.RunPython.noop),
    ]
