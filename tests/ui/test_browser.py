"""The interview UI in a real browser: typing, the scenario, downloads, resuming, a spoken answer, escaping."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

TURN_TIMEOUT_MS = 60_000
STAGE_ANSWERS = [
    "I'd declare an incident and tell support and the business we are on it, check the Grafana dashboards for "
    "error rate and latency per endpoint to see how many payments fail, check recent deployments and config "
    "changes, and roll back the last release if it lines up.",
    "I'd read the payment service logs in Kibana for the exact exceptions and stack traces, look for patterns "
    "such as timeouts or failing calls to external APIs and when they started, check CPU, memory and pod health, "
    "and check the database and the third-party APIs we depend on.",
    "I'd put a circuit breaker around the fraud API so payments fail fast, agree a temporary bypass of the fraud "
    "check with the product owner as their risk decision, contact the vendor's support and status page, and send "
    "stakeholders and customer support updates every 30 minutes with impact and ETA.",
    "Long term I'd add timeouts and retries with exponential backoff and jitter, a circuit breaker tuned for this "
    "integration, a fallback that caches recent fraud results, alerts on the API's latency and error rate, review "
    "the vendor SLA and a backup provider, and load test the changes with failure injection before deploying.",
    "I'd act as incident lead and delegate investigation, mitigation and communication to named people, shield "
    "the engineers from pressure, then run a blameless post-mortem on the timeline and root causes, with action "
    "items that have owners and deadlines that I follow up.",
]


def reference_answer(chat: str) -> str:
    """The bank's reference answer to the newest main question in the chat: a strong answer for any draw."""
    from interviewer.bank.loader import load_bank
    from interviewer.settings import PACKAGE_DIR

    bank = load_bank(PACKAGE_DIR / "knowledge")
    asked = [(chat.rfind(q.text), q) for q in bank.questions if q.text in chat]
    assert asked, "no bank question in the chat"
    return max(asked, key=lambda pair: pair[0])[1].reference_answer


def start(page: Any, url: str, questions: int = 1, scenario: str | None = None, navigate: bool = True) -> str:
    if navigate:
        page.goto(url)
    page.locator("#start").wait_for(timeout=TURN_TIMEOUT_MS)
    page.locator("#questions input[type=number]").fill(str(questions))
    page.locator("#questions input[type=number]").press("Tab")
    if scenario:
        page.locator("#scenario input").click()
        page.get_by_role("option", name=scenario).click()
        page.wait_for_function(  # on a busy machine a click on Start could otherwise outrun the choice
            "(v) => (document.querySelector('#scenario input')?.value || '').startsWith(v)",
            arg=scenario,
            timeout=TURN_TIMEOUT_MS,
        )
    page.wait_for_function(
        "(n) => document.querySelector('#questions input[type=number]')?.value === n",
        arg=str(questions),
        timeout=TURN_TIMEOUT_MS,
    )
    page.wait_for_timeout(300)  # the choices reach the page's state before the click sends them
    page.locator("#start").click()
    page.wait_for_function("() => location.search.includes('session=')", timeout=TURN_TIMEOUT_MS)
    wait_idle(page)
    return str(page.url.split("session=")[1])


def wait_idle(page: Any) -> None:
    """Until the chat has stopped streaming and no event is pending."""
    page.wait_for_function(
        """() => {
            const busy = document.querySelector('[data-testid=status-tracker]:not(.hide), .generating, .pending');
            const bots = document.querySelectorAll('#chat .bot-row');
            const last = bots.length ? bots[bots.length - 1].innerText.trim() : '';
            return !busy && last !== '' && last !== '…';
        }""",
        timeout=TURN_TIMEOUT_MS,
    )
    page.wait_for_timeout(300)


def send(page: Any, text: str) -> str:
    """Type an answer, press Enter, and return the chat text once the interviewer has replied."""
    before = page.locator("#chat").inner_text()
    page.locator("#answer textarea").fill(text)
    page.locator("#answer textarea").press("Enter")
    page.wait_for_function(
        "(before) => document.querySelector('#chat').innerText !== before", arg=before, timeout=TURN_TIMEOUT_MS
    )
    wait_idle(page)
    return str(page.locator("#chat").inner_text())


