"""Calls to an LLM endpoint that cannot hold up a turn: one time budget per turn, bounded retries, a breaker.

Why: a candidate waits on every turn, and a turn may call the endpoint twice (judge, then policy). Both draw on
one deadline (`turn_budget`), each call runs in a worker thread the caller stops waiting for at that deadline
(a slow stream or a stalled DNS lookup are not bounded by the HTTP client's timeouts), transient faults are
retried with jittered exponential backoff, and a breaker per endpoint and model stops a failing endpoint from
costing every turn the wait. Whatever gives up here, the caller falls back to the offline engine.
"""

from __future__ import annotations

import contextvars
import email.utils
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Literal, TypeVar

T = TypeVar("T")
MIN_ATTEMPT_S = 0.2  # an attempt with less time than this left cannot get a reply back: not worth starting


class LLMUnavailable(RuntimeError):
    """The endpoint gave no usable answer in time; the message is the short reason the user sees."""


class CircuitOpen(LLMUnavailable):
    pass


class OutOfTime(LLMUnavailable, TimeoutError):
    pass


# --- the per-turn budget --------------------------------------------------------------------------------------
@dataclass
class TurnBudget:
    """A deadline shared by every LLM call of one turn. The limit comes from the first call when not given."""

    started: float
    limit_s: float | None = None

    def remaining(self) -> float:
        limit = self.limit_s or 0.0
        tail = min(1.0, 0.1 * limit)  # kept for the offline work and the commit after the LLM gives up
        return self.started + limit - tail - time.monotonic()


_budget: contextvars.ContextVar[TurnBudget | None] = contextvars.ContextVar("turn_budget", default=None)


@contextmanager
def turn_budget(limit_s: float | None = None) -> Iterator[TurnBudget]:
    """One turn: LLM calls inside share a deadline counted from here. Also a decorator; nesting joins the outer."""
    outer = _budget.get()
    if outer is not None:
        yield outer
        return
    budget = TurnBudget(time.monotonic(), limit_s)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def current_budget(limit_s: float) -> TurnBudget:
    """The turn's budget, or a fresh one for a call made outside any turn (the CLI scorer, the evals)."""
    budget = _budget.get() or TurnBudget(time.monotonic())
    budget.limit_s = budget.limit_s or limit_s
    return budget


# --- retries --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.5  # the share of each delay that is random, so clients that failed together spread out

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (0-based); the server's Retry-After wins if longer."""
        backoff = min(self.max_delay, self.base_delay * 2**attempt) * (1 - self.jitter * rng.random())
        return max(backoff, retry_after or 0.0)


def retry_after(e: BaseException) -> float | None:
    """The wait an HTTP error asks for: `retry-after-ms` (OpenAI), or `Retry-After` in seconds or as a date."""
    headers = getattr(getattr(e, "response", None), "headers", None) or {}
    try:
        if "retry-after-ms" in headers:
            return float(headers["retry-after-ms"]) / 1000
        value = headers.get("retry-after") or ""
        if value.strip().replace(".", "", 1).isdigit():
            return float(value)
        return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time()) if value else None
    except (TypeError, ValueError):
        return None


# --- the breaker ----------------------------------------------------------------------------------------------
class CircuitBreaker:
    """Closed, open for `reset_after_s` after `failure_threshold` failed requests in a row, then half-open: one
    trial request decides. Thread-safe: every session of the web app shares it."""

    def __init__(self, failure_threshold: int, reset_after_s: float, clock: Callable[[], float] = time.monotonic):
        self.failure_threshold, self.reset_after_s, self.clock = failure_threshold, reset_after_s, clock
        self._lock = threading.Lock()
        self._failures, self._opened_at, self._probing = 0, 0.0, False

    @property
    def state(self) -> Literal["closed", "open", "half-open"]:
        with self._lock:
            return self._state()

    def _state(self) -> Literal["closed", "open", "half-open"]:
        if self._failures < self.failure_threshold:
            return "closed"
        return "open" if self.clock() - self._opened_at < self.reset_after_s else "half-open"

    def allow(self) -> bool:
        """May a request go out now? In half-open, only the first caller gets through."""
        with self._lock:
            state = self._state()
            if state == "half-open" and not self._probing:
                self._probing = True
                return True
            return state == "closed"

    def retry_in(self) -> float:
        with self._lock:
            return max(0.0, self._opened_at + self.reset_after_s - self.clock())

    def record(self, ok: bool) -> None:
        with self._lock:
            if ok:
                self._failures = 0
            else:
                self._failures += 1
                if self._failures >= self.failure_threshold:
                    self._opened_at = self.clock()  # (re)open: a failed trial waits another full period
            self._probing = False


