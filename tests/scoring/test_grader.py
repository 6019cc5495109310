"""The claim grader: shipped weights, its signals, the SemEval figures and the training command (on a tiny file)."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from interviewer.cli import main
from interviewer.evals import semeval
from interviewer.scoring.grader import CLASSES, FEATURES, Grader, load_grader, pair_features
from interviewer.scoring.pairs import key_terms, negations, opposite_pairs, rejects


def test_shipped_weights_load_and_give_probabilities() -> None:
    g = load_grader()
    x = np.asarray([pair_features("the switch is open", "the switch is closed", "why?", 0.9, 0.3)] * 3)
    p = g.proba(x)
    assert p.shape == (3, len(CLASSES)) and np.allclose(p.sum(axis=1), 1.0)
    assert Grader.from_json(g.to_json()).proba(x) == pytest.approx(p)
    with pytest.raises(ValueError, match="retrain"):
        Grader.from_json(json.dumps({**json.loads(g.to_json()), "features": ["cos"]}))
    assert "SemEval" in (Path(__file__).parents[2] / "interviewer/scoring/data/GRADER.md").read_text()


def test_polarity_signals() -> None:
    assert negations("Streaming isn't needed") == 1 and negations("I stream it") == 0
    assert opposite_pairs("the block raises and exit is skipped", "exit still runs") == 1
    terms = key_terms(("stream", "line by line"), "Streams the file line by line", "How?")
    assert rejects("Streaming or splitting the file isn't needed", terms)
    assert rejects("I'd never stream it", terms)
    assert not rejects("I'd stream it line by line so it never runs out of memory", terms)


def test_the_grader_reads_the_opposite_polarity() -> None:
    g = load_grader()
    claim, q = "the resource is released even if the block raises", "What does a with statement guarantee?"
    same = g.proba(np.asarray([pair_features("the file gets released even when it raises", claim, q, 0.8, 0.4)]))
    flipped = g.proba(np.asarray([pair_features("the file is not released when it raises", claim, q, 0.8, 0.4)]))
    assert flipped[0, CLASSES.index("contradictory")] > same[0, CLASSES.index("contradictory")]
    assert same[0, 0] > flipped[0, 0]


def _items() -> list[semeval.Item]:
    rows = [("q1", "correct", 0.9), ("q1", "correct", 0.8), ("q1", "contradictory", 0.2), ("q1", "unrelated", 0.1)]
    return [semeval.Item(q, "Q?", ("ref",), f"a{n}", lab) for n, (q, lab, _) in enumerate(rows)]


def test_semeval_figures_tell_a_good_scorer_from_a_bad_one() -> None:
    items = _items()
    good = semeval.figures(items, np.asarray([0.9, 0.8, 0.2, 0.1]), ["correct", "correct", "contradictory", "other"])
    bad = semeval.figures(items, np.asarray([0.1, 0.2, 0.9, 0.8]), ["other", "other", "correct", "correct"])
    assert good["auc_correct"] == 1.0 and good["auc_correct_vs_contradictory"] == 1.0 and good["macro_f1_3way"] == 1.0
    assert bad["auc_correct"] == 0.0 and bad["macro_f1_2way"] < 0.5
    assert semeval.held_out("SWITCH_OPEN_EXPLAIN_Q") in (True, False)  # a fixed split by question id


def test_training_command_runs_seeded_on_a_tiny_file(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    path = tmp_path / "train.csv"
    fields = ["corpus", "question_id", "answer_id", "question", "reference_answer", "reference_best",
              "student_answer", "label"]  # fmt: skip
    answers = [
        ("the bulb lights because the circuit is closed", "correct"),
        ("the circuit is closed so the bulb is on", "correct"),
        ("the bulb is off because the circuit is not closed", "contradictory"),
        ("the circuit is open", "contradictory"),
        ("batteries are heavy", "irrelevant"),
        ("I don't know", "non_domain"),
        ("it is closed", "partially_correct_incomplete"),
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for qid in [f"BULB_{c}" for c in "ABCDEFGHIJKLMNOP"]:  # some of them fall in the held-out quarter
            for n, (text, label) in enumerate(answers):
                ref = "the bulb is in a closed path"
                w.writerow(dict(zip(fields, ["beetle", qid, f"{qid}.{n}", "Why does the bulb light?", ref, ref,
                                             text, label], strict=True)))  # fmt: skip
    out = tmp_path / "model"
    assert main(["grader", "train", "--semeval", str(path), "--out", str(out)]) == 0
    first = (out / "grader.json").read_text()
    assert Grader.from_json(first).coef.shape == (len(CLASSES), len(FEATURES))
    assert "Held-out figures" in (out / "GRADER.md").read_text()
    assert main(["grader", "train", "--semeval", str(path), "--out", str(out)]) == 0
    assert (out / "grader.json").read_text() == first  # seeded: the same data gives the same weights


def test_training_without_the_data_says_where_to_put_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("sklearn")
    assert main(["grader", "train", "--semeval", str(tmp_path / "missing.csv"), "--out", str(tmp_path)]) == 2
    assert "pass --semeval PATH" in capsys.readouterr().err
