"""`interviewer score`: one answer as a scorecard or JSON, or a JSONL batch."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from interviewer.bank.loader import Bank, load_bank
from interviewer.scoring import resolve_rubric
from interviewer.scoring.engine import AnswerScorer
from interviewer.scoring.rubric import Rubric, all_rubrics, rubric_for
from interviewer.scoring.scorecard import explanation, scorecard
from interviewer.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    sc = sub.add_parser("score", help="score an answer against a bank question or your own rubric")
    which = sc.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--question-id",
        help="a bank question id, e.g. pyd-gil-concurrency, or a scenario stage, e.g. production-bug/triage-impact",
    )
    which.add_argument("--question", help="question text (scored against the closest bank entry if close enough)")
    which.add_argument("--batch", metavar="FILE.jsonl", help="score every line of a JSONL file; JSONL to stdout")
    sc.add_argument("--answer", help="the answer text, or - to read it from stdin")
    sc.add_argument("--reference", help="reference answer (with --question)")
    sc.add_argument("--key-point", action="append", default=[], help="a key point (repeatable, with --question)")
    sc.add_argument("--red-flag", action="append", default=[], help="a red flag (repeatable, with --question)")
    sc.add_argument("--audio-seconds", type=float, help="duration of the spoken answer, for words per minute")
    sc.add_argument("--json", action="store_true", help="print the AnswerScore JSON")
    sc.add_argument(
        "--explain", action="store_true", help="also print each claim's nearest spans with the reader's probabilities"
    )
    sc.set_defaults(func=cmd_score)


class _Context:
    """The bank, the index (only when free text needs resolving) and one scorer, shared across a batch."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.bank: Bank = load_bank(settings.knowledge_dir)
        self.scorer = AnswerScorer(settings)
        self._index: Any = None

    def rubric(self, question_id: str | None, question: str | None, **extra: Any) -> Rubric:
        if question_id:
            return rubric_for(self.bank, question_id)  # a question, or a scenario stage
        if not question or not question.strip():
            raise ValueError("give a question_id or a non-empty question")
        if self._index is None and not any(extra.values()):
            from interviewer.index.store import open_index

            self._index, _ = open_index(self.settings, self.bank)
        return resolve_rubric(question, self.bank, self._index, **extra)


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    ctx = _Context(settings)
    if args.batch:
        return _batch(ctx, args.batch)
    if args.answer is None:
        raise ValueError("--answer is required (use - to read stdin)")
    answer = sys.stdin.buffer.read().decode("utf-8", errors="replace") if args.answer == "-" else args.answer
    rubric = ctx.rubric(
        args.question_id,
        args.question,
        reference=args.reference,
        key_points=args.key_point or None,
        red_flags=args.red_flag or None,
    )
    result = ctx.scorer.score(rubric, answer, audio_seconds=args.audio_seconds)
    print(result.model_dump_json(indent=2) if args.json else scorecard(result, rubric.question))
    if args.explain:
        print(explanation(ctx.scorer.offline.explain(rubric, answer)))
    return 0


def _batch_line(ctx: _Context, line: str) -> str:
    try:
        item = json.loads(line)
        if not isinstance(item, dict):
            raise ValueError("each line must be a JSON object")
        answer = item.get("answer")
        if not isinstance(answer, str):
            raise ValueError("`answer` (a string) is required")
        rubric = ctx.rubric(
            item.get("question_id"),
            item.get("question"),
            reference=item.get("reference_answer"),
            key_points=item.get("key_points"),
            red_flags=item.get("red_flags"),
        )
        return ctx.scorer.score(rubric, answer, audio_seconds=item.get("audio_seconds")).model_dump_json()
    except (ValueError, KeyError, TypeError) as e:
        return json.dumps({"error": str(e).strip("'\"")})


def _batch(ctx: _Context, path: str) -> int:
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = [line for line in f if line.strip()]
    answers = []
    for line in lines:  # embed every answer's sentences in one pass first: several times faster
        try:
            item = json.loads(line)
            if isinstance(item, dict) and isinstance(item.get("answer"), str):
                answers.append(item["answer"])
        except ValueError:
            continue
    ctx.scorer.offline.warm(all_rubrics(ctx.bank))
    ctx.scorer.offline.prepare(answers)
    for line in lines:
        print(_batch_line(ctx, line), flush=True)
    return 0
