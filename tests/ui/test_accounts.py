"""Accounts, served for real over HTTP and driven through the public API as a script would: each user sees only
their own sessions, and another user's session id answers "not found" to every endpoint that takes one. Both kinds:
a users file (the app's login page) and a trusted header set by an authenticating proxy."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import launch_options
from interviewer.accounts import Users
from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.service import Service
from interviewer.settings import AuthSettings, Settings
from interviewer.testing.net import free_port
from interviewer.ui.handlers import NO_SESSION
from interviewer.ui.interview_page import CSS, build_app

PASSWORDS = {"alice": "alice-password", "bob": "bob-password"}
ANSWER = "I'd profile it with cProfile first, then fix the slowest query and measure again."
HEADER = "X-Forwarded-User"


def _serve(settings: Settings, bank: Bank, index: BankIndex) -> Iterator[tuple[str, Service]]:
    service = Service(settings, bank=bank, index=index)
    page = build_app(service)
    _, url, _ = page.launch(**launch_options(settings, service.accounts), prevent_thread_lock=True, css=CSS)
    try:
        yield url, service
    finally:
        page.close()


@pytest.fixture
def users_app(tmp_path: Path, bank: Bank, built_index: BankIndex) -> Iterator[tuple[str, Service]]:
    settings = Settings(data_dir=tmp_path, port=free_port())
    for name, password in PASSWORDS.items():
        Users(settings.users_file).add(name, password)
    yield from _serve(settings, bank, built_index)


@pytest.fixture
def header_app(tmp_path: Path, bank: Bank, built_index: BankIndex) -> Iterator[tuple[str, Service]]:
    settings = Settings(data_dir=tmp_path, port=free_port(), auth=AuthSettings(trusted_header=HEADER))
    yield from _serve(settings, bank, built_index)


def _start(client: Any) -> str:
    return str(client.predict(["python-developer"], "intermediate", 2, "practice", "", 0, api_name="/start")[0])


def _refused_everywhere(client: Any, sid: str) -> None:
    """Every endpoint that takes a session id treats another user's as one that does not exist."""
    resumed = client.predict(sid, api_name="/resume")
    assert resumed[0] == "" and resumed[1] == [] and "not found" in resumed[4]
    sent = client.predict(sid, "let me in: " + ANSWER, None, api_name="/send")
    assert NO_SESSION in str(sent) and ANSWER not in str(sent[0])
    report = client.predict(sid, api_name="/report")
    assert "once you have answered" in str(report) and ANSWER not in str(report)
    retried = client.predict(sid, ANSWER, None, api_name="/retry")
    assert NO_SESSION in str(retried)


def test_accounts_each_user_sees_only_their_own_sessions(users_app: tuple[str, Service]) -> None:
    from gradio_client import Client

    url, service = users_app
    try:  # no login: not even the app's configuration
        urllib.request.urlopen(url + "config", timeout=10)
        raise AssertionError("config served without a login")
    except urllib.error.HTTPError as e:
        assert e.code in (401, 403)
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own error for a failed login
        Client(url, auth=("alice", "bob-password"), verbose=False)

    alice = Client(url, auth=("alice", PASSWORDS["alice"]), verbose=False)
    bob = Client(url, auth=("bob", PASSWORDS["bob"]), verbose=False)
    theirs = _start(alice)
    chat = alice.predict(theirs, ANSWER, None, api_name="/send")[0]
    assert ANSWER in str(chat)
    mine = _start(bob)

    _refused_everywhere(bob, theirs)
    assert service.store.load(theirs).owner == "alice" and service.store.load(mine).owner == "bob"
    said = [t.text for t in service.store.load(theirs).turns if t.role == "candidate"]
    assert said == [ANSWER]  # bob's attempt left nothing in alice's session
    assert [r["id"] for r in service.sessions("bob")] == [mine]
    assert [r["id"] for r in service.sessions("alice")] == [theirs]
    again = alice.predict(theirs, api_name="/resume")  # and alice still has hers
    assert again[0] == theirs and ANSWER in str(again[1])


def test_accounts_from_a_trusted_proxy_header(header_app: tuple[str, Service]) -> None:
    from gradio_client import Client

    url, service = header_app
    try:  # a request the proxy did not sign in
        urllib.request.urlopen(url + "config", timeout=10)
        raise AssertionError("config served without the header")
    except urllib.error.HTTPError as e:
        assert e.code == 401
    carol = Client(url, headers={HEADER: "carol@example.org"}, verbose=False)
    dave = Client(url, headers={HEADER: "dave@example.org"}, verbose=False)
    sid = _start(carol)
    carol.predict(sid, ANSWER, None, api_name="/send")
    assert service.store.load(sid).owner == "carol@example.org"
    _refused_everywhere(dave, sid)
    assert service.sessions("dave@example.org") == []
