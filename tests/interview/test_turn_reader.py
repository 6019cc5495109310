"""The turn reader: rules, then the nearest hand-labelled examples by meaning, never turning an answer into a
non-answer."""

import yaml

from interviewer.index.embedders import LocalMiniLM
from interviewer.interview.turn_reader import EXAMPLES, WRITTEN, TurnReader, only_questions
from interviewer.settings import REPO_ROOT


def test_the_examples_are_the_dev_half_of_the_labelled_turns() -> None:
    labelled = yaml.safe_load((REPO_ROOT / "evals" / "turns" / "turns.yaml").read_text())["turns"]
    examples = yaml.safe_load(EXAMPLES.read_text())["turns"]
    dev = [{k: t[k] for k in ("text", "phase", "kind")} for t in labelled if t["split"] == "dev"]
    assert examples == dev
    test = {t["text"] for t in labelled if t["split"] == "test"}
    assert not test & {t["text"] for t in examples} and len(test) >= 150


def test_the_written_examples_are_apart_from_the_labelled_turns() -> None:
    labelled = yaml.safe_load((REPO_ROOT / "evals" / "turns" / "turns.yaml").read_text())["turns"]
    written = yaml.safe_load(WRITTEN.read_text())["turns"]
    assert len(written) >= 400
    assert not {t["text"].lower() for t in labelled} & {t["text"].lower() for t in written}
    kinds = {"question": {"answer", "clarify", "repeat", "skip", "minute", "small-talk", "hint"},
             "wrap-up": {"question", "closing"}}  # fmt: skip
    assert all(t["kind"] in kinds[t["phase"]] for t in written)


def test_a_turn_of_questions_only_asks() -> None:
    assert only_questions("which database are we on, postgres?")
    assert only_questions("Is it a web app? How many users?")
    assert not only_questions("a mutex?")  # a bare guess is an answer
    assert not only_questions("is it io bound? probably, so asyncio")
    assert not only_questions("Token bucket in Redis, keyed by user.")


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
    assert reader.kind("and the queue here, are we talking rabbitmq or sqs?") == "clarify"  # questions only: it asks


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
