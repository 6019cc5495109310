"""How the answer reader's probabilities become verdicts (`verdicts.second_opinion`), with the reader replaced by a
fixed table of probabilities so each rule is seen on its own. The real reader is read in test_reader_verdicts.py."""

import dataclasses

import numpy as np

from interviewer.bank.loader import Bank
from interviewer.index.embedders import LocalMiniLM
from interviewer.scoring.formula import PARAMS
from interviewer.scoring.reader.dataset import FLAG_PREFIX
from interviewer.scoring.rubric import from_text, rubric_for
from interviewer.scoring.scorer import OfflineScorer

GIL_WRONG = "The GIL lets threads run bytecode in parallel on several cores so threading is best for CPU-bound work."
GIL_RIGHT = "Only one thread at a time can run Python code, so extra threads won't make number crunching any faster."
GIL_POINT = "gil-one-thread-bytecode"
WITH_Q = "What does a with statement guarantee when the block raises an exception?"
WITH_REF = "The context manager's __exit__ method still runs, so the resource is released even if the block raises."


def table(rules: dict[tuple[str, str], tuple[float, float, float]]):
    """A reader that answers from (words in the span, claim prefix) -> probabilities, and `neither` otherwise."""
    asked: list[tuple[str, str]] = []

    def read(spans: list[str], claims: list[str]) -> np.ndarray:
        out = []
        for s, c in zip(spans, claims, strict=True):
            asked.append((s, c))
            hit = next((p for (sp, cp), p in rules.items() if sp in s and c.startswith(cp)), (0.0, 0.0, 1.0))
            out.append(hit)
        return np.asarray(out, dtype=np.float32)

    read.asked = asked  # type: ignore[attr-defined]
    return read


def _verdict(result, point: str) -> str:
    return next(k.verdict for k in result.key_points if k.id == point)


def test_a_wrong_sentence_the_reader_is_sure_of_becomes_the_contradiction(bank: Bank, embedder: LocalMiniLM) -> None:
    rubric = rubric_for(bank, "pyd-gil-concurrency")
    point = next(k for k in rubric.key_points if k.id == GIL_POINT)
    reader = table({(GIL_WRONG[:20], point.text[:20]): (0.02, 0.96, 0.02)})
    params = dataclasses.replace(PARAMS, convict=0.9)
    result = OfflineScorer(embedder, params, reader=reader).score(rubric, GIL_WRONG)
    assert _verdict(result, GIL_POINT) == "missing"
    contra = [f for f in result.red_flags if f.kind == "contradiction" and f.id == GIL_POINT]
    assert contra and contra[0].evidence == GIL_WRONG
    assert not any(k.evidence == GIL_WRONG for k in result.key_points if k.verdict != "missing")  # proof of nothing
    off = OfflineScorer(embedder, dataclasses.replace(params, convict=1.1, veto_cover=1.1), reader=reader)
    assert not any(f.id == GIL_POINT and f.kind == "contradiction" for f in off.score(rubric, GIL_WRONG).red_flags)


def test_a_paraphrase_the_reader_says_states_the_point_covers_it(embedder: LocalMiniLM) -> None:
    rubric = from_text(WITH_Q, reference=WITH_REF)
    answer = "The exit method still runs, so the file or lock gets released even when there is an exception."
    point = next(k for k in rubric.key_points if "released" in k.text)
    assert point.derived  # a reference answer's own sentence: the reader's settings for derived points apply
    params = dataclasses.replace(PARAMS, ref=dataclasses.replace(PARAMS.ref, rescue=0.9, veto_cover=1.1))
    off = dataclasses.replace(params, ref=dataclasses.replace(params.ref, rescue=1.1, convict=1.1, contra_min=0.0))
    sure = table({("released", point.text[:20]): (0.95, 0.02, 0.03)})
    rules = OfflineScorer(embedder, off, reader=sure).score(rubric, answer)
    assert next(k for k in rules.key_points if k.text == point.text).verdict == "missing"  # cosine does not see it
    bank_settings = dataclasses.replace(off, rescue=0.9)  # the settings for bank points leave derived ones alone
    same = OfflineScorer(embedder, bank_settings, reader=sure).score(rubric, answer)
    assert next(k for k in same.key_points if k.text == point.text).verdict == "missing"
    kp = next(
        k for k in OfflineScorer(embedder, params, reader=sure).score(rubric, answer).key_points if k.text == point.text
    )
    assert kp.verdict == "covered" and kp.evidence and "released" in kp.evidence
    unsure = table({("released", point.text[:20]): (0.6, 0.1, 0.3)})
    below = OfflineScorer(embedder, params, reader=unsure).score(rubric, answer)
    assert next(k for k in below.key_points if k.text == point.text).verdict == "missing"  # under the bar: no credit


