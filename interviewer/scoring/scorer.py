"""The offline scorer: sentence embeddings plus lexical signals, with every piece of evidence quoted verbatim."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from interviewer.scoring.abstain import is_dont_know, is_term_list
from interviewer.scoring.feedback import feedback
from interviewer.scoring.formula import PARAMS, Features, Params, combine, coverage, flag_count
from interviewer.scoring.grader import Grader, load_grader
from interviewer.scoring.guards import (
    MIN_WORDS,
    echo_spans,
    injection_spans,
    known_word_share,
    precheck,
    stopword_share,
)
from interviewer.scoring.matching import cue_hits
from interviewer.scoring.models import (
    AnswerScore,
    Delivery,
    KeyPointResult,
    RedFlagResult,
    Specificity,
    Thin,
    band_for,
)
from interviewer.scoring.pairs import content as content_of
from interviewer.scoring.reader.dataset import claim_text
from interviewer.scoring.rubric import Rubric
from interviewer.scoring.star import star as find_star
from interviewer.scoring.text import (
    MAX_ANSWER_CHARS,
    Span,
    delivery,
    normalised,
    sentences,
    specificity,
    substance,
    whole_sentence,
    words,
)
from interviewer.scoring.vector_cache import load_vectors, save_vectors
from interviewer.scoring.verdicts import Grades, Read, grade, read_spans, second_opinion

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

CACHE_LIMIT = 50_000  # embedded sentences kept (about 75 MB); follow-up turns re-use their earlier sentences
INJECTION_FLAG = "Tries to instruct the grader instead of answering the question."


class _Common(NamedTuple):
    question_id: str | None
    delivery: Delivery
    specificity: Specificity
    injection_detected: bool


def verify_evidence(answer: str, evidence: str | None) -> str | None:
    """Evidence survives only as a verbatim, non-empty span of the answer."""
    return evidence if evidence and evidence.strip() and evidence in answer else None


class OfflineScorer:
    def __init__(
        self,
        embedder: Embeddings | None = None,
        params: Params = PARAMS,
        cache: dict[str, np.ndarray] | None = None,
        grader: Grader | None = None,
        reader: Read | None = None,
    ):
        if embedder is None:
            from interviewer.index.embedders import LocalMiniLM

            embedder = LocalMiniLM()
        self.embedder = embedder
        self.params = params
        self.grader = grader or load_grader()
        self.reader = reader  # None: the shipped answer reader, loaded on first use
        self._others: list[tuple[str, np.ndarray]] = []  # (question id, topic vectors) of every warmed rubric
        self._cache: dict[str, np.ndarray] = cache if cache is not None else {}
        self._lock = threading.RLock()
        self.cache_answers = False  # batch runs and calibration pre-embed answers and keep them

    def _embed(self, texts: list[str], cache: bool) -> np.ndarray:
        with self._lock:  # the web app scores for many tabs at once; the cache is shared
            return self._embed_unlocked(texts, cache)

    def _embed_unlocked(self, texts: list[str], cache: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if not cache:
            return np.asarray(self.embedder.embed_documents(texts), dtype=np.float32)
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for t, v in zip(missing, self.embedder.embed_documents(missing), strict=True):
                self._cache[t] = np.asarray(v, dtype=np.float32)
            while len(self._cache) > CACHE_LIMIT:  # oldest first: dicts keep insertion order
                self._cache.pop(next(iter(self._cache)))
        return np.stack([self._cache[t] for t in texts])

    def warm(self, rubrics: list[Rubric], cache_file: Path | None = None) -> None:
        """Load the models and embed the rubrics' texts once, as an index would (about 12 s for the whole bank).

        With `cache_file`, vectors saved by an earlier run are reused and the file is brought up to date."""
        checks = (t for r in rubrics for t in self._rubric_texts(r))
        texts = list(dict.fromkeys([*(t for r in rubrics for t in r.topic_texts), *checks]))
        model = getattr(self.embedder, "name", type(self.embedder).__name__)
        saved = load_vectors(cache_file, model) if cache_file else {}
        with self._lock:
            for t in texts:
                if t in saved and t not in self._cache:
                    self._cache[t] = saved[t]
        self._embed(["warm up"], cache=False)  # the model loads now, not at the first answer
        (self.reader or _read)(["warm up"], ["warm up"])  # and the answer reader too (a first turn otherwise waits)
        self._embed(texts, cache=True)
        if cache_file and any(t not in saved for t in texts):
            with self._lock:
                save_vectors(cache_file, model, {t: self._cache[t] for t in texts if t in self._cache})
        self._others = [(r.question_id, self._embed(list(r.topic_texts), cache=True)) for r in rubrics if r.question_id]
        self.cache_answers = True  # a warmed scorer serves many answers: their sentences are kept (bounded)

    def _rubric_texts(self, r: Rubric) -> list[str]:
        checks = (*r.key_points, *r.red_flags)
        return [*(t for c in checks for t in (*c.statements, *c.misconceptions)), r.question]

    def prepare(self, answers: list[str]) -> None:
        """Embed every sentence of many answers in one pass (much faster than one call per answer)."""
        self.cache_answers = True
        self._embed([s.text for a in answers for s in sentences(a[:MAX_ANSWER_CHARS])], cache=True)

    @staticmethod
    def _split(rubric: Rubric, text: str) -> tuple[list[Span], list[Span], list[Span]]:
        """(injection attempts, sentences that only echo the question, the candidate's own sentences)."""
        spans = _unique(sentences(text))
        injected = injection_spans(spans)
        echoed = echo_spans([s for s in spans if s not in injected], " ".join((rubric.question, *rubric.asked_as)))
        return injected, echoed, [s for s in spans if s not in injected and s not in echoed]

    def claims(self, rubric: Rubric, answer: str) -> tuple[list[Span], np.ndarray]:
        """The sentences the verdicts are read from, and their vectors."""
        content = [s for s in self._split(rubric, answer[:MAX_ANSWER_CHARS])[2] if not is_term_list(s.text)]
        return content, self._embed([s.text for s in content], cache=self.cache_answers)

    def explain(self, rubric: Rubric, answer: str) -> list[Explained]:
        """For each claim of the rubric, its nearest spans of the answer (at most three, by cosine) with the answer
        reader's three probabilities: why a verdict was given (`interviewer score --explain`)."""
        spans, vecs = self.claims(rubric, answer)
        fg, kg = self.grades(rubric, spans, vecs)
        out = []
        for kind, checks, g in (("key_point", rubric.key_points, kg), ("red_flag", rubric.red_flags, fg)):
            for j, check in enumerate(checks):
                near = [int(i) for i in np.argsort(-g.cos_right[:, j])[:3]]
                claim = claim_text(check.text, kind)
                probs = (self.reader or _read)([spans[i].text for i in near], [claim] * len(near)) if near else None
                rows = [
                    (spans[i].text, float(g.cos_right[i, j]), float(pr[0]), float(pr[1]), float(pr[2]))
                    for i, pr in zip(near, probs if probs is not None else [], strict=True)
                ]
                out.append(Explained(kind, check.text, rows))
        return out

    def score(self, rubric: Rubric, answer: str, audio_seconds: float | None = None) -> AnswerScore:
        return self.scored(rubric, answer, audio_seconds).result

    def score_early(
        self, rubric: Rubric, answer: str, audio_seconds: float | None = None
    ) -> tuple[AnswerScore, Callable[[], AnswerScore]]:
        """As `AnswerScorer.score_early`: offline, the result now is the final one."""
        result = self.score(rubric, answer, audio_seconds)
        return result, lambda: result

    def scored(self, rubric: Rubric, answer: str, audio_seconds: float | None = None) -> Scored:
        """The score with the features the formula read (None when unscored): the judge re-scores from them."""
        text = answer[:MAX_ANSWER_CHARS]
        injected, echoed, content = self._split(rubric, text)
        base = _Common(
            question_id=rubric.question_id,
            delivery=delivery(text, audio_seconds),
            specificity=specificity(" ".join(s.text for s in content)),
            injection_detected=bool(injected),
        )
        flags = (
            [RedFlagResult(id="prompt-injection", text=INJECTION_FLAG, evidence=injected[0].text, kind="injection")]
            if injected
            else []
        )

        def unscored(reason: str, other: str | None = None) -> Scored:
            return Scored(
                AnswerScore(
                    score=None, band=None, unscored_reason=reason, red_flags=flags, answers_question=other,
                    **base._asdict(),
                ),
                None,
            )  # fmt: skip

        joined = " ".join(s.text for s in content)
        if content and is_dont_know(content):
            return unscored("dont-know")
        listed = [s for s in content if is_term_list(s.text)]
        claims = [s for s in content if s not in listed]
        if listed and not claims:  # names with no claim: scored, and nothing is covered
            return self._judge(rubric, text, [], np.zeros((0, 384)), flags, base, listed=True)
        # Only non-answers are left unscored: empty, gibberish, "I don't know", an injection with nothing else (all
        # above), and a clear answer to another bank question (below). A short or off-topic attempt is scored, low,
        # and marked `thin` so the interviewer can ask once for more.
        if echoed and not content:  # the question said back: an attempt that states nothing
            echo = self._judge(rubric, text, [], np.zeros((0, 384)), flags, base)
            return echo._replace(result=echo.result.model_copy(update={"thin": "too-short"}))
        reason = precheck(joined, min_words=1)
        if reason:
            return unscored(reason)
        span_vecs = self._embed([s.text for s in claims], cache=self.cache_answers)
        topic = span_vecs @ self._embed(list(rubric.topic_texts), cache=True).T
        any_cue = any(cue_hits(k, joined) for k in rubric.key_points)
        thin: Thin | None = None
        if float(topic.max()) < self.params.off_topic and not any_cue:
            if known_word_share(joined) < 0.5 or (len(words(joined)) >= MIN_WORDS and stopword_share(joined) < 0.1):
                return unscored("gibberish")
            thin = "too-short" if len(words(joined)) < MIN_WORDS else "off-topic"
        judged = self._judge(rubric, text, claims, span_vecs, flags, base)
        result = judged.result
        said = sum(len(words(s.text)) for s in claims)
        if not any(k.verdict != "missing" for k in result.key_points) and said < MIN_WORDS and rubric.key_points:
            thin = thin or "too-short"  # a short answer that states no point
        if rubric.question_id and not any(k.verdict == "covered" for k in result.key_points):
            other = self._answers_other(rubric, span_vecs, float(topic.max(axis=1).mean()))
            if other:
                return unscored("off-topic", other)
        return judged._replace(result=result.model_copy(update={"thin": thin})) if thin else judged

    def _answers_other(self, rubric: Rubric, span_vecs: np.ndarray, ours: float) -> str | None:
        """The bank question this answer is about instead of ours, when another one is clearly closer."""
        best: tuple[float, str] | None = None
        for qid, vecs in self._others:
            if qid == rubric.question_id:
                continue
            sim = float((span_vecs @ vecs.T).max(axis=1).mean())
            if best is None or sim > best[0]:
                best = (sim, qid)
        if best and best[0] >= ours + self.params.other_question:
            return best[1]
        return None

    def grades(self, rubric: Rubric, content: list[Span], span_vecs: np.ndarray) -> tuple[Grades, Grades]:
        """The signals behind the verdicts: (red flags, key points). Training reads them too."""
        embed = lambda texts: self._embed(texts, cache=True)  # noqa: E731
        points = frozenset().union(*(content_of(t) for k in rubric.key_points for t in k.statements))
        return (
            grade(content, span_vecs, rubric.red_flags, rubric.question, embed, self.grader, exclude=points),
            grade(content, span_vecs, rubric.key_points, rubric.question, embed, self.grader),
        )

    def _judge(
        self,
        rubric: Rubric,
        text: str,
        content: list[Span],
        span_vecs: np.ndarray,
        flags: list[RedFlagResult],
        base: _Common,
        listed: bool = False,
    ) -> Scored:
        p = self.params
        fg, kg = self.grades(rubric, content, span_vecs)
        read = self.reader or _read
        context = [whole_sentence(text, s) for s in content]
        reading = second_opinion(
            read_spans(content, kg, fg, p), content, kg, rubric.key_points, rubric.red_flags, p, read, context,
            fg.cos_right,
        )  # fmt: skip
        for rf, i in zip(rubric.red_flags, reading.flags, strict=True):
            evidence = verify_evidence(text, content[i].text) if i is not None else None
            if evidence:
                flags.append(RedFlagResult(id=rf.id, text=rf.text, evidence=evidence))
        verdicts = reading.points
        key_points = []
        for kp, v in zip(rubric.key_points, verdicts, strict=True):
            evidence = verify_evidence(text, v.span.text) if v.span else None
            contradiction = verify_evidence(text, v.contradiction.text) if v.contradiction else None
            verdict = v.verdict if evidence else "missing"
            key_points.append(
                KeyPointResult(
                    id=kp.id,
                    text=kp.text,
                    verdict=verdict,  # type: ignore[arg-type]
                    evidence=evidence if verdict != "missing" else None,
                    match=round(v.strength, 3),
                    contradiction=contradiction,
                    derived=kp.derived,
                    unclear=verify_evidence(text, v.unclear.text) if v.unclear and verdict == "missing" else None,
                    close=verify_evidence(text, v.close.text) if v.close and verdict == "missing" else None,
                )
            )
            if contradiction:
                flags.append(
                    RedFlagResult(
                        id=kp.id, text=f"Says the opposite of: {kp.text}", evidence=contradiction, kind="contradiction"
                    )
                )
        star = find_star(content) if rubric.behavioural else None
        cov = (
            coverage([(k.verdict, c.weight) for k, c in zip(key_points, rubric.key_points, strict=True)])
            if key_points
            else None
        )
        if cov is None and star is None and not rubric.technical:
            star = find_star(content)  # the generic rubric looks for structure
        d, spec = base.delivery, base.specificity
        # the rubric's vocabulary, counted only in sentences that state nothing wrong
        subst = substance(" ".join(s.text for i, s in enumerate(content) if i not in reading.barred), rubric.vocabulary)
        said = sum(len(words(s.text)) for s in content)  # the candidate's own words: no echo, no injection
        features = Features(
            cov,
            subst,
            flag_count(len(flags), base.injection_detected),
            star.parts if star else None,
            spec.score,
            d.hedges,
            said,
            d.filler_rate,
        )
        score = combine(features, p)
        result = AnswerScore(
            score=score,
            band=band_for(score),
            key_points=key_points,
            red_flags=flags,
            star=star,
            coverage=round(cov, 3) if cov is not None else None,
            substance=round(subst, 3),
            feedback=feedback(key_points, flags, star, spec, d.filler_rate, listed=listed),
            **base._asdict(),
        )
        return Scored(result, features)


def _unique(spans: list[Span]) -> list[Span]:
    """The first of each repeated sentence: saying a thing twice does not make it count twice."""
    seen: set[str] = set()
    out = []
    for s in spans:
        key = normalised(s.text)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


class Scored(NamedTuple):
    result: AnswerScore
    features: Features | None  # what the formula read; None when unscored


class Explained(NamedTuple):
    kind: str  # key_point or red_flag
    claim: str
    spans: list[tuple[str, float, float, float, float]]  # (span, cosine, P(states), P(contradicts), P(neither))


def _read(spans: list[str], claims: list[str]) -> np.ndarray:
    from interviewer.scoring.reader import shared_reader

    return shared_reader().proba(spans, claims)