_breakers: dict[tuple[str, str], CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(endpoint: str, model: str, failure_threshold: int, reset_after_s: float) -> CircuitBreaker:
    """The process-wide breaker of one endpoint and model; the first caller's thresholds stand."""
    with _breakers_lock:
        key = (endpoint.rstrip("/"), model)
        if key not in _breakers:
            _breakers[key] = CircuitBreaker(failure_threshold, reset_after_s)
        return _breakers[key]


# --- the call -------------------------------------------------------------------------------------------------
def run_bounded(fn: Callable[[threading.Event], T], seconds: float) -> T:
    """`fn(stop)` in a worker thread. After `seconds` the caller gives up and sets `stop`, so `fn` can let go."""
    stop, done = threading.Event(), threading.Event()
    results: list[T] = []
    errors: list[BaseException] = []
    context = contextvars.copy_context()

    def work() -> None:
        try:
            results.append(context.run(fn, stop))
        except BaseException as e:  # handed to the caller's thread below
            errors.append(e)
        finally:
            done.set()

    threading.Thread(target=work, name="llm-call", daemon=True).start()
    if not done.wait(max(0.0, seconds)):
        stop.set()
        raise OutOfTime(f"no answer within the turn's time limit ({seconds:.1f} s left)")
    if errors:
        raise errors[0]
    return results[0]


@dataclass
class Guard:
    """What protects calls to one endpoint: its breaker, the retry policy, and what the client's errors mean."""

    breaker: CircuitBreaker
    policy: RetryPolicy
    transient: Callable[[BaseException], bool]  # worth another attempt, and a failure for the breaker
    describe: Callable[[BaseException], str]  # a short reason for the user
    rng: random.Random = field(default_factory=random.Random)  # jitter; injectable so tests are deterministic


def call_with_resilience(fn: Callable[[float, threading.Event], T], budget: TurnBudget, guard: Guard) -> T:
    """`fn(timeout, stop)` retried within the budget and the breaker. Errors that are not transient (a 4xx, output
    failing its schema) are raised unchanged for the caller; giving up raises an `LLMUnavailable`."""
    for attempt in range(guard.policy.max_attempts):
        left = budget.remaining()
        if left < MIN_ATTEMPT_S:
            raise OutOfTime(f"the turn's {budget.limit_s:g} s were spent before this call")
        if not guard.breaker.allow():
            raise CircuitOpen(f"circuit open after repeated failures; next try in {guard.breaker.retry_in():.0f} s")
        try:
            result = run_bounded(partial(fn, left), left)
        except Exception as e:
            failed = isinstance(e, OutOfTime) or guard.transient(e)
            guard.breaker.record(ok=not failed)  # an answer that is a 4xx or bad output still means "up"
            if not failed or isinstance(e, OutOfTime):
                raise
            tries = f"after {attempt + 1} attempt{'s' if attempt else ''}"
            if attempt + 1 == guard.policy.max_attempts:
                raise LLMUnavailable(f"{guard.describe(e)} {tries}") from e
            wait = guard.policy.delay(attempt, guard.rng, retry_after(e))
            if wait + MIN_ATTEMPT_S > budget.remaining():
                raise LLMUnavailable(f"{guard.describe(e)} {tries}; no time left to retry") from e
            time.sleep(wait)
            continue
        except BaseException:
            guard.breaker.record(ok=False)  # interrupted: never leave a half-open trial marked as running
            raise
        guard.breaker.record(ok=True)
        return result
    raise AssertionError("unreachable")  # pragma: no cover