def messages(page: Any) -> list[str]:
    return [str(t) for t in page.locator("#chat .message-row").all_inner_texts()]


def status(page: Any) -> str:
    return str(page.locator("#status").inner_text())


def test_practice_interview_by_typing_shows_feedback(page: Any, app_url: str) -> None:
    start(page, app_url, questions=1)
    assert "Question 1 of 1" in status(page)
    answer = reference_answer(page.locator("#chat").inner_text())
    chat = send(page, answer)
    assert answer[:40] in chat
    panel = page.locator("#feedback").inner_text()
    assert re.search(r"\d+\.\d/10", panel), panel
    assert "Key points hit" in panel and "Key points missed" in panel and "One thing to improve" in panel
    assert page.locator("#answer textarea").input_value() == ""  # Enter sent it and cleared the box
    for _ in range(4):  # follow-ups, then the wrap-up
        if "Wrap-up" in status(page) or "complete" in status(page):
            break
        send(page, "skip")
    send(page, "no, thanks")
    assert "Interview complete" in status(page)


def test_a_page_without_an_interview_leaves_the_focus_to_the_candidate(page: Any, app_url: str) -> None:
    """The page's load events end by putting the answer box in focus only when there is an interview: on a slow
    machine they end while the candidate fills in the setup, and their typing used to land in the answer box."""
    page.goto(app_url)
    page.locator("#start").wait_for(timeout=TURN_TIMEOUT_MS)
    page.wait_for_timeout(3000)  # the load events (resume, then the URL script) have run
    assert not page.evaluate("() => document.activeElement === document.querySelector('#answer textarea')")


def test_retry_changes_the_score(page: Any, app_url: str) -> None:
    start(page, app_url, questions=1)
    answer = reference_answer(page.locator("#chat").inner_text())
    send(page, " ".join(answer.split()[:25]))
    first = page.locator("#feedback").inner_text()
    page.locator("#answer textarea").fill(answer)
    page.locator("#retry").click()
    page.wait_for_function("() => document.querySelector('#feedback').innerText.includes('retry')", timeout=30_000)
    panel = page.locator("#feedback").inner_text()
    assert "was " in panel and panel != first
    assert "not moved on" in page.locator("#notice").inner_text()


def test_production_bug_scenario_runs_to_the_end(page: Any, app_url: str) -> None:
    start(page, app_url, questions=0, scenario="The production bug")
    chat = page.locator("#chat").inner_text()
    assert "payment" in chat.lower()
    for _ in range(14):
        current = status(page)
        if "Wrap-up" in current or "complete" in current:
            break
        stage = int(re.search(r"stage (\d)", current).group(1))  # type: ignore[union-attr]
        send(page, STAGE_ANSWERS[stage - 1])
    chat = page.locator("#chat").inner_text()
    assert "minor dependency update" in chat  # earned by checking deployments and rolling back
    assert "ConnectionError" in chat
    assert "Wrap-up" in status(page)
    send(page, "No, that's all from me.")
    assert "Interview complete" in status(page)
    page.get_by_role("tab", name="Report").click()
    charts = page.locator("#report-charts")
    charts.locator("svg").first.wait_for(timeout=30_000)
    assert charts.locator("svg").count() >= 2
    assert "Scenario" in page.locator("#report-md").inner_text()


def test_report_downloads_as_markdown_and_html(page: Any, app_url: str, tmp_path: Path) -> None:
    start(page, app_url, questions=1)
    answer = reference_answer(page.locator("#chat").inner_text())
    send(page, answer)
    page.get_by_role("tab", name="Report").click()
    page.locator("#report-charts svg").first.wait_for(timeout=30_000)
    with page.expect_download() as info:
        page.locator("#download-md").click()
    md = Path(info.value.path()).read_text()
    assert "# Interview report" in md and "/10" in md and answer.split(".")[0][:40] in md
    with page.expect_download() as info:
        page.locator("#download-html").click()
    html = Path(info.value.path()).read_text()
    assert html.lstrip().lower().startswith("<!doctype html") and "<svg" in html and "/10" in html


