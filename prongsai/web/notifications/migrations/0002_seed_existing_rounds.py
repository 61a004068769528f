"""Rounds created before this feature get their edition's calendar too (as create_round now copies it)."""

from django.db import migrations


def seed(apps, schema_editor):
    from prongsai.core.ita_calendar import CalendarError, load_calendar

    Round = apps.get_model("rounds", "AssessmentRound")
    Deadline = apps.get_model("notifications", "RoundDeadline")
    for round_ in Round.objects.all():
        if Deadline.objects.filter(round=round_).exists():
            continue
        try:
            dates = load_calendar(round_.framework_id).dates_for(round_.fiscal_year)
        except CalendarError:
            continue
        Deadline.objects.bulk_create(
            [
                Deadline(
                    round=round_,
                    key=d.key,
                    title_th=d.title_th,
                    title_en=d.title_en,
                    starts_on=d.starts_on,
                    due_on=d.due_on,
                    provisional=d.provisional,
                    source=d.source,
                )
                for d in dates
            ]
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial"), ("rounds", "0002_round_variant")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
