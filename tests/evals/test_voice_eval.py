"""The spoken-answer eval: its recording set, its word error rate, and one recording made and heard for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.evals import voice
from interviewer.settings import Settings
from interviewer.voice.stt import OFFLINE
from tests.voice.conftest import needs_espeak


def test_the_recording_set_is_forty_answers_or_more_in_several_voices_of_two_engines(bank: Bank) -> None:
    recordings = voice.load_recordings(Settings())
    assert len(recordings) >= 40 and len({r.answer_id for r in recordings}) == len(recordings)
    assert {r.voice.split(":")[0] for r in recordings} == {"espeak-ng", "flite"} and len(
        {r.voice for r in recordings}
    ) >= 4
    assert all(bank.item(r.question_id) for r in recordings)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("We cut p95 from 800 to 120 ms.", "we cut p ninety five from eight hundred to one hundred twenty ms"),
        ("40,000 requests, 30% fewer", "forty thousand requests thirty percent fewer"),
        ("A post-mortem, then a back-off.", "a postmortem then a backoff"),
        ("I'd roll back; it's the end point\u2019s fault", "i'd rollback it's the endpoint's fault"),
    ],
)
def test_normalise_compares_words_as_spoken(text: str, words: str) -> None:
    assert voice.normalise(text) == words.split()


def test_word_errors_count_substitutions_insertions_and_deletions() -> None:
    assert voice.edit_distance("a b c d".split(), "a x c d e".split()) == 2
    assert voice.edit_distance([], "a b".split()) == 2 and voice.edit_distance("a b".split(), []) == 2
    assert (
        voice.spell_number(2005) == "two thousand five"
        and voice.spell_number(1_200_013) == "one million two hundred thousand thirteen"
    )


@needs_espeak
def test_a_recording_is_made_once_and_heard_as_the_app_hears_it(tmp_path: Path, bank: Bank) -> None:
    settings = Settings(data_dir=tmp_path)
    recording = voice.load_recordings(settings)[0]
    heard = voice.hear_all(settings, bank, OFFLINE, [recording])
    path = voice.recording_path(settings, recording)
    made = path.stat().st_mtime_ns
    assert heard[0].words == len(voice.normalise(recording.text)) and heard[0].errors <= 0.3 * heard[0].words
    voice.hear_all(settings, bank, OFFLINE, [recording])
    assert path.stat().st_mtime_ns == made  # the same text and voice: the cached file, not a new one
