"""Searching the bank: a tab of the web app, and a page of its own for tests and embedding."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interviewer.bank.models import LEVELS, TRACKS
from interviewer.index.store import IndexUnavailable
from interviewer.service import Service

if TYPE_CHECKING:
    import gradio as gr

COLUMNS = ["#", "score", "question", "id", "kind", "track", "level"]
WIDTHS: list[str | int] = ["4%", "7%", "42%", "18%", "9%", "10%", "10%"]
CSS = ".engine-badge {font-weight: 600} footer {display: none !important}"


def _rows(service: Service, query: str, track: str, level: str, k: float) -> tuple[list[list[object]], str]:
    if not query.strip():
        return [], "Type a topic or a question to search the bank."
    try:
        hits = service.search(query, k=int(k), track=track or None, level=level or None)
    except IndexUnavailable as e:
        return [], f"Search is unavailable right now: {e}. Interviews go on without it."
    rows: list[list[object]] = [
        [i, round(h.score, 3), h.text, h.id, h.kind, h.track, h.level] for i, h in enumerate(hits, start=1)
    ]
    note = f"{len(hits)} result(s), best first. Score is cosine similarity (higher is closer)."
    return rows, note if hits else "No entries match these filters."


def build_search_page(service: Service) -> gr.Blocks:
    import gradio as gr

    with gr.Blocks(title="Mock interviewer: question bank") as page:
        gr.Markdown("# Mock interviewer: question bank")
        build_search_tab(service)
    return page


def build_search_tab(service: Service) -> None:
    """The search widgets, inside whatever Blocks context is open."""
    import gradio as gr

    figures = service.stats()
    gr.Markdown(
        f"Interviewer engine: **{service.engine}** · search embeddings: **{service.index.embedder_name}** · "
        f"{figures['questions']} questions, {figures['scenarios']} scenario(s)",
        elem_classes=["engine-badge"],
    )
    with gr.Row():
        query = gr.Textbox(label="Search", placeholder="e.g. a third-party API keeps timing out", scale=4)
        track = gr.Dropdown(choices=[("any track", ""), *[(t, t) for t in TRACKS]], value="", label="Track")
        level = gr.Dropdown(choices=[("any level", ""), *[(x, x) for x in LEVELS]], value="", label="Level")
        k = gr.Slider(1, 20, value=5, step=1, label="Results shown")
    button = gr.Button("Search", variant="primary")
    note = gr.Markdown("Type a topic or a question to search the bank.")
    results = gr.Dataframe(
        headers=COLUMNS, value=[], label="Results", wrap=True, interactive=False, column_widths=WIDTHS
    )

    def run(q: str, t: str, lv: str, n: float) -> tuple[list[list[object]], str]:
        return _rows(service, q, t, lv, n)

    inputs, outputs = [query, track, level, k], [results, note]
    button.click(run, inputs=inputs, outputs=outputs, api_name="search")
    query.submit(run, inputs=inputs, outputs=outputs, api_visibility="private")
