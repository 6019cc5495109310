"""Parse interview documents in the two source formats into neutral drafts.

- chapter: `Q:` / `A:` / `Key Points:` / `Common Mistakes:` / `Follow-up:` blocks under level headings;
- question list: the questions listed first, then per question the "Employers ask this..." guidance and an
  "Answer Example", each block closed by a line that is, or ends with, ` -`.
Nothing is invented: a part the document lacks stays empty here and is marked for authoring later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Format = Literal["chapter", "question-list"]
_LEVEL_WORDS = (("entry", "entry"), ("beginner", "entry"), ("intermediate", "intermediate"),
                ("advanced", "senior"), ("senior", "senior"))  # fmt: skip
_LISTS = {"key points:": "key_points", "common mistakes:": "mistakes", "follow-up:": "follow_ups",
          "follow-ups:": "follow_ups"}  # fmt: skip


class IngestError(ValueError):
    pass


@dataclass
class Draft:
    position: int
    text: str
    answer: str | None = None
    guidance: str | None = None
    section: str | None = None
    level: str | None = None
    key_points: list[str] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)
    follow_ups: list[str] = field(default_factory=list)


def _clean(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def detect_format(text: str) -> Format:
    if re.search(r"^Q:", text, flags=re.M):
        return "chapter"
    if re.search(r"^Answer Example:", text, flags=re.M):
        return "question-list"
    raise IngestError(
        "unrecognised format: expected `Q:`/`A:` blocks (chapter) or questions with `Answer Example:` (question list)"
    )


def _heading_level(line: str) -> str | None:
    low = line.lower()
    return next((level for word, level in _LEVEL_WORDS if word in low), None)


def _is_heading(line: str) -> bool:
    return len(line) < 90 and not line.endswith((".", "?", ":", '"')) and not line.startswith("-")


def parse_chapter(text: str) -> list[Draft]:
    drafts: list[Draft] = []
    section, level = None, None
    state = "between"  # between | answer | a list name
    for raw_line in text.splitlines():
        line = _clean(raw_line)
        if not line:
            continue
        if line.startswith("Q:"):
            drafts.append(Draft(position=len(drafts) + 1, text=line[2:].strip(), section=section, level=level))
            state = "question"
        elif drafts and line.startswith("A:") and state == "question":
            drafts[-1].answer = line[2:].strip().strip('"')
            state = "answer"
        elif drafts and line.lower() in _LISTS and state != "between":
            state = _LISTS[line.lower()]
        elif drafts and state in _LISTS.values() and line.startswith("-"):
            getattr(drafts[-1], state).append(line.lstrip("- ").strip())
        elif drafts and state == "answer":
            drafts[-1].answer = f"{drafts[-1].answer} {line.strip(chr(34))}".strip()
        else:
            state = "between"
            if _is_heading(line):
                section = line
                level = _heading_level(line) or level
    return drafts


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for raw_line in text.splitlines():
        line = _clean(raw_line)
        if line == "-" or line.endswith(" -"):
            blocks.append([])
        elif line:
            blocks[-1].append(line)
    return [b for b in blocks if b]


def _key(question: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", question.lower()).strip()


def parse_question_list(text: str) -> list[Draft]:
    header, *blocks = _blocks(text)
    answered: dict[str, Draft] = {}
    for block in blocks:
        draft = Draft(position=0, text=block[0])
        for line in block[1:]:
            if line.startswith("Answer Example:"):
                draft.answer = line.removeprefix("Answer Example:").strip().strip('"')
            elif line.startswith("Help us improve"):
                continue
            elif draft.guidance is None:
                draft.guidance = line
        answered[_key(draft.text)] = draft
    # Listed questions that also have a block, plus listed ones with no block yet (they end with "?").
    listed = [line for line in header[1:] if _key(line) in answered or line.endswith("?")]
    order = listed + [d.text for k, d in answered.items() if k not in {_key(q) for q in listed}]
    drafts = []
    for i, question in enumerate(order, start=1):
        draft = answered.get(_key(question), Draft(position=0, text=question))
        draft.position = i
        drafts.append(draft)
    return drafts


def parse_document(text: str) -> tuple[Format, list[Draft]]:
    fmt = detect_format(text)
    drafts = parse_chapter(text) if fmt == "chapter" else parse_question_list(text)
    if not drafts:
        raise IngestError(f"no questions found in this {fmt} document")
    return fmt, drafts


def guess_track(text: str) -> str | None:
    title = text.strip().splitlines()[0].lower() if text.strip() else ""
    if "software engineer" in title:
        return "software-engineer-python"
    if "python developer" in title:
        return "python-developer"
    if "behavio" in title or "behavio" in text[:2000].lower():
        return "behavioral"
    return None