def test_no_accusation_without_the_reader_reading_one(bank: Bank, embedder: LocalMiniLM) -> None:
    rubric = rubric_for(bank, "swe-top-ips-large-log")
    answer = (
        "I'd read the whole 200GB log into memory with readlines. Streaming or splitting the file isn't needed because "
        "a dict is very memory efficient."
    )
    rules = OfflineScorer(embedder, PARAMS, reader=table({})).score(rubric, answer)
    accused = {f.id for f in rules.red_flags if f.kind == "contradiction"}
    assert accused  # the rules read a contradiction here
    calm = OfflineScorer(embedder, dataclasses.replace(PARAMS, contra_min=0.3), reader=table({})).score(rubric, answer)
    assert not {f.id for f in calm.red_flags if f.kind == "contradiction"}  # the reader said neither: dropped


def test_red_flags_are_read_as_mistakes(bank: Bank, embedder: LocalMiniLM) -> None:
    rubric = rubric_for(bank, "pyd-dependencies-builds")
    reader = table({})
    answer = "I just pip install the newest versions on every deploy, whatever is latest."
    OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_flag=0.5), reader=reader).score(rubric, answer)
    flag_claims = [c for _, c in reader.asked if c.startswith(FLAG_PREFIX)]
    assert flag_claims and all(c[len(FLAG_PREFIX) :] in {f.text for f in rubric.red_flags} for c in flag_claims)


def test_the_bank_own_sentence_is_never_vetoed(bank: Bank, embedder: LocalMiniLM) -> None:
    """A candidate who says a point in the bank's own words is not told it is unclear, whatever the reader says."""
    rubric = rubric_for(bank, "pyd-code-review-philosophy")
    point = next(k for k in rubric.key_points if k.id == "automate-nitpicks")
    answer = "I'd leave formatting and style nitpicks to linters and formatters."
    wrong = table({("nitpicks", point.text[:20]): (0.05, 0.94, 0.01)})  # a misreading the first readers made
    veto = dataclasses.replace(PARAMS, veto_cover=0.8)
    vetoed = OfflineScorer(embedder, veto, reader=wrong).score(rubric, answer)
    assert _verdict(vetoed, "automate-nitpicks") == "missing"
    kept = OfflineScorer(embedder, dataclasses.replace(veto, veto_sure=0.85), reader=wrong).score(rubric, answer)
    assert _verdict(kept, "automate-nitpicks") != "missing"


def test_a_span_far_from_the_point_is_not_rescued(bank: Bank, embedder: LocalMiniLM) -> None:
    rubric = rubric_for(bank, "pyd-observability")
    answer = "Anyway, where was I, it's easy to get sidetracked with this stuff. I use JSON logs with a request ID."
    fooled = table({("sidetracked", "Avoids logging"): (0.96, 0.02, 0.02)})
    rescue = dataclasses.replace(PARAMS, rescue=0.9)
    assert _verdict(OfflineScorer(embedder, rescue, reader=fooled).score(rubric, answer), "no-pii-in-logs") != "missing"
    near = dataclasses.replace(rescue, rescue_cos=0.35)
    assert _verdict(OfflineScorer(embedder, near, reader=fooled).score(rubric, answer), "no-pii-in-logs") == "missing"


