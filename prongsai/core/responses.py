"""Reading raw assessment data: IIT/EIT responses (one row per respondent) and OIT item scores (one row per agency).

Responses files have an ``agency`` column and one column per answer field of the tool (``I1.1``, ``I2``, …), each
holding the option label (``มาก``) or its 1-based index (``3``, Thai digits accepted).  OIT files have ``agency``
and one column per item (``O1`` …) holding the item score 0–100, or ``NA`` when the item does not apply.  Files
are validated column by column with Polars, so a national file of millions of rows is checked in seconds, and
every problem is reported with its spreadsheet row number.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from prongsai.core.framework import Framework
from prongsai.core.tabular import Collector, InputError, Problem, parse_score, read_table
from prongsai.core.thai import to_thai_digits

NOT_APPLICABLE = {"na", "n/a", "-", "ไม่เกี่ยวข้อง", "ไม่ประเมิน"}
_ROW = "__row"


def _load(path: str | Path) -> pl.DataFrame:
    """All cells as stripped strings, plus the spreadsheet row number of each data row."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise InputError([Problem(path.name, None, None, "file not found", "ไม่พบไฟล์")]) from None
    if path.suffix.lower() in (".xlsx", ".xlsm") or data[:2] == b"PK" or not data.strip():
        table = read_table(path, data=data)  # reads the workbook, or raises the "empty file" error
        frame = pl.DataFrame(table.rows, schema=table.header, orient="row")
        return frame.with_row_index(_ROW, offset=2)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        read_table(path, data=data)  # raises the same clear encoding error as every other reader
        raise
    try:
        frame = pl.read_csv(
            data.removeprefix(b"\xef\xbb\xbf"),
            infer_schema=False,
            truncate_ragged_lines=True,
            separator="\t" if path.suffix.lower() == ".tsv" else ",",
        )
    except pl.exceptions.PolarsError as exc:
        raise InputError(
            [Problem(path.name, None, None, f"not a readable CSV file ({exc.__class__.__name__})", "อ่านไฟล์ CSV ไม่ได้")]
        ) from None
    if frame.height == 0:
        raise InputError(
            [Problem(path.name, None, None, "the file has a header but no data rows", "ไฟล์มีแต่หัวตาราง ไม่มีข้อมูล")]
        )
    frame = frame.rename({c: c.strip() for c in frame.columns})
    return frame.with_columns(pl.all().str.strip_chars()).with_row_index(_ROW, offset=2)


def _canonical_columns(frame: pl.DataFrame, file: str, wanted: list[str]) -> pl.DataFrame:
    by_folded = {c.casefold(): c for c in frame.columns}
    missing = [w for w in wanted if w.casefold() not in by_folded]
    if missing:
        shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        raise InputError([Problem(file, 1, missing[0], f"missing column(s) {shown}", f"ไม่พบคอลัมน์ {shown}")])
    return frame.rename({by_folded[w.casefold()]: w for w in wanted if by_folded[w.casefold()] != w})


def read_responses(path: str | Path, framework: Framework, tool: str) -> pl.DataFrame:
    """Validated responses of one survey tool: ``agency`` plus an Int8 option index (1-based) per answer field."""
    file = Path(path).name
    frame = _load(path)
    fields = framework.answer_fields(tool)
    frame = _canonical_columns(frame, file, ["agency", *[f.code for f in fields]])
    problems = Collector(file)
    _report(problems, frame, pl.col("agency").fill_null("") == "", "agency", "agency is empty", "ไม่ได้ระบุชื่อหน่วยงาน")
    columns = [pl.col("agency")]
    for f in fields:
        mapping: dict[str, int] = {}
        for i, option in enumerate(f.scale.options, start=1):
            mapping[option.label] = i
            mapping[str(i)] = i
            mapping[to_thai_digits(str(i))] = i
        mapped = pl.col(f.code).replace_strict(mapping, default=None, return_dtype=pl.Int8)
        labels = " / ".join(o.label for o in f.scale.options)
        _report(
            problems,
            frame,
            mapped.is_null(),
            f.code,
            f"not an option of this question (use one of: {labels}, or 1–{len(f.scale.options)})",
            f"ไม่ใช่ตัวเลือกของข้อนี้ (ตัวเลือก: {labels} หรือ 1–{len(f.scale.options)})",
            show_value=True,
        )
        columns.append(mapped.alias(f.code))
    problems.check()
    return frame.select(columns)


