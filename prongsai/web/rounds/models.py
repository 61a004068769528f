"""Assessment rounds: one framework edition applied in one fiscal year, with a calendar of phases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prongsai.core.framework import Framework, load_framework


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AssessmentRound(models.Model):
    framework_id = models.CharField(_("framework edition"), max_length=64)
    fiscal_year = models.PositiveIntegerField(_("fiscal year (B.E.)"))
    name_th = models.CharField(_("name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    #: when True, every agency's official results of this round are visible nationally
    results_published = models.BooleanField(_("results published"), default=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-fiscal_year", "framework_id"]
        constraints = [models.UniqueConstraint(fields=["framework_id", "fiscal_year"], name="one_round_per_edition_year")]
        verbose_name = _("assessment round")

    def __str__(self) -> str:
        return self.name_th

    @property
    def framework(self) -> Framework:
        return load_framework(self.framework_id)

    @property
    def agency_kinds(self) -> tuple[str, ...]:
        return self.framework.agency_types


class Phase(models.TextChoices):
    REGISTRATION = "registration", _("Registration and headcounts")
    OIT_ENTRY = "oit_entry", _("OIT evidence entry")
    SURVEYS = "surveys", _("IIT/EIT surveys")
    OIT_REVIEW = "oit_review", _("OIT review")
    CLARIFICATION = "clarification", _("Clarification")
    CONFIRMATION = "confirmation", _("Confirmation")
    RESULTS = "results", _("Results announced")


class RoundPhase(models.Model):
    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="phases")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))

    class Meta:
        ordering = ["round", "starts_on"]
        unique_together = [("round", "phase")]
        verbose_name = _("phase")
