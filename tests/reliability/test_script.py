"""Scripted candidates: markers are found again, and a marker does not turn a non-answer into an answer."""

from __future__ import annotations

import random

from interviewer.interview.nonanswers import classify
from interviewer.reliability.app_process import percentile
from interviewer.reliability.script import NON_ANSWERS, candidate_text, marker, owners


def test_every_turn_carries_its_marker_and_markers_name_their_candidate() -> None:
    rng = random.Random(0)
    texts = [candidate_text(rng, marker("load1a2b3c", 17, n)) for n in range(50)]
    assert all(owners(t) == {"load1a2b3c-c17"} for t in texts)
    assert owners("load1a2b3c-c1-t10 and crash-c2-t3") == {"load1a2b3c-c1", "crash-c2"}
    assert owners("no marker here, c17-t3 alone is not one") == set()


def test_non_answers_stay_non_answers_with_a_marker() -> None:
    for text in NON_ANSWERS:
        assert classify(f"{text} ({marker('load1a2b3c', 3, 12)})") != "answer", text


def test_percentile_interpolates() -> None:
    assert percentile([], 0.95) == 0.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([0.0, 10.0], 0.95) == 9.5
