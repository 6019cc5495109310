"""Hostile and odd input through the app's HTTP API (gradio_client), against the real running app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from interviewer.interview.inputs import MAX_ANSWER_CHARS, clean_answer


def _text(message: dict[str, Any]) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


@pytest.fixture
def client(app_url: str) -> Any:
    from gradio_client import Client

    return Client(app_url, verbose=False)


def _start(client: Any) -> str:
    out = client.predict(["python-developer"], "intermediate", 2, "practice", "", 0, api_name="/start")
    return str(out[0])


def test_a_one_megabyte_paste_is_cut_with_a_notice(client: Any) -> None:
    sid = _start(client)
    paste = ("I would stream the file with a generator and batch the inserts. " * 16_000)[:1_000_000]
    chat, _, status, _, notice, *_ = client.predict(sid, paste, None, api_name="/send")
    assert f"only the first {MAX_ANSWER_CHARS:,} were kept" in notice
    mine = [_text(m) for m in chat if m["role"] == "user"]
    assert len(mine[-1]) == MAX_ANSWER_CHARS and paste.startswith(mine[-1])
    assert chat[-1]["role"] == "assistant" and sid in status
    again = client.predict(sid, "skip", None, api_name="/send")  # the session still works
    assert len(again[0]) > len(chat)


@pytest.mark.parametrize(
    "odd",
    [
        "bell\x07 and null\x00 and escape\x1b[31m codes",
        "\u202eevil right-to-left override\u202c",
        "emoji are fine 🐍 and so is ünïcödé",
    ],
)
def test_odd_characters_never_crash_a_turn(client: Any, odd: str) -> None:
    sid = _start(client)
    chat, *_rest = client.predict(sid, odd, None, api_name="/send")
    assert chat[-1]["role"] == "assistant" and _text(chat[-1]).strip()
    shown = _text([m for m in chat if m["role"] == "user"][-1])
    assert shown == clean_answer(odd).text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_an_unknown_or_forged_session_is_refused_cleanly(client: Any) -> None:
    out = client.predict("../../etc/passwd", api_name="/resume")
    assert out[0] == "" and "not found" in out[4]
    sent = client.predict("deadbeef0000", "hello", None, api_name="/send")
    assert "Start an interview first" in sent[4]


def test_clean_answer_reports_what_it_changed() -> None:
    assert clean_answer("fine answer") == ("fine answer", None)
    text, notice = clean_answer(b"caf\xc3\xa9 and \xff\xfe bytes")
    assert text.startswith("café") and "\ufffd" in text and notice and "not valid UTF-8" in notice
    text, notice = clean_answer("a\r\nb\x00c")
    assert text == "a\nbc" and notice and "control characters" in notice
    text, notice = clean_answer("lone \ud800 surrogate")  # a broken paste; it could not even be stored as UTF-8
    assert text.encode("utf-8") and "surrogate" in text
    text, notice = clean_answer("x" * 30, limit=10)
    assert text == "x" * 10 and notice and "30 characters" in notice


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("silence", "No speech was heard"),
        ("noise", "make out any words"),
        ("ten-minutes", "limited to 5:00"),
        ("not-audio", "not"),
        ("empty", "empty"),
    ],
)
def test_unusable_audio_gets_a_clear_message(client: Any, tmp_path: Path, kind: str, expected: str) -> None:
    import time

    import numpy as np
    from gradio_client import handle_file

    from tests.voice.conftest import write_wav

    path = tmp_path / f"{kind}.wav"
    rng = np.random.default_rng(0)
    if kind == "silence":
        write_wav(path, np.zeros(16_000 * 3), 16_000)
    elif kind == "noise":
        write_wav(path, rng.normal(0, 3000, 16_000 * 3), 16_000)
    elif kind == "ten-minutes":
        write_wav(path, rng.normal(0, 3000, 8_000 * 600), 8_000)
    elif kind == "not-audio":
        path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    else:
        path.write_bytes(b"")
    start = time.monotonic()
    box, notice = client.predict(handle_file(str(path)), api_name="/transcribe")  # (the State output stays server-side)
    assert expected.lower() in notice.lower(), notice
    assert not (isinstance(box, str) and box)  # nothing half-transcribed lands in the answer box
    assert time.monotonic() - start < 15  # refused quickly, long before a 10-minute decode could finish
