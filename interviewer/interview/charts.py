"""Inline SVG bar charts for the report and the history view: no plotting library, no external assets.

Labels can carry candidate-influenced text, so every string that reaches the SVG goes through `escape_text`.
The output is well-formed XML: it can be inlined in HTML, shown by Gradio's HTML widget or saved as a .svg file.
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

WIDTH = 600
LABEL_W = 240
VALUE_W = 60
BAR_W = WIDTH - LABEL_W - VALUE_W
TITLE_H = 30
ROW_H = 24
BAR_H = 14
MAX_LABEL = 32
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

GREEN, AMBER, ORANGE, RED, GREY = "#2e7d32", "#d4a106", "#ef6c00", "#c62828", "#9ca3af"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_text(text: object) -> str:
    """Text safe inside HTML or SVG, as element content or a quoted attribute; XML-invalid characters dropped."""
    return html.escape(_CONTROL.sub("", str(text)), quote=True)


def colour_for(value: float | None, max_value: float = 10.0) -> str:
    """The score bands of the scorer (7.5 / 5 / 2.5 out of 10), applied to the share of `max_value`."""
    if value is None:
        return GREY
    share = value / max_value if max_value else 0.0
    if share >= 0.75:
        return GREEN
    if share >= 0.5:
        return AMBER
    if share >= 0.25:
        return ORANGE
    return RED


def value_text(value: float | None, decimals: int = 1, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:.{decimals}f}{unit}"


def short(label: str, limit: int = MAX_LABEL) -> str:
    label = " ".join(label.split())
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def svg_frame(title: str, summary: str, width: int, height: int, body: str) -> str:
    """An accessible <svg>: role=img, labelled by its <title>, described by a text summary of the data."""
    uid = "c" + hashlib.sha1(f"{title}\n{summary}".encode()).hexdigest()[:10]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" style="max-width:100%;height:auto" '
        f'font-family="{escape_text(FONT)}" font-size="12">'
        f'<title id="{uid}-t">{escape_text(title)}</title><desc id="{uid}-d">{escape_text(summary)}</desc>'
        f'<text x="0" y="18" font-size="14" font-weight="600" fill="#1f2937">{escape_text(title)}</text>'
        f"{body}</svg>"
    )


def _bar_row(y: int, label: str, value: float | None, max_value: float, decimals: int, unit: str) -> str:
    shown = value_text(value, decimals, unit)
    bar_y = y + (ROW_H - BAR_H) // 2
    text_y = y + ROW_H // 2 + 4
    if value is None:
        bar = (
            f'<rect class="bar" data-value="n/a" x="{LABEL_W}" y="{bar_y}" width="{BAR_W}" height="{BAR_H}" rx="3" '
            f'fill="none" stroke="{GREY}" stroke-dasharray="4 3"/>'
        )
        value_x = LABEL_W + 6
    else:
        width = round(BAR_W * min(max(value, 0.0), max_value) / max_value, 1) if max_value else 0.0
        bar = (
            f'<rect class="bar" data-value="{escape_text(shown)}" x="{LABEL_W}" y="{bar_y}" width="{width}" '
            f'height="{BAR_H}" rx="3" fill="{colour_for(value, max_value)}"/>'
        )
        value_x = int(LABEL_W + width + 6)
    return (
        f'<g class="row"><title>{escape_text(label)}: {escape_text(shown)}</title>'
        f'<text x="{LABEL_W - 8}" y="{text_y}" text-anchor="end" fill="#374151">{escape_text(short(label))}</text>'
        f'<rect class="track" x="{LABEL_W}" y="{bar_y}" width="{BAR_W}" height="{BAR_H}" rx="3" fill="#eef0f3"/>'
        f'{bar}<text x="{value_x}" y="{text_y}" fill="#111827">{escape_text(shown)}</text></g>'
    )


def bar_chart(
    title: str,
    items: list[tuple[str, float | None]],
    max_value: float = 10.0,
    *,
    decimals: int = 1,
    unit: str = "",
) -> str:
    """Horizontal bars, one per item, with value labels ("n/a" for None); "" when there is nothing to draw."""
    if not items:
        return ""
    rows = "".join(
        _bar_row(TITLE_H + i * ROW_H, label, value, max_value, decimals, unit) for i, (label, value) in enumerate(items)
    )
    summary = "; ".join(f"{label}: {value_text(value, decimals, unit)}" for label, value in items)
    return svg_frame(title, summary, WIDTH, TITLE_H + len(items) * ROW_H + 8, rows)


def competency_chart(report: dict[str, Any]) -> str:
    items = list(report["competencies"].items())
    return bar_chart("Score by competency (out of 10)", items)


def coverage(key_points: list[dict[str, Any]]) -> float | None:
    """Share of key points covered, a partial counting half; None when there were none (an unscored answer)."""
    if not key_points:
        return None
    credit = {"covered": 1.0, "partial": 0.5}
    return sum(credit.get(k["verdict"], 0.0) for k in key_points) / len(key_points)


def coverage_chart(report: dict[str, Any]) -> str:
    """Key-point coverage per question and scenario stage, as a percentage."""
    items: list[tuple[str, float | None]] = []
    for n, q in enumerate(report["questions"], start=1):
        share = coverage(q["key_points"])
        items.append((short(f"Q{n}. {q['question']}"), None if share is None else 100 * share))
    for stage in (report["scenario"] or {}).get("stages", []):
        share = coverage(stage["key_points"])
        items.append((f"Stage: {stage['stage']}", None if share is None else 100 * share))
    return bar_chart("Key points covered (%, a partial counts half)", items, 100.0, decimals=0, unit="%")


def stage_chart(report: dict[str, Any]) -> str:
    """Scenario stage scores; "" when the session had no scenario."""
    scenario = report["scenario"]
    if not scenario:
        return ""
    items = [(stage["stage"], stage["score"]) for stage in scenario["stages"]]
    return bar_chart(f"Scenario: {scenario.get('title', scenario['id'])}: score by stage (out of 10)", items)
