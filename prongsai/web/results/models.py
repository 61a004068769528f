"""Per-agency results of a round: officially published scores (imported) and scores computed by Prongsai.

Scores are stored as published, to 2 decimals; ranks are not stored because they depend on the peer group
asked for and are cheap to compute (``prongsai.web.results.queries``).
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


class ImportBatch(models.Model):
    round = models.ForeignKey("rounds.AssessmentRound", on_delete=models.CASCADE, related_name="imports")
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
    items = models.JSONField(default=dict, blank=True)
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
        return combine_tools(framework, {code: Fraction(getattr(self, code.lower())) for code in ("IIT", "EIT", "OIT")
                                         if getattr(self, code.lower(), None) is not None})