def test_a_negation_that_agrees_is_not_vetoed(bank: Bank, embedder: LocalMiniLM) -> None:
    """The reader's weakest pairs: a span with a negation against a point with one. "I'm careful never to put
    customer emails in the logs" read 0.96 contradicts against "Avoids logging PII or secrets."."""
    rubric = rubric_for(bank, "pyd-observability")
    answer = "I'm careful never to put customer emails, card numbers or tokens in the logs."
    misread = table({("careful never", "Avoids logging"): (0.02, 0.96, 0.02)})
    veto = dataclasses.replace(PARAMS, veto_cover=0.8)
    kept = OfflineScorer(embedder, veto, reader=misread).score(rubric, answer)
    assert _verdict(kept, "no-pii-in-logs") == "covered"
    strict = OfflineScorer(embedder, dataclasses.replace(veto, veto_negations=True), reader=misread)
    assert _verdict(strict.score(rubric, answer), "no-pii-in-logs") == "missing"


SQL_RIGHT = "I also never build SQL by concatenating strings, I always use parameterised queries."


def test_a_red_flag_on_a_sentence_that_rules_it_out_is_dropped(bank: Bank, embedder: LocalMiniLM) -> None:
    """Cosine cannot read a "never": the flag is raised by the rules, and dropped when the reader reads the sentence
    as the flag's opposite; a flag whose own text is a negation, said back, stays."""
    rubric = rubric_for(bank, "pyd-security")
    flag = next(r for r in rubric.red_flags if r.id == "string-formatted-sql")
    reader = table({(SQL_RIGHT[:20], FLAG_PREFIX + flag.text[:20]): (0.04, 0.93, 0.03)})
    rules = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_flag_negated=1.1), reader=reader)
    assert flag.id in {f.id for f in rules.score(rubric, SQL_RIGHT).red_flags}  # what the rules alone say
    read = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_flag_negated=0.8), reader=reader)
    result = read.score(rubric, SQL_RIGHT)
    assert flag.id not in {f.id for f in result.red_flags}
    assert not any(i.startswith("Avoid this") for i in result.feedback.improvements)
    unsure = table({(SQL_RIGHT[:20], FLAG_PREFIX + flag.text[:20]): (0.3, 0.6, 0.1)})  # not sure enough
    keep = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_flag_negated=0.8), reader=unsure)
    assert flag.id in {f.id for f in keep.score(rubric, SQL_RIGHT).red_flags}


def test_a_negative_flag_said_back_is_not_vetoed(bank: Bank, embedder: LocalMiniLM) -> None:
    from interviewer.scoring.rubric import from_stage

    scenario = bank.scenario("slow-endpoint")
    stage = next(st for st in scenario.stages if st.id == "measure-and-reproduce")
    flag = next(r for r in (*stage.red_flags, *scenario.red_flags) if r.id == "no-verification")
    answer = f"Honestly, {flag.text[0].lower()}{flag.text[1:]} That is what I would do here."
    reader = table({("Honestly", FLAG_PREFIX): (0.05, 0.9, 0.05)})  # the reader misreads it as the flag's opposite
    result = OfflineScorer(embedder, PARAMS, reader=reader).score(from_stage(scenario, stage), answer)
    assert flag.id in {f.id for f in result.red_flags}  # "Never verifies..." against "Never verifies...": kept


