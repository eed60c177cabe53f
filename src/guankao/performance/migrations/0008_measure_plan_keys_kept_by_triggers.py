"""Each measure carries its plan's year and department, kept by the database (decision 0090).

Counting the lights of a year's measures across hundreds of departments joined every measure
to its indicator and plan; with the two keys on the measure itself it reads one index
(``measure_lights_by_year``). The copies are never written by Python code: triggers fill them
on every insert of a measure and on any update that could change them (the measure's
indicator, a full save that writes them back as NULL, an indicator moved to another plan, a
plan's year or department changed). Existing measures are filled here.

PostgreSQL sets the row before it is written (``BEFORE INSERT OR UPDATE``). SQLite cannot
change the row being written, so its triggers update the row just written; SQLite runs no
trigger recursively (``recursive_triggers`` is off), so the update inside the measure's own
trigger does not fire it again.
"""

from django.db import migrations, models

# The plan's year and department for the measure's indicator, written out for each use (the
# statements are fixed text, no value is put into them).
FILL = """UPDATE performance_measure SET
    plan_year = (SELECT p.year FROM performance_indicator i JOIN performance_plan p
                 ON p.id = i.plan_id WHERE i.id = performance_measure.indicator_id),
    plan_department_id = (SELECT p.department_id FROM performance_indicator i
                          JOIN performance_plan p ON p.id = i.plan_id
                          WHERE i.id = performance_measure.indicator_id)"""

SQLITE_SET_KEYS = """UPDATE performance_measure SET
        plan_year = (SELECT p.year FROM performance_indicator i JOIN performance_plan p
                     ON p.id = i.plan_id WHERE i.id = NEW.indicator_id),
        plan_department_id = (SELECT p.department_id FROM performance_indicator i
                              JOIN performance_plan p ON p.id = i.plan_id
                              WHERE i.id = NEW.indicator_id)
        WHERE id = NEW.id;"""

SQLITE = [
    f"""CREATE TRIGGER performance_measure_plan_keys_insert
    AFTER INSERT ON performance_measure
    BEGIN {SQLITE_SET_KEYS} END""",
    f"""CREATE TRIGGER performance_measure_plan_keys_update
    AFTER UPDATE OF indicator_id, plan_year, plan_department_id ON performance_measure
    BEGIN {SQLITE_SET_KEYS} END""",
    """CREATE TRIGGER performance_indicator_plan_keys_follow
    AFTER UPDATE OF plan_id ON performance_indicator
    BEGIN UPDATE performance_measure SET plan_year = NULL WHERE indicator_id = NEW.id; END""",
    """CREATE TRIGGER performance_plan_keys_follow
    AFTER UPDATE OF year, department_id ON performance_plan
    BEGIN
        UPDATE performance_measure SET plan_year = NULL
        WHERE indicator_id IN (SELECT id FROM performance_indicator WHERE plan_id = NEW.id);
    END""",
]

POSTGRESQL = [
    """CREATE FUNCTION performance_measure_plan_keys() RETURNS trigger AS $$
    BEGIN
        SELECT p.year, p.department_id INTO NEW.plan_year, NEW.plan_department_id
        FROM performance_indicator i JOIN performance_plan p ON p.id = i.plan_id
        WHERE i.id = NEW.indicator_id;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER performance_measure_plan_keys
    BEFORE INSERT OR UPDATE OF indicator_id, plan_year, plan_department_id ON performance_measure
    FOR EACH ROW EXECUTE FUNCTION performance_measure_plan_keys()""",
    # The measures' own trigger works the keys out again on this update.
    """CREATE FUNCTION performance_plan_keys_follow() RETURNS trigger AS $$
    BEGIN
        IF TG_TABLE_NAME = 'performance_plan' THEN
            UPDATE performance_measure SET plan_year = NULL
            WHERE indicator_id IN (SELECT id FROM performance_indicator WHERE plan_id = NEW.id);
        ELSE
            UPDATE performance_measure SET plan_year = NULL WHERE indicator_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER performance_plan_keys_follow
    AFTER UPDATE OF year, department_id ON performance_plan
    FOR EACH ROW WHEN (OLD.year IS DISTINCT FROM NEW.year
                       OR OLD.department_id IS DISTINCT FROM NEW.department_id)
    EXECUTE FUNCTION performance_plan_keys_follow()""",
    """CREATE TRIGGER performance_indicator_plan_keys_follow
    AFTER UPDATE OF plan_id ON performance_indicator
    FOR EACH ROW WHEN (OLD.plan_id IS DISTINCT FROM NEW.plan_id)
    EXECUTE FUNCTION performance_plan_keys_follow()""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS performance_measure_plan_keys_insert",
    "DROP TRIGGER IF EXISTS performance_measure_plan_keys_update",
    "DROP TRIGGER IF EXISTS performance_indicator_plan_keys_follow",
    "DROP TRIGGER IF EXISTS performance_plan_keys_follow",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS performance_measure_plan_keys ON performance_measure",
    "DROP TRIGGER IF EXISTS performance_plan_keys_follow ON performance_plan",
    "DROP TRIGGER IF EXISTS performance_indicator_plan_keys_follow ON performance_indicator",
    "DROP FUNCTION IF EXISTS performance_measure_plan_keys()",
    "DROP FUNCTION IF EXISTS performance_plan_keys_follow()",
]


def fill_and_create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    # params=None: the statements are sent as written (PL/pgSQL's $$ and %).
    schema_editor.execute(FILL, params=None)
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(vendor, []):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0007_covering_indexes_for_lights"),
    ]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="plan_department_id",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="measure",
            name="plan_year",
            field=models.PositiveSmallIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(fill_and_create_triggers, drop_triggers),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                fields=["plan_year", "plan_department_id"],
                include=("id", "kind", "target", "actual", "due", "done"),
                name="measure_lights_by_year",
            ),
        ),
    ]
