"""Read-only views of the surveys: progress against the minimum sample, the national table, item scores.

A fixed number of queries per call, whatever the number of agencies or responses (grouped counts in SQL).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from prongsai.core.framework import Framework
from prongsai.core.scoring import rounded, score_survey
from prongsai.web.agencies.models import Agency
from prongsai.web.messages import localized
from prongsai.web.rounds.models import AssessmentRound, sampling_group
from prongsai.web.surveys import ballot
from prongsai.web.surveys.ballot import MIN_RESPONDENTS, held_counts
from prongsai.web.surveys.models import (
    CodeBatch,
    CodeStatus,
    HeldResponse,
    RespondentCode,
    SurveyPopulation,
    SurveyResponse,
)
from prongsai.web.surveys.scope import survey_tools


def _percent(done: int, goal: int | None) -> Decimal | None:
    if not goal:
        return None
    return rounded(Fraction(100 * done, goal))


@dataclass
class GroupProgress:
    code: str
    name: str
    headcount: int | None
    responses: int
    #: the tool's minimum shared in proportion to the headcounts (a guide for handing out codes)
    target: int | None

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.responses, self.target)


@dataclass
class ToolProgress:
    code: str
    name: str
    respondents_th: str
    population: int | None
    minimum: int | None
    responses: int
    groups: list[GroupProgress] = field(default_factory=list)
    codes: dict[str, int] = field(default_factory=dict)  # status → count
    sampling_note: str = ""

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.responses, self.minimum)

    @property
    def bar(self) -> int:
        """Width of the progress bar, 0–100."""
        p = self.percent
        return 0 if p is None else int(min(Decimal(100), p))

    @property
    def below(self) -> bool:
        return self.minimum is not None and self.responses < self.minimum

    @property
    def missing(self) -> int:
        return max(0, (self.minimum or 0) - self.responses)


def minimum_for(framework: Framework, tool: str, population: int | None, agency: Agency | None = None) -> int | None:
    rule = framework.sampling.get(tool)
    if rule is None or population is None:
        return None
    return rule.minimum(population, sampling_group(rule, agency))


def minimum_sample(round_: AssessmentRound, agency: Agency, framework: Framework | None = None) -> dict[str, int]:
    framework = framework or round_.framework
    totals = dict(
        SurveyPopulation.objects.filter(round=round_, agency=agency)
        .values("tool")
        .annotate(n=Sum("headcount"))
        .values_list("tool", "n")
    )
    # (mypy) Sum over existing rows is never NULL
    return {tool: minimum_for(framework, tool, n, agency) for tool, n in totals.items()}  # type: ignore[misc]


def _share(minimum: int | None, headcount: int | None, population: int | None) -> int | None:
    if minimum is None or headcount is None or not population:
        return None
    return min(headcount, math.ceil(minimum * headcount / population))


def progress(round_: AssessmentRound, agency: Agency, *, only_missing: bool = False) -> list[ToolProgress]:
    """Per survey tool and group: headcount, minimum sample, responses so far (released and held in the ballot
    box: both count towards the sample), codes by status (3 queries).

    ``only_missing`` is for a caller that reads only ``missing`` (the officer's checklist): no code counts, and
    while no headcount is entered (so no tool has a minimum yet) no response counts either (1 or 2 queries)."""
    framework = round_.framework
    heads = {(p.tool, p.group): p.headcount for p in SurveyPopulation.objects.filter(round=round_, agency=agency)}
    answered: dict[tuple[str, str], int] = {}
    if heads or not only_missing:
        # released and held responses in one query (the ballot box holds some back until it may release them)
        released = (
            SurveyResponse.objects.filter(round=round_, agency=agency)
            .order_by()
            .values("tool", "group")
            .annotate(n=Count("id"))
        )
        held = (
            HeldResponse.objects.filter(round=round_, agency=agency)
            .order_by()
            .values("tool", "group")
            .annotate(n=Count("id"))
        )
        for row in released.union(held, all=True):
            answered[(row["tool"], row["group"])] = answered.get((row["tool"], row["group"]), 0) + row["n"]
    code_counts: dict[str, dict[str, int]] = {}
    if not only_missing:
        for row in (
            RespondentCode.objects.filter(round=round_, agency=agency).values("tool", "status").annotate(n=Count("id"))
        ):
            code_counts.setdefault(row["tool"], {})[row["status"]] = row["n"]
    tools = []
    for tool in framework.tools:
        if tool.kind != "survey":
            continue
        entered = [heads[(tool.code, g.code)] for g in tool.groups if (tool.code, g.code) in heads]
        population = sum(entered) if entered else None
        minimum = minimum_for(framework, tool.code, population, agency)
        rule = framework.sampling.get(tool.code)
        groups = [
            GroupProgress(
                code=g.code,
                name=g.name_th,
                headcount=heads.get((tool.code, g.code)),
                responses=answered.get((tool.code, g.code), 0),
                target=_share(minimum, heads.get((tool.code, g.code)), population),
            )
            for g in tool.groups
        ]
        counts = {s: code_counts.get(tool.code, {}).get(s, 0) for s in CodeStatus.values}
        tools.append(
            ToolProgress(
                code=tool.code,
                name=localized(tool.name_th, tool.name_en),
                respondents_th=tool.respondents_th,
                population=population,
                minimum=minimum,
                responses=sum(n for (t, _g), n in answered.items() if t == tool.code),
                groups=groups,
                codes=counts,
                sampling_note=sampling_note(rule),
            )
        )
    return tools


def batches(round_: AssessmentRound, agency: Agency) -> list[dict]:
    """The code batches with their counts by status (2 queries)."""
    rows = list(CodeBatch.objects.filter(round=round_, agency=agency).select_related("created_by"))
    counts: dict[int, dict[str, int]] = {}
    for row in RespondentCode.objects.filter(batch__in=rows).values("batch", "status").annotate(n=Count("id")):
        counts.setdefault(row["batch"], {})[row["status"]] = row["n"]
    names = {(t.code, g.code): g.name_th for t in round_.framework.tools for g in t.groups}
    return [
        {
            "batch": b,
            "group_name": names.get((b.tool, b.group), b.group),
            **{s: counts.get(b.pk, {}).get(s, 0) for s in CodeStatus.values},
        }
        for b in rows
    ]


# -------------------------------------------------------------------------------------- question-level scores


@dataclass
class FieldScore:
    code: str
    text: str
    score: Decimal | None
    #: how many respondents chose each option, in the scale's order: (label, count, option score)
    distribution: list[tuple[str, int, Decimal]] = field(default_factory=list)
    reverse: bool = False


@dataclass
class QuestionScore:
    code: str
    text: str
    note: str
    score: Decimal | None
    fields: list[FieldScore]
    has_sub_items: bool


@dataclass
class IndicatorScores:
    number: int
    name: str
    tool: str
    score: Decimal | None
    questions: list[QuestionScore]


@dataclass
class ToolScores:
    code: str
    name: str
    respondents: int
    shown: bool  # any score of the tool (indicator, question, option counts) is shown from MIN_RESPONDENTS on
    indicators: list[IndicatorScores]
    held: int = 0  # answers in the ballot box, not in the scores yet (released in batches of MIN_RESPONDENTS)


def question_scores(round_: AssessmentRound, agency: Agency, minimum: int = MIN_RESPONDENTS) -> list[ToolScores]:
    """Indicator, question and sub-item scores per survey tool, through ``core.scoring.score_survey``.

    A tool with fewer than ``minimum`` released responses shows no score at all (not even per indicator):
    the same floor as the exports and the stored computed result.
    """
    framework = round_.framework
    surveys, _skipped = responses_by_tool(round_, agency, framework)
    held: dict[str, int] = {}
    for (_agency, tool, _group), n in held_counts(round_, agency).items():
        held[tool] = held.get(tool, 0) + n
    out = []
    for tool in framework.tools:
        if tool.kind != "survey":
            continue
        responses = surveys.get(tool.code, [])
        shown = len(responses) >= minimum
        indicator_scores, items = score_survey(framework, tool.code, responses)
        indicators = []
        for ind in framework.indicators_of(tool.code):
            questions = []
            for q in framework.questions:
                if q.indicator != ind.number:
                    continue
                fields = []
                for f in q.fields:
                    counts = [0] * len(f.scale.options)
                    if shown:
                        for r in responses:
                            counts[r[f.code]] += 1
                    dist = [
                        (o.label, counts[i], rounded(f.scale.score(i, f.reverse)))
                        for i, o in enumerate(f.scale.options)
                    ]
                    fields.append(
                        FieldScore(
                            code=f.code,
                            text=f.text,
                            score=rounded(items.get(f.code)) if shown else None,
                            distribution=dist if shown else [],
                            reverse=f.reverse,
                        )
                    )
                questions.append(
                    QuestionScore(
                        code=q.code,
                        text=q.text,
                        note=q.note,
                        score=rounded(items.get(q.code)) if shown else None,
                        fields=fields,
                        has_sub_items=q.has_sub_items,
                    )
                )
            indicators.append(
                IndicatorScores(
                    number=ind.number,
                    name=localized(ind.name_th, ind.name_en),
                    tool=tool.code,
                    score=rounded(indicator_scores.get(ind.number)) if shown else None,
                    questions=questions,
                )
            )
        out.append(
            ToolScores(
                code=tool.code,
                name=localized(tool.name_th, tool.name_en),
                respondents=len(responses),
                shown=shown,
                indicators=indicators,
                held=held.get(tool.code, 0),
            )
        )
    return out


# ---------------------------------------------------------------------------------------- national progress


@dataclass
class NationalRow:
    agency: Agency
    tools: dict[str, dict]  # tool → {population, minimum, responses, percent}

    @property
    def below(self) -> bool:
        return any(t["minimum"] is None or t["responses"] < t["minimum"] for t in self.tools.values())

    @property
    def complete(self) -> bool:
        return not self.below


def national_progress(round_: AssessmentRound, agencies) -> list[NationalRow]:
    """One row per agency of ``agencies`` (a queryset): population, minimum and responses per survey tool."""
    framework = round_.framework
    tool_codes = [t.code for t in framework.tools if t.kind == "survey"]
    ids = agencies.values("pk")
    pop: dict[tuple[int, str], int] = {}
    for row in (
        SurveyPopulation.objects.filter(round=round_, agency__in=ids)
        .values("agency", "tool")
        .annotate(n=Sum("headcount"))
    ):
        pop[(row["agency"], row["tool"])] = row["n"]
    answered: dict[tuple[int, str], int] = {}
    for row in (
        SurveyResponse.objects.filter(round=round_, agency__in=ids).values("agency", "tool").annotate(n=Count("id"))
    ):
        answered[(row["agency"], row["tool"])] = row["n"]
    for row in (
        HeldResponse.objects.filter(round=round_, agency__in=ids).values("agency", "tool").annotate(n=Count("id"))
    ):
        answered[(row["agency"], row["tool"])] = answered.get((row["agency"], row["tool"]), 0) + row["n"]
    rows = []
    for agency in agencies:
        tools = {}
        for code in tool_codes:
            population = pop.get((agency.pk, code))
            minimum = minimum_for(framework, code, population, agency)
            responses = answered.get((agency.pk, code), 0)
            tools[code] = {
                "population": population,
                "minimum": minimum,
                "responses": responses,
                "percent": _percent(responses, minimum),
            }
        rows.append(NationalRow(agency=agency, tools=tools))
    return rows


def sampling_note(rule) -> str:
    """What the officer reads under the sample bar.  Never the edition's own ``note``: that is a source remark for
    the edition's maintainers, half in English ("Editable stand-in borrowed from …"); the officer needs to know
    only whether the minimum is settled and who can change it."""
    if rule is None or rule.confidence != "provisional":
        return ""
    return _(
        "This minimum is provisional: no published rule for this kind of agency was found, so it follows the "
        "nearest published one. The central administrator can change it in the edition."
    )


def responses_by_tool(round_: AssessmentRound, agency: Agency, framework: Framework) -> tuple[dict, int]:
    """Answers per survey tool as the core engine reads them; responses missing a field are left out.

    Only released responses count (the ballot box's held ones become visible in batches, ``ballot.py``); for a
    round that is no longer open, whatever is still held is released first.
    """
    if not round_.is_open:
        ballot.release_round(round_.pk, [agency.pk])
    surveys: dict[str, list[dict[str, int]]] = {t.code: [] for t in survey_tools(framework)}
    needed = {tool: {f.code for f in framework.answer_fields(tool)} for tool in surveys}
    skipped = 0
    for tool, answers in SurveyResponse.objects.filter(round=round_, agency=agency).values_list("tool", "answers"):
        if tool not in surveys or not needed[tool] <= set(answers):
            skipped += 1
            continue
        surveys[tool].append({k: int(v) for k, v in answers.items() if k in needed[tool]})
    return surveys, skipped
