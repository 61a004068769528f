"""Scores from the collected answers: ``compute_survey_results`` (a state change: audited, in a transaction), from
``queries.responses_by_tool`` (the released answers per tool, as the core engine reads them).  Re-exported by
``services``; see docs/surveys.md, "Scores from the collected answers".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from prongsai.core.scoring import rounded, score_agency
from prongsai.web.agencies.models import Agency
from prongsai.web.audit.actions import AuditAction
from prongsai.web.audit.services import record
from prongsai.web.results.models import AgencyResult, ResultSource
from prongsai.web.rounds.models import AssessmentRound
from prongsai.web.surveys.ballot import MIN_RESPONDENTS
from prongsai.web.surveys.queries import minimum_sample, responses_by_tool
from prongsai.web.surveys.scope import check_scope as _check_scope
from prongsai.web.surveys.scope import survey_tools


@dataclass
class ComputedSurveys:
    result: AgencyResult
    respondents: dict[str, int]
    minimum: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0  # stored responses that no longer fit the edition (never expected)


def compute_survey_results(actor, round_: AssessmentRound, agency: Agency) -> ComputedSurveys:
    """Score the collected IIT/EIT answers through the core engine and store them as the computed result.

    Indicators of the survey tools only (OIT comes from the OIT feature); the total and level stay empty until
    every tool has a score.  A tool with fewer than ``MIN_RESPONDENTS`` respondents gets no score at all, not
    even per indicator (one person's indicator scores are their answers): a warning says so.
    """
    framework = _check_scope(actor, round_, agency)
    surveys, skipped = responses_by_tool(round_, agency, framework)
    score = score_agency(framework, surveys)
    tools = [t.code for t in survey_tools(framework)]
    survey_indicators = {i.number for i in framework.indicators if i.tool in tools}
    shown_tools = {t for t in tools if len(surveys[t]) >= MIN_RESPONDENTS}
    indicators = {
        str(n): str(rounded(v))
        for n, v in score.indicators.items()
        if n in survey_indicators and v is not None and framework.indicator(n).tool in shown_tools
    }
    items: dict[str, str] = {}
    for tool in tools:
        if tool not in shown_tools:
            continue
        for q in framework.questions_of(tool):
            for code in [q.code] + [f.code for f in q.fields if q.has_sub_items]:
                value = score.items.get(code)
                if value is not None:
                    items[code] = str(rounded(value))
    respondents = {tool: len(surveys[tool]) for tool in tools}
    minimum = minimum_sample(round_, agency, framework)
    warnings = []
    for tool in tools:
        if minimum.get(tool) is None:
            warnings.append(_("%(tool)s: no headcount entered, so the minimum sample is unknown") % {"tool": tool})
        elif respondents[tool] < minimum[tool]:
            warnings.append(
                _("%(tool)s: %(n)s respondents, below the minimum of %(min)s")
                % {"tool": tool, "n": f"{respondents[tool]:,}", "min": f"{minimum[tool]:,}"}
            )
    for tool in tools:
        if tool not in shown_tools and surveys[tool]:
            warnings.append(
                _(
                    "%(tool)s: %(n)s respondents, fewer than %(min)s, so no score is shown yet "
                    "(so that no one's answers can be singled out)"
                )
                % {"tool": tool, "n": f"{len(surveys[tool]):,}", "min": MIN_RESPONDENTS}
            )
    tool_scores = {t: v if t in shown_tools else None for t, v in score.tools_rounded.items()}
    complete = all(v is not None for v in score.tools.values()) and len(shown_tools) == len(tools)
    values = {
        "indicators": indicators,
        "respondents": respondents,
        "items": items,
        "iit": tool_scores.get("IIT"),
        "eit": tool_scores.get("EIT"),
        "oit": None,
        "total": score.total_rounded if complete else None,
        "level": (score.level or "") if complete else "",
    }
    with transaction.atomic():
        result, _created = AgencyResult.objects.update_or_create(
            round=round_, agency=agency, source=ResultSource.COMPUTED, defaults=values
        )
        record(
            actor,
            AuditAction.COMPUTE_SURVEY_RESULTS,
            f"{agency.display_name}: survey scores {round_.fiscal_year} from "
            + ", ".join(f"{t} {n}" for t, n in respondents.items())
            + " responses",
            agency=agency,
            obj=result,
            changes={"respondents": respondents, "indicators": indicators, "warnings": warnings},
        )
    return ComputedSurveys(result=result, respondents=respondents, minimum=minimum, warnings=warnings, skipped=skipped)
