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

from interviewer.interview.store import SessionStore

from .conftest import CHROMIUM, CHROMIUM_ARGS, _need, _serve, watched
from .test_browser import TURN_TIMEOUT_MS, messages, start, wait_idle

SPOKEN = (
    "I would check the dashboards for the error rate, check the recent deployments and roll back the release, "
    "then read the logs for the failing payments."
)


def microphone(folder: Path, silence_s: float) -> Path:
    """What the fake microphone plays, looped by chromium: a second of silence, the answer (with a half-second pause
    after "roll back the release," as a person takes a breath: the words heard so far show before the answer is
    over), then `silence_s`."""
    _need("espeak-ng", "espeak-ng")
    out = folder / f"microphone-{silence_s:g}.wav"
    if out.exists():
        return out
    parts = []
    for n, text in enumerate(SPOKEN.split(", then ")):
        said = folder / f"said-{n}.wav"
        subprocess.run(["espeak-ng", "-s", "150", "-w", str(said), ("then " if n else "") + text], check=True)
        with wave.open(str(said)) as w:
            rate, speech = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        parts += [speech, np.zeros(rate // 2, "<i2")]
    looped = np.concatenate([np.zeros(rate, "<i2"), *parts[:-1], np.zeros(int(silence_s * rate), "<i2")])
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(looped.tobytes())
    return out


@pytest.fixture(scope="module")
def mic_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mic")


@pytest.fixture
def talking_page(playwright: Any, mic_folder: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A browser whose microphone is the WAV file: the answer, then 10 s of silence (past every end-of-turn wait and
    a slow first reply), unless the test's `pause` parameter says otherwise. Console errors fail the test; a
    screenshot is saved."""
    _need(CHROMIUM, "chromium")
    mic = microphone(mic_folder, getattr(request, "param", 10.0))
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={mic}"]  # fmt: skip
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    context = browser.new_context(viewport={"width": 1366, "height": 1100}, permissions=["microphone"])
    try:
        with watched(context.new_page(), request.node.name) as page:
            yield page
    finally:
        browser.close()


def candidate_turns(page: Any) -> list[str]:
    return [str(t) for t in page.locator("#chat .user-row").all_inner_texts()]


def test_three_answers_are_heard_and_sent_without_a_click(talking_page: Any, app_url: str, app_data: Path) -> None:
    page = talking_page
    page.goto(app_url)
    page.locator("#speak input").uncheck()  # the looped recording would talk over a voice reading the reply
    session = start(page, app_url, questions=0, scenario="The production bug", navigate=False)  # triage: it fits
    hands_free(page)  # the only click of the interview, bar the one that opens the panel
    page.wait_for_function(
        "() => (document.querySelector('#live-status')?.innerText || '').includes('Hearing you:')",
        timeout=TURN_TIMEOUT_MS,
    )  # the words show while the turn is still open
    page.wait_for_function(
        "() => document.querySelectorAll('#chat .user-row').length >= 3", timeout=5 * TURN_TIMEOUT_MS
    )
    heard = candidate_turns(page)
    # the fake microphone is somewhere in its loop when Record is pressed, so the first turn may start mid-answer;
    # the others start with the answer and must hold all of it (25 words; Whisper mishears some of them, more so on
    # a busy machine, so the words are not compared one by one): never cut in two
    assert len(heard[0].split()) >= 3 and all(len(t.split()) >= 18 for t in heard[1:3]), heard
    assert sum("release" in t.lower() for t in heard[:3]) >= 2, heard
    feedback = page.locator("#feedback").inner_text()
    assert "talking for" in feedback  # delivery from the audio itself, as for a recorded answer
    page.locator("#live-mic").get_by_role("button", name="Stop").click()
    page.locator("#live-mic").get_by_role("button", name="Record").wait_for(timeout=TURN_TIMEOUT_MS)
    # the stream's last chunk is answered before the page goes: closed sooner, the page's request is aborted and
    # logged as a console error ("AbortError: signal is aborted", "Connection errored out"; 1 run in about 20 on a
    # busy machine at 1.5 s)
    page.wait_for_timeout(3000)
    stored = SessionStore(app_data / "sessions" / "sessions.sqlite3").load(session)
    answers = [t for t in stored.turns if t.role == "candidate"]
    assert [t.text for t in answers[:3]] == [" ".join(h.split()) for h in heard[:3]]  # each turn, committed
    assert all(t.score is not None for t in answers[1:3])  # scored like a typed answer
    page.goto(f"{app_url}?session={session}")  # and shown again from SQLite when the session is reopened
    page.wait_for_function(
        "(sid) => (document.querySelector('#status')?.innerText || '').includes(sid)",
        arg=session,
        timeout=TURN_TIMEOUT_MS,
    )
    wait_idle(page)
    assert candidate_turns(page)[:3] == heard[:3]
    assert len(messages(page)) >= 7


# Counts what the page's voice is asked to do: `speak` once per reply read aloud, `cancel` before each of those and
# once more for every barge-in (HUSH_JS). Headless chromium has no voices, so nothing is heard either way.
COUNT_VOICE = """
window.__voice = {speak: 0, cancel: 0};
const synth = window.speechSynthesis;
const speak = synth.speak.bind(synth), cancel = synth.cancel.bind(synth);
synth.speak = (u) => { window.__voice.speak += 1; speak(u); };
synth.cancel = () => { window.__voice.cancel += 1; cancel(); };
"""


# Gradio's streaming microphone records WAV through extendable-media-recorder: the component loads it and registers
# its WAV encoder when it mounts (when the panel opens), without awaiting the registration. A Record click before the
# encoder is registered constructs the browser's own MediaRecorder for audio/wav, which chromium refuses ("Failed to
# construct 'MediaRecorder'"), or finds no recorder at all ("... is not a constructor"), and that recording never
# streams. A person takes far longer than that to reach the button; a test on two busy cores does not. So the test
# waits, as a person would, until the page's recorder can record WAV: the same module, imported again, is the same
# instance, and says so through isTypeSupported.
RECORDER_READY = """async () => {
    const urls = performance.getEntriesByType('resource').map(e => e.name)
        .filter(n => /\\/assets\\/module-[^/]*\\.js$/.test(n));
    for (const url of urls) {
        const m = await import(url);
        if (m.MediaRecorder && m.MediaRecorder.isTypeSupported && m.MediaRecorder.isTypeSupported('audio/wav'))
            return true;
    }
    return false;
}"""


def hands_free(page: Any) -> None:
    page.locator("#conversation").get_by_text("Hands-free conversation").click()
    record = page.locator("#live-mic").get_by_role("button", name="Record")
    record.wait_for(timeout=TURN_TIMEOUT_MS)
    page.wait_for_function(RECORDER_READY, timeout=TURN_TIMEOUT_MS, polling=250)
    record.click()


def stop(page: Any) -> None:
    page.locator("#live-mic").get_by_role("button", name="Stop").click()
    page.locator("#live-mic").get_by_role("button", name="Record").wait_for(timeout=TURN_TIMEOUT_MS)
    # the stream's last chunk is answered before the page goes: closed sooner, the page's request is aborted and
    # logged as a console error ("AbortError: signal is aborted", "Connection errored out"; 1 run in about 20 on a
    # busy machine at 1.5 s)
    page.wait_for_timeout(3000)


@pytest.mark.parametrize("talking_page", [3.0], indirect=True)  # the answer comes round again 3 s after it ends
def test_talking_over_the_interviewer_stops_its_voice(talking_page: Any, app_url: str) -> None:
    """The reply is read aloud (the box stays ticked); the recording starts its answer again while the page still
    reckons the interviewer is talking, loud and clear: the page's voice is cancelled and that answer is heard."""
    page = talking_page
    page.add_init_script(COUNT_VOICE)
    start(page, app_url, questions=0, scenario="The production bug")
    hands_free(page)
    page.wait_for_function("() => window.__voice.speak >= 1", timeout=3 * TURN_TIMEOUT_MS)  # the first reply
    page.wait_for_function(
        "() => window.__voice.cancel > window.__voice.speak", timeout=3 * TURN_TIMEOUT_MS
    )  # a cancel that no new reply asked for: the barge-in
    page.wait_for_function(
        "() => document.querySelectorAll('#chat .user-row').length >= 2", timeout=3 * TURN_TIMEOUT_MS
    )  # and what was said over the voice became the next answer
    stop(page)


@pytest.fixture(scope="module")
def login_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {"INTERVIEWER_AUTH__USERNAME": "ada", "INTERVIEWER_AUTH__PASSWORD": "lovelace-pw"}
    yield from _serve(tmp_path_factory.mktemp("login-app-data"), env)


def test_conversation_mode_works_behind_the_login(talking_page: Any, login_app_url: str) -> None:
    page = talking_page
    page.goto(login_app_url)
    page.locator("input[type=text]").first.fill("ada")
    page.locator("input[type=password]").fill("lovelace-pw")
    page.get_by_role("button", name="Login").click()
    page.locator("#start").wait_for(timeout=TURN_TIMEOUT_MS)
    # Signed in, the app is opened afresh. Straight after the sign-in page, Record failed in 1 of 2 runs with
    # Gradio's "ge is not a constructor" (its streaming recorder, whose WAV encoder had not loaded), and never came
    # good on that page; opened afresh, 3 of 3 passed. A known limit in the README (hands-free, after signing in).
    page.goto(login_app_url)
    page.locator("#start").wait_for(timeout=TURN_TIMEOUT_MS)
    page.locator("#speak input").uncheck()
    start(page, login_app_url, questions=0, scenario="The production bug", navigate=False)
    hands_free(page)
    page.wait_for_function(
        "() => document.querySelectorAll('#chat .user-row').length >= 1", timeout=3 * TURN_TIMEOUT_MS
    )
    assert len(candidate_turns(page)[0].split()) >= 3
    stop(page)


@pytest.fixture
def deaf_page(playwright: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A browser that has a microphone but never lets the page use it (no permission granted, none asked)."""
    _need(CHROMIUM, "chromium")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream"]
    )
    context = browser.new_context(viewport={"width": 1366, "height": 1100})
    try:
        with watched(context.new_page(), request.node.name) as page:
            yield page
    finally:
        browser.close()


def test_a_denied_microphone_says_so_and_typing_still_works(deaf_page: Any, app_url: str) -> None:
    page = deaf_page
    start(page, app_url, questions=1)
    hands_free(page)
    page.get_by_text("Please allow access to the microphone").first.wait_for(timeout=TURN_TIMEOUT_MS)
    assert "type your answers in the box above" in page.locator("#conversation").inner_text()
    page.locator("#answer textarea").fill("I'd write down what each stakeholder needs, agree the priorities, "
                                          "and ship in small steps.")  # fmt: skip
    page.locator("#answer textarea").press("Enter")  # (the microphone's error badge keeps the page from looking idle)
    page.wait_for_function(
        "() => document.querySelectorAll('#chat .bot-row').length >= 2 && "
        "(document.querySelector('#feedback')?.innerText || '').includes('/10')",
        timeout=TURN_TIMEOUT_MS,
    )
    assert len(candidate_turns(page)) == 1
