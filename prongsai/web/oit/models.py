"""OIT evidence, automatic link checks, assessor review rounds and assessor assignments (docs/oit.md).

One ``OITEntry`` per (round, agency, item code) holds the agency's evidence for one O-item: links
(``EvidenceLink``) and uploaded files (``EvidenceFile``), the unit responsible, and the item's place in the
cycle draft → ready → submitted → reviewed → (clarifying → clarified) → confirmed.  Rows are created by the
service functions the first time an item is touched; an item without a row is an untouched draft.

Every link check is a dated ``LinkCheck`` row (history is kept); every assessor decision is an ``OITReview`` row
that is never updated once confirmed: a correction is a new row with a reason.  All writes go through
``prongsai.web.oit.services``.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prongsai.web.oit.checktext import ShownProblem


class EntryStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("OIT item status", "Draft")  # "Draft" alone is a document's
    READY = "ready", _("Ready to submit")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    REVIEWED = "reviewed", _("Reviewed (round 1)")
    CLARIFYING = "clarifying", _("Awaiting the agency's clarification")
    CLARIFIED = "clarified", _("Clarified, awaiting round 2")
    CONFIRMED = "confirmed", _("Score confirmed")


# Which moves join these statuses, and who makes them: ``prongsai.web.oit.lifecycle`` (one transition table).


class OITEntry(models.Model):
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="oit_entries")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="oit_entries")
    code = models.CharField(_("item code"), max_length=16)
    unit = models.ForeignKey(
        "agencies.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="oit_entries",
        verbose_name=_("responsible unit"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.DRAFT, db_index=True
    )
    note = models.TextField(_("agency's description"), blank=True)
    #: the agency's answer to the assessor's round-1 comment (ชี้แจงเพิ่มเติม)
    clarification = models.TextField(_("clarification"), blank=True)
    #: evidence carried over from last year's round (the item survived the framework diff); re-check before use
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    needs_recheck = models.BooleanField(_("needs checking again"), default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: what the public page shows: the public links and files as they were when last submitted (never drafts)
    published = models.JSONField(default=dict, blank=True)
    #: the current (latest) review, and the score it gives, exact ("200/3") and rounded for display and queries
    current_review = models.ForeignKey("OITReview", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    score_exact = models.CharField(max_length=40, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "agency", "code"], name="oit_one_entry_per_item")]
        ordering = ["round", "agency", "id"]
        verbose_name = _("OIT item evidence")

    def __str__(self) -> str:
        return f"{self.agency} {self.round.fiscal_year} {self.code}"

    @property
    def score_fraction(self) -> Fraction | None:
        return Fraction(self.score_exact) if self.score_exact else None


class EvidenceLink(models.Model):
    entry = models.ForeignKey(OITEntry, on_delete=models.CASCADE, related_name="links")
    url = models.URLField("URL", max_length=2000)
    label = models.CharField(_("description"), max_length=500, blank=True)
    is_public = models.BooleanField(_("shown on the public disclosure page"), default=True)
    needs_recheck = models.BooleanField(default=False)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    #: the id of the queued check task (cleared when a check is recorded) and the latest check
    pending_task = models.CharField(max_length=64, blank=True)
    last_check = models.ForeignKey("LinkCheck", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("evidence link")

    def __str__(self) -> str:
        return self.url


def evidence_upload_path(instance: EvidenceFile, filename: str) -> str:
    # The stored name never reuses the uploader's file name (it is kept in original_name): no path tricks.
    return f"oit/{instance.entry.round_id}/{instance.entry.agency_id}/{instance.sha256}{instance.extension}"


class EvidenceFile(models.Model):
    entry = models.ForeignKey(OITEntry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=evidence_upload_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    label = models.CharField(_("description"), max_length=500, blank=True)
    is_public = models.BooleanField(_("shown on the public disclosure page"), default=False)
    #: content analysis at upload (same rules as the link checker): fiscal year and keywords
    text_extracted = models.BooleanField(default=False)
    years_found = models.JSONField(default=list, blank=True)
    keywords_found = models.JSONField(default=list, blank=True)
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("evidence file")

    def __str__(self) -> str:
        return self.original_name


class CheckVerdict(models.TextChoices):
    OK = "ok", _("Passed")
    WARNING = "warning", _("Should be checked")
    BROKEN = "broken", _("Not working")


class LinkCheck(models.Model):
    """One automatic check of one link, dated; the snapshot hash proves what the page was at that moment."""

    link = models.ForeignKey(EvidenceLink, on_delete=models.CASCADE, related_name="checks")
    checked_at = models.DateTimeField(db_index=True)
    verdict = models.CharField(max_length=8, choices=CheckVerdict.choices)
    url = models.URLField(max_length=2000)
    final_url = models.URLField(max_length=2000, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    #: [[status, url], …] for every redirect followed
    redirects = models.JSONField(default=list, blank=True)
    redirect_to_login = models.BooleanField(default=False)
    redirect_other_domain = models.BooleanField(default=False)
    content_type = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    truncated = models.BooleanField(default=False)
    sha256 = models.CharField(max_length=64, blank=True)
    text_extracted = models.BooleanField(default=False)
    years_expected = models.JSONField(default=list, blank=True)
    years_found = models.JSONField(default=list, blank=True)
    keywords_found = models.JSONField(default=list, blank=True)
    keywords_missing = models.JSONField(default=list, blank=True)
    #: [{"code": "http_404", "level": "broken"|"warning", "message": Thai text, "text": English msgid,
    #: "params": {…}}, …] (``checktext``; rows recorded before msgids were stored have no "text" and "params")
    problems = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=500, blank=True)
    elapsed_ms = models.PositiveIntegerField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("link check result")

    def __str__(self) -> str:
        return f"{self.url} {self.verdict} {self.checked_at:%Y-%m-%d}"

    @classmethod
    def from_db(cls, db, field_names, values):
        # the problems read in the page's language (``p.message`` in templates, ``p["message"]`` in code)
        check = super().from_db(db, field_names, values)
        if isinstance(check.__dict__.get("problems"), list):
            check.problems = [ShownProblem(p) if isinstance(p, dict) else p for p in check.problems]
        return check

    @property
    def year_ok(self) -> bool:
        return bool(set(self.years_found) & set(self.years_expected)) if self.years_expected else bool(self.years_found)


class ReviewStage(models.TextChoices):
    ROUND1 = "round1", _("Review round 1")
    ROUND2 = "round2", _("Review round 2 (after clarification)")
    CORRECTION = "correction", _("Correction after confirmation")


class ImmutableReview(Exception):
    pass


class OITReview(models.Model):
    """An assessor's judgement of one item.  Append-only: a confirmed row can never change or disappear."""

    entry = models.ForeignKey(OITEntry, on_delete=models.PROTECT, related_name="reviews")
    stage = models.CharField(max_length=12, choices=ReviewStage.choices)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=12)  # the edition's scoring method at the time: pass_fail/elements/percent
    passed = models.BooleanField(null=True, blank=True)
    #: element codes judged present (partial credit, or a pass/fail checklist)
    elements = models.JSONField(null=True, blank=True)
    given_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    score_exact = models.CharField(max_length=40)
    score = models.DecimalField(max_digits=5, decimal_places=2)
    comment = models.TextField(_("assessor's comment"), blank=True)
    #: why this row replaces an earlier decision (required for a correction after confirmation)
    reason = models.TextField(_("reason for the correction"), blank=True)
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["entry", "created_at", "id"]
        verbose_name = _("assessor's review")

    def __str__(self) -> str:
        return f"{self.entry} {self.stage} {self.score}"

    @property
    def score_fraction(self) -> Fraction:
        return Fraction(self.score_exact)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                OITReview.objects.filter(pk=self.pk)
                .values("confirmed_at", "score_exact", "comment", "elements", "passed", "given_score")
                .first()
            )
            if stored and stored["confirmed_at"] is not None:
                raise ImmutableReview(f"review {self.pk} is confirmed and cannot change; record a correction")
            if stored and self.confirmed_at is None:
                raise ImmutableReview(f"review {self.pk} cannot be edited; record a new review")
            if stored and any(
                stored[k] != v
                for k, v in (
                    ("score_exact", self.score_exact),
                    ("comment", self.comment),
                    ("elements", self.elements),
                    ("passed", self.passed),
                )
            ):
                raise ImmutableReview(f"review {self.pk}: only the confirmation may be added")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableReview("reviews are never deleted")


class AssessorAssignment(models.Model):
    """The central admin assigns an assessor to an agency for a round; the assessor sees only these agencies."""

    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="assessor_assignments")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="assessor_assignments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oit_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "agency", "assessor"], name="oit_one_assignment")]
        ordering = ["round", "agency", "id"]
        verbose_name = _("assessor assignment")

    def __str__(self) -> str:
        return f"{self.assessor} → {self.agency} ({self.round.fiscal_year})"


class ClarificationWindow(models.Model):
    """Round 2 for one agency: items the assessor returned may be amended and answered until the deadline."""

    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField()
    deadline = models.DateField(_("clarification allowed until"))
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="oit_one_clarification_window")]
        verbose_name = _("clarification period")


def decimal_score(value: Fraction) -> Decimal:
    from prongsai.core.scoring import rounded

    return rounded(value)