def test_a_flag_with_a_without_is_still_an_act_a_never_can_rule_out(bank: Bank, embedder: LocalMiniLM) -> None:
    """ "Calls blocking libraries ... without offloading them" is something done, not a denial: a "never" in the
    sentence can rule it out, as for a flag with no negation at all (`flag_without_plain`)."""
    rubric = rubric_for(bank, "swe-async-threading-multiprocessing")
    flag = next(r for r in rubric.red_flags if r.id == "blocking-in-async")
    answer = "What I'd never do is call requests directly inside a coroutine."
    reader = table({("What I'd never", FLAG_PREFIX + flag.text[:20]): (0.05, 0.94, 0.01)})
    before = OfflineScorer(embedder, dataclasses.replace(PARAMS, flag_without_plain=False), reader=reader)
    assert flag.id in {f.id for f in before.score(rubric, answer).red_flags}  # the "without" made it a denial
    assert PARAMS.flag_without_plain
    assert flag.id not in {f.id for f in OfflineScorer(embedder, PARAMS, reader=reader).score(rubric, answer).red_flags}


def test_a_red_flag_is_quoted_from_the_sentence_the_reader_reads_as_the_flag(bank: Bank, embedder: LocalMiniLM) -> None:
    """The shipped reader, on an answer from the dev split: the rules raise the unilateral-bypass flag on a sentence
    that only describes the outage, and let the sentence that commits it cover the point asking for sign-off."""
    rubric = rubric_for(bank, "production-bug/mitigation-communication")
    answer = (
        "Right now every payment is hanging on the fraud API, so I'd wrap that call in a circuit breaker with a "
        "two-second timeout so it fails fast instead of tying up the workers. Then I'd just disable the fraud check "
        "myself with the feature flag; there's no need to ask product, it's an engineering call and every minute in a "
        "meeting is lost sales. I'd glance at the provider's status page, and drop a note to customer support that "
        "payments are being worked on."
    )
    committed = "Then I'd just disable the fraud check myself with the feature flag"
    before = OfflineScorer(embedder, dataclasses.replace(PARAMS, flag_moves=0.0)).score(rubric, answer)
    after = OfflineScorer(embedder, PARAMS).score(rubric, answer)
    for result, quoted, credited in ((before, "Right now every payment", True), (after, committed, False)):
        flag = next(f for f in result.red_flags if f.id == "unilateral-bypass")
        assert flag.evidence.startswith(quoted)
        point = next(k for k in result.key_points if k.id == "bypass-with-product")
        assert (point.evidence == committed) is credited and (point.verdict != "missing") is credited
    assert after.score is not None and before.score is not None and after.score < before.score


def test_a_point_the_reader_reads_as_said_is_asked_for_plainly_not_as_missing(embedder: LocalMiniLM) -> None:
    """No credit (the rules found no evidence), but no "Add this point" for what the candidate may have said."""
    rubric = from_text(
        "How do you know an onboarding change worked?",
        key_points=["Instruments usage to validate assumptions with data."],
    )
    answer = "Amplitude events on every checklist step told us within a week which assumptions held."
    reader = table({("Amplitude", "Instruments"): (0.95, 0.02, 0.03)})
    hinted = OfflineScorer(embedder, dataclasses.replace(PARAMS, close=0.9), reader=reader).score(rubric, answer)
    plain = OfflineScorer(embedder, dataclasses.replace(PARAMS, close=1.1), reader=reader).score(rubric, answer)
    assert hinted.score == plain.score and hinted.key_points[0].verdict == plain.key_points[0].verdict
    assert plain.key_points[0].verdict == "missing"  # cosine misses the paraphrase: the case this is for
    assert hinted.key_points[0].close == answer and plain.key_points[0].close is None
    assert any(i.startswith("Make this point in so many words") and answer in i for i in hinted.feedback.improvements)
    assert any(i.startswith("Add this point") for i in plain.feedback.improvements)


PRINT_EVERYTHING = (
    "Honestly I'd just print everything to stdout, including the full request bodies with card numbers, so we can "
    "debug anything later."
)


