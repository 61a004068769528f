from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "prongsai.web.surveys"
    label = "surveys"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from prongsai.web.rounds.models import AssessmentRound

        post_save.connect(_round_saved, sender=AssessmentRound, dispatch_uid="surveys.release_on_close")


def _round_saved(sender, instance, **kwargs) -> None:
    """A round that is no longer open releases what its ballot box still holds, once the change commits."""
    from django.db import transaction

    if not instance.is_open:
        from prongsai.web.surveys.ballot import release_round

        transaction.on_commit(lambda: release_round(instance.pk), robust=True)
