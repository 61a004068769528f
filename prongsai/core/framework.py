"""Framework editions: the data model of one year's ITA instrument and the one loader that reads it.

Every fact about an edition (tools and weights, indicators, questions and their answer scales, OIT items and how
they score, level bands, sampling rules) comes from a YAML file under ``prongsai/frameworks/``.  This module turns
such a file into frozen dataclasses and refuses a file that is wrong, naming the file, the path inside it and the
problem, so that a central admin who edits a file learns exactly what to fix.  See ``docs/frameworks.md``.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import yaml

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "frameworks"
CONFIDENCE = ("verified", "corroborated", "recollection")
SCORING_METHODS = ("pass_fail", "elements", "percent")
AGGREGATIONS = ("item_mean", "flat")
AGENCY_TYPES = ("esa", "school", "general")


class FrameworkError(ValueError):
    """A framework file is missing or invalid; ``problems`` lists every ``(path, message)`` found."""

    def __init__(self, file: str, problems: list[tuple[str, str]]):
        self.file = file
        self.problems = problems
        lines = [f"{file}: {path}: {msg}" if path else f"{file}: {msg}" for path, msg in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Option:
    label: str
    score: Fraction


@dataclass(frozen=True)
class Scale:
    name: str
    name_th: str
    options: tuple[Option, ...]

    def score(self, index: int, reverse: bool) -> Fraction:
        """Score of the option at 0-based ``index``; a reversed field takes the mirrored option's score."""
        if reverse:
            index = len(self.options) - 1 - index
        return self.options[index].score

    def index_of(self, label: str) -> int | None:
        for i, option in enumerate(self.options):
            if option.label == label:
                return i
        return None


@dataclass(frozen=True)
class RespondentGroup:
    code: str
    name_th: str


@dataclass(frozen=True)
class Tool:
    code: str
    kind: str  # "survey" (IIT, EIT) or "evidence" (OIT)
    name_th: str
    name_en: str
    weight: Fraction
    respondents_th: str = ""
    groups: tuple[RespondentGroup, ...] = ()


@dataclass(frozen=True)
class SubIndicator:
    code: str
    name_th: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    number: int
    name_th: str
    name_en: str
    tool: str
    weight: Fraction  # share inside its tool (equal shares unless the file says otherwise)
    sub_indicators: tuple[SubIndicator, ...] = ()


@dataclass(frozen=True)
class AnswerField:
    """One answer a respondent gives: a question without sub-items, or one sub-item."""

    code: str
    question: str
    indicator: int
    text: str
    scale: Scale
    reverse: bool


@dataclass(frozen=True)
class Question:
    code: str
    indicator: int
    text: str
    scale: str
    reverse: bool
    note: str
    confidence: str
    source: str
    fields: tuple[AnswerField, ...]

    @property
    def has_sub_items(self) -> bool:
        return not (len(self.fields) == 1 and self.fields[0].code == self.code)


@dataclass(frozen=True)
class Element:
    code: str
    text: str
    weight: Fraction


@dataclass(frozen=True)
class OITItem:
    code: str
    indicator: int
    sub_indicator: str | None
    group: str
    title: str
    title_known: bool
    requirement: str
    time_window: str
    keywords: tuple[str, ...]
    method: str
    elements: tuple[Element, ...]
    confidence: str
    source: str
    previous_codes: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Level:
    label: str
    label_en: str
    min: Decimal
    tool_min: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class SamplingRule:
    percent: Decimal
    floor: int
    cap: int | None
    note: str = ""

    def minimum(self, population: int) -> int:
        """Minimum respondents for a population: everyone below the floor, else a share clamped to floor..cap."""
        if population <= 0:
            return 0
        if population <= self.floor:
            return population
        share = math.ceil(Decimal(population) * self.percent / 100)
        needed = max(self.floor, share)
        if self.cap is not None:
            needed = min(self.cap, needed)
        return min(population, needed)