def test_partial_credit_goes_where_the_reader_reads_the_opposite(bank: Bank, embedder: LocalMiniLM) -> None:
    """A span near a point's topic, not close enough for "covered", earns no partial credit when the reader reads it
    as the point's opposite (`veto_partial`)."""
    rubric = rubric_for(bank, "pyd-observability")
    point = next(k for k in rubric.key_points if k.id == "structured-logs-correlation")
    reader = table({("print everything", point.text[:20]): (0.01, 0.93, 0.06)})
    off = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_partial=1.1), reader=reader)
    assert _verdict(off.score(rubric, PRINT_EVERYTHING), "structured-logs-correlation") == "partial"  # topic alone
    on = OfflineScorer(embedder, PARAMS, reader=reader).score(rubric, PRINT_EVERYTHING)
    kp = next(k for k in on.key_points if k.id == "structured-logs-correlation")
    assert kp.verdict == "missing" and kp.evidence is None and kp.unclear and "print everything" in kp.unclear
    unsure = table({("print everything", point.text[:20]): (0.3, 0.6, 0.1)})
    kept = OfflineScorer(embedder, PARAMS, reader=unsure).score(rubric, PRINT_EVERYTHING)
    assert _verdict(kept, "structured-logs-correlation") == "partial"  # under the bar: the rules' verdict stands


SECRETS = (
    "Secrets never go in the repo; they live in AWS Secrets Manager and get injected as environment variables at "
    "deploy time. For auth I use short-lived JWTs checked on every request, and I validate every input with pydantic "
    "models. I also never log tokens or passwords, and I rate limit the login endpoint."
)


def test_a_point_stated_plainly_is_not_also_contradicted_by_another_clause(bank: Bank, embedder: LocalMiniLM) -> None:
    """`veto_stated` (off in the shipped settings, README "Eighth try"): the first clause reads as the opposite of
    the secrets point, the second states it; with the setting on, the point is covered and nobody is accused."""
    rubric = rubric_for(bank, "pyd-security")
    point = next(k.id for k in rubric.key_points if "secrets manager" in k.text.lower())
    off = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_stated=1.1)).score(rubric, SECRETS)
    assert any(f.kind == "contradiction" and f.id == point for f in off.red_flags)  # the failure the setting is for
    on = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_stated=0.9)).score(rubric, SECRETS)
    assert not any(f.kind == "contradiction" and f.id == point for f in on.red_flags)
    assert _verdict(on, point) == "covered"
    assert "Secrets Manager" in next(k.evidence or "" for k in on.key_points if k.id == point)


def test_evidence_the_reader_says_does_not_state_the_point_covers_nothing(bank: Bank, embedder: LocalMiniLM) -> None:
    """`cover_min` (off in the shipped settings): the JWT sentence is the rules' evidence for the OWASP point, and
    the reader reads it as saying neither; with the setting on, the point is missing and the candidate asked for it."""
    rubric = rubric_for(bank, "pyd-security")
    owasp = next(k for k in rubric.key_points if "OWASP" in k.text)
    off = OfflineScorer(embedder, dataclasses.replace(PARAMS, cover_min=0.0)).score(rubric, SECRETS)
    assert _verdict(off, owasp.id) != "missing"
    on = OfflineScorer(embedder, dataclasses.replace(PARAMS, cover_min=0.1)).score(rubric, SECRETS)
    assert _verdict(on, owasp.id) == "missing"
    assert any(owasp.text[1:40] in line for line in on.feedback.improvements)
    assert _verdict(on, next(k.id for k in rubric.key_points if "short-lived" in k.text)) == "covered"


