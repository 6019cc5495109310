"""What the interviewer assumes when asked before an answer: a question's own clarifications, matched by the words
of the candidate's question."""

from interviewer.bank.models import Clarification, clarify

TOPICS = [
    Clarification(asks=["how big", "size", "rows", "gb"], answer="About 20 GB, some 200 million rows."),
    Clarification(asks=["how often", "nightly", "schedul"], answer="Once a night."),
    Clarification(asks=["size", "team"], answer="Two engineers."),
]


def test_the_topic_named_most_answers() -> None:
    assert clarify(TOPICS, "Before I start, how big is the file, in rows?") == "About 20 GB, some 200 million rows."
    assert clarify(TOPICS, "Is it scheduled, like nightly?") == "Once a night."
    assert clarify(TOPICS, "What's the team size?") == "Two engineers."  # two asks against one


def test_asks_match_word_beginnings_only() -> None:
    assert clarify(TOPICS, "Is this rescheduled work?") is None  # "schedul" inside a word
    assert clarify(TOPICS, "HOW OFTEN does it run?") == "Once a night."  # case does not matter
    assert clarify(TOPICS, "Can I use any language?") is None
    assert clarify([], "how big is it?") is None
