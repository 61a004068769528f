"""Shapes of the API's answers (they are also the OpenAPI schema's components).

Scores are JSON numbers with at most 2 decimals: the stored 2-decimal ``Decimal`` converted to a float
(91.25, not "91.25").  Agencies are identified by their code, rounds by their id.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class AgencyOut(Schema):
    code: str = Field(description="the agency's code (its identifier in the API)")
    name_th: str
    name_en: str
    short_name: str
    display_name: str = Field(description="short name when there is one, else the Thai name")
    kind: str = Field(description="central | esa | school | general")
    subkind: str = Field(description="finer grouping inside a kind, e.g. สพป. / สพม.")  # thai-data: its values
    parent: str | None = Field(description="code of the parent agency (None for the central office)")
    province: str
    region: str = Field(description="north | northeast | central | east | west | south | bangkok, or empty")
    website: str
    is_synthetic: bool = Field(description="synthetic demo data, not a real agency's")
    is_active: bool


class PhaseOut(Schema):
    phase: str
    starts_on: date
    ends_on: date


class RoundOut(Schema):
    id: int
    framework_id: str = Field(description="framework edition, e.g. ita-2562-esa")
    fiscal_year: int = Field(description="fiscal year, Buddhist Era")
    name_th: str
    status: str = Field(description="draft | open | closed")
    results_published: bool = Field(description="every agency's results of the round are visible nationally")
    agency_kinds: list[str] = Field(description="the agency kinds the edition assesses")
    opened_at: datetime | None
    closed_at: datetime | None
    phases: list[PhaseOut]


class ResultOut(Schema):
    round: int = Field(description="round id")
    fiscal_year: int
    framework_id: str
    agency: str = Field(description="agency code")
    agency_name: str
    kind: str
    region: str
    source: str = Field(description="official (imported) | computed (by Prongsai)")
    published: bool = Field(description="the round's results are published nationally")
    total: float | None = Field(description="0–100, 2 decimals")
    level: str = Field(description="AA, A, B, C, D, E, F or the edition's own scale; empty if unknown")
    iit: float | None
    eit: float | None
    oit: float | None
    indicators: dict[str, float] = Field(description="indicator number → score (2 decimals)")
    items: dict[str, Any] = Field(description="item code → score, when Prongsai computed the result")
    respondents: dict[str, Any] = Field(description="tool → number of respondents, when computed")
    updated_at: datetime


class RankingOut(Schema):
    rank: int | None = Field(
        description="competition rank (1, 2, 2, 4) within the peer group; None when the "
        "agency has no total, and for a non-central caller before the round's "
        "results are published"
    )
    agency: str
    agency_name: str
    kind: str
    subkind: str
    region: str
    province: str
    total: float | None
    level: str
    iit: float | None
    eit: float | None
    oit: float | None


class ErrorOut(Schema):
    detail: str
