"""Ranking exports: the national table as CSV (UTF-8 with a byte-order mark, so Excel keeps the Thai; streamed)
and XLSX (openpyxl write-only; numbers stored as numbers with two decimals shown), both through
``prongsai.web.exports`` so that no cell can carry a formula.  Headers follow the active language (Thai first).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from prongsai.web import exports
from prongsai.web.agencies.models import AgencyKind, Region

WIDTHS = (7, 14, 48, 28, 10, 16, 14, 8, 8, 8, 9, 8, 11, 14, 9, 8)


def kind_label(kind: str) -> str:
    """The agency kind's label in the active language (the code itself when unknown)."""
    return str(AgencyKind(kind).label) if kind in AgencyKind.values else kind


def region_label(region: str) -> str:
    """The region's label in the active language (the code itself when unknown)."""
    return str(Region(region).label) if region in Region.values else region


def ranking_header() -> list[str]:
    return [
        _("Rank"),
        _("Code"),
        _("Agency"),
        _("Type"),
        _("Sub-type"),
        _("Province"),
        _("Region"),
        "IIT",
        "EIT",
        "OIT",
        _("Total"),
        _("Level"),
        _("Percentile"),
        _("Previous year total"),
        _("Change"),
        _("Peers"),
    ]


def ranking_rows(rows: Iterable) -> Iterator[list]:
    """Body rows (numbers as Decimal/int, missing values as None) of ranking rows (``standings.StandingRow``)."""
    kinds: dict[str, str] = {}
    regions: dict[str, str] = {}
    for r in rows:
        kind = kinds.get(r.kind) or kinds.setdefault(r.kind, kind_label(r.kind))  # a label per value, not per row
        region = regions.get(r.region) or regions.setdefault(r.region, region_label(r.region))
        yield [
            r.rank,
            r.code,
            r.name_th,
            kind,
            r.subkind,
            r.province,
            region,
            r.iit,
            r.eit,
            r.oit,
            r.total,
            r.level,
            r.percentile,
            r.previous_total,
            r.change,
            r.peers,
        ]


def ranking_table(rows: Iterable) -> tuple[list[str], list[list]]:
    """Header and body rows at once (small tables)."""
    return ranking_header(), list(ranking_rows(rows))


def csv_response(filename: str, rows: Iterable):
    return exports.csv_response(filename, ranking_header(), ranking_rows(rows))


def xlsx_response(filename: str, rows: Iterable, *, title: str = "", footer: str = ""):
    sheet = exports.Sheet(
        title=title or _("Ranking"), header=ranking_header(), rows=ranking_rows(rows), widths=WIDTHS, footer=footer
    )
    return exports.xlsx_response(filename, [sheet])