def test_a_covered_point_the_reader_reads_as_unsaid_earns_only_partial(bank: Bank, embedder: LocalMiniLM) -> None:
    """`soft_cover`: the rules call a point covered by cosine; where the reader gives its evidence almost no chance
    of stating it, the point is partial (half credit, "make it explicit"), with the same quote; a point the reader
    reads as stated stays covered."""
    rubric = rubric_for(bank, "pyd-gil-concurrency")
    rules = OfflineScorer(embedder, dataclasses.replace(PARAMS, soft_cover=0.0)).score(rubric, GIL_RIGHT)
    assert _verdict(rules, GIL_POINT) == "covered"
    unsure = table({(GIL_RIGHT[:20], rubric.key_points[0].text[:10]): (0.02, 0.01, 0.97)})
    assert rubric.key_points[0].id == GIL_POINT
    soft = OfflineScorer(embedder, PARAMS, reader=unsure).score(rubric, GIL_RIGHT)
    assert PARAMS.soft_cover > 0.02 and _verdict(soft, GIL_POINT) == "partial"
    assert next(k.evidence for k in soft.key_points if k.id == GIL_POINT) == next(
        k.evidence for k in rules.key_points if k.id == GIL_POINT
    )
    assert soft.score is not None and rules.score is not None and soft.score < rules.score
    sure = table({(GIL_RIGHT[:20], rubric.key_points[0].text[:10]): (0.9, 0.05, 0.05)})
    assert _verdict(OfflineScorer(embedder, PARAMS, reader=sure).score(rubric, GIL_RIGHT), GIL_POINT) == "covered"


IDEMPOTENT = (
    "Tasks can run twice, so I never let a task charge or email without first checking a record of whether it "
    "already happened, keyed on the invoice id."
)
NOT_FOLLOW_UP = (
    "If a reviewer spots something, it gets fixed in that PR, not in a follow-up ticket that never gets done."
)
MOVE_FAST = (
    "In a startup you have to move fast, so I don't spend much time on migrations. If a table needs changing I'll "
    "psql into prod and alter it directly, it's quicker than writing migration files."
)


def _contradicted(result, point: str) -> bool:
    return any(f.kind == "contradiction" and f.id == point for f in result.red_flags)


def test_a_never_that_states_the_point_is_no_contradiction_and_earns_it(bank: Bank, embedder: LocalMiniLM) -> None:
    """`veto_contra_negated` with `credit_cleared`: the rules read "I never let a task charge ... without first
    checking" as the opposite of the idempotency point; the reader reads it as stating the point, so the accusation
    goes and the sentence is the point's evidence. A reader that is not sure leaves the rules' verdict."""
    rubric = rubric_for(bank, "pyd-background-jobs")
    point = next(k for k in rubric.key_points if "idempotent" in k.text)
    sure = table({("never let a task", point.text[:20]): (0.94, 0.04, 0.02)})
    rules = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_contra_negated=1.1), reader=sure)
    assert _contradicted(rules.score(rubric, IDEMPOTENT), point.id)  # the failure the setting is for
    result = OfflineScorer(embedder, PARAMS, reader=sure).score(rubric, IDEMPOTENT)
    assert not _contradicted(result, point.id)
    assert _verdict(result, point.id) == "covered"
    assert next(k.evidence for k in result.key_points if k.id == point.id) == IDEMPOTENT
    assert not any(point.text[1:40] in line for line in result.feedback.improvements)
    no_credit = OfflineScorer(embedder, dataclasses.replace(PARAMS, credit_cleared=False), reader=sure)
    assert _verdict(no_credit.score(rubric, IDEMPOTENT), point.id) == "missing"  # no accusation, but no credit
    unsure = table({("never let a task", point.text[:20]): (0.6, 0.3, 0.1)})
    assert _contradicted(OfflineScorer(embedder, PARAMS, reader=unsure).score(rubric, IDEMPOTENT), point.id)


def test_a_negation_against_a_point_that_denies_something_stays_a_contradiction(
    bank: Bank, embedder: LocalMiniLM
) -> None:
    """A span saying "not in a follow-up ticket" against "Files follow-up tasks instead of blocking merges": with a
    negation on both sides the reader's "states" is not trusted (`contra_claim_plain`)."""
    rubric = rubric_for(bank, "swe-code-reviews")
    point = next(k for k in rubric.key_points if k.id == "follow-ups-not-perfection")
    misread = table({("not in a follow-up", point.text[:20]): (0.85, 0.1, 0.05)})
    off = OfflineScorer(embedder, dataclasses.replace(PARAMS, contra_claim_plain=False), reader=misread)
    assert not _contradicted(off.score(rubric, NOT_FOLLOW_UP), point.id)
    assert _contradicted(OfflineScorer(embedder, PARAMS, reader=misread).score(rubric, NOT_FOLLOW_UP), point.id)


