"""Scripted candidates: realistic answers, a few non-answers, and a unique marker in every turn they send."""

from __future__ import annotations

import random
import re

from interviewer.reliability.client import Plan

TRACKS = ["behavioral", "python-developer", "software-engineer-python"]
LEVELS = ["entry", "intermediate", "senior"]

ANSWERS = [
    "I would reproduce it first, then profile with cProfile and py-spy to find the hot path before changing code.",
    "I checked recent deployments, rolled back the last release and watched the error rate and p95 latency.",
    "We had N+1 queries in the ORM, so I used select_related and added an index; latency went from 900 ms to 80 ms.",
    "I use pytest with fixtures, mock only the network boundary, and keep a few integration tests against Postgres.",
    "A generator yields items lazily, so memory stays flat; I used one to stream a 10 GB CSV through the pipeline.",
    "For a rate limiter I'd use a token bucket per API key in Redis, with an atomic Lua script to avoid races.",
    "When we disagreed on the design, I wrote down both options with their trade-offs and we agreed on a spike.",
    "I'd add timeouts and retries with exponential backoff and jitter, plus idempotency keys so charges never double.",
    "The GIL means threads help with I/O-bound work; for CPU-bound work I use multiprocessing or move it to a queue.",
    "I told stakeholders what was affected, gave an ETA for the next update, and posted updates every 30 minutes.",
    "After the incident we ran a blameless post-mortem, added an alert on queue depth and a canary deployment step.",
    "I mentored a junior developer by pairing on code reviews and giving them ownership of a small service.",
    "Decorators wrap a function; I used functools.wraps and one to add retry logic and timing metrics to API calls.",
    "I'd look at the logs and the database metrics, check connection pool exhaustion, and compare with yesterday.",
]
WRAP_UP = [
    "What does a typical day look like for the team?",
    "What is the tech stack, and which Python version do you run?",
    "No, that's all, thank you.",
]
NON_ANSWERS = ["could you repeat that?", "skip", "let me think for a moment", "what do you mean by that?"]
NON_ANSWER_SHARE = 0.12
MAX_TURNS_PER_SESSION = 60  # a scripted candidate still talking after this many turns is stuck


MARKER = re.compile(r"\b([a-z]+[0-9a-f]{0,8}-c\d+)-t\d+\b")  # group 1: whose turn it is, e.g. "load3fa2c1-c17"


def candidate_id(run: str, candidate: int) -> str:
    return f"{run}-c{candidate}"


def marker(run: str, candidate: int, turn: int) -> str:
    """`load3fa2c1-c17-t3`: which run, which candidate, which turn. Unique per candidate turn."""
    return f"{candidate_id(run, candidate)}-t{turn}"


def owners(text: str) -> set[str]:
    """The candidates whose markers appear in `text`."""
    return set(MARKER.findall(text))


def candidate_text(rng: random.Random, tag: str, wrap_up: bool = False, non_answers: bool = True) -> str:
    """One candidate turn with `tag` in it: an answer of one or two sentences, or now and then a non-answer."""
    if wrap_up:
        return f"{rng.choice(WRAP_UP)} ({tag})"
    if non_answers and rng.random() < NON_ANSWER_SHARE:
        return f"{rng.choice(NON_ANSWERS)} ({tag})"
    return f"{' '.join(rng.sample(ANSWERS, rng.choice([1, 2])))} ({tag})"


def random_plan(rng: random.Random) -> Plan:
    """A short interview, so sessions reach the end and new ones start within a run."""
    return Plan(
        tracks=[rng.choice(TRACKS)],
        level=rng.choice(LEVELS),
        questions=rng.choice([1, 2, 3]),
        mode=rng.choice(["practice", "realistic"]),
        scenario=rng.choice(["", "production-bug"]),
        seed=rng.randrange(1000),
    )
