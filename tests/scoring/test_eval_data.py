"""The labelled data set is what the issue asks for, and the metrics can tell good from bad."""

from collections import Counter

from interviewer.bank.loader import Bank
from interviewer.evals.scoring import load_labelled, metrics, ranking_accuracy, spearman, split_of, truth
from interviewer.scoring.models import AnswerScore, Delivery, KeyPointResult, Ownership, RedFlagResult, Specificity
from interviewer.settings import REPO_ROOT

DATA = REPO_ROOT / "evals" / "scoring"


def test_data_set_shape(bank: Bank) -> None:
    items = load_labelled(DATA)
    assert len(items) >= 200 and len({i.id for i in items}) == len(items)
    questions = {i.question_id for i in items}
    assert len({q for q in questions if "/" not in q}) >= 40
    assert {f"production-bug/{st.id}" for st in bank.scenario("production-bug").stages} <= questions
    kinds = Counter(i.kind for i in items)
    for kind in ("strong", "adequate", "weak", "poor", "red-flag", "rambling", "off-topic", "empty", "gibberish",
                 "injection", "spoken"):  # fmt: skip
        assert kinds[kind] >= 1, kind
    assert {split_of(q) for q in questions} == {"dev", "test"}
    assert all((i.gold.score is None) == (i.gold.unscored_reason is not None) for i in items)


def _result(score: float | None, verdicts: dict[str, str] | None = None) -> AnswerScore:
    return AnswerScore(
        score=score,
        band=None if score is None else "strong" if score >= 7.5 else "poor",
        unscored_reason=None if score is not None else "empty",
        key_points=[KeyPointResult(id=k, text=k, verdict=v) for k, v in (verdicts or {}).items()],  # type: ignore[arg-type]
        specificity=Specificity(ownership=Ownership(i=0, we=0), score=0),
        delivery=Delivery(words=1, filler_words=0, filler_rate=0),
    )


def test_metrics_punish_wrong_answers() -> None:
    items = [i for i in load_labelled(DATA) if i.gold.score is not None][:40]
    perfect = [_result(i.gold.score, dict(i.gold.key_points)) for i in items]
    inverted = [_result(10 - (i.gold.score or 0), {k: "missing" for k in i.gold.key_points}) for i in items]
    good, bad = metrics(items, perfect, 1.0), metrics(items, inverted, 1.0)
    assert good["spearman"] == 1.0 and good["key_point_f1"] == 1.0 and good["ranking_accuracy"] == 1.0
    assert bad["spearman"] < 0 and bad["key_point_f1"] == 0.0 and bad["ranking_accuracy"] < 0.1
    assert spearman([1, 2, 3], [3, 2, 1]) == -1.0
    assert ranking_accuracy([]) == 1.0


def test_truth_figures_count_false_accusations_and_withheld_credit() -> None:
    sound = [i for i in load_labelled(DATA) if i.gold.band in ("strong", "adequate") and not i.gold.red_flags][:10]
    covered = next(k for k, v in sound[0].gold.key_points.items() if v == "covered")
    honest = [_result(i.gold.score, dict(i.gold.key_points)) for i in sound]
    accused = [r.model_copy(deep=True) for r in honest]
    accused[0].red_flags.append(RedFlagResult(id=covered, text="Says the opposite", evidence="x", kind="contradiction"))
    accused[0].feedback.improvements.append(f"Add this point: {covered}")
    accused[1] = _result(None)
    good, bad = truth(sound, honest), truth(sound, accused)
    assert good["false_contradictions"] == 0 and good["covered_told_to_add"] == 0.0
    assert good["real_attempts_abstained"] == 0
    assert bad["false_contradictions"] == 1 and bad["covered_told_to_add"] > 0
    assert bad["real_attempts_abstained"] == 1
    unclear = [r.model_copy(deep=True) for r in honest]  # the other way to withhold credit: "say this plainly"
    point = next(k.text for k in unclear[0].key_points if k.id == covered)
    unclear[0].feedback.improvements.append(f"Say this plainly: {point[:1].lower()}{point[1:]}. It isn't clear...")
    assert truth(sound, unclear)["covered_told_to_add"] > 0


def test_plain_words_set_is_what_issue_24_asks(bank: Bank) -> None:
    """60 answers in plain spoken words: 20 strong (negations, hedges), 20 confidently wrong in the rubric's words,
    20 half right; labels consistent with the bank, split by question like the main set."""
    from interviewer.scoring.models import band_for
    from interviewer.scoring.rubric import rubric_for

    items = load_labelled(REPO_ROOT / "evals" / "plain-words")
    assert Counter(i.kind for i in items) == {"plain-strong": 20, "confidently-wrong": 20, "half-right": 20}
    ids = [i.id for i in items + load_labelled(DATA)]
    assert len(set(ids)) == len(ids)
    assert {i.split for i in items} == {"dev", "test"}
    for i in items:
        rubric = rubric_for(bank, i.question_id)
        assert set(i.gold.key_points) == {k.id for k in rubric.key_points}, i.id
        assert set(i.gold.red_flags) <= {f.id for f in rubric.red_flags}, i.id
        assert all(i.gold.key_points[k] == "missing" for k in i.gold.contradicts), i.id
        assert all(s in i.answer for s in i.wrong_spans), i.id
        assert i.gold.score is not None and band_for(i.gold.score) == i.gold.band, i.id
        wrong = bool(i.gold.contradicts or i.gold.red_flags)
        assert wrong == (i.kind != "plain-strong") and wrong == bool(i.wrong_spans), i.id
