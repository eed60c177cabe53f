from django.db import migrations, models
from django.utils import timezone


def day_from_time(apps, schema_editor):
    Reminder = apps.get_model("cycles", "Reminder")
    for reminder in Reminder.objects.all():
        reminder.sent_on = timezone.localdate(reminder.sent_at)
        reminder.save(update_fields=["sent_on"])


class Migration(migrations.Migration):

    dependencies = [
        ("cycles", "0001_periods_submissions_entries_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="sent_on",
            field=models.DateField(null=True, verbose_name="催報日"),
        ),
        migrations.RunPython(day_from_time, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reminder",
            name="sent_on",
            field=models.DateField(verbose_name="催報日"),
        ),
    ]
