"""The reader's labelled pairs: complete for the bank, valid, and split by item."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.cli.reader_cmds import DEFAULT_PAIRS
from interviewer.scoring.pairs import negations
from interviewer.scoring.reader.dataset import (
    FLAG_PREFIX,
    NOT_STATES,
    CheckPairs,
    ItemPairs,
    Pair,
    augment,
    bank_items,
    bank_pairs,
    dump,
    flipped_pairs,
    load_all,
    load_file,
    negated_claim,
    negated_pairs,
    negated_span,
    other_item_negatives,
    problems,
    sibling_pairs,
    split_of_item,
    written_pairs,
)


@pytest.fixture(scope="module")
def items() -> list[ItemPairs]:
    return load_all(DEFAULT_PAIRS)


def test_every_check_of_the_bank_has_written_pairs(items: list[ItemPairs], bank: Bank) -> None:
    have = {(it.item, cp.id) for it in items for cp in it.checks}
    want = {(item, c.id) for item, _, checks in bank_items(bank) for _, c in checks}
    assert want <= have, sorted(want - have)[:5]
    assert problems(items, bank, min_written=15) == []


def test_enough_pairs_on_both_sides_of_the_split(items: list[ItemPairs], bank: Bank) -> None:
    pairs = written_pairs(items) + bank_pairs(bank)
    assert len(pairs) >= 10_000
    for split in ("dev", "test"):
        labels = [p.label for p in pairs if split_of_item(p.item) == split]
        assert min(labels.count(label) for label in ("states", "contradicts", "neither")) >= 1_000


def _one(claim: str, **spans: list[str]) -> ItemPairs:
    return ItemPairs(
        item="pyd-gil-concurrency",
        question="q",
        checks=[CheckPairs(id="gil-one-thread-bytecode", kind="key_point", claim=claim, **spans)],
    )


def test_problems_are_found(bank: Bank) -> None:
    point = bank.question("pyd-gil-concurrency").key_points[0]
    copied = _one(point.text, states=[point.phrasings[0]])
    twice = _one(point.text, states=["Only one thread runs at a time."], neither=["Only one thread runs at a time."])
    stale = _one("Something else entirely.", states=["x y z"])
    assert any("copies the bank" in p for p in problems([copied], bank))
    assert any("under both" in p for p in problems([twice], bank))
    assert any("claim differs" in p for p in problems([stale], bank))
    assert any("fewer than 15" in p for p in problems([stale], bank, min_written=15))


def test_augmented_copies_keep_the_claim_and_label(items: list[ItemPairs]) -> None:
    pairs = written_pairs(items[:1])[:100] + written_pairs(items[1:2])[:100]  # two items: negatives need another
    copies = augment(pairs, rate=1.0, seed=1)
    assert len(copies) == len(pairs)
    for a, b in zip(pairs, copies, strict=True):
        assert (a.claim, a.label, a.item) == (b.claim, b.label, b.item) and a.span != b.span
    negatives = other_item_negatives(pairs, per_claim=2, seed=1)
    assert negatives and all(n.label == "neither" for n in negatives)
    spans_of = {(p.span, p.item) for p in pairs}
    assert not any((n.span, n.item) in spans_of for n in negatives)  # never a span of its own item


def test_a_claim_read_as_its_denial_flips_every_label(items: list[ItemPairs]) -> None:
    import random

    rng = random.Random(3)
    said = {negated_claim("Retries transient failures with exponential backoff.", rng) for _ in range(40)}
    assert said == {
        "Never retries transient failures with exponential backoff.",
        "Does not retry transient failures with exponential backoff.",
        "Doesn't retry transient failures with exponential backoff.",
        "Fails to retry transient failures with exponential backoff.",
    }
    assert negated_claim("Caches nothing sensitive.", random.Random(0)) in {
        "Never caches nothing sensitive.", "Does not cache nothing sensitive.", "Doesn't cache nothing sensitive.",
        "Fails to cache nothing sensitive.",
    }  # fmt: skip
    assert {negated_claim("Made the fix small.", rng) for _ in range(10)} == {"Never made the fix small."}
    pairs = written_pairs(items[:2])
    flipped = flipped_pairs(pairs, rate=1.0, seed=1)
    plain = [p for p in pairs if not p.claim.startswith(FLAG_PREFIX)]
    assert len(flipped) == len(plain) and not any(f.claim.startswith(FLAG_PREFIX) for f in flipped)
    swap = {"states": "contradicts", "contradicts": "states", "neither": "neither"}
    for a, b in zip(plain, flipped, strict=True):
        assert (a.span, a.item, swap[a.label]) == (b.span, b.item, b.label)
        assert negations(b.claim) or b.claim.startswith("Fails to ")
    assert not flipped_pairs(pairs, rate=0.0, seed=1)


@pytest.mark.parametrize(
    ("span", "denied"),
    [
        ("the file is closed when the block ends", "the file isn't closed when the block ends"),
        ("I'd roll it back first.", "I wouldn't roll it back first."),
        ("If the deploy caused it, I'd roll it back.", "If the deploy caused it, I wouldn't roll it back."),
        ("so it's safe to retry the call", "so it isn't safe to retry the call"),
        ("Bulb A is in a different path", "Bulb A isn't in a different path"),
        ("We'll page the on-call engineer.", "We won't page the on-call engineer."),
    ],
)
def test_a_span_is_said_as_its_own_denial(span: str, denied: str) -> None:
    assert negated_span(span) == denied
    spelled = denied.replace("isn't", "is not").replace("wouldn't", "would not").replace("won't", "will not")
    assert negated_span(span, spelled=True) == spelled


@pytest.mark.parametrize(
    "span",
    [
        "the file is not closed",  # a denial already
        "I never log card numbers.",
        "Would it help to add an index?",  # a question
        "If it's slow",  # a leading clause with no main clause after a comma
        "We checked the dashboards, and the error rate was high.",  # the auxiliary is in a second clause
        "The bypass is still on for now.",  # "isn't still": not the span's denial
        "We did our bit and shipped it.",  # "did" as the main verb
        "Bulbs A and C are in different paths",  # the rule reads " and " as a second clause: too careful, not wrong
        "Fine.",
    ],
)
def test_a_span_a_rule_cannot_deny_cleanly_is_left_alone(span: str) -> None:
    assert negated_span(span) is None


def test_a_denied_span_contradicts_what_it_stated_and_still_does_neither() -> None:
    claim = "The file is closed and the resource is released"
    pairs = [
        Pair("the file is closed when the block ends", claim, "states", "q", "written"),
        Pair("the garbage collector is slow", claim, "neither", "q", "written"),
        Pair("the file is left open", claim, "contradicts", "q", "written"),  # its denial is no sure statement
        Pair("I'd be vague about it", FLAG_PREFIX + "Stays vague about what they did.", "neither", "q", "written"),
        Pair("it's the network", FLAG_PREFIX + "Names a cause without data.", "states", "q", "written"),
        Pair("the file is closed", claim, "states", "q", "augmented"),  # copies are made after, not before
    ]
    got = [(p.span.replace("is not", "isn't"), p.label, p.origin) for p in negated_pairs(pairs)]
    assert got == [
        ("the file isn't closed when the block ends", "contradicts", "negated"),
        ("the garbage collector isn't slow", "neither", "negated"),
    ]
    # both forms of the denial are made: a reader shown one form only learns that form
    forms = {"not" in p.span.split() for p in negated_pairs(pairs[:1] * 40, seed=1)}
    assert forms == {True, False}


def test_check_command_counts_and_refuses_a_broken_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from interviewer.cli import main

    assert main(["reader", "check"]) == 0
    out = capsys.readouterr().out
    assert "written test contradicts" in out and out.rstrip().endswith("OK")
    broken = load_all(DEFAULT_PAIRS)[0].model_copy(update={"item": "no-such-question"})
    (tmp_path / "broken.yaml").write_text(dump(broken), encoding="utf-8")
    assert main(["reader", "check", "--pairs", str(tmp_path)]) == 1
    assert "no such item" in capsys.readouterr().out


def test_pair_figures_tell_a_reader_from_a_topic_detector() -> None:
    from interviewer.evals.reader_pairs import figures

    gold = ["states", "contradicts", "neither", "states", "contradicts", "neither"]
    perfect = figures(gold, gold)
    assert perfect["macro_f1"] == 1.0 and perfect["accuracy"] == 1.0
    topic_only = figures(gold, ["states", "states", "neither", "states", "states", "neither"])  # cosine's best
    assert topic_only["contradicts_f1"] == 0.0 and topic_only["states_precision"] == 0.5
    assert topic_only["macro_f1"] < 0.7


def test_contrast_pairs_are_merged_into_their_checks(items: list[ItemPairs]) -> None:
    """`contrast/` adds two states and two contradicts to every check, each naming both sides of it."""
    contrast = {p.stem: load_file(p) for p in sorted((DEFAULT_PAIRS / "contrast").glob("*.yaml"))}
    assert len(contrast) == len(items)
    merged = {it.item: {c.id: c for c in it.checks} for it in items}
    for it in contrast.values():
        for c in it.checks:
            assert len(c.states) >= 2 and len(c.contradicts) >= 2, (it.item, c.id)
            whole = merged[it.item][c.id]
            assert whole.claim == c.claim and set(c.states) <= set(whole.states), (it.item, c.id)
            assert set(c.contradicts) <= set(whole.contradicts), (it.item, c.id)


def test_fragment_pairs_are_clause_sized_and_merged(items: list[ItemPairs]) -> None:
    """`fragments/` adds five states, three contradicts and two neither to every check, each a clause or short
    sentence as the scorer cuts real answers (the first reader read such spans as contradictions)."""
    fragments = {p.stem: load_file(p) for p in sorted((DEFAULT_PAIRS / "fragments").glob("*.yaml"))}
    assert len(fragments) == len(items)
    merged = {it.item: {c.id: c for c in it.checks} for it in items}
    for it in fragments.values():
        assert {c.id for c in it.checks} == set(merged[it.item]), it.item
        for c in it.checks:
            assert (len(c.states), len(c.contradicts), len(c.neither)) == (5, 3, 2), (it.item, c.id)
            spans = c.states + c.contradicts + c.neither
            assert all(2 <= len(s.split()) <= 30 for s in spans), (it.item, c.id)
            assert set(spans) <= {*merged[it.item][c.id].states, *merged[it.item][c.id].contradicts,
                                  *merged[it.item][c.id].neither}  # fmt: skip


def test_negation_pairs_label_every_span_against_every_check(items: list[ItemPairs]) -> None:
    """`negation/` holds ten spans per item, each labelled against every check of the item (most say "states" or
    "contradicts" for one or two checks and "neither" for the rest), and most of them carry a negation word."""
    negation = {p.stem: load_file(p) for p in sorted((DEFAULT_PAIRS / "negation").glob("*.yaml"))}
    assert len(negation) == len(items)
    merged = {it.item: {c.id: c for c in it.checks} for it in items}
    negated = 0
    for it in negation.values():
        assert {c.id for c in it.checks} == set(merged[it.item]), it.item
        per_check = [set(c.states) | set(c.contradicts) | set(c.neither) for c in it.checks]
        spans = set().union(*per_check)
        assert len(spans) == 10 and all(s == spans for s in per_check), it.item  # each span read against each check
        assert any(c.states or c.contradicts for c in it.checks), it.item
        negated += sum(bool(negations(s)) for s in spans)
        for c in it.checks:
            assert set(c.states) <= set(merged[it.item][c.id].states), (it.item, c.id)
    assert negated >= 0.7 * 10 * len(negation)


def test_red_flag_claims_are_marked_as_mistakes(items: list[ItemPairs]) -> None:
    kinds = {(it.item, c.claim): c.kind for it in items for c in it.checks}
    pairs = written_pairs(items)
    flags = [p for p in pairs if p.claim.startswith(FLAG_PREFIX)]
    assert flags and all(kinds[(p.item, p.claim[len(FLAG_PREFIX) :])] == "red_flag" for p in flags)
    assert all(kinds[(p.item, p.claim)] == "key_point" for p in pairs if not p.claim.startswith(FLAG_PREFIX))


def test_training_reads_the_shipped_folders_and_measures_on_all(bank: Bank) -> None:
    """`interviewer reader train` reproduces the shipped reader (main files, contrast/ and fragments/); cross/ and
    negation/ were tried and only measure it, unless asked for with --extra."""
    from interviewer.scoring.reader.train import corpus

    negation = {s for it in load_all(DEFAULT_PAIRS / "negation", ()) for c in it.checks for s in c.neither}
    shipped = corpus(bank, DEFAULT_PAIRS, None)
    assert not {p.span for p in shipped.train} & negation
    assert {p.span for p in shipped.test} & negation  # the test items' negation pairs are held out
    tried = corpus(bank, DEFAULT_PAIRS, None, extra=("contrast", "fragments", "cross", "negation"))
    assert {p.span for p in tried.train} & negation and len(tried.test) == len(shipped.test)
    assert not any(p.origin == "negated" for p in shipped.train)
    denied = corpus(bank, DEFAULT_PAIRS, None, negate=True)  # --negate-spans: dev items only, as every pair
    made = [p for p in denied.train if p.origin == "negated"]
    assert made and {split_of_item(p.item) for p in made} == {"dev"} and len(denied.test) == len(shipped.test)
    own = {(p.span, p.claim) for p in made if p.label == "contradicts"}
    assert own and all(p.label == "neither" for p in made if (p.span, p.claim) not in own)


def _gil_answer(bank: Bank, answer: str, first: str, rest: str, wrong: list[str] | None = None) -> tuple:
    """A labelled answer to the GIL question: its first key point labelled `first`, the others `rest`, and its
    first red flag present. Returns (item, key points, red flags, the labelled answer)."""
    from interviewer.evals.scoring import Gold, Labelled

    item, _, checks = next((i, q, c) for i, q, c in bank_items(bank) if i == "pyd-gil-concurrency")
    points = [c for kind, c in checks if kind == "key_point"]
    flags = [c for kind, c in checks if kind == "red_flag"]
    gold = Gold(
        key_points={points[0].id: first, **{p.id: rest for p in points[1:]}},
        red_flags=[flags[0].id],
        injection=False,
        score=None,
        band=None,
    )
    labelled = Labelled(id="x", question_id=item, kind="test", answer=answer, wrong_spans=wrong or [], gold=gold)
    return item, points, flags, labelled


def test_answer_pairs_follow_the_gold_labels(bank: Bank) -> None:
    """No span states a point labelled missing or a flag not labelled; covered points and labelled flags give no
    pairs, wrong spans are read against every key point, and only half the dev questions train."""
    from interviewer.scoring.reader.dataset import NOT_STATES, answer_pairs, bank_items, claim_text, reader_half
    from interviewer.scoring.training import embedder

    answer = (
        "Threads run Python bytecode in parallel on all cores, so threading is best for CPU work. "
        "I would use asyncio for lots of network calls. Honestly I have not measured any of it."
    )
    wrong = "Threads run Python bytecode in parallel on all cores, so threading is best for CPU work."
    item, points, flags, a = _gil_answer(bank, answer, "missing", "covered", [wrong])
    gold = a.gold
    pairs = answer_pairs([a], bank, embedder({}), per_claim=2)
    claims = {p.claim for p in pairs}
    assert all(p.label == NOT_STATES and p.origin == "eval" and p.item == item for p in pairs)
    assert claim_text(points[0].text, "key_point") in claims
    assert claim_text(flags[0].text, "red_flag") not in claims  # the answer is labelled with it
    assert {claim_text(f.text, "red_flag") for f in flags[1:]} <= claims
    assert all(p.span in answer for p in pairs)
    covered = {claim_text(p.text, "key_point") for p in points[1:]}
    assert {p.claim for p in pairs if p.span != wrong} & covered == set()  # only the wrong span is read against them
    assert {p.claim for p in pairs if p.span == wrong} >= covered
    assert not answer_pairs(
        [a.model_copy(update={"gold": gold.model_copy(update={"unscored_reason": "gibberish"})})], bank, embedder({})
    )
    halves = {reader_half(q) for q, *_ in bank_items(bank)}
    assert halves == {"a", "b"}


def test_a_not_states_pair_only_pushes_down_states() -> None:
    torch = pytest.importorskip("torch")
    from interviewer.scoring.reader.train import pair_loss

    # Two readings of one pair that give "states" the same probability: the partial label cannot tell them apart.
    contra = torch.log(torch.tensor([[0.1, 0.8, 0.1]]))
    neither = torch.log(torch.tensor([[0.1, 0.1, 0.8]]))
    sure = torch.log(torch.tensor([[0.9, 0.05, 0.05]]))
    assert abs(pair_loss(contra, ["not-states"]).item() - pair_loss(neither, ["not-states"]).item()) < 1e-6
    assert abs(pair_loss(contra, ["not-states"]).item() + torch.log(torch.tensor(0.9)).item()) < 1e-5
    assert pair_loss(sure, ["not-states"]).item() > 2.0
    assert pair_loss(contra, ["contradicts"]).item() < pair_loss(neither, ["contradicts"]).item()
    mixed = pair_loss(torch.cat([contra, sure]), ["not-states", "states"])
    assert abs(mixed.item() - (pair_loss(contra, ["not-states"]) + pair_loss(sure, ["states"])).item() / 2) < 1e-5


def test_answer_groups_hold_the_spans_near_a_covered_point(bank: Bank) -> None:
    from interviewer.scoring.reader.dataset import answer_groups, claim_text
    from interviewer.scoring.training import embedder

    answer = "Only one thread runs Python bytecode at a time. For CPU work I use processes. I like tea."
    _, points, flags, a = _gil_answer(bank, answer, "covered", "missing")
    groups = answer_groups([a], bank, embedder({}), per_claim=2)
    assert {g.claim for g in groups} == {claim_text(points[0].text, "key_point"), claim_text(flags[0].text, "red_flag")}
    assert all(len(g.spans) == 2 and all(s in answer for s in g.spans) for g in groups)


def test_a_group_needs_only_one_span_that_states_its_claim() -> None:
    torch = pytest.importorskip("torch")
    from interviewer.scoring.reader.train import some_span_loss

    one = torch.log(torch.tensor([[0.95, 0.03, 0.02], [0.01, 0.01, 0.98], [0.02, 0.9, 0.08]]))
    none = torch.log(torch.tensor([[0.05, 0.05, 0.9], [0.01, 0.01, 0.98], [0.02, 0.9, 0.08]]))
    assert some_span_loss(one).item() < 0.1 < 1.0 < some_span_loss(none).item()


def test_a_wrong_span_is_read_as_not_stating_the_other_points_of_its_item(items: list[ItemPairs]) -> None:
    item = next(it for it in items if it.item == "pyd-large-csv-postgres")
    pairs = sibling_pairs([item], per_span=2, seed=1)
    points = {cp.id: cp for cp in item.checks if cp.kind == "key_point"}
    written = [(s, cp.id) for cp in item.checks for s in (cp.contradicts if cp.kind == "key_point" else cp.states)]
    assert pairs and {p.label for p in pairs} == {NOT_STATES} and {p.origin for p in pairs} == {"sibling"}
    assert {p.span for p in pairs} == {s for s, _ in written}  # every wrong span, against two other key points
    once = [s for s, _ in written]
    wrong = {s: i for s, i in written if once.count(s) == 1}  # (some, a point wrong and a flag, under two)
    assert len(wrong) > 0.7 * len(written)
    for span in wrong:
        claims = [p.claim for p in pairs if p.span == span]
        assert len(claims) == 2 and len(set(claims)) == 2
        assert all(not c.startswith(FLAG_PREFIX) and c in {cp.claim for cp in points.values()} for c in claims)
        assert wrong[span] not in {i for i, cp in points.items() if cp.claim in claims}  # never its own point
    assert sibling_pairs([item], per_span=2, seed=1) == pairs
