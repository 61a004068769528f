"""Assessment rounds: one framework edition (and, optionally, one of its agency-type variants) applied in one
fiscal year, with a calendar of phases.

How a round picks what its agencies answer: the central admin chooses the edition (built in, or an activated
upload such as ``ita-2570@2``) and a variant (``esa``, ``school``, ``local``, ``university``; empty = the general
edition).  The variant's overrides then apply to every agency of the round, and the round covers only the
agency types the variant serves.  An ESA round and a school round of the same edition and year are two rounds.
A round may later be moved to a corrected edition (``rounds.recompute``), never edited in place.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prongsai.core.framework import Framework, load_framework, with_variant


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class AssessmentRound(models.Model):
    framework_id = models.CharField(_("framework edition"), max_length=80)
    #: the agency-type variant of the edition this round applies ("" = the edition as written)
    variant = models.CharField(_("variant"), max_length=32, blank=True, default="")
    fiscal_year = models.PositiveIntegerField(_("fiscal year (B.E.)"))
    name_th = models.CharField(_("name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    #: when True, every agency's official results of this round are visible nationally
    results_published = models.BooleanField(_("results published"), default=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-fiscal_year", "framework_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework_id", "variant", "fiscal_year"], name="one_round_per_edition_variant_year"
            )
        ]
        verbose_name = _("assessment round")

    def __str__(self) -> str:
        return self.name_th

    @property
    def is_open(self) -> bool:
        """Agencies change evidence and respondents answer only while the round is open (moves: ``lifecycle``)."""
        return self.status == RoundStatus.OPEN

    @property
    def is_closed(self) -> bool:
        """A closed round takes no new respondent codes (a draft round may prepare them)."""
        return self.status == RoundStatus.CLOSED

    @property
    def framework(self) -> Framework:
        """The edition as this round's agencies see it (its variant applied); looked up once per object."""
        wanted = (self.framework_id, self.variant)
        cached = self.__dict__.get("_framework")
        if cached is None or cached[0] != wanted:
            cached = (wanted, with_variant(load_framework(self.framework_id), self.variant or None))
            self.__dict__["_framework"] = cached
        return cached[1]

    @property
    def edition(self) -> Framework:
        """The edition as written, without the variant (for diffs and downloads)."""
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


def sampling_group(rule, agency) -> str | None:
    """The agency group whose fixed EIT minimum applies to an agency (ITAS 2568 sets one per group).

    The agency's sub-type names it (``Agency.subkind``: the group's code or its Thai name, e.g. "เทศบาลตำบล (M)");
    otherwise the variant's default group (``sampling.<TOOL>.group``); otherwise none, and the rule's fallback share
    applies."""
    if rule is None or not getattr(rule, "groups", ()):
        return None
    subkind = (getattr(agency, "subkind", "") or "").strip().casefold()
    if subkind:
        for group in rule.groups:
            if subkind in (group.code.casefold(), group.name_th.casefold()):
                return group.code
    return rule.group
