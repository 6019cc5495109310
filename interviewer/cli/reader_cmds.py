"""`interviewer reader check|train|eval`: the answer reader's labelled pairs, its training and its figures."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from interviewer.settings import Settings

DEFAULT_PAIRS = Path(__file__).resolve().parents[2] / "data" / "reader"


def register(sub: argparse._SubParsersAction) -> None:
    from interviewer.scoring.reader.dataset import TRAINED

    g = sub.add_parser("reader", help="the answer reader: the model that reads whether a span states a claim")
    gs = g.add_subparsers(dest="reader_command", required=True, metavar="ACTION")
    c = gs.add_parser("check", help="validate the labelled pairs against the bank and count them")
    c.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="folder of pair files (default: data/reader)")
    c.add_argument("--min", type=int, default=15, help="written pairs each check needs (default: 15)")
    c.set_defaults(func=cmd_check)
    t = gs.add_parser("train", help="train, export to ONNX (int8) and measure it (needs the `train` extra)")
    t.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="folder of pair files (default: data/reader)")
    t.add_argument("--semeval", type=Path, help="SemEval-2013 train.csv (default: ../shared/data/semeval2013/)")
    t.add_argument("--no-semeval", action="store_true", help="train on the project's pairs only")
    t.add_argument(
        "--semeval-cross",
        action="store_true",
        help="also read SemEval answers against other correct answers (tried, not shipped: see train.py)",
    )
    t.add_argument(
        "--extra",
        default=",".join(TRAINED),
        help="subfolders of --pairs to train on beside the main files (default: %(default)s; cross and negation "
        "were tried and are measured on, not trained on: see the README)",
    )
    t.add_argument(
        "--neither-keep",
        default="",
        metavar="FOLDER=SHARE,...",
        help="keep only this share of an --extra folder's 'neither' pairs, e.g. negation=0.3 (default: all)",
    )
    t.add_argument(
        "--answers",
        action="store_true",
        help="also learn from the labelled answers of half the dev questions (evals/: no span states a point "
        "labelled missing or a flag not labelled; the other half chooses between readers)",
    )
    t.add_argument(
        "--answer-groups",
        action="store_true",
        help="with --answers: also learn that some span near a point labelled covered (or a flag labelled) states it",
    )
    t.add_argument(
        "--flip-claims",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="also read this share of the key-point pairs against the claim's negation, label flipped (default: 0)",
    )
    t.add_argument(
        "--siblings",
        type=int,
        default=0,
        metavar="N",
        help="also read each span written as a wrong answer or a red flag against N other key points of its item, "
        "as not stating them (default: 0)",
    )
    t.add_argument(
        "--negate-spans",
        action="store_true",
        help="also read spans said as their own denial ('is' -> \"isn't\"): a stating span denied contradicts its "
        "claim, one that does neither still does neither (default: off)",
    )
    t.add_argument("--epochs", type=int, help="passes over the data (default: the card's)")
    t.add_argument("--out", type=Path, help="folder for the model and its card (default: the package)")
    t.add_argument("--checkpoint", type=Path, help="also keep the trained PyTorch model here (to re-export it)")
    t.set_defaults(func=cmd_train)
    e = gs.add_parser("eval", help="pair-level figures on the held-out questions, beside cosine and the grader")
    e.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS, help="folder of pair files (default: data/reader)")
    e.add_argument("--semeval", type=Path, help="also measure on SemEval's held-out questions (train.csv)")
    e.add_argument("--model", type=Path, help="folder of the model to measure (default: the package's)")
    e.add_argument("--json", action="store_true", help="print the figures as JSON")
    e.set_defaults(func=cmd_eval)


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from interviewer.bank.loader import load_bank
    from interviewer.scoring.reader.dataset import LABELS, bank_pairs, load_all, problems, split_of_item

    bank = load_bank(settings.knowledge_dir)
    items = load_all(args.pairs)
    if not items:
        raise ValueError(f"no pair files in {args.pairs}")
    found = problems(items, bank, min_written=args.min)
    for p in found:
        print(p)
    counts: Counter[str] = Counter()
    for it in items:
        split = split_of_item(it.item)
        for cp in it.checks:
            for label in LABELS:
                counts[f"written {split} {label}"] += len(getattr(cp, label))
    for pair in bank_pairs(bank):
        counts[f"bank {split_of_item(pair.item)} {pair.label}"] += 1
    for key in sorted(counts):
        print(f"{key:28} {counts[key]:6}")
    print(f"{'total':28} {sum(counts.values()):6}")
    print(f"{len(found)} problems" if found else "OK")
    return 1 if found else 0


def _shares(text: str, extra: tuple[str, ...]) -> dict[str, float]:
    """'negation=0.3,cross=0.5' -> {'negation': 0.3, 'cross': 0.5}, each a folder being trained on."""
    out: dict[str, float] = {}
    for part in (x.strip() for x in text.split(",") if x.strip()):
        name, _, share = part.partition("=")
        try:
            value = float(share)
        except ValueError:
            value = -1.0
        if name.strip() not in extra or not 0.0 <= value <= 1.0:
            raise ValueError(f"--neither-keep: {part!r} is not FOLDER=SHARE, a folder of --extra and 0 <= SHARE <= 1")
        out[name.strip()] = value
    return out


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    try:
        import onnx  # noqa: F401
        import torch  # noqa: F401
    except ImportError as e:
        raise ValueError("training needs the train extra: pip install -e '.[train]'") from e
    from interviewer.bank.loader import load_bank
    from interviewer.evals import semeval
    from interviewer.scoring.reader import train as tr
    from interviewer.scoring.reader.dataset import EXTRA, load_all, problems
    from interviewer.scoring.reader.model import model_dir

    bank = load_bank(settings.knowledge_dir)
    found = problems(load_all(args.pairs), bank)
    if found:
        raise ValueError(f"the pair files have {len(found)} problems; run `interviewer reader check`: {found[0]}")
    path = None if args.no_semeval else (args.semeval or semeval.DEFAULT_PATH)
    if path is not None and not path.is_file():
        raise ValueError(f"SemEval-2013 train.csv not found at {path}; pass --semeval PATH or --no-semeval")
    extra = tuple(x.strip() for x in args.extra.split(",") if x.strip())
    unknown = [x for x in extra if x not in EXTRA]
    if unknown:
        raise ValueError(f"--extra: no such folder of pairs: {', '.join(unknown)} (known: {', '.join(EXTRA)})")
    keep = _shares(args.neither_keep, extra)
    answers, groups = None, None
    if args.answers:
        from interviewer.evals.scoring import load_labelled
        from interviewer.scoring.reader.dataset import answer_groups, answer_pairs, reader_half
        from interviewer.scoring.training import embedder

        labelled = [
            a
            for folder in (settings.evals_dir / "scoring", settings.evals_dir / "plain-words")
            for a in load_labelled(folder, "dev")
            if reader_half(a.question_id) == "a"
        ]
        answers = answer_pairs(labelled, bank, embedder({}))
        groups = answer_groups(labelled, bank, embedder({})) if args.answer_groups else None
    data = tr.corpus(
        bank, args.pairs, path, cross=args.semeval_cross, extra=extra, neither_keep=keep, answers=answers,
        flip=args.flip_claims, siblings=args.siblings, negate=args.negate_spans,
    )  # fmt: skip
    print(json.dumps(data.counts(), indent=1))
    done = tr.timed("training")
    if groups:
        print(f"{len(groups)} groups of answer spans, one of which states its claim", file=sys.stderr)
    model, tok = tr.fit(data.train, epochs=args.epochs or tr.EPOCHS, groups=groups)
    minutes = done() / 60
    if args.checkpoint:
        model.save_pretrained(args.checkpoint)
        tok.save_pretrained(args.checkpoint)
    out = args.out or model_dir()
    tr.export(model, tok, out)
    report = _figures(settings, args.pairs, out, path)
    report["export"] = tr.agreement(model, tok, out, data.test)
    tr.write_card(out, data, report, minutes, args.epochs or tr.EPOCHS, path is not None)
    print(json.dumps(report, indent=1))
    print(f"wrote {out}")
    return 0


def _figures(settings: Settings, pairs: Path, folder: Path | None, semeval_path: Path | None) -> dict:
    from interviewer.bank.loader import load_bank
    from interviewer.evals import reader_pairs as rp
    from interviewer.scoring.reader.dataset import bank_items, bank_pairs, load_all, split_of_item, written_pairs
    from interviewer.scoring.reader.model import ReaderModel
    from interviewer.scoring.training import embedder

    bank = load_bank(settings.knowledge_dir)
    own = written_pairs(load_all(pairs)) + bank_pairs(bank)
    dev = [p for p in own if split_of_item(p.item) == "dev"]
    test = [p for p in own if split_of_item(p.item) == "test"]
    questions = {item: q for item, q, _ in bank_items(bank)}
    embed = embedder({})
    reader = ReaderModel(folder)
    cut = rp.cosine_cut(dev, embed)
    report: dict = {"pairs_test": {}, "cosine_cut": round(cut, 3)}
    for origin in ("all", "written", "bank"):
        sub = [p for p in test if origin == "all" or p.origin == origin]
        g = [p.label for p in sub]
        report["pairs_test"][origin] = {
            "reader": rp.figures(g, rp.reader_predict(sub, reader.proba)),
            "cosine": rp.figures(g, rp.cosine_predict(sub, embed, cut)),
            "grader": rp.figures(g, rp.grader_predict(sub, questions, embed)),
        }
    if semeval_path is not None and semeval_path.is_file():
        report["semeval_held_out"] = rp.semeval_figures(semeval_path, reader.proba)
    return report


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    report = _figures(settings, args.pairs, args.model, args.semeval)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    for origin, by in report["pairs_test"].items():
        print(f"held-out pairs ({origin}, n={int(by['reader']['n'])}):")
        print(f"  {'figure':20} {'reader':>8} {'cosine':>8} {'grader':>8}")
        for name in by["reader"]:
            if name != "n":
                print(f"  {name:20} " + " ".join(f"{by[m][name]:8.3f}" for m in ("reader", "cosine", "grader")))
    if "semeval_held_out" in report:
        print("SemEval held-out questions:", json.dumps(report["semeval_held_out"]))
    return 0
