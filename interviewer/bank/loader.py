"""Read the bank's YAML files into validated models. Every problem names its file and entry id."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from interviewer.bank.models import AUTHOR_MARK, Competency, ItemRef, Question, Scenario, Stage

# libyaml's safe loader when PyYAML was built with it: about 10x faster than the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class BankIssue:
    file: str
    entry: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file} [{self.entry}]" if self.entry else self.file
        return f"{where}: {self.message}"


class BankError(Exception):
    """The bank is broken. The app refuses to run on part of a bank, so this carries every issue found."""

    def __init__(self, issues: list[BankIssue]):
        self.issues = issues
        lines = "\n".join(f"  - {issue}" for issue in issues)
        super().__init__(f"the knowledge bank has {len(issues)} problem(s):\n{lines}")


@dataclass(frozen=True)
class Bank:
    questions: tuple[Question, ...]
    scenarios: tuple[Scenario, ...]
    competencies: dict[str, Competency]
    files: dict[str, str] = field(default_factory=dict)  # entry id -> file it came from

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(f"no question with id {qid!r}")

    def scenario(self, sid: str) -> Scenario:
        for s in self.scenarios:
            if s.id == sid:
                return s
        raise KeyError(f"no scenario with id {sid!r}; known: {', '.join(s.id for s in self.scenarios)}")

    def stage(self, ref: ItemRef | str) -> tuple[Scenario, Stage]:
        """The scenario and stage a stage reference names."""
        ref = ItemRef.parse(ref) if isinstance(ref, str) else ref
        scenario = self.scenario(ref.scenario or "")
        for st in scenario.stages:
            if st.id == ref.stage:
                return scenario, st
        raise KeyError(f"scenario {scenario.id!r} has no stage {ref.stage!r}")

    def items(self) -> list[ItemRef]:
        """Every item an answer can be to: the questions, then each scenario's stages in order."""
        return [ItemRef(question=q.id) for q in self.questions] + [
            ItemRef.of_stage(s.id, st.id) for s in self.scenarios for st in s.stages
        ]

    def item(self, ref: ItemRef | str) -> Question | tuple[Scenario, Stage]:
        """What an item reference names: a question, or a (scenario, stage)."""
        ref = ItemRef.parse(ref) if isinstance(ref, str) else ref
        return self.stage(ref) if ref.is_stage else self.question(ref.question or "")


@dataclass
class RawBank:
    """Validated models plus the issues found on the way; `check` adds the cross-reference issues."""

    root: Path
    questions: list[tuple[str, Question]] = field(default_factory=list)
    scenarios: list[tuple[str, Scenario]] = field(default_factory=list)
    competencies: dict[str, Competency] = field(default_factory=dict)
    issues: list[BankIssue] = field(default_factory=list)

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)


def _read_yaml(raw: RawBank, path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raw.issues.append(BankIssue(raw.rel(path), None, f"not valid YAML: {e}"))
    except OSError as e:
        raw.issues.append(BankIssue(raw.rel(path), None, f"cannot read: {e}"))
    return None


def _marked(value: Any, path: str = "") -> list[str]:
    """Field paths that still hold the ingest's authoring mark."""
    if isinstance(value, str):
        return [path or "(entry)"] if AUTHOR_MARK in value else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _marked(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        found = [p for i, v in enumerate(value) for p in _marked(v, f"{path}.{i}")]
        return [path] if found else []
    return []


def _validate(raw: RawBank, path: Path, model: type[BaseModel], data: Any, label: str) -> Any:
    marked = _marked(data)
    if marked:
        raw.issues.append(
            BankIssue(raw.rel(path), label, f"draft: {', '.join(marked)} still marked {AUTHOR_MARK} for authoring")
        )
        return None
    try:
        return model.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc = ".".join(str(part) for part in err["loc"]) or "(entry)"
            raw.issues.append(BankIssue(raw.rel(path), label, f"{loc}: {err['msg']}"))
    return None


def _entries(raw: RawBank, path: Path, key: str) -> Iterator[tuple[str, Any]]:
    data = _read_yaml(raw, path)
    if data is None:
        return
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raw.issues.append(BankIssue(raw.rel(path), None, f"expected a mapping with a `{key}:` list"))
        return
    for i, entry in enumerate(data[key], start=1):
        label = str(entry.get("id")) if isinstance(entry, dict) and entry.get("id") else f"entry #{i}"
        yield label, entry


def read_bank(root: Path) -> RawBank:
    """Read and validate each file on its own; never raises for content problems."""
    raw = RawBank(root=root)
    if not root.is_dir():
        raw.issues.append(BankIssue(str(root), None, "knowledge directory not found"))
        return raw
    for label, entry in _entries(raw, root / "competencies.yaml", "competencies"):
        comp = _validate(raw, root / "competencies.yaml", Competency, entry, label)
        if comp:
            raw.competencies[comp.id] = comp
    question_files = sorted((root / "questions").glob("*.yaml"))
    if not question_files:
        raw.issues.append(BankIssue(raw.rel(root / "questions"), None, "no question files (*.yaml) found"))
    for path in question_files:
        for label, entry in _entries(raw, path, "questions"):
            q = _validate(raw, path, Question, entry, label)
            if q:
                raw.questions.append((raw.rel(path), q))
    for path in sorted((root / "scenarios").glob("*.yaml")):
        data = _read_yaml(raw, path)
        if data is not None:
            label = str(data.get("id")) if isinstance(data, dict) and data.get("id") else path.stem
            s = _validate(raw, path, Scenario, data, label)
            if s:
                raw.scenarios.append((raw.rel(path), s))
    return raw


def cross_check_path(root: Path) -> list[BankIssue]:
    """Every problem in the bank at `root`, without raising."""
    from interviewer.bank.check import cross_check

    raw = read_bank(root)
    return raw.issues + cross_check(raw)


def load_bank(root: Path) -> Bank:
    """The validated bank, or `BankError` listing every problem. Never returns part of a bank."""
    from interviewer.bank.check import cross_check

    raw = read_bank(root)
    issues = raw.issues + cross_check(raw)
    if issues:
        raise BankError(issues)
    files = {q.id: f for f, q in raw.questions} | {s.id: f for f, s in raw.scenarios}
    return Bank(
        questions=tuple(q for _, q in raw.questions),
        scenarios=tuple(s for _, s in raw.scenarios),
        competencies=raw.competencies,
        files=files,
    )
