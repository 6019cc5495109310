"""The search page, served for real and called over HTTP with gradio_client."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.service import Service
from interviewer.settings import get_settings
from interviewer.testing.net import free_port
from interviewer.ui.search_page import COLUMNS, CSS, build_search_page


@pytest.fixture
def served_url() -> Iterator[str]:
    settings = get_settings()
    page = build_search_page(Service(settings))
    _, url, _ = page.launch(
        server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True, css=CSS
    )
    try:
        yield url
    finally:
        page.close()


def test_search_page_answers_over_http(served_url: str) -> None:
    import urllib.request

    from gradio_client import Client

    html = urllib.request.urlopen(served_url, timeout=10).read().decode()
    assert "Mock interviewer: question bank" in html

    client = Client(served_url, verbose=False)
    table, note = client.predict("slow endpoint with too many database queries", "", "", 3, api_name="/search")
    assert table["headers"] == COLUMNS
    ids = [row[3] for row in table["data"]]
    assert len(ids) == 3 and "pyd-slow-endpoint" in ids
    assert "3 result(s)" in note

    table, _ = client.predict("code reviews", "behavioral", "entry", 5, api_name="/search")
    assert all(row[5] == "behavioral" and row[6] == "entry" for row in table["data"])

    table, note = client.predict("   ", "", "", 5, api_name="/search")
    assert table["data"] in ([], [["", "", "", "", "", "", ""]]) and "Type a topic" in note


def test_engine_badge_names_the_offline_engine() -> None:
    service = Service(get_settings())
    assert service.engine == "offline"
    assert service.build_report.added > 57


def test_app_refuses_a_broken_bank(
    knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import app

    (knowledge_copy / "questions" / "behavioral.yaml").write_text("questions: [{id: only-an-id}]\n")
    monkeypatch.setenv("INTERVIEWER_KNOWLEDGE_DIR", str(knowledge_copy))
    get_settings.cache_clear()
    assert app.main() == 2
    err = capsys.readouterr().err
    assert "knowledge/questions/behavioral.yaml [only-an-id]" in err and "bank check" in err
