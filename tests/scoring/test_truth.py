"""Feedback tells the truth: the opposite of a point is never covered, a wrong sentence is never proof, and
length, repetition or rubric words alone do not make a grade. Real model, real bank."""

from interviewer.bank.loader import Bank
from interviewer.index.embedders import LocalMiniLM
from interviewer.scoring import resolve_rubric
from interviewer.scoring.abstain import dont_know_text, is_term_list
from interviewer.scoring.models import AnswerScore
from interviewer.scoring.rubric import all_rubrics, from_text, reference_claims, rubric_for
from interviewer.scoring.scorer import OfflineScorer

TOP_IPS_WRONG = (
    "I'd read the whole 200GB log into memory with readlines, build a Python dict counting each IP, then sort the "
    "whole dict and take the top 100. Streaming or splitting the file isn't needed because a dict is very memory "
    "efficient, and a heap would only make it slower."
)
TOP_IPS_RIGHT = (
    "I'd iterate over the file object so only one line is in memory at a time, pull the IP out of each line and "
    "count it. To get the top hundred I'd keep a min-heap of size 100 with heapq instead of sorting everything, and "
    "if the distinct IPs don't fit in RAM I'd hash-partition them into files, count each file and merge."
)
WITH_Q = "What does a with statement guarantee when the block raises an exception?"
WITH_REF = "The context manager's __exit__ method still runs, so the resource is released even if the block raises."


def _quotes_for_points(result: AnswerScore) -> list[str]:
    return [k.evidence for k in result.key_points if k.evidence and k.verdict != "missing"]


def test_confidently_wrong_answer_is_not_told_it_covered_anything(bank: Bank, scorer: OfflineScorer) -> None:
    result = scorer.score(rubric_for(bank, "swe-top-ips-large-log"), TOP_IPS_WRONG)
    assert result.score is not None and result.score <= 3.5
    wrong = "Streaming or splitting the file isn't needed because a dict is very memory efficient"
    assert not any(wrong in q or q in wrong for q in _quotes_for_points(result))  # never quoted as proof
    assert any(f.evidence == wrong for f in result.red_flags)  # quoted as what is wrong
    assert not any("Covered" in s for s in result.feedback.strengths)
    assert any("opposite" in i or "Avoid" in i for i in result.feedback.improvements)


def test_right_answer_in_plain_words_beats_the_wrong_one(bank: Bank, scorer: OfflineScorer) -> None:
    rubric = rubric_for(bank, "swe-top-ips-large-log")
    right, wrong = scorer.score(rubric, TOP_IPS_RIGHT), scorer.score(rubric, TOP_IPS_WRONG)
    assert right.score is not None and wrong.score is not None
    assert right.score >= wrong.score + 3
    covered = {k.id for k in right.key_points if k.verdict == "covered"}
    assert {"stream-line-by-line", "min-heap-top-k"} <= covered
    assert not any(f.kind == "contradiction" for f in right.red_flags)


def test_a_negation_that_agrees_with_the_point_is_not_a_contradiction(bank: Bank, scorer: OfflineScorer) -> None:
    answer = "The GIL lets only one thread run Python bytecode at a time, so threads don't speed up CPU-bound work."
    result = scorer.score(rubric_for(bank, "pyd-gil-concurrency"), answer)
    by_id = {k.id: k for k in result.key_points}
    assert by_id["gil-one-thread-bytecode"].verdict == "covered"
    assert not result.red_flags


def test_reference_only_rubric_scores_correctness(scorer: OfflineScorer) -> None:
    rubric = from_text(WITH_Q, reference=WITH_REF)
    assert [k.text for k in rubric.key_points] == [
        "The context manager's __exit__ method still runs",
        "The resource is released even if the block raises",
    ]
    assert all(k.derived for k in rubric.key_points)
    right = scorer.score(
        rubric, "The exit method still runs, so the file or lock gets released even when there is an exception."
    )
    wrong = scorer.score(rubric, "Nothing: if the block raises, __exit__ is skipped and the file stays open.")
    assert right.score is not None and wrong.score is not None
    assert right.score >= wrong.score + 3
    assert not _quotes_for_points(wrong)
    assert any(f.kind == "contradiction" for f in wrong.red_flags)
    assert any("raises. You said the opposite" in i for i in wrong.feedback.improvements)  # a sentence, then the quote
    for r in (right, wrong):  # a technical question never gets STAR advice
        assert r.star is None and not any("result" in i.lower() for i in r.feedback.improvements)


