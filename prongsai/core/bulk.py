"""The bulk scoring path: the semantics of ``prongsai.core.scoring`` over many agencies at once, with Polars.

How it stays exact while running in floating point:

1. Each answer becomes its score in hundredths of a point (an integer), and every answer field is summed per
   agency.  Integer sums are exact, and they are all the data the rest needs: because the aggregation is linear,
   an indicator score is ``Σ coefficient(field) × sum(field) / respondents`` (see ``Framework.field_coefficients``).
2. Scores are then computed in float64 and brought to hundredths by the edition's rounding rule (half-up, or
   truncation when the edition declares it).  A float is within ~1e-12 of the exact value, so its rounding can
   only differ from the exact rounding when the value lies within a hair of a boundary (a half-hundredth, or a
   whole hundredth under truncation).  Such rows are flagged and recomputed from the integer sums in exact rational
   arithmetic
   (``scoring.combine``), so every published figure equals the plain path's to the last digit.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl

from prongsai.core.framework import Framework
from prongsai.core.scoring import combine, rounded

AGENCY = "agency"
#: distance (in hundredths) from a rounding boundary below which a float result is recomputed exactly
_GUARD = 1e-6


def _n(tool: str) -> str:
    return f"n_{tool}"


def _s(code: str) -> str:
    return f"s_{code}"


def option_scores(framework: Framework, tool: str) -> dict[str, list[int]]:
    """Per answer field, the score in hundredths of each option (1-based index i → list[i - 1]), reversal applied."""
    result = {}
    for f in framework.answer_fields(tool):
        scores = [int(f.scale.score(i, f.reverse) * 100) for i in range(len(f.scale.options))]
        result[f.code] = scores
    return result


def survey_sums(framework: Framework, tool: str, responses: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Per agency: the number of respondents and, per answer field, the sum of scores in hundredths.

    ``responses`` has an ``agency`` column and one integer column per answer field holding the 1-based option
    index (validated beforehand by the reader).
    """
    lookups = option_scores(framework, tool)
    scored = []
    for code, scores in lookups.items():
        # Gathering from a tiny literal array is much cheaper than a per-row hash lookup.  Scores are at most
        # 10000 hundredths, so an Int16 table halves the memory traffic; Polars sums Int16 into Int64 (exact).
        dtype = pl.Int16 if max(scores, default=0) <= 32767 and min(scores, default=0) >= -32768 else pl.Int64
        table = pl.lit(pl.Series([0, *scores], dtype=dtype))
        scored.append(table.gather(pl.col(code).cast(pl.Int64)).alias(_s(code)))
    # Map every answer to its score first (element-wise, vectorised), then take plain column sums per agency:
    # the group-by's fast path for simple sums is several times quicker than evaluating gather-then-sum
    # expressions inside the aggregation (measured in bench/scoring.py).
    return (
        responses.lazy()
        .select(pl.col(AGENCY), *scored)
        .group_by(AGENCY)
        .agg(pl.len().alias(_n(tool)), pl.all().sum().cast(pl.Int64))
    )


