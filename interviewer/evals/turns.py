"""Turn understanding: what kind of turn a candidate's words are, on hand-labelled turns (`evals/turns/`).

While a question is open: an answer, a clarifying question, a repeat request, a skip or "I don't know", a stall,
small talk or a hint request. At the wrap-up: a question for the interviewer, or a closing. Read by the
interviewer's own `TurnReader` (rules, then the nearest labelled examples). Its examples are the dev half, so on
`dev` each turn is read with itself left out; `test` (the default) is the measure. Figures per kind (precision,
recall) and the macro-F1, beside the rules alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from interviewer.interview.nonanswers import classify, closes
from interviewer.interview.turn_reader import TurnReader

QUESTION_KINDS = ("answer", "clarify", "repeat", "skip", "minute", "small-talk", "hint")
WRAP_UP_KINDS = ("question", "closing")


def load(folder: Path, split: str) -> list[dict[str, str]]:
    data = yaml.safe_load((folder / "turns.yaml").read_text(encoding="utf-8"))
    return [t for t in data["turns"] if split == "all" or t["split"] == split]


def rules(text: str, phase: str) -> str:
    """The rules alone: the baseline."""
    if phase == "wrap-up":
        return "closing" if closes(text) else "question"
    return classify(text)


def figures(turns: list[dict[str, str]], got: list[str]) -> dict[str, Any]:
    gold = [t["kind"] for t in turns]
    out: dict[str, Any] = {"turns": len(turns)}
    f1s = []
    for kind in (*QUESTION_KINDS, *WRAP_UP_KINDS):
        tp = sum(g == k == kind for g, k in zip(gold, got, strict=True))
        fp = sum(k == kind and g != kind for g, k in zip(gold, got, strict=True))
        fn = sum(g == kind and k != kind for g, k in zip(gold, got, strict=True))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        key = kind.replace("-", "_")
        out |= {f"{key}_precision": round(p, 4), f"{key}_recall": round(r, 4)}
        if tp + fn:
            f1s.append(f)
    out["turn_kind_macro_f1"] = round(sum(f1s) / len(f1s), 4) if f1s else 0.0
    out["accuracy"] = round(sum(g == k for g, k in zip(gold, got, strict=True)) / len(gold), 4) if gold else 0.0
    return out


def run_suite(folder: Path, split: str, reader: TurnReader) -> dict[str, Any]:
    turns = load(folder, split)
    got = [reader.kind(t["text"], t["phase"], leave_out=t["text"] if split != "test" else None) for t in turns]
    out = figures(turns, got)
    baseline = figures(turns, [rules(t["text"], t["phase"]) for t in turns])
    out["rules_only_macro_f1"] = baseline["turn_kind_macro_f1"]
    wrong = [
        {"text": t["text"], "phase": t["phase"], "kind": t["kind"], "got": g}
        for t, g in zip(turns, got, strict=True)
        if g != t["kind"]
    ]
    return {"figures": out, "split": split, "misread": wrong[:40]}
