from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: worker heartbeats and task recovery, health and metrics, proxy handling, logs, backups."""

    name = "prongsai.web.ops"
    label = "ops"
    default_auto_field = "django.db.models.BigAutoField"