def test_reload_resumes_the_interview(page: Any, app_url: str) -> None:
    session = start(page, app_url, questions=2)
    send(page, reference_answer(page.locator("#chat").inner_text()))
    before = messages(page)
    page.reload()
    page.wait_for_function(
        "(sid) => (document.querySelector('#status')?.innerText || '').includes(sid)",
        arg=session,
        timeout=TURN_TIMEOUT_MS,
    )
    wait_idle(page)
    assert messages(page) == before and len(before) >= 3
    assert "Welcome back" in page.locator("#notice").inner_text()
    send(page, "skip")
    assert len(messages(page)) > len(before) and session in status(page)


def test_spoken_answer_is_transcribed_for_editing(page: Any, app_url: str, wav: Path) -> None:
    start(page, app_url, questions=1)
    page.locator('#mic button[aria-label="Upload file"]').click()  # the other source: a recording on disk
    page.locator("#mic input[type=file]").set_input_files(str(wav))
    page.wait_for_function(
        "() => document.querySelector('#answer textarea').value.trim().length > 0", timeout=TURN_TIMEOUT_MS
    )
    transcript = page.locator("#answer textarea").input_value()
    assert len(transcript.split()) >= 3
    assert "Transcribed by whisper-tiny.en" in page.locator("#notice").inner_text()
    edited = f"{transcript}. {reference_answer(page.locator('#chat').inner_text())}"  # the candidate edits it
    chat = send(page, edited)
    assert transcript in chat
    assert "words/min" in page.locator("#feedback").inner_text()  # the recording's length gives a pace


def test_injected_html_is_rendered_as_text(page: Any, app_url: str, tmp_path: Path) -> None:
    start(page, app_url, questions=1)
    hostile = (
        '<img src=x onerror="window.__pwned=1"> <b>bold</b> <script>window.__pwned=2</script> '
        "[click](javascript:alert(1))"
    )
    chat = send(page, f"{hostile} {reference_answer(page.locator('#chat').inner_text())}")
    assert '<img src=x onerror="window.__pwned=1">' in chat and "<b>bold</b>" in chat
    assert page.locator("#chat img[src='x'], #chat b, #chat script, #chat a[href^='javascript']").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    page.get_by_role("tab", name="Report").click()
    page.locator("#report-charts svg").first.wait_for(timeout=30_000)
    assert page.locator("#report-md img[src='x'], #report-md script").count() == 0
    with page.expect_download() as info:
        page.locator("#download-html").click()
    html = Path(info.value.path()).read_text()
    assert "<img src=x" not in html and "<script>window" not in html and "&lt;img src=x" in html


@pytest.mark.parametrize("text", ["   ", "\x00\x01\x02"])
def test_empty_input_gets_a_message_and_nothing_is_lost(page: Any, app_url: str, text: str) -> None:
    start(page, app_url, questions=1)
    before = messages(page)
    page.locator("#answer textarea").fill(text)
    page.locator("#send").click()
    page.wait_for_function("() => document.querySelector('#notice').innerText.trim().length > 0", timeout=30_000)
    wait_idle(page)
    after = messages(page)
    assert after[: len(before)] == before  # nothing lost
    assert len(after) <= len(before) + 2  # at most the (empty) turn and a nudge to answer


def test_history_lists_sessions_and_recommends(page: Any, app_url: str) -> None:
    session = start(page, app_url, questions=1)
    send(page, reference_answer(page.locator("#chat").inner_text()))
    page.get_by_role("tab", name="History").click()
    page.wait_for_function(
        "(sid) => document.body.innerText.includes(sid) && document.querySelector('#history-recs li')",
        arg=session,
        timeout=30_000,
    )
    assert "Practise next" in page.locator("#history-recs").inner_text()
    assert page.locator("#history-chart svg").count() == 1
    # a past session opens its report
    page.locator("#history-table [role=gridcell]").filter(has_text=session).first.click()
    page.wait_for_function(
        "() => document.querySelector('#history-report').innerText.includes('Interview report')", timeout=30_000
    )
    assert session in page.locator("#history-report").inner_text()
    assert page.locator("#history-report-charts svg").count() >= 1
    suggested = page.locator("#history-recs li b").first.inner_text()  # a suggestion starts a practice on it
    page.locator("#history-recs a.practise").first.click()
    page.wait_for_function(
        "(q) => /session=[0-9a-f]+/.test(window.location.search) && document.querySelector('#chat').innerText"
        ".includes(q)",
        arg=suggested,
        timeout=60_000,
    )
    assert session not in page.url


