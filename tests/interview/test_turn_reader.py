"""The turn reader: rules, then the nearest hand-labelled examples by meaning, never turning an answer into a
non-answer."""

import yaml

from interviewer.index.embedders import LocalMiniLM
from interviewer.interview.turn_reader import EXAMPLES, TurnReader
from interviewer.settings import REPO_ROOT


def test_the_examples_are_the_dev_half_of_the_labelled_turns() -> None:
    labelled = yaml.safe_load((REPO_ROOT / "evals" / "turns" / "turns.yaml").read_text())["turns"]
    examples = yaml.safe_load(EXAMPLES.read_text())["turns"]
    dev = [{k: t[k] for k in ("text", "phase", "kind")} for t in labelled if t["split"] == "dev"]
    assert examples == dev
    test = {t["text"] for t in labelled if t["split"] == "test"}
    assert not test & {t["text"] for t in examples} and len(test) >= 150


def test_phrasings_no_rule_names_are_read_by_meaning(embedder: LocalMiniLM) -> None:
    reader = TurnReader(embedder.embed_documents)
    rules = TurnReader(None)
    known = {t["text"] for t in yaml.safe_load(EXAMPLES.read_text())["turns"]}
    cases = [
        ("honestly, could you point me in the right direction?", "question", "hint"),
        ("one sec, I want to think this through properly", "question", "minute"),
        ("yeah, no, this one is beyond me, sorry", "question", "skip"),
        ("not at the moment, you covered what I wanted to know", "wrap-up", "closing"),
        ("thanks! how often do you ship to production", "wrap-up", "question"),
    ]
    assert not known & {text for text, _, _ in cases}  # not the examples themselves
    for text, phase, kind in cases:
        assert reader.kind(text, phase) == kind, text
    assert rules.kind(cases[0][0]) == "answer"  # no rule names it


def test_an_answer_is_never_read_as_a_non_answer(embedder: LocalMiniLM) -> None:
    reader = TurnReader(embedder.embed_documents)
    for text in [
        "I'd avoid logging PII or secrets.",
        "I'd probably look into it and see what works best for the team at that point.",
        "asyncio for io bound stuff",
        "I'd pass the request id through every service so the logs line up.",
    ]:
        assert reader.kind(text) == "answer", text
    question = "You have one week and three competing features. How do you decide what to build first?"
    assert reader.kind(question, prompt=question) == "answer"  # said back: the scorer sets it aside


def test_a_skip_at_the_wrap_up_is_no_questions() -> None:
    assert TurnReader(None).kind("skip", "wrap-up") == "closing"
    assert TurnReader(None).kind("pass", "wrap-up") == "closing"
