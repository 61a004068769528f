"""Framework editions as data: the frozen dataclasses of one year's ITA instrument.

``Framework`` and its parts (tools, indicators, questions and their scales, OIT items, levels, sampling rules,
variants) are built by the validator (``framework_schema``) from an edition's data, which the loader
(``framework``) reads; both import this module, which imports neither, so the three read top-down.  The names
are re-exported by ``prongsai.core.framework``, the module the rest of the code imports.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from prongsai.core.thai import rounded

CONFIDENCE = ("confirmed", "corroborated", "provisional")
#: words of the first editions' files, still accepted (and shown with the new names)
LEGACY_CONFIDENCE = {"verified": "confirmed", "recollection": "provisional"}
CONFIDENCE_TH = {"confirmed": "ยืนยันแล้ว", "corroborated": "มีแหล่งสนับสนุน", "provisional": "ชั่วคราว ยังไม่ยืนยัน"}
#: the same words in English (the core has no gettext: the web picks one with ``localized``)
CONFIDENCE_EN = {
    "confirmed": "confirmed",
    "corroborated": "corroborated by a source",
    "provisional": "provisional, not yet confirmed",
}
SCORING_METHODS = ("pass_fail", "elements", "percent")
AGGREGATIONS = ("item_mean", "flat")
AGENCY_TYPES = ("esa", "school", "local", "university", "general")
AGENCY_TYPES_TH = {
    "esa": "สำนักงานเขตพื้นที่การศึกษา",
    "school": "สถานศึกษา",
    "local": "องค์กรปกครองส่วนท้องถิ่น",
    "university": "สถาบันอุดมศึกษา",
    "general": "หน่วยงานภาครัฐทั่วไป",
}
AGENCY_TYPES_EN = {
    "esa": "Educational service area office",
    "school": "School",
    "local": "Local government",
    "university": "University",
    "general": "Government agency",
}
DATA_WINDOWS = ("current", "previous")
#: how the evenly spaced options of a scale score: 0/33.33/66.67/100 or 0/33/67/100
OPTION_SCORES = ("two_decimals", "integers")
#: how a score is brought to two decimals for publication and for the level
ROUNDING = ("half_up", "truncate")
SAMPLING_METHODS = ("share", "bands", "by_agency_group")


class FrameworkError(ValueError):
    """An edition is missing or invalid; ``problems`` lists every ``(path, message)`` found (English), and
    ``problems_th`` the same problems in Thai, in the same order."""

    def __init__(self, file: str, problems: list[tuple[str, str]], problems_th: list[tuple[str, str]] | None = None):
        self.file = file
        self.problems = problems
        self.problems_th = problems_th or problems
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
    confidence: str = "confirmed"
    source: str = ""
    caveat: str = ""


@dataclass(frozen=True)
class SubIndicator:
    code: str
    name_th: str
    groups: tuple[str, ...] = ()
    confidence: str = "confirmed"
    source: str = ""
    caveat: str = ""


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
    note: str  # the instruction shown to the respondent
    confidence: str
    source: str
    fields: tuple[AnswerField, ...]
    caveat: str = ""  # what is uncertain (shown to officers beside the provisional mark, never to respondents)

    @property
    def has_sub_items(self) -> bool:
        return not (len(self.fields) == 1 and self.fields[0].code == self.code)

    @property
    def provisional(self) -> bool:
        return self.confidence == "provisional"


@dataclass(frozen=True)
class Element:
    code: str
    text: str
    weight: Fraction


@dataclass(frozen=True)
class OITItem:
    code: str  # stable inside the edition (O1 …); used in URLs, stored evidence and lineage
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
    display_code: str = ""  # as ITAS and the manual print it (o1 from 2568); defaults to the code
    key: str = ""  # a stable meaning across editions and agency types (participation, no_gift …)
    data_window: str | None = None  # current | previous fiscal year, or None (not tied to a year)
    caveat: str = ""

    @property
    def shown_code(self) -> str:
        return self.display_code or self.code

    @property
    def provisional(self) -> bool:
        return self.confidence == "provisional"

    def window_year(self, fiscal_year: int) -> int | None:
        """The B.E. fiscal year the evidence must cover in a round of ``fiscal_year`` (None: not year-bound)."""
        if self.data_window == "current":
            return fiscal_year
        if self.data_window == "previous":
            return fiscal_year - 1
        return None

    def window_th(self, fiscal_year: int | None) -> str:
        """The data window in words, for a round of ``fiscal_year`` (or in general without one)."""
        if self.data_window is None:
            return self.time_window
        which = "ปีงบประมาณที่ประเมิน" if self.data_window == "current" else "ปีงบประมาณก่อนปีที่ประเมิน"
        if fiscal_year is None:
            return f"ข้อมูล{which}"
        return f"ข้อมูลปีงบประมาณ พ.ศ. {self.window_year(fiscal_year)} ({which})"

    def window_en(self, fiscal_year: int | None) -> str:
        """:meth:`window_th` in English; an item without a data window keeps its edition's own (Thai) wording."""
        if self.data_window is None:
            return self.time_window
        which = (
            "the assessed fiscal year" if self.data_window == "current" else "the fiscal year before the assessed one"
        )
        if fiscal_year is None:
            return f"Data of {which}"
        return f"Data of fiscal year B.E. {self.window_year(fiscal_year)} ({which})"


