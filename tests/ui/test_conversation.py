"""Conversation mode in a real browser, hands-free: chromium plays espeak-ng speech as its microphone (the answer,
then silence, over and over), the page streams it, and each answer is sent by the turn-taking policy alone, with
no click after the one on Record. The turns are then read back from SQLite by reloading the session."""

from __future__ import annotations

import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _need
from .test_browser import TURN_TIMEOUT_MS, messages, start, wait_idle

SPOKEN = (
    "I would check the dashboards for the error rate, check the recent deployments and roll back the release, "
    "then read the logs for the failing payments."
)


@pytest.fixture(scope="module")
def microphone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the fake microphone plays, looped by chromium: a second of silence, the answer, six seconds of
    silence (past every end-of-turn wait)."""
    _need("espeak-ng", "espeak-ng")
    folder = tmp_path_factory.mktemp("mic")
    said = folder / "said.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(said), SPOKEN], check=True)
    with wave.open(str(said)) as w:
        rate, speech = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    looped = np.concatenate([np.zeros(rate, "<i2"), speech, np.zeros(6 * rate, "<i2")])
    out = folder / "microphone.wav"
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(looped.tobytes())
    return out


@pytest.fixture
def talking_page(playwright: Any, microphone: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A browser whose microphone is the WAV file. Console errors fail the test; a screenshot is saved."""
    _need(CHROMIUM, "chromium")
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone}"]  # fmt: skip
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    context = browser.new_context(viewport={"width": 1366, "height": 1100}, permissions=["microphone"])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    browser.close()
    assert not errors, f"console errors: {errors}"


def candidate_turns(page: Any) -> list[str]:
    return [str(t) for t in page.locator("#chat .user-row").all_inner_texts()]


def test_two_answers_are_heard_and_sent_without_a_click(talking_page: Any, app_url: str) -> None:
    page = talking_page
    page.goto(app_url)
    page.locator("#speak input").uncheck()  # the looped recording would talk over a voice reading the reply
    session = start(page, app_url, questions=0, scenario="The production bug", navigate=False)  # triage: it fits
    page.locator("#conversation").get_by_text("Hands-free conversation").click()
    page.locator("#live-mic").get_by_role("button", name="Record").click()  # the only click of the interview
    page.wait_for_function(
        "() => (document.querySelector('#live-status')?.innerText || '').includes('Hearing you:')",
        timeout=TURN_TIMEOUT_MS,
    )  # the words show while the turn is still open
    page.wait_for_function(
        "() => document.querySelectorAll('#chat .user-row').length >= 2", timeout=3 * TURN_TIMEOUT_MS
    )
    heard = candidate_turns(page)
    # the fake microphone is somewhere in its loop when Record is pressed, so the first turn may start mid-answer;
    # the second starts with the answer and must hold all of it
    assert len(heard[0].split()) >= 3 and "dashboard" in heard[1].lower() and "logs" in heard[1].lower(), heard
    feedback = page.locator("#feedback").inner_text()
    assert "talking for" in feedback  # delivery from the audio itself, as for a recorded answer
    page.locator("#live-mic").get_by_role("button", name="Stop").click()
    page.locator("#live-mic").get_by_role("button", name="Record").wait_for(timeout=TURN_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # the stream's last chunk is answered before the page goes
    page.goto(f"{app_url}?session={session}")  # what SQLite holds: the spoken turns, as the chat showed them
    page.wait_for_function(
        "(sid) => (document.querySelector('#status')?.innerText || '').includes(sid)",
        arg=session,
        timeout=TURN_TIMEOUT_MS,
    )
    wait_idle(page)
    assert candidate_turns(page)[:2] == heard[:2]
    assert len(messages(page)) >= 5
