"""The spoken-answer eval: how well the offline recognisers hear interview answers, and whether what they hear
changes the verdicts.

The recording set (`evals/voice/recordings.yaml`) names answers of the labelled scoring eval and a synthetic voice
for each. The audio is made on first use with espeak-ng and flite, Debian packages (16 kHz mono WAV, cached under
the data directory). For each recogniser:
- wer: word error rate over the whole set, after `normalise` (lower case, no punctuation, digits spelled out), and
  `wer_<voice>` per voice;
- verdict_changed_rate: share of answers where a key point's verdict on the transcript differs from its verdict on
  the typed text (the offline scorer, both times); score_change_mean: the mean absolute change of the score;
- real_time_factor: seconds of recognition per second of audio, once loaded; load_s: loading the model.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from interviewer.bank.loader import Bank
from interviewer.evals.scoring import load_labelled
from interviewer.scoring.models import AnswerScore
from interviewer.scoring.rubric import Rubric, rubric_for
from interviewer.settings import Settings
from interviewer.voice.audio import Audio, load_wav
from interviewer.voice.prompt import recognition_prompt

Tick = Callable[[], None]
SPEECH_RATE_WPM = 160  # espeak-ng's words per minute: an unhurried speaker


class Recogniser(Protocol):
    name: str

    def load(self) -> None: ...

    def text(self, path: Path, audio: Audio, prompt: str | None = None) -> str: ...


class Scorer(Protocol):
    def score(self, rubric: Rubric, answer: str) -> AnswerScore: ...


@dataclass(frozen=True)
class Recording:
    answer_id: str
    question_id: str
    voice: str  # "espeak-ng:<voice>" or "flite:<voice>"
    text: str


def load_recordings(settings: Settings) -> list[Recording]:
    data = yaml.safe_load((settings.evals_dir / "voice" / "recordings.yaml").read_text(encoding="utf-8"))
    answers = {a.id: a for a in load_labelled(settings.evals_dir / "scoring")}
    missing = [r["answer"] for r in data["recordings"] if r["answer"] not in answers]
    if missing:
        raise ValueError(f"recordings.yaml names answers the scoring eval does not have: {', '.join(missing)}")
    return [
        Recording(r["answer"], answers[r["answer"]].question_id, r["voice"], answers[r["answer"]].answer.strip())
        for r in data["recordings"]
    ]


# --- making the audio -------------------------------------------------------------------------------------------
def synthesize(text: str, voice: str, out: Path) -> Path:
    """Speak `text` with a Debian TTS voice into a WAV file (made once: the same text and voice give the same file)."""
    if out.exists():
        return out
    engine, _, name = voice.partition(":")
    binary = {"espeak-ng": "espeak-ng", "flite": "flite"}.get(engine)
    if binary is None:
        raise ValueError(f"unknown voice {voice!r}: use espeak-ng:<voice> or flite:<voice>")
    if shutil.which(binary) is None:
        raise RuntimeError(f"{binary} is not installed: `apt-get install {binary}` (the CI script installs it)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".part.wav")
    if engine == "espeak-ng":
        cmd = [binary, "-v", name, "-s", str(SPEECH_RATE_WPM), "-w", str(tmp), text]
    else:
        cmd = [binary, "-voice", name, "-t", text, "-o", str(tmp)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    tmp.replace(out)
    return out


def recording_path(settings: Settings, rec: Recording) -> Path:
    return settings.data_dir / "evals" / "voice-recordings" / rec.voice.replace(":", "-") / f"{rec.answer_id}.wav"


# --- word error rate --------------------------------------------------------------------------------------------
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
        "seventeen eighteen nineteen".split()  # fmt: skip
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spell_number(n: int) -> str:
    """English words for 0 to 999,999,999 ("forty two", "two thousand and five" without the "and")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for size, word in ((1_000_000, "million"), (1_000, "thousand"), (100, "hundred")):
        if n >= size:
            head, rest = divmod(n, size)
            return f"{spell_number(head)} {word}" + (f" {spell_number(rest)}" if rest else "")
    raise AssertionError("unreachable")  # pragma: no cover


# Words written joined or apart that sound the same ("post-mortem", "postmortem"): one spelling on both sides, so a
# spelling is never counted as a mishearing.
COMPOUNDS = {
    "back off": "backoff", "back up": "backup", "end point": "endpoint", "time out": "timeout",
    "post mortem": "postmortem", "data base": "database", "set up": "setup", "roll back": "rollback",
    "log in": "login", "on call": "oncall", "web hook": "webhook", "real time": "realtime", "code base": "codebase",
    "work flow": "workflow", "dead line": "deadline", "play book": "playbook", "run book": "runbook",
}  # fmt: skip
_COMPOUND = re.compile(r"\b(" + "|".join(re.escape(k) for k in COMPOUNDS) + r")\b")


