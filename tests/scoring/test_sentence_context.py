"""An accusation quoted from a clause of a longer sentence must stand when the answer reader reads the whole
sentence (`Params.veto_context`, `Params.veto_context_contra`): a clause cut at a comma can read as a mistake that
the rest of its sentence rules out."""

import dataclasses

from interviewer.bank.loader import Bank
from interviewer.index.embedders import LocalMiniLM
from interviewer.scoring.formula import PARAMS
from interviewer.scoring.rubric import rubric_for
from interviewer.scoring.scorer import OfflineScorer
from interviewer.scoring.text import sentences, whole_sentence
from tests.scoring.test_second_opinion import table

OFF = dataclasses.replace(PARAMS, veto_context=1.1, veto_context_contra=1.1)
COUNTER = (
    "I'd stream the file line by line so memory stays flat. I'd count with a Counter, and if there are too many "
    "distinct IPs I'd hash them into a few hundred partition files and count each one separately."
)
EXIT = (
    "Context managers are for things that must be released no matter what: with open(...) closes the file, and my "
    "transaction helper rolls back and re-raises if the block throws, because __exit__ runs even on an exception."
)


def test_every_span_knows_its_whole_sentence() -> None:
    spans = sentences(COUNTER)
    assert [s.text for s in spans][1] == "I'd count with a Counter"  # cut at ", and"
    second = COUNTER[COUNTER.index("I'd count") :]
    assert [whole_sentence(COUNTER, s) for s in spans] == [spans[0].text, second, second]
    one = "One sentence only, no clause to cut."
    assert [whole_sentence(one, s) for s in sentences(one)] == [one]


def test_a_clause_flagged_alone_is_cleared_by_its_whole_sentence(bank: Bank, embedder: LocalMiniLM) -> None:
    rubric = rubric_for(bank, "swe-top-ips-large-log")
    flag = next(f for f in rubric.red_flags if f.id == "unbounded-dict")
    reader = table(
        {
            ("partition files", "Mistake: " + flag.text[:20]): (0.05, 0.93, 0.02),  # the sentence rules it out
            ("I'd count with a Counter", "Mistake: " + flag.text[:20]): (0.7, 0.1, 0.2),  # the clause alone reads as it
        }
    )
    off = OfflineScorer(embedder, OFF, reader=reader).score(rubric, COUNTER)
    assert "unbounded-dict" in {f.id for f in off.red_flags if f.kind == "red-flag"}  # the rules flag the clause
    on = OfflineScorer(embedder, PARAMS, reader=reader).score(rubric, COUNTER)
    assert "unbounded-dict" not in {f.id for f in on.red_flags}
    asked = [s for s, c in reader.asked if c.startswith("Mistake: " + flag.text[:20])]
    assert any(s.startswith("I'd count with a Counter, and if") for s in asked)  # the whole sentence was read


def test_a_contradiction_quoted_from_a_clause_needs_its_sentence_too(bank: Bank, embedder: LocalMiniLM) -> None:
    """With the real reader: "because __exit__ runs even on an exception." was quoted as the opposite of the
    context-manager point; its whole sentence reads as stating it."""
    rubric = rubric_for(bank, "pyd-generators-context-decorators")
    off = OfflineScorer(embedder, OFF).score(rubric, EXIT)
    accused = {f.id: f.evidence for f in off.red_flags if f.kind == "contradiction"}
    assert accused.get("context-manager-cleanup") == "because __exit__ runs even on an exception."
    on = OfflineScorer(embedder, PARAMS).score(rubric, EXIT)
    assert not [f for f in on.red_flags if f.kind == "contradiction"]
    assert on.score > off.score