def test_reference_claims_are_the_documents_own_words() -> None:
    claims = reference_claims("Read it as a stream; count with a dict. Keep a heap of 100, because sorting is slow.")
    assert claims == ["Read it as a stream", "Count with a dict", "Keep a heap of 100", "Sorting is slow"]


def test_resolve_rubric_with_reference_never_gets_the_generic_rubric() -> None:
    rubric = resolve_rubric(WITH_Q, reference=WITH_REF)
    assert rubric.key_points and rubric.technical and not rubric.behavioural


def test_dont_know_in_many_phrasings_is_unscored(bank: Bank, scorer: OfflineScorer) -> None:
    rubric = rubric_for(bank, "pyd-cicd-bootstrap")
    for answer in (
        "I don't know.",
        "No idea, honestly.",
        "Pass.",
        "Honestly, I don't know. I've never had to speed up a CI pipeline myself.",
        "I'm blanking on this one, sorry.",
        "I haven't worked with that, so I can't really say.",
        "I don't know, I'd have to look it up.",
        "I'm not sure, I don't know this one.",
    ):
        result = scorer.score(rubric, answer)
        assert result.score is None and result.unscored_reason == "dont-know", answer
    assert not dont_know_text("I don't know the exact tool name, but I'd run the tests on every pull request.")
    guess = "I don't know, I guess I'd run the whole test suite on every commit and deploy when it's green."
    assert not dont_know_text(guess)  # a guess after all, "I don't know" mid-sentence: scored, even if low
    assert scorer.score(rubric, guess).score is not None


def test_keyword_list_covers_nothing(bank: Bank, scorer: OfflineScorer) -> None:
    answer = "Things I'd mention: pytest, fixtures, mocks, coverage, CI, factories, regression tests."
    assert is_term_list(answer)
    result = scorer.score(rubric_for(bank, "pyd-testing-startup"), answer)
    assert result.score is not None and result.score <= 2.5
    assert all(k.verdict == "missing" for k in result.key_points)
    assert any("list of names" in i for i in result.feedback.improvements)
    assert not is_term_list("I'd use pytest fixtures, mock the payment provider and run it all in CI.")


def test_repetition_adds_nothing(bank: Bank, scorer: OfflineScorer) -> None:
    rubric = rubric_for(bank, "pyd-testing-startup")
    once = "I write unit tests for the payment and signup flows first, because those are what break the business."
    one, many = scorer.score(rubric, once), scorer.score(rubric, " ".join([once] * 160))
    assert one.score == many.score and one.coverage == many.coverage


def test_short_correct_answer_is_scored_and_short_noise_scores_nothing(bank: Bank, scorer: OfflineScorer) -> None:
    rubric = rubric_for(bank, "swe-top-ips-large-log")
    short = scorer.score(rubric, "Keep a min-heap of the top 100 with heapq.")
    assert short.score is not None and any(k.verdict != "missing" for k in short.key_points)
    noise = scorer.score(rubric, "It depends, really.")
    assert noise.thin == "too-short" and noise.score is not None and noise.score < 1


def test_answer_to_another_bank_question_is_off_topic(bank: Bank, embedder: LocalMiniLM) -> None:
    scorer = OfflineScorer(embedder)  # its own: a warmed scorer knows every question, and the shared one must not
    scorer.warm(all_rubrics(bank))
    answer = (
        "For CPU-bound work the GIL means threads don't help, so I use multiprocessing; for I/O-bound work like many "
        "HTTP calls I use asyncio or a thread pool, and I cap concurrency with a semaphore."
    )
    result = scorer.score(rubric_for(bank, "swe-top-ips-large-log"), answer)
    assert result.score is None and result.unscored_reason == "off-topic"
    assert result.answers_question in {"pyd-gil-concurrency", "swe-async-threading-multiprocessing"}


def test_every_quote_is_a_whole_clause(bank: Bank, scorer: OfflineScorer) -> None:
    result = scorer.score(rubric_for(bank, "swe-top-ips-large-log"), TOP_IPS_RIGHT)
    for quote in _quotes_for_points(result) + [f.evidence for f in result.red_flags]:
        assert quote in TOP_IPS_RIGHT
        assert len(quote.split()) >= 5 and quote[0].isalnum()
