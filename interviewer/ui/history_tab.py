"""The History tab: past sessions, the trend per competency, and what to practise next."""

from __future__ import annotations

import html
from typing import Any

from interviewer.bank.models import LEVELS, TRACKS
from interviewer.service import Service

COLUMNS = ["date", "session", "tracks", "level", "mode", "scenario", "status", "overall"]


def _fmt(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.1f}"  # type: ignore[arg-type]


def history_view(service: Service, track: str, level: str) -> tuple[list[list[object]], str, str]:
    """Rows of the sessions table, the trend chart and the recommendations, as widget values."""
    from interviewer.interview.history import competency_trends, recommend, session_history, trend_chart

    rows = session_history(service.store, service.bank)
    table: list[list[object]] = [
        [
            r["date"][:16].replace("T", " "),
            r["id"],
            ", ".join(r["tracks"]),
            r["level"],
            r["mode"],
            r["scenario"] or "",
            r["phase"],
            _fmt(r["overall"]),
        ]
        for r in rows
    ]
    if not rows:
        return table, "", "<p class=muted>No sessions yet. Your interviews will be listed here.</p>"
    chart = trend_chart(competency_trends(rows))
    picks = recommend(service.bank, rows, [track] if track else list(TRACKS), level or "intermediate", n=5)
    items = "".join(
        f"<li><b>{html.escape(p['question'])}</b><br><span class=muted>{html.escape(p['why'])}</span></li>"
        for p in picks
    )
    recs = f"<h3>Practise next</h3><ol class=recs>{items}</ol>" if items else "<p>Nothing to recommend yet.</p>"
    return table, f"<div class=charts>{chart}</div>", recs


def build(service: Service, tab: Any) -> None:
    """The tab's widgets, inside the open `tab`; they refresh whenever the tab is opened."""
    import gradio as gr

    with gr.Row():
        track = gr.Dropdown([("any track", ""), *[(t, t) for t in TRACKS]], value="", label="Recommend for track")
        level = gr.Dropdown(list(LEVELS), value="intermediate", label="Level")
        refresh = gr.Button("Refresh history", elem_id="history-refresh")
    table = gr.Dataframe(headers=COLUMNS, value=[], label="Past sessions, newest first", interactive=False, wrap=True)
    with gr.Row():
        chart = gr.HTML("", elem_id="history-chart")
        recs = gr.HTML("", elem_id="history-recs")

    def run(t: str, lv: str) -> tuple[list[list[object]], str, str]:
        return history_view(service, t, lv)

    for event in (refresh.click, track.change, level.change, tab.select):
        event(run, [track, level], [table, chart, recs], api_visibility="private")
