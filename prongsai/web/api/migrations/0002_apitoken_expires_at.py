"""Tokens expire.  Tokens issued before this migration get the default lifetime counted from now, so that no
script stops working at the upgrade without warning; docs/security.md tells operators to review them."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def give_existing_tokens_a_lifetime(apps, schema_editor):
    APIToken = apps.get_model("api", "APIToken")
    APIToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=getattr(settings, "API_TOKEN_DAYS", 90))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(give_existing_tokens_a_lifetime, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
    ]
