"""The History tab: past sessions, the trend per competency, and what to practise next."""

from __future__ import annotations

import html
from typing import Any

from interviewer.bank.models import LEVELS, TRACKS
from interviewer.service import Service

COLUMNS = ["date", "session", "tracks", "level", "mode", "scenario", "status", "overall"]


def _fmt(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.1f}"  # type: ignore[arg-type]


def history_view(
    service: Service, track: str, level: str, user: str | None = None
) -> tuple[list[list[object]], str, str]:
    """Rows of the sessions table, the trend chart and the recommendations, as widget values: `user`'s sessions
    with accounts, every session without."""
    from interviewer.interview.history import competency_trends, recommend, session_history, trend_chart

    rows = session_history(service.store, service.bank, owner=user)
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
        f"<li><b>{html.escape(p['question'])}</b><br><span class=muted>{html.escape(p['why'])}</span> "
        f'<a class=practise href="?practise={html.escape(p["id"])}">Practise this question</a></li>'
        for p in picks
    )
    recs = f"<h3>Practise next</h3><ol class=recs>{items}</ol>" if items else "<p>Nothing to recommend yet.</p>"
    return table, f"<div class=charts>{chart}</div>", recs


def past_report(service: Service, session_id: str, user: str | None = None) -> tuple[str, str]:
    """A past session's report for the History tab: its charts and its Markdown, or a message saying why not."""
    from interviewer.interview.charts import competency_chart, coverage_chart, stage_chart
    from interviewer.interview.report import to_markdown

    session = service.load(session_id.strip(), user) if session_id and session_id.strip() else None
    if session is None:
        return "", "Choose a session in the table above to open its report."
    try:
        report = service.report(session)
    except (KeyError, StopIteration) as e:  # the bank changed since: an item this session used is gone
        return "", f"This session's report cannot be rebuilt with the current question bank ({e})."
    charts = "".join(c for c in (competency_chart(report), coverage_chart(report), stage_chart(report)) if c)
    return f"<div class=charts>{charts}</div>", to_markdown(report)


def build(service: Service, tab: Any) -> None:
    """The tab's widgets, inside the open `tab`; they refresh whenever the tab is opened."""
    import gradio as gr

    with gr.Row():
        track = gr.Dropdown([("any track", ""), *[(t, t) for t in TRACKS]], value="", label="Recommend for track")
        level = gr.Dropdown(list(LEVELS), value="intermediate", label="Level")
        refresh = gr.Button("Refresh history", elem_id="history-refresh")
    table = gr.Dataframe(
        headers=COLUMNS,
        value=[],
        label="Past sessions, newest first",
        interactive=False,
        wrap=True,
        elem_id="history-table",
    )
    with gr.Row():
        chart = gr.HTML("", elem_id="history-chart")
        recs = gr.HTML("", elem_id="history-recs")

    gr.Markdown("Select a session in the table to open its report here.")
    with gr.Row():
        chosen = gr.Textbox(label="Session", elem_id="history-session", max_lines=1)
        open_btn = gr.Button("Open report", elem_id="history-open")
    opened_charts = gr.HTML("", elem_id="history-report-charts")
    opened = gr.Markdown("", elem_id="history-report")

    def run(t: str, lv: str, request: gr.Request) -> tuple[list[list[object]], str, str]:
        return history_view(service, t, lv, service.user_of(request))

    def pick(evt: gr.SelectData, request: gr.Request) -> tuple[str, str, str]:
        row = evt.row_value or []
        sid = str(row[1]) if len(row) > 1 else ""
        return (sid, *past_report(service, sid, service.user_of(request)))

    def open_report(sid: str, request: gr.Request) -> tuple[str, str]:
        return past_report(service, sid, service.user_of(request))

    # the classes themselves: Gradio reads them to pass the event data and the request (the annotations of this
    # module are strings)
    pick.__annotations__["evt"] = gr.SelectData
    for fn in (run, pick, open_report):
        fn.__annotations__["request"] = gr.Request

    for event in (refresh.click, track.change, level.change, tab.select):
        event(run, [track, level], [table, chart, recs], api_visibility="private")
    table.select(pick, None, [chosen, opened_charts, opened], api_visibility="private")
    for event in (open_btn.click, chosen.submit):
        event(open_report, [chosen], [opened_charts, opened], api_visibility="private")