@dataclass(frozen=True, eq=False)  # compared by identity: editions are loaded once and cached
class Framework:
    id: str
    name_th: str
    name_en: str
    fiscal_years: tuple[int, ...]
    default_for_years: tuple[int, ...]
    agency_types: tuple[str, ...]
    previous: str | None
    aggregation: str
    pass_target: Decimal
    sources: tuple[str, ...]
    notes: str
    tools: tuple[Tool, ...]
    indicators: tuple[Indicator, ...]
    scales: dict[str, Scale]
    questions: tuple[Question, ...]
    oit_items: tuple[OITItem, ...]
    levels: tuple[Level, ...]
    sampling: dict[str, SamplingRule]
    path: str = ""

    def tool(self, code: str) -> Tool:
        return next(t for t in self.tools if t.code == code)

    def indicator(self, number: int) -> Indicator:
        return next(i for i in self.indicators if i.number == number)

    def indicators_of(self, tool: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.tool == tool)

    def questions_of(self, tool: str) -> tuple[Question, ...]:
        numbers = {i.number for i in self.indicators_of(tool)}
        return tuple(q for q in self.questions if q.indicator in numbers)

    def answer_fields(self, tool: str) -> tuple[AnswerField, ...]:
        return tuple(f for q in self.questions_of(tool) for f in q.fields)

    def oit_item(self, code: str) -> OITItem:
        return next(o for o in self.oit_items if o.code == code)

    @property
    def survey_tools(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.tools if t.kind == "survey")

    @property
    def evidence_tools(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.tools if t.kind == "evidence")

    @functools.cached_property
    def field_coefficients(self) -> dict[str, Fraction]:
        """Weight of each answer field in its indicator's score (they sum to 1 per indicator).

        Aggregation is linear, so an agency's indicator score is ``Σ coefficient × mean answer score`` over the
        indicator's fields; both scoring paths use these coefficients, which is what makes them agree exactly.
        """
        coefficients: dict[str, Fraction] = {}
        for indicator in self.indicators:
            questions = [q for q in self.questions if q.indicator == indicator.number]
            if not questions:
                continue
            if self.aggregation == "flat":
                n_fields = sum(len(q.fields) for q in questions)
                for q in questions:
                    for f in q.fields:
                        coefficients[f.code] = Fraction(1, n_fields)
            else:
                for q in questions:
                    for f in q.fields:
                        coefficients[f.code] = Fraction(1, len(questions) * len(q.fields))
        return coefficients

    def level_for(self, total: Decimal, tool_scores: dict[str, Decimal] | None = None) -> Level:
        """The first band the (rounded) total reaches, with its per-tool minimums if it has any."""
        for level in self.levels:
            if total < level.min:
                continue
            if level.tool_min:
                if tool_scores is None:
                    continue
                if any(tool_scores.get(code) is None or tool_scores[code] < minimum
                       for code, minimum in level.tool_min.items()):
                    continue
            return level
        return self.levels[-1]


# --------------------------------------------------------------------------------------------------- loading


def framework_dirs() -> list[Path]:
    """Bundled editions, then any extra directories named in PRONGSAI_FRAMEWORKS (os.pathsep-separated)."""
    extra = [Path(p) for p in os.environ.get("PRONGSAI_FRAMEWORKS", "").split(os.pathsep) if p]
    return [BUNDLED_DIR, *extra]


def available_frameworks() -> list[str]:
    ids = {p.stem for d in framework_dirs() if d.is_dir() for p in d.glob("*.yaml")}
    return sorted(ids)


def framework_path(framework_id: str) -> Path:
    for directory in reversed(framework_dirs()):  # a local directory may override a bundled edition
        candidate = directory / f"{framework_id}.yaml"
        if candidate.is_file():
            return candidate
    known = ", ".join(available_frameworks())
    raise FrameworkError(f"{framework_id}.yaml", [("", f"unknown framework '{framework_id}' (known: {known})")])


#: libyaml's safe loader when PyYAML was built with it (about 9× faster: 8 ms instead of 70 ms an edition, which
#: every command that loads an edition pays at start-up), else the pure-Python one; both accept the same files
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=None)
def load_framework(framework_id: str) -> Framework:
    """Load and validate one edition by id (cached; editions are immutable once loaded)."""
    return load_framework_file(framework_path(framework_id))


def load_all() -> list[Framework]:
    return [load_framework(i) for i in available_frameworks()]


def framework_for_year(year_be: int) -> Framework | None:
    """The edition that `prongsai score` uses for a fiscal year when none is named."""
    for framework in load_all():
        if year_be in framework.default_for_years:
            return framework
    return None


def load_framework_file(path: Path | str) -> Framework:
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except UnicodeDecodeError:
        raise FrameworkError(path.name, [("", "not UTF-8 text")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise FrameworkError(path.name, [(where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from None
    from prongsai.core.framework_schema import Reader  # the validator lives beside, to keep this file readable

    reader = Reader(path.name)
    framework = reader.framework(raw, expected_id=path.stem, path=str(path))
    if reader.problems or framework is None:
        raise FrameworkError(path.name, reader.problems)
    return framework