def test_a_dropped_contradiction_off_the_point_topic_earns_nothing(bank: Bank, embedder: LocalMiniLM) -> None:
    """The clause "so I don't spend much time on migrations" is far from "documents schema decisions and monitors
    queries" (cosine under `partial`): even where the reader reads it as stating the point, it is no evidence."""
    rubric = rubric_for(bank, "swe-schema-design-migrations")
    point = next(k for k in rubric.key_points if k.id == "monitor-document")
    misread = table({("don't spend much time", point.text[:20]): (0.88, 0.02, 0.1)})
    rules = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_contra_negated=1.1), reader=misread)
    assert _contradicted(rules.score(rubric, MOVE_FAST), point.id)
    result = OfflineScorer(embedder, PARAMS, reader=misread).score(rubric, MOVE_FAST)
    assert not _contradicted(result, point.id)
    assert _verdict(result, point.id) == "missing"


def test_a_span_the_reader_reads_as_any_point_or_as_a_mistake_rescues_nothing(
    bank: Bank, embedder: LocalMiniLM
) -> None:
    """The shipped reader, on two wrong answers to dev-split questions, with rescue on (it is off by default,
    README "Fifteenth try"): "split the file ... in Excel" reads as stating nearly every point of the CSV question,
    and "they'll let us know" as the additive-change point and as the in-place-change red flag at once."""
    csv = (
        "I'd use one of the Django admin import plugins and let it handle the upload. "
        "If it's too big, maybe split the file into smaller ones in Excel first."
    )
    api = (
        "I just change the endpoint and tell clients to update, versioning is overkill. "
        "If something breaks, they'll let us know and we fix it quickly."
    )
    loose = dataclasses.replace(PARAMS, rescue=0.85, rescue_max=99, rescue_flag=1.1)
    for qid, answer, guard in (
        ("pyd-large-csv-postgres", csv, {"rescue_max": 2}),
        ("swe-api-versioning", api, {"rescue_flag": 0.9}),
    ):
        rubric = rubric_for(bank, qid)
        rules = OfflineScorer(embedder, dataclasses.replace(loose, rescue=1.1)).score(rubric, answer)
        fooled = OfflineScorer(embedder, loose).score(rubric, answer)
        guarded = OfflineScorer(embedder, dataclasses.replace(loose, **guard)).score(rubric, answer)
        verdicts = [[k.verdict for k in r.key_points] for r in (rules, fooled, guarded)]
        assert verdicts[1] != verdicts[0], qid  # the reader's word alone credits the wrong sentence
        assert verdicts[2] == verdicts[0], qid
        assert guarded.score == rules.score and fooled.score is not None and rules.score is not None
        assert fooled.score > rules.score


def test_a_span_the_reader_reads_as_any_point_is_no_hint_either(bank: Bank, embedder: LocalMiniLM) -> None:
    """The shipped settings (rescue off): "may mean it" hints quote a span the reader reads as stating the point,
    but not one it reads as stating more than two of the missing points at once."""
    rubric = rubric_for(bank, "pyd-large-csv-postgres")
    answer = (
        "I'd use one of the Django admin import plugins and let it handle the upload. "
        "If it's too big, maybe split the file into smaller ones in Excel first."
    )

    def hints(params) -> list[str]:
        result = OfflineScorer(embedder, params).score(rubric, answer)
        return [line for line in result.feedback.improvements if "may mean it" in line]

    assert len(hints(dataclasses.replace(PARAMS, rescue_max=99))) >= 2
    assert hints(PARAMS) == []
