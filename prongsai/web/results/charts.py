"""Charts as inline SVG, drawn in Python: no JavaScript, no external library, readable by screen readers.

Each function returns markup (already escaped, safe to insert) for an ``<svg role="img">`` with a ``<title>`` and
``<desc>``; the pages also show the same numbers in a table, so the chart is never the only way to read them.
Colours come from CSS classes (``static/prongsai/css/prongsai.css``), so the charts follow the page's theme, and
text uses the page's font (Sarabun), because inline SVG inherits it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from prongsai.core.thai import format_score


@dataclass(frozen=True)
class Bar:
    label: str  # shown above the bar
    value: Decimal | None
    weak: bool = False
    note: str = ""  # appended after the value (e.g. "▼ ต่ำกว่าเป้าหมาย")


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def indicator_bars(
    bars: Sequence[Bar], *, target: Decimal | None, title: str, desc: str, target_label: str = "", width: int = 360
) -> SafeString:
    """Horizontal bars 0–100, one row per indicator with its label above the bar, and a dashed target line.

    The narrow view box keeps labels legible when the chart is scaled down to a phone's width.
    """
    left, right = 8, 58  # room on the right for the value
    row_h, label_h, bar_h = 46, 18, 16
    top = 26 if target is not None else 8
    plot_w = width - left - right
    height = top + row_h * len(bars) + 8

    parts = [
        (
            f'<svg class="chart chart-bars" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="bars-title bars-desc" xmlns="http://www.w3.org/2000/svg">'
        ),
        f'<title id="bars-title">{escape(title)}</title><desc id="bars-desc">{escape(desc)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = top + i * row_h
        parts.append(f'<text class="chart-label" x="{left}" y="{y + 13}">{escape(bar.label)}</text>')
        parts.append(
            f'<rect class="chart-track" x="{left}" y="{y + label_h}" width="{plot_w}" height="{bar_h}" rx="3"/>'
        )
        if bar.value is not None:
            cls = "chart-bar weak" if bar.weak else "chart-bar"
            w = max(plot_w * float(bar.value) / 100, 1)
            parts.append(f'<rect class="{cls}" x="{left}" y="{y + label_h}" width="{_n(w)}" height="{bar_h}" rx="3"/>')
            text = format_score(bar.value) + (f" {bar.note}" if bar.note else "")
            parts.append(
                f'<text class="chart-value{" weak" if bar.weak else ""}" x="{width - 4}" '
                f'y="{y + label_h + 13}" text-anchor="end">{escape(text)}</text>'
            )
        else:
            parts.append(f'<text class="chart-value" x="{width - 4}" y="{y + label_h + 13}" text-anchor="end">–</text>')
    if target is not None:
        tx = _n(left + plot_w * float(target) / 100)
        parts.append(f'<line class="chart-target" x1="{tx}" y1="{top - 6}" x2="{tx}" y2="{height - 4}"/>')
        parts.append(
            f'<text class="chart-target-label" x="{tx}" y="{top - 10}" text-anchor="middle">'
            f"{escape(target_label or format_score(target))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def histogram(
    bins: Sequence[tuple[int, int, int]],
    *,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    highlight: Decimal | None = None,
    width: int = 560,
    height: int = 240,
) -> SafeString:
    """Vertical bars for ``(low, high, count)`` bins; the bin holding ``highlight`` is marked."""
    left, right, top, bottom = 40, 10, 14, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((c for _, _, c in bins), default=0) or 1
    step = plot_w / max(len(bins), 1)
    parts = [
        (
            f'<svg class="chart chart-histogram" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="hist-title hist-desc" xmlns="http://www.w3.org/2000/svg">'
        ),
        f'<title id="hist-title">{escape(title)}</title><desc id="hist-desc">{escape(desc)}</desc>',
    ]
    # horizontal grid lines with counts
    ticks = _ticks(peak)
    for t in ticks:
        y = top + plot_h - plot_h * t / peak
        parts.append(f'<line class="chart-grid" x1="{left}" y1="{_n(y)}" x2="{width - right}" y2="{_n(y)}"/>')
        parts.append(f'<text class="chart-axis" x="{left - 6}" y="{_n(y + 4)}" text-anchor="end">{t}</text>')
    last = len(bins) - 1
    for i, (low, high, count) in enumerate(bins):
        x0 = left + i * step
        h = plot_h * count / peak
        hit = highlight is not None and (low <= highlight < high or (i == last and highlight >= low))
        cls = "chart-bar current" if hit else "chart-bar"
        if count:
            parts.append(
                f'<rect class="{cls}" x="{_n(x0 + 2)}" y="{_n(top + plot_h - h)}" '
                f'width="{_n(step - 4)}" height="{_n(h)}" rx="2"><title>{low}–{high}: {count}</title></rect>'
            )
            parts.append(
                f'<text class="chart-count" x="{_n(x0 + step / 2)}" y="{_n(top + plot_h - h - 3)}" '
                f'text-anchor="middle">{count}</text>'
            )
        parts.append(f'<text class="chart-axis" x="{_n(x0)}" y="{top + plot_h + 14}" text-anchor="middle">{low}</text>')
    parts.append(
        f'<text class="chart-axis" x="{_n(left + len(bins) * step)}" y="{top + plot_h + 14}" '
        f'text-anchor="middle">100</text>'
    )
    parts.append(
        f'<line class="chart-axis-line" x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"/>'
    )
    parts.append(
        f'<text class="chart-axis-title" x="{left + plot_w / 2}" y="{height - 6}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text class="chart-axis-title" x="12" y="{top + plot_h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot_h / 2})">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _ticks(peak: int) -> list[int]:
    """A few round count values up to ``peak`` for grid lines."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 2000, 5000):
        if peak / step <= 5:
            return list(range(step, peak + 1, step))
    return [peak]