def read_oit_scores(path: str | Path, framework: Framework) -> pl.DataFrame:
    """Validated OIT item scores: ``agency`` plus an Int64 score in hundredths per item (null = not applicable)."""
    file = Path(path).name
    frame = _load(path)
    items = framework.oit_items
    frame = _canonical_columns(frame, file, ["agency", *[o.code for o in items]])
    problems = Collector(file)
    _report(problems, frame, pl.col("agency").fill_null("") == "", "agency", "agency is empty", "ไม่ได้ระบุชื่อหน่วยงาน")
    duplicated = frame.filter(pl.col("agency").is_duplicated() & (pl.col("agency") != ""))
    for row in duplicated.group_by("agency").agg(pl.col(_ROW).sort()).sort("agency").iter_rows():
        problems.add(
            row[1][1], "agency", f"'{row[0]}' already appears in row {row[1][0]}", f"'{row[0]}' ซ้ำกับแถวที่ {row[1][0]}"
        )
    # Item scores are few (one row per agency), so they are checked cell by cell for precise messages.
    values: dict[str, list[int | None]] = {o.code: [] for o in items}
    for record in frame.select(_ROW, *[o.code for o in items]).iter_rows(named=True):
        for item in items:
            text = (record[item.code] or "").strip()
            if text.casefold() in NOT_APPLICABLE:
                values[item.code].append(None)
                continue
            score = parse_score(text) if text else None
            reason = None
            if score is None:
                reason = (
                    ("empty (write NA if the item does not apply)", "ไม่มีคะแนน (ใส่ NA หากไม่ประเมินข้อนี้)")
                    if not text
                    else (f"'{text}' is not a score between 0 and 100", f"'{text}' ไม่ใช่คะแนนระหว่าง 0 ถึง 100")
                )
            elif item.method == "pass_fail" and score not in (0, 100):
                reason = (
                    f"{text} given, but {item.code} is pass/fail (0 or 100)",
                    f"ข้อ {item.code} ให้คะแนนแบบผ่าน/ไม่ผ่าน (0 หรือ 100) เท่านั้น",
                )
            elif score.as_tuple().exponent < -2:  # type: ignore[operator]  # finite here: the exponent is an int
                reason = (f"{text} has more than 2 decimal places", f"{text} มีทศนิยมเกิน 2 ตำแหน่ง")
            if reason:
                problems.add(record[_ROW], item.code, *reason)
                values[item.code].append(None)
            else:
                values[item.code].append(int(Decimal(score) * 100))  # type: ignore[arg-type]  # no reason: a score
    problems.check()
    return pl.DataFrame(
        {"agency": frame["agency"], **values}, schema={"agency": pl.String, **{o.code: pl.Int64 for o in items}}
    )


def _report(
    problems: Collector,
    frame: pl.DataFrame,
    bad: pl.Expr,
    column: str,
    en: str,
    th: str,
    show_value: bool = False,
    limit: int = 50,
) -> None:
    rows = frame.filter(bad).select(_ROW, pl.col(column)).head(limit)
    for row_number, value in rows.iter_rows():
        shown = "empty" if not value else f"'{value}'"
        shown_th = "ไม่มีคำตอบ" if not value else f"'{value}'"
        problems.add(
            row_number, column, f"{shown}: {en}" if show_value else en, f"{shown_th}: {th}" if show_value else th
        )
