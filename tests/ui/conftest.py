"""The real app in a subprocess, driven by Debian's chromium through Playwright.

Browser tests need `/usr/bin/chromium` and `espeak-ng` (`.ci/run` installs both). Without them the tests are
skipped with the reason, unless REQUIRE_BROWSER_TESTS=1 (set by CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from interviewer.settings import REPO_ROOT
from interviewer.testing.fake_openai import FakeOpenAI
from interviewer.testing.net import free_port, wait_for_http

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]  # fmt: skip
ARTIFACTS = REPO_ROOT / "artifacts" / "screenshots"
START_TIMEOUT_S = 120


def _need(path: str, what: str) -> None:
    if not shutil.which(path):
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(f"{what} is missing: apt-get install -y chromium espeak-ng")
        pytest.skip(f"{what} is not installed (apt-get install -y chromium espeak-ng)")


@pytest.fixture(scope="session")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory of the app at `app_url`: its index, and its sessions in SQLite."""
    return tmp_path_factory.mktemp("app-data")


@pytest.fixture(scope="session")
def app_url(app_data: Path) -> Iterator[str]:
    """`python app.py` exactly as `make run` starts it, on a free port with its own data directory."""
    yield from _serve(app_data, {})


@pytest.fixture(scope="session")
def llm_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FakeOpenAI]]:
    """The app configured for an OpenAI-compatible endpoint: a real local server whose replies tests script."""
    with FakeOpenAI() as server:
        # a turn's time bound well above the default 20 s: on a busy CI machine a first answer, scored while the
        # app still warms up, spent the whole bound offline, and the endpoint was (rightly) never asked
        env = {"INTERVIEWER_LLM__BASE_URL": server.base_url, "INTERVIEWER_LLM__MODEL": "scripted-model",
               "INTERVIEWER_LLM__TIMEOUT_S": "120"}  # fmt: skip
        for url in _serve(tmp_path_factory.mktemp("llm-app-data"), env):
            yield url, server


ACCOUNTS = {"alice": "alice-password", "bob": "bob-password"}


@pytest.fixture(scope="session")
def accounts_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with accounts on: a users file made by `interviewer users add`, as an organiser makes it."""
    data = tmp_path_factory.mktemp("accounts-app-data")
    env = {**os.environ, "INTERVIEWER_DATA_DIR": str(data)}
    for name, password in ACCOUNTS.items():
        add = [sys.executable, "-m", "interviewer", "users", "add", name, "--password-stdin"]
        subprocess.run(add, input=password + "\n", env=env, check=True, capture_output=True, text=True, timeout=120)
    yield from _serve(data, {})


def _serve(data: Path, extra: dict[str, str]) -> Iterator[str]:
    _need(CHROMIUM, "chromium")
    port = free_port()
    env = {**os.environ, "INTERVIEWER_DATA_DIR": str(data), "INTERVIEWER_PORT": str(port)}
    for name in ("INTERVIEWER_LLM__BASE_URL", "INTERVIEWER_LLM__API_KEY"):
        env.pop(name, None)
    env |= extra
    log = (data / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    if not wait_for_http(url, lambda: proc.poll() is None, START_TIMEOUT_S):
        proc.kill()
        pytest.fail(f"the app did not start: {(data / 'app.log').read_text()[-2000:]}")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    """One Playwright for the whole run: its sync API allows only one at a time."""
    _need(CHROMIUM, "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: object) -> Iterator[object]:
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)  # type: ignore[attr-defined]
    yield b
    b.close()


UNLOADING, LOADING = "interviewer-test: the page is unloading", "interviewer-test: a page is loading"


@contextmanager
def watched(page: Any, name: str) -> Iterator[Any]:
    """Console errors fail the test; a screenshot is saved either way, for a human to look at.

    Errors logged while a page unloads (the test navigating away, or closing the tab) are not counted: nobody sees
    them. Gradio closes its client on `beforeunload`, and that aborts whatever request is still open, such as the
    microphone's stream, with "AbortError: signal is aborted" and "Connection errored out" (it failed a CI run when
    the tab closed while the last streamed chunk was being answered). The page says it is unloading before Gradio's
    own handler runs, and errors are counted again from the first line of the next document."""
    errors: list[str] = []
    unloading = [False]

    def on_console(m: Any) -> None:
        if m.text in (UNLOADING, LOADING):
            unloading[0] = m.text == UNLOADING
        elif m.type == "error" and not unloading[0]:
            errors.append(m.text)

    def on_error(e: Any) -> None:
        if not unloading[0]:
            errors.append(str(e))

    page.add_init_script(
        f"console.debug({LOADING!r}); window.addEventListener('beforeunload', () => console.debug({UNLOADING!r}));"
    )
    page.on("console", on_console)
    page.on("pageerror", on_error)
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    seen = list(errors)  # what closing the tab logs is left out, as above
    page.context.close()
    assert not seen, f"console errors: {seen}"


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh tab, watched."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    with watched(context.new_page(), request.node.name) as pg:
        yield pg


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    _need("espeak-ng", "espeak-ng")
    out = tmp_path / "answer.wav"
    text = "I would check the recent deployments and roll back the release, then read the logs"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(out), text], check=True)
    return out
