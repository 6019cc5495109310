"""The resilience pieces on their own: backoff, Retry-After, the breaker's states, the turn budget, the cut-off."""

import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx2 as httpx  # what openai 3.54 is built on
import openai
import pytest

from interviewer.llm import describe, transient
from interviewer.resilience import (
    CircuitBreaker,
    CircuitOpen,
    Guard,
    LLMUnavailable,
    OutOfTime,
    RetryPolicy,
    TurnBudget,
    call_with_resilience,
    current_budget,
    retry_after,
    run_bounded,
    turn_budget,
)


def _status_error(status: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    response = httpx.Response(status, headers=headers or {}, request=request)
    cls = {429: openai.RateLimitError, 500: openai.InternalServerError, 400: openai.BadRequestError}[status]
    return cls(f"scripted {status}", response=response, body=None)


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=0.5)
    delays = [policy.delay(n, random.Random(7)) for n in range(5)]
    assert delays == [policy.delay(n, random.Random(7)) for n in range(5)]  # the seeded rng replays exactly
    for n, d in enumerate(delays):
        full = min(3.0, 0.5 * 2**n)
        assert full / 2 <= d <= full
    assert len({round(policy.delay(1, random.Random(seed)), 6) for seed in range(10)}) > 5  # jitter spreads


def test_retry_after_wins_when_longer_and_is_parsed_in_every_form() -> None:
    assert RetryPolicy().delay(0, random.Random(1), retry_after=4.0) == 4.0
    assert retry_after(_status_error(429, {"Retry-After": "2"})) == 2.0
    assert retry_after(_status_error(429, {"retry-after-ms": "1500"})) == 1.5
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 27 < (retry_after(_status_error(429, {"Retry-After": when})) or 0) <= 30
    assert retry_after(_status_error(429, {"Retry-After": "soon"})) is None
    assert retry_after(_status_error(500)) is None


def test_what_is_worth_retrying() -> None:
    assert transient(_status_error(429)) and transient(_status_error(500))
    assert not transient(_status_error(400))  # a 4xx other than 429 fails the same way again
    assert not transient(ValueError("output failed its schema"))  # the caller re-asks instead
    assert describe(_status_error(500)) == "HTTP 500"


def _raised(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except Exception as e:
        return e
    raise AssertionError("nothing raised")


def test_a_bug_in_our_code_is_not_a_malformed_reply() -> None:
    """A KeyError inside a client library is a reply it could not parse (retried); one raised in our own code is a
    bug in building the request: not retried, and reported as itself."""
    import os

    from interviewer.scoring.formula import coverage

    theirs = _raised(lambda: os.environ["__NO_SUCH_VARIABLE__"])  # raised inside the standard library
    assert transient(theirs) and describe(theirs) == "malformed reply (KeyError)"
    ours = _raised(lambda: coverage([("bogus", 1.0)]))  # raised inside the interviewer package
    assert not transient(ours) and describe(ours).startswith("KeyError: ")


def test_breaker_opens_half_opens_and_closes() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=3, reset_after_s=10, clock=lambda: now[0])
    for _ in range(2):
        breaker.record(ok=False)
    assert breaker.state == "closed" and breaker.allow()
    breaker.record(ok=False)
    assert breaker.state == "open" and not breaker.allow() and breaker.retry_in() == 10
    now[0] = 10.0
    assert breaker.state == "half-open"
    assert breaker.allow() and not breaker.allow()  # one trial request only
    breaker.record(ok=False)  # the trial failed: open for another full period
    assert breaker.state == "open" and breaker.retry_in() == 10
    now[0] = 20.0
    assert breaker.allow()
    breaker.record(ok=True)
    assert breaker.state == "closed" and breaker.allow() and breaker.allow()


def test_half_open_lets_exactly_one_of_many_threads_through() -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_after_s=0.01)
    breaker.record(ok=False)
    time.sleep(0.02)
    allowed: list[bool] = []
    threads = [threading.Thread(target=lambda: allowed.append(breaker.allow())) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert allowed.count(True) == 1


def test_calls_in_one_turn_share_the_budget() -> None:
    with turn_budget() as budget:
        assert current_budget(5.0) is budget and budget.limit_s == 5.0
        time.sleep(0.2)
        assert current_budget(99.0).remaining() < 5.0 - 0.2  # the first call's limit stands for the turn
        with turn_budget(1.0) as inner:
            assert inner is budget  # nesting joins the turn already running
    assert current_budget(5.0) is not budget  # outside a turn every call gets its own


def test_turn_budget_is_a_decorator_too() -> None:
    @turn_budget()
    def one_turn() -> TurnBudget:
        return current_budget(3.0)

    first, second = one_turn(), one_turn()
    assert first is not second and first.limit_s == 3.0


def test_run_bounded_stops_waiting_and_tells_the_worker() -> None:
    stopped = threading.Event()

    def slow(stop: threading.Event) -> str:
        if stop.wait(5):
            stopped.set()
        return "late"

    started = time.monotonic()
    with pytest.raises(OutOfTime):
        run_bounded(slow, 0.2)
    assert time.monotonic() - started < 0.4
    assert stopped.wait(1)
    assert run_bounded(lambda stop: "on time", 1.0) == "on time"
    empty: dict[str, str] = {}
    with pytest.raises(KeyError):
        run_bounded(lambda stop: empty["missing"], 1.0)


def _guard(threshold: int = 3) -> Guard:
    return Guard(CircuitBreaker(threshold, 30), RetryPolicy(base_delay=0.01), transient, describe, random.Random(0))


def test_transient_errors_are_retried_and_others_are_not() -> None:
    calls: list[float] = []
    replies: list[Exception | str] = [_status_error(500), _status_error(429), "ok"]

    def fn(timeout: float, stop: threading.Event) -> str:
        calls.append(timeout)
        reply = replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    with turn_budget(2.0):
        assert call_with_resilience(fn, current_budget(2.0), _guard()) == "ok"
    assert len(calls) == 3 and all(0 < t <= 2.0 for t in calls) and calls[0] > calls[2]  # timeouts shrink

    replies[:] = [_status_error(400), "never"]
    with pytest.raises(openai.BadRequestError):
        call_with_resilience(fn, current_budget(2.0), _guard())
    assert replies == ["never"]


def test_giving_up_names_the_reason_and_the_breaker_then_skips() -> None:
    guard, calls = _guard(threshold=3), []

    def fail(timeout: float, stop: threading.Event) -> str:
        calls.append(timeout)
        raise _status_error(500)

    with pytest.raises(LLMUnavailable, match="HTTP 500 after 3 attempts"):
        call_with_resilience(fail, current_budget(2.0), guard)
    with pytest.raises(CircuitOpen, match="circuit open"):
        call_with_resilience(fail, current_budget(2.0), guard)
    assert len(calls) == 3
