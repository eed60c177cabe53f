"""Covering indexes for counting lights (issue 14, decision 0088).

The city and national views count the lights of a year's measures across hundreds of
departments: plans by (year, department), their indicators by plan, and each indicator's
measures with what a light depends on. On PostgreSQL the INCLUDE columns let all three be read
from the indexes alone; SQLite, which has no INCLUDE, gets the same indexes without them. The
foreign keys' own single-column indexes are dropped after the new ones exist: the new indexes
lead with the same column.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_api_token_scope"),
        ("performance", "0006_report_revision_rate_method_column"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="indicator",
            index=models.Index(fields=["plan"], include=("id",), name="indicator_by_plan"),
        ),
        migrations.AddIndex(
            model_name="measure",
            index=models.Index(
                fields=["indicator"],
                include=("id", "kind", "target", "actual", "due", "done"),
                name="measure_lights_by_indicator",
            ),
        ),
        migrations.AddIndex(
            model_name="plan",
            index=models.Index(fields=["year", "department"], include=("id",), name="plan_by_year"),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="plan",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="indicators",
                to="performance.plan",
                verbose_name="施政計畫",
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="indicator",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="measures",
                to="performance.indicator",
                verbose_name="衡量指標",
            ),
        ),
    ]