@dataclass(frozen=True)
class Level:
    label: str
    label_en: str
    min: Decimal
    tool_min: dict[str, Decimal] = field(default_factory=dict)
    confidence: str = "confirmed"
    source: str = ""
    caveat: str = ""


@dataclass(frozen=True)
class Band:
    up_to: int | None  # population up to and including this many (None: any larger population)
    minimum: int


@dataclass(frozen=True)
class AgencyGroupMinimum:
    code: str
    name_th: str
    minimum: int


@dataclass(frozen=True)
class SamplingRule:
    """The minimum number of respondents of a survey tool.

    ``share``: everyone below ``floor``, else ``ceil(population × percent / 100)`` raised to ``floor`` and
    lowered to ``cap``; ``bands``: the minimum of the first band the population fits (a table as ITAS shows it);
    ``by_agency_group``: a fixed minimum per agency group (ITAS 2568), ``group`` naming the one that applies
    (variants set it), with the ``share`` fields as the fallback when no group applies.  Never more than the
    population itself.
    """

    percent: Decimal
    floor: int
    cap: int | None
    note: str = ""
    method: str = "share"
    bands: tuple[Band, ...] = ()
    groups: tuple[AgencyGroupMinimum, ...] = ()
    group: str | None = None
    confidence: str = "confirmed"
    source: str = ""
    caveat: str = ""

    def _share(self, population: int) -> int:
        if population <= self.floor:
            return population
        needed = max(self.floor, math.ceil(Decimal(population) * self.percent / 100))
        if self.cap is not None:
            needed = min(self.cap, needed)
        return min(population, needed)

    def minimum(self, population: int, group: str | None = None) -> int:
        """Minimum respondents for a population (and, for ``by_agency_group``, an agency group)."""
        if population <= 0:
            return 0
        if self.method == "bands":
            for band in self.bands:
                if band.up_to is None or population <= band.up_to:
                    return min(population, band.minimum)
            return population
        if self.method == "by_agency_group":
            wanted = group or self.group
            found = next((g for g in self.groups if g.code == wanted), None)
            if found is not None:
                return min(population, found.minimum)
        return self._share(population)

    def group_minimum(self, group: str | None = None) -> AgencyGroupMinimum | None:
        wanted = group or self.group
        return next((g for g in self.groups if g.code == wanted), None)


@dataclass(frozen=True)
class Variant:
    """An agency-type override layer: what an ESA office, a school, a local government … sees differently."""

    code: str
    name_th: str
    agency_types: tuple[str, ...]
    confidence: str
    source: str
    caveat: str = ""


@dataclass(frozen=True, eq=False)  # compared by identity: editions are loaded once and cached
class Framework:
    id: str  # the key: the edition id, or id@version for a stored version
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
    option_scores: str = "two_decimals"
    rounding: str = "half_up"
    confidence: str = "corroborated"
    caveat: str = ""
    variants: dict[str, Variant] = field(default_factory=dict)
    variant: str | None = None  # the variant applied to this object, if any
    edition_id: str = ""  # the id without a version (ita-2570 for ita-2570@2)
    version: int | None = None  # None for a built-in edition
    raw: dict = field(default_factory=dict, repr=False)  # the validated source data (export, variants)

    # An edition is immutable and compared by identity: a copy would equal nothing, not even its original, and
    # copying one (a deep copy of a round that has looked its edition up) would rebuild hundreds of objects.
    def __copy__(self) -> Framework:
        return self

    def __deepcopy__(self, memo: dict) -> Framework:
        return self

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

    @property
    def family(self) -> str:
        return self.edition_id or self.id

    @property
    def provisional(self) -> bool:
        """The edition as a whole is provisional (e.g. a copy kept until NACC publishes the year's manual)."""
        return self.confidence == "provisional"

    @property
    def provisional_count(self) -> int:
        return sum(1 for q in self.questions if q.provisional) + sum(1 for o in self.oit_items if o.provisional)

    def round(self, value: Fraction | Decimal | int | None) -> Decimal | None:
        """A score to two decimals by the edition's declared rounding rule (half-up unless it says otherwise)."""
        return rounded(value, self.rounding)

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
                if any(
                    tool_scores.get(code) is None or tool_scores[code] < minimum
                    for code, minimum in level.tool_min.items()
                ):
                    continue
            return level
        return self.levels[-1]

    @functools.cached_property
    def _variant_cache(self) -> dict[str, Framework]:
        """Variants applied to this object (``framework.with_variant`` fills it under its lock)."""
        return {}

    def variant_for_kind(self, kind: str) -> str | None:
        """The variant whose agency types include ``kind`` (the first one declared), if any."""
        return next((v.code for v in self.variants.values() if kind in v.agency_types), None)


def split_key(key: str) -> tuple[str, int | None]:
    """``ita-2570@2`` → (``ita-2570``, 2); a built-in id has no version."""
    base, sep, version = key.partition("@")
    if sep and version.isdigit():
        return base, int(version)
    return key, None