def oit_sums(framework: Framework, oit: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Per agency and OIT indicator: the sum (hundredths) and count of applicable item scores."""
    columns = []
    for tool in framework.evidence_tools:
        for indicator in framework.indicators_of(tool):
            codes = [o.code for o in framework.oit_items if o.indicator == indicator.number]
            columns.append(pl.sum_horizontal(codes).cast(pl.Int64).alias(f"os_{indicator.number}"))
            columns.append(
                pl.sum_horizontal([pl.col(c).is_not_null() for c in codes])
                .cast(pl.Int64)
                .alias(f"oc_{indicator.number}")
            )
    return oit.lazy().select(pl.col(AGENCY), *columns, *[pl.col(o.code) for o in framework.oit_items])


def _float_indicator(framework: Framework, number: int) -> pl.Expr:
    indicator = framework.indicator(number)
    if framework.tool(indicator.tool).kind == "evidence":
        count = pl.col(f"oc_{number}")
        return pl.when(count > 0).then(pl.col(f"os_{number}") / count / 100)
    coefficients = framework.field_coefficients
    fields = [f for q in framework.questions if q.indicator == number for f in q.fields]
    weighted = pl.sum_horizontal([pl.col(_s(f.code)) * float(coefficients[f.code]) for f in fields])
    n = pl.col(_n(indicator.tool))
    return pl.when(n > 0).then(weighted / n / 100)


def _float_weighted(pairs: list[tuple[pl.Expr, Fraction]]) -> pl.Expr:
    total = float(sum(w for _, w in pairs))
    expr = None
    for value, weight in pairs:
        term = value * (float(weight) / total)
        expr = term if expr is None else expr + term  # null anywhere → null, as in the plain path
    return expr  # type: ignore[return-value]  # never None: every caller passes at least one pair


def _exact_row(framework: Framework, row: Mapping[str, Any], items: bool) -> dict[str, Fraction | None]:
    """Exact values of one agency from its integer sums (used for the rare rows near a rounding boundary)."""
    coefficients = framework.field_coefficients
    indicators: dict[int, Fraction | None] = {}
    values: dict[str, Fraction | None] = {}
    for indicator in framework.indicators:
        if framework.tool(indicator.tool).kind == "evidence":
            count = row.get(f"oc_{indicator.number}")
            indicators[indicator.number] = Fraction(row[f"os_{indicator.number}"], count * 100) if count else None
            continue
        n = row.get(_n(indicator.tool)) or 0
        fields = [f for q in framework.questions if q.indicator == indicator.number for f in q.fields]
        indicators[indicator.number] = (
            sum((coefficients[f.code] * row[_s(f.code)] for f in fields), Fraction(0)) / (n * 100) if n else None
        )
    score = combine(framework, indicators)
    values.update({f"i{k}": v for k, v in indicators.items()})
    values.update(score.tools)
    values["total"] = score.total
    if items:
        for q in framework.questions:
            n = row.get(_n(framework.indicator(q.indicator).tool)) or 0
            field_values = {f.code: Fraction(row[_s(f.code)], n * 100) if n else None for f in q.fields}
            exact = [Fraction(row[_s(f.code)], n * 100) for f in q.fields] if n else []
            values[q.code] = sum(exact, Fraction(0)) / len(q.fields) if n else None
            if q.has_sub_items:
                values.update(field_values)
    return values


def score_bulk(
    framework: Framework,
    surveys: Mapping[str, pl.DataFrame | pl.LazyFrame],
    oit: pl.DataFrame | pl.LazyFrame | None = None,
    *,
    items: bool = False,
    group_by: str | None = None,
    groups: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Score every agency in the data.

    Returns one row per agency with respondent counts, and every score as an Int64 number of hundredths
    (rounded by the edition's rule, exact): ``i1`` … ``iN``, one column per tool code, ``total``; then ``level`` and
    ``rank``.
    With ``items`` the question/sub-item scores (``I1``, ``I1.1`` …) and OIT item scores are included too.
    ``groups`` (columns ``agency`` and ``group_by``) gives each agency its peer group for ranking.
    """
    frames = [survey_sums(framework, tool, surveys[tool]) for tool in framework.survey_tools if tool in surveys]
    if oit is not None:
        frames.append(oit_sums(framework, oit))
    if not frames:
        raise ValueError("no data to score")
    joined = frames[0]
    for other in frames[1:]:
        joined = joined.join(other, on=AGENCY, how="full", coalesce=True)
    for tool in framework.survey_tools:
        if tool not in surveys:
            joined = joined.with_columns(pl.lit(0, dtype=pl.Int64).alias(_n(tool)))
            joined = joined.with_columns(
                [pl.lit(0, dtype=pl.Int64).alias(_s(f.code)) for f in framework.answer_fields(tool)]
            )
    if oit is None:
        for indicator in framework.indicators:
            if framework.tool(indicator.tool).kind == "evidence":
                joined = joined.with_columns(
                    pl.lit(None, dtype=pl.Int64).alias(f"os_{indicator.number}"),
                    pl.lit(0, dtype=pl.Int64).alias(f"oc_{indicator.number}"),
                )
    joined = joined.with_columns([pl.col(_n(t)).fill_null(0) for t in framework.survey_tools])

    floats: dict[str, pl.Expr] = {f"i{i.number}": _float_indicator(framework, i.number) for i in framework.indicators}
    tool_exprs = {
        t.code: _float_weighted([(floats[f"i{i.number}"], i.weight) for i in framework.indicators_of(t.code)])
        for t in framework.tools
    }
    floats.update(tool_exprs)
    floats["total"] = _float_weighted([(tool_exprs[t.code], t.weight) for t in framework.tools])
    if items:
        for q in framework.questions:
            n = pl.col(_n(framework.indicator(q.indicator).tool))
            field_exprs = {f.code: pl.when(n > 0).then(pl.col(_s(f.code)) / n / 100) for f in q.fields}
            floats[q.code] = pl.when(n > 0).then(pl.sum_horizontal(list(field_exprs.values())) / len(q.fields))
            if q.has_sub_items:
                floats.update(field_exprs)

    frame = joined.with_columns([expr.alias(f"__f_{name}") for name, expr in floats.items()]).collect()
    # The edition's rounding rule: half-up puts the boundary at .5 of a hundredth, truncation at every whole
    # hundredth (scores are never negative, so floor is truncation).
    shift, boundary = (0.0, 0.0) if framework.rounding == "truncate" else (0.5, 0.5)
    hundredths = {name: (pl.col(f"__f_{name}") * 100 + shift).floor().cast(pl.Int64).alias(name) for name in floats}
    if boundary:
        near = pl.any_horizontal([((pl.col(f"__f_{n}") * 100) % 1 - boundary).abs() < _GUARD for n in floats])
    else:
        near = pl.any_horizontal(
            [
                (((pl.col(f"__f_{n}") * 100) % 1) < _GUARD) | (((pl.col(f"__f_{n}") * 100) % 1) > 1 - _GUARD)
                for n in floats
            ]
        )
    frame = frame.with_columns(*hundredths.values(), near.fill_null(False).alias("__near"))

    flagged = frame.filter(pl.col("__near"))
    if flagged.height:
        patches = []
        for row in flagged.iter_rows(named=True):
            exact = _exact_row(framework, row, items)
            patch = {AGENCY: row[AGENCY]}
            for name in floats:
                value = rounded(exact.get(name), framework.rounding)
                patch[name] = None if value is None else int(value * 100)
            patches.append(patch)
        patch_frame = pl.DataFrame(patches, schema={AGENCY: frame.schema[AGENCY], **{n: pl.Int64 for n in floats}})
        frame = frame.update(patch_frame, on=AGENCY, include_nulls=True)

    if items and oit is not None:
        frame = frame.with_columns([pl.col(o.code).cast(pl.Int64) for o in framework.oit_items])
    frame = frame.with_columns(_level_expr(framework).alias("level"))
    if groups is not None and group_by:
        frame = frame.join(groups.select(AGENCY, group_by), on=AGENCY, how="left")
    rank = pl.col("total").rank(method="min", descending=True)
    frame = frame.with_columns((rank.over(group_by) if group_by else rank).cast(pl.Int64).alias("rank"))

    keep = [AGENCY, *[_n(t) for t in framework.survey_tools], *floats.keys()]
    if items and oit is not None:
        keep += [o.code for o in framework.oit_items]
    keep += ["level", "rank"] + ([group_by] if group_by and groups is not None else [])
    return frame.select(keep).sort(AGENCY)


def _level_expr(framework: Framework) -> pl.Expr:
    expr: Any = pl.when(pl.col("total").is_null()).then(pl.lit(None, dtype=pl.String))  # Then, then ChainedThen
    for level in framework.levels:
        condition = pl.col("total") >= int(level.min * 100)
        for code, minimum in level.tool_min.items():
            condition = condition & (pl.col(code) >= int(minimum * 100))
        expr = expr.when(condition).then(pl.lit(level.label))
    return expr.otherwise(pl.lit(framework.levels[-1].label))


def hundredths_to_decimal(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value).scaleb(-2)
