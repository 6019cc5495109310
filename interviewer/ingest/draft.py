"""Turn parsed drafts into YAML in the bank schema, marking every part the document lacks for authoring."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from interviewer.bank.models import AUTHOR_MARK, TRACKS
from interviewer.ingest.parse import Draft, guess_track, parse_document

_PREFIX = {"behavioral": "beh", "python-developer": "pyd", "software-engineer-python": "swe"}
_STOP = {"a", "an", "the", "you", "your", "our", "how", "do", "did", "what", "when", "would", "time", "me", "to",
         "of", "in", "and", "or", "for", "with", "is", "are", "can", "that", "about", "tell", "describe"}  # fmt: skip


def _mark(what: str) -> str:
    return f"{AUTHOR_MARK}: {what}"


def slug_for(text: str, prefix: str, taken: set[str]) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP][:5] or ["question"]
    base = f"{prefix}-{'-'.join(words)}"[:60].strip("-")
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _checks(items: list[str], prefix: str, what: str) -> list[dict[str, Any]]:
    if not items:
        return [{"id": f"{prefix}-1", "text": _mark(what), "cues": []}]
    return [{"id": f"{prefix}-{i}", "text": text, "cues": []} for i, text in enumerate(items, start=1)]


def _derived(answer: str) -> list[dict[str, Any]]:
    """A document with an example answer but no key points: the answer's own claims, marked as derived.

    They are the document's words, not invented ones; an author's key points replace them when written."""
    from interviewer.scoring.rubric import reference_claims

    return [{"id": f"claim-{n}", "text": c, "cues": [], "derived": True}
            for n, c in enumerate(reference_claims(answer)[:6], start=1)]  # fmt: skip


def draft_entry(d: Draft, qid: str, track: str | None, document: str) -> dict[str, Any]:
    follow_ups = [{"text": t, "targets": []} for t in d.follow_ups] or [
        {"text": _mark("follow-up question pressing on a key point"), "targets": []}
    ]
    entry: dict[str, Any] = {
        "id": qid,
        "track": track or _mark(f"one of {', '.join(TRACKS)}"),
        "level": d.level or _mark("entry, intermediate or senior"),
        "competency": _mark("a competency id from competencies.yaml"),
        "text": d.text,
    }
    if d.guidance:
        entry["guidance"] = d.guidance
    entry |= {
        "reference_answer": d.answer or _mark("concise reference answer"),
        "key_points": _checks(d.key_points, "kp", "specific, checkable key point")
        if d.key_points or not d.answer
        else _derived(d.answer),
        "red_flags": _checks(d.mistakes, "rf", "specific red flag"),
        "follow_ups": follow_ups,
        "tags": [_mark("tags")],
        "source": {"document": document, "position": d.position, "section": d.section},
    }
    return entry


def ingest_file(path: Path, track: str | None = None, taken: set[str] | None = None) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    _, drafts = parse_document(text)
    track = track or guess_track(text)
    prefix = _PREFIX.get(track or "", re.sub(r"[^a-z0-9]+", "-", path.stem.lower())[:12].strip("-") or "doc")
    taken = taken if taken is not None else set()
    return [draft_entry(d, slug_for(d.text, prefix, taken), track, path.name) for d in drafts]


def write_drafts(entries: list[dict[str, Any]], out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    header = (
        f"# Draft written by `interviewer ingest`. Replace every {AUTHOR_MARK} before adding this to the bank;\n"
        "# `interviewer bank check` refuses entries that still contain it.\n"
    )
    body = yaml.safe_dump({"questions": entries}, sort_keys=False, allow_unicode=True, width=110)
    out.write_text(header + body, encoding="utf-8")
    return out
