"""Ranking exports: the national table as CSV (UTF-8 with a byte-order mark, so Excel keeps the Thai) and XLSX
(openpyxl; numbers stored as numbers with two decimals shown).  Headers follow the active language (Thai first)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from prongsai.web.agencies.models import AgencyKind, Region
from prongsai.web.results.queries import RankedRow


def kind_label(kind: str) -> str:
    """The agency kind's label in the active language (the code itself when unknown)."""
    return str(AgencyKind(kind).label) if kind in AgencyKind.values else kind


def region_label(region: str) -> str:
    """The region's label in the active language (the code itself when unknown)."""
    return str(Region(region).label) if region in Region.values else region


def ranking_table(rows: Sequence[RankedRow]) -> tuple[list[str], list[list]]:
    """Header and body rows (numbers as Decimal/int, missing values as None)."""
    header = [_("Rank"), _("Code"), _("Agency"), _("Type"), _("Sub-type"), _("Province"), _("Region"),
              "IIT", "EIT", "OIT", _("Total"), _("Level"), _("Percentile"), _("Previous year total"),
              _("Change"), _("Peers")]
    body = [[r.rank, r.code, r.name_th, kind_label(r.kind), r.subkind, r.province, region_label(r.region),
             r.iit, r.eit, r.oit, r.total, r.level, r.percentile, r.previous_total, r.change, r.peers] for r in rows]
    return header, body


def to_csv(header: list[str], body: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in body:
        writer.writerow(["" if v is None else (format(v, "f") if isinstance(v, Decimal) else v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], body: list[list], *, title: str = "", footer: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or "Sheet1")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    widths = [7, 14, 48, 28, 10, 16, 14, 8, 8, 8, 9, 8, 11, 14, 9, 8]
    for i, width in enumerate(widths[:len(header)], start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    if footer:
        sheet.oddFooter.center.text = footer
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
