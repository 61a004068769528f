"""IIT and EIT surveys: headcounts, single-use respondent codes, an open EIT link, and anonymous responses.

The anonymity rules (docs/surveys.md, proven by tests/integration/test_surveys_anonymity.py):

- ``SurveyResponse`` holds no code, account, IP address or time: only the round, the agency, the tool, the
  respondent group, the channel, the Monday of the week it came in, and the answers.  Its primary key is a random
  UUID, so the order of insertion is not visible through it.
- ``RespondentCode`` stores a keyed hash of the code (never the code) and its status.  It has no timestamp of
  use and no link to a response, and no table links the two; the only thing a use changes is ``status``.
- Nothing here is written with an audit entry when a respondent answers (an audit row with its exact time would
  be a link); the officers' changes (headcounts, codes, revocations, results) are audited as usual.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SurveyPopulation(models.Model):
    """Headcount of one respondent group of one survey tool in an agency, for one round."""

    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    tool = models.CharField(_("tool"), max_length=8)
    group = models.CharField(_("respondent group"), max_length=40)
    headcount = models.PositiveIntegerField(_("headcount"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "agency", "tool", "group"], name="one_headcount_per_group")
        ]
        ordering = ["round", "agency", "tool", "group"]
        verbose_name = _("survey population")

    def __str__(self) -> str:
        return f"{self.agency} {self.tool}/{self.group}: {self.headcount}"


class CodeBatch(models.Model):
    """Codes generated together for one tool and group (printed once as a sheet of slips)."""

    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    tool = models.CharField(_("tool"), max_length=8)
    group = models.CharField(_("respondent group"), max_length=40)
    size = models.PositiveIntegerField(_("number of codes"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("code batch")

    def __str__(self) -> str:
        return f"{self.agency} {self.tool}/{self.group} × {self.size}"


class CodeStatus(models.TextChoices):
    UNUSED = "unused", _("Unused")
    USED = "used", _("Used")
    REVOKED = "revoked", _("Revoked")


class RespondentCode(models.Model):
    """A single-use respondent code, known only by its keyed hash (HMAC-SHA256 with the SECRET_KEY).

    Deliberately absent: the code itself, any time of use, any link to a response.
    """

    digest = models.CharField(max_length=64, unique=True)
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    tool = models.CharField(max_length=8)
    group = models.CharField(max_length=40)
    status = models.CharField(max_length=8, choices=CodeStatus.choices, default=CodeStatus.UNUSED)
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(status__in=CodeStatus.values), name="code_status_valid")]
        # ``status`` is in no index, so that using a code is a HOT update on PostgreSQL (no index entry written,
        # the new row version stays in its page: the table is filled to 70 %, migration 0003): the cheapest write
        # of a submission, and one that does not move the row to the end of the table in the order of use
        indexes = [models.Index(fields=["round", "agency", "tool"], name="code_scope")]
        verbose_name = _("respondent code")

    def __str__(self) -> str:
        return f"{self.tool}/{self.group} {self.status}"


class OpenLink(models.Model):
    """An open EIT link of an agency for walk-in service users, guarded per device (docs/surveys.md)."""

    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    tool = models.CharField(max_length=8, default="EIT")
    group = models.CharField(max_length=40)
    #: public (printed on a poster), so stored as is; rotating it retires the old link
    token = models.CharField(max_length=32, unique=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "agency", "tool"], name="one_open_link")]
        verbose_name = _("open survey link")

    def __str__(self) -> str:
        return f"{self.agency} {self.tool} open link"


class Channel(models.TextChoices):
    CODE = "code", _("Single-use code")
    OPEN = "open", _("Open link")


class HeldResponse(models.Model):
    """A submitted response waiting in the ballot box until it is released with others (``ballot.py``).

    Written in the same transaction as the code's use (so PostgreSQL gives both rows one ``xmin``, and SQLite's
    WAL holds both in one commit): that is why it holds the answers only sealed (AES-GCM under a key derived
    from the SECRET_KEY, which is not in the database), and why it lives only until its scope holds
    ``MIN_RESPONDENTS`` of them, when they are released together, shuffled, with fresh keys, and deleted.
    The plain columns are the release scope, which the used code's row states anyway.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # no foreign-key constraint and no index of their own: the used code's row already guarantees both, the scope
    # index covers the lookups, and on PostgreSQL an FK check would lock the round's and agency's rows (KEY
    # SHARE) in every concurrent submission of that agency; Django still deletes these rows with their agency
    round = models.ForeignKey(
        "rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    tool = models.CharField(max_length=8)
    group = models.CharField(max_length=40)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.CODE)
    #: nonce ‖ AES-GCM ciphertext of {"week": …, "answers": …}
    sealed = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["round", "agency", "tool", "group", "channel"], name="held_scope")]
        verbose_name = _("held survey response")


class SpentFormNonce(models.Model):
    """An open-link form state that was submitted: only a keyed hash of its random nonce (a replay is refused).

    Holds nothing about the answers or the person; the round is there so that the rows go with it.
    """

    digest = models.CharField(max_length=64, primary_key=True)
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("spent open-link form")


class RateCounter(models.Model):
    """Atomic per-client counters of the survey rate limits (``ratelimit.py``): a keyed hash, never an address."""

    key = models.CharField(max_length=64, primary_key=True)
    #: end of the counter's window (unix seconds); a hit after it starts a new window at 1
    expires = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("survey rate counter")


class SurveyResponse(models.Model):
    """One respondent's answers, anonymous: no code, account, IP address or time of day (see module doc)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    tool = models.CharField(max_length=8)
    group = models.CharField(max_length=40)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.CODE)
    #: the Monday of the (Asia/Bangkok) week the answers came in: coarser than a date, on purpose
    week = models.DateField()
    #: answer-field code (I1.1, E6 …) → 0-based option index
    answers = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["round", "agency", "tool", "group"], name="response_progress")]
        verbose_name = _("survey response")

    def __str__(self) -> str:
        return f"{self.agency} {self.tool}/{self.group} week of {self.week}"
