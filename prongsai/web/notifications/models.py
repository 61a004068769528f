"""Each round's deadlines (copied from the edition's calendar when the round is created) and the notifications
sent to people (in the app, and by e-mail).

Every write goes through ``prongsai.web.notifications.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoundDeadline(models.Model):
    """One phase or deadline of a round's ITA calendar (``prongsai.core.ita_calendar`` gives the first values)."""

    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="deadlines")
    key = models.CharField(max_length=32)  # oit_publish, surveys, clarification, results, report_6m, …
    title_th = models.CharField(pgettext_lazy("deadline", "title"), max_length=255)
    title_en = models.CharField(max_length=255, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"))
    #: a best guess (the edition's calendar did not know the date); the page says so
    provisional = models.BooleanField(_("provisional"), default=False)
    source = models.TextField(_("source"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "due_on", "key"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="one_deadline_per_key")]
        verbose_name = _("deadline")

    def __str__(self) -> str:
        return f"{self.round} {self.key} {self.due_on}"


class NotificationKind(models.TextChoices):
    CLARIFICATION = "clarification", _("Clarification requested")
    DEADLINE = "deadline", _("Deadline approaching")
    RESULTS = "results", _("Results published")
    REPORT_DUE = "report_due", _("Report due")


class Notification(models.Model):
    """One message to one person.  ``event`` names what happened (e.g. ``deadline:12:2020-07-31``): a person gets
    one notification per event, however often the daily run or a service repeats it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(
        "rounds.AssessmentRound", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    event = models.CharField(max_length=120)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True)  # a path inside Prongsai
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="one_notification_per_event")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]
        verbose_name = _("notification")

    def __str__(self) -> str:
        return self.subject