def normalise(text: str) -> list[str]:
    """Words as spoken: lower case, "%" as "percent", digits spelled out, punctuation and hyphens as spaces, and
    one spelling for compounds written joined or apart."""
    text = text.lower().replace("%", " percent ").replace("\u2019", "'")
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 40,000 -> 40000
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)  # p95 -> p 95, 10k -> 10 k
    text = re.sub(r"\d+", lambda m: f" {spell_number(int(m.group()))} " if len(m.group()) <= 9 else m.group(), text)
    text = re.sub(r"[^a-z' ]+", " ", text)
    text = _COMPOUND.sub(lambda m: COMPOUNDS[m.group(1)], " ".join(text.split()))
    return [w.strip("'") for w in text.split() if w.strip("'")]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


# --- the run ----------------------------------------------------------------------------------------------------
@dataclass
class Heard:
    recording: Recording
    transcript: str
    errors: int
    words: int
    seconds: float  # recognition time
    audio_seconds: float


def hear_all(
    settings: Settings, bank: Bank, recogniser: Recogniser, recordings: list[Recording], tick: Tick | None = None
) -> list[Heard]:
    """Every recording heard as the app hears it: told the question and the tools its rubric names."""
    paths = [synthesize(rec.text, rec.voice, recording_path(settings, rec)) for rec in recordings]
    if tick:
        tick()
    out = []
    for rec, path in zip(recordings, paths, strict=True):
        audio = load_wav(path, settings.voice)
        prompt = recognition_prompt(rubric_for(bank, rec.question_id))
        start = time.perf_counter()
        said = recogniser.text(path, audio, prompt)
        seconds = time.perf_counter() - start
        ref = normalise(rec.text)
        out.append(Heard(rec, said, edit_distance(ref, normalise(said)), len(ref), seconds, audio.seconds))
    return out


def compare_with_typed(bank: Bank, scorer: Scorer, heard: list[Heard]) -> tuple[list[str], float]:
    """(answers where any key point's verdict on the transcript differs from its verdict on the typed text, mean
    absolute change of the score out of 10), the offline scorer judging both."""
    changed, deltas = [], []
    for h in heard:
        rubric = rubric_for(bank, h.recording.question_id)
        typed = scorer.score(rubric, h.recording.text)
        spoken = scorer.score(rubric, h.transcript)
        if [k.verdict for k in typed.key_points] != [k.verdict for k in spoken.key_points]:
            changed.append(h.recording.answer_id)
        deltas.append(abs((typed.score or 0.0) - (spoken.score or 0.0)))
    return changed, sum(deltas) / max(1, len(deltas))


def figures(heard: list[Heard], changed: list[str], score_change: float, load_s: float) -> dict[str, float]:
    out = {
        "wer": round(sum(h.errors for h in heard) / max(1, sum(h.words for h in heard)), 4),
        "verdict_changed_rate": round(len(changed) / max(1, len(heard)), 4),
        "score_change_mean": round(score_change, 2),
        "real_time_factor": round(sum(h.seconds for h in heard) / max(1e-9, sum(h.audio_seconds for h in heard)), 3),
        "load_s": round(load_s, 2),
        "recordings": float(len(heard)),
        "audio_minutes": round(sum(h.audio_seconds for h in heard) / 60, 1),
    }
    for voice in sorted({h.recording.voice for h in heard}):
        mine = [h for h in heard if h.recording.voice == voice]
        key = "wer_" + re.sub(r"[^a-z0-9]+", "_", voice.lower())
        out[key] = round(sum(h.errors for h in mine) / max(1, sum(h.words for h in mine)), 4)
    return out


def run_suite(settings: Settings, bank: Bank, recogniser: Recogniser, scorer: Scorer, tick: Tick) -> dict[str, Any]:
    start = time.perf_counter()
    recogniser.load()
    load_s = time.perf_counter() - start
    heard = hear_all(settings, bank, recogniser, load_recordings(settings), tick)
    changed, score_change = compare_with_typed(bank, scorer, heard)
    tick()
    transcripts = [
        {"answer": h.recording.answer_id, "voice": h.recording.voice, "errors": h.errors, "words": h.words}
        | {"heard": h.transcript}
        for h in heard
    ]
    figs = figures(heard, changed, score_change, load_s)
    return {"figures": figs, "recogniser": recogniser.name, "verdicts_changed": changed, "transcripts": transcripts}
