"""Per-agency results of a round: officially published scores (imported) and scores computed by Prongsai, and
each agency's standing among its peers.

Scores are stored as published, to 2 decimals.  Ranks, percentiles and the change since last year are derived:
``Standing`` holds them, one row per agency and round, rebuilt by ``prongsai.web.results.standings`` once after
the round's results change (never per request), so a national page of 30,000 agencies reads one page of rows.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from prongsai.core.scoring import AgencyScore, combine, combine_tools


class ResultSource(models.TextChoices):
    OFFICIAL = "official", _("Official (imported)")
    COMPUTED = "computed", _("Computed by Prongsai")


class ImportKind(models.TextChoices):
    RESULTS = "results", _("Published results (indicators or tools)")
    ITAS_ITEMS = "itas_items", _("ITAS item results of one agency")


class ImportBatch(models.Model):
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="imports")
    #: a round's published results (many agencies), or one agency's item results from ITAS (docs/itas.md)
    kind = models.CharField(max_length=12, choices=ImportKind.choices, default=ImportKind.RESULTS)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class AgencyResult(models.Model):
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="results")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="results")
    source = models.CharField(max_length=10, choices=ResultSource.choices, default=ResultSource.OFFICIAL)
    #: indicator number (as text) → score text with 2 decimals; empty when only tool scores were published
    indicators = models.JSONField(default=dict, blank=True)
    iit = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    eit = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    oit = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True, db_index=True)
    level = models.CharField(max_length=40, blank=True)
    #: respondent counts per tool and item-level scores (I1, I1.1, O1 …) when Prongsai computed the result
    respondents = models.JSONField(default=dict, blank=True)
    #: item code → score text ("100", "200/3"; "" = not applicable); from Prongsai's own scoring, or imported
    #: from ITAS (``items_batch``, prongsai.web.itas.services.import_itas_results)
    items = models.JSONField(default=dict, blank=True)
    items_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="results")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "agency", "source"], name="one_result_per_source")]
        ordering = ["round", "-total"]

    def __str__(self) -> str:
        return f"{self.agency} {self.round.fiscal_year}: {self.total} {self.level}"

    def indicator_scores(self) -> dict[int, Decimal]:
        return {int(k): Decimal(v) for k, v in self.indicators.items()}

    def core_score(self) -> AgencyScore:
        """The stored result as the core engine sees it (for analysis, what-if and documents)."""
        framework = self.round.framework
        if self.indicators:
            return combine(framework, {n: Fraction(v) for n, v in self.indicator_scores().items()})
        return combine_tools(
            framework,
            {
                code: Fraction(getattr(self, code.lower()))
                for code in ("IIT", "EIT", "OIT")
                if getattr(self, code.lower(), None) is not None
            },
        )


class Standing(models.Model):
    """An agency's effective result in a round (official beats computed) and its place among its peers.

    Derived data, written only by ``standings.rebuild``.  The peer group is the agency kind (``rank``, ``peers``,
    ``percentile``) and the kind within one region (``region_rank``, ``region_peers``); ranks are the core's
    competition ranks (1, 2, 2, 4) on the total.  ``position`` orders the kind's rows (rank, then code), so a
    page of a ranking, with or without filters, is one index range.  The agency's names, province, parent and a
    lower-cased ``search`` text are copied in, so that filtering, searching and paging 30,000 rows never joins
    another table (an edit of an agency marks the standings stale, so the copies never lag behind).
    """

    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=ResultSource.choices)
    code = models.CharField(max_length=32)
    name_th = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)
    short_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=16)
    subkind = models.CharField(max_length=32, blank=True)
    region = models.CharField(max_length=16, blank=True)
    province = models.CharField(max_length=64, blank=True)
    parent = models.CharField(max_length=32, blank=True)  # the parent agency's code
    search = models.TextField(blank=True)  # code and names, lower-cased
    iit = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    eit = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    oit = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    total = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    level = models.CharField(max_length=40, blank=True)
    rank = models.PositiveIntegerField(null=True)
    peers = models.PositiveIntegerField(default=0)
    percentile = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    region_rank = models.PositiveIntegerField(null=True)
    region_peers = models.PositiveIntegerField(default=0)
    previous_total = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    change = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    position = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="one_standing_per_round")]
        indexes = [
            models.Index(fields=["round", "kind", "position"], name="standing_ranking"),
            models.Index(fields=["round", "kind", "region", "position"], name="standing_region"),
            models.Index(fields=["round", "kind", "parent", "position"], name="standing_parent"),
            models.Index(fields=["round", "kind", "change", "position"], name="standing_change"),
        ]


class StandingState(models.Model):
    """Whether a round's standings are current: writers bump ``version`` (in their own transaction, through the
    signals in ``standings``); a rebuild records the version it was computed from in ``built_version``, and
    ``facets``: per agency kind, the row count and the sub-kinds, provinces and parent agencies present (the
    choices of the national page's filters, read with the state in one query)."""

    round = models.OneToOneField("rounds.AssessmentRound", on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.PositiveIntegerField(default=0)
    built_version = models.IntegerField(default=-1)
    built_at = models.DateTimeField(null=True)
    rows = models.PositiveIntegerField(default=0)
    facets = models.JSONField(default=dict)