def test_llm_engine_is_named_and_its_failure_is_visible(page: Any, llm_app_url: tuple[str, Any]) -> None:
    url, server = llm_app_url
    start(page, url, questions=1)
    assert "Engine: llm:scripted-model" in page.locator(".badges").inner_text()
    server.replies.clear()  # nothing scripted: the endpoint answers 500, so this turn falls back to offline
    send(page, reference_answer(page.locator("#chat").inner_text()))
    assert "the offline engine decided this turn" in page.locator("#notice").inner_text()
    feedback = page.locator("#feedback").inner_text()
    assert "offline (llm failed" in feedback
    assert server.chat_requests(), f"the configured endpoint was never called: {feedback[:600]}"


def test_a_clarification_is_answered_and_a_wrong_claim_challenged(page: Any, app_url: str) -> None:
    page.goto(f"{app_url}?practise=pyd-gil-concurrency")  # as a History suggestion opens it
    page.wait_for_function("() => location.search.includes('session=')", timeout=TURN_TIMEOUT_MS)
    wait_idle(page)
    assert "GIL" in page.locator("#chat").inner_text()
    chat = send(page, "Before I answer, can I ask what we're deploying to?")
    assert "containers on AWS" in chat.split("deploying to?")[-1]  # answered from the profile
    assert not re.search(r"\d+\.\d/10", page.locator("#feedback").inner_text())  # not scored
    chat = send(page, "Honestly I'd just use threads for everything, the GIL lets them all run Python code in "
                "parallel on all the cores.")  # fmt: skip
    reply = chat.split("on all the cores.")[-1]
    assert 'You said "' in reply and "How sure are you" in reply
    assert "Makes sense" not in reply and "Good, thank you" not in reply


def _sign_in(browser: Any, url: str, name: str) -> Any:
    from tests.ui.conftest import ACCOUNTS

    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(url)
    page.get_by_label("username").fill(name)
    page.get_by_label("password").fill(ACCOUNTS[name])
    page.get_by_role("button", name="Login").click()
    page.locator("#start").wait_for(timeout=TURN_TIMEOUT_MS)
    page.wait_for_function(
        "(n) => (document.querySelector('#signed-in')?.innerText || '').includes('Signed in as ' + n)",
        arg=name,
        timeout=TURN_TIMEOUT_MS,
    )
    return page


def test_accounts_two_users_in_two_browsers_see_only_their_own(browser: Any, accounts_app_url: str) -> None:
    from tests.ui.conftest import ARTIFACTS

    alice, bob = _sign_in(browser, accounts_app_url, "alice"), _sign_in(browser, accounts_app_url, "bob")
    try:
        theirs = start(alice, accounts_app_url, questions=1, navigate=False)
        send(alice, reference_answer(alice.locator("#chat").inner_text()))
        mine = start(bob, accounts_app_url, questions=1, navigate=False)
        for page, own, other in ((alice, theirs, mine), (bob, mine, theirs)):
            page.get_by_role("tab", name="History").click()
            page.wait_for_function("(sid) => document.body.innerText.includes(sid)", arg=own, timeout=30_000)
            assert other not in page.locator("#history-table").inner_text()
        bob.goto(f"{accounts_app_url}?session={theirs}")  # alice's link, copied to bob
        bob.wait_for_function(
            "() => (document.querySelector('#notice')?.innerText || '').includes('not found')", timeout=TURN_TIMEOUT_MS
        )
        assert theirs not in bob.locator("body").inner_text()
        assert "Not started" in status(bob) and messages(bob) == []
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for name, page in (("accounts-alice", alice), ("accounts-bob", bob)):
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            page.context.close()
