"""The offline scorer: sentence embeddings plus lexical signals, with every piece of evidence quoted verbatim."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from interviewer.scoring.feedback import feedback
from interviewer.scoring.formula import PARAMS, Features, Params, combine, coverage
from interviewer.scoring.guards import echo_spans, injection_spans, precheck, stopword_share
from interviewer.scoring.matching import best_match, cue_hits, key_point_verdict, red_flag_match
from interviewer.scoring.models import (
    AnswerScore,
    Delivery,
    KeyPointResult,
    RedFlagResult,
    Specificity,
    band_for,
)
from interviewer.scoring.rubric import Rubric
from interviewer.scoring.star import star as find_star
from interviewer.scoring.text import Span, delivery, sentences, specificity, substance, words
from interviewer.scoring.vector_cache import load_vectors, save_vectors

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

MAX_ANSWER_CHARS = 20_000  # analysed; a longer paste is judged on its first part
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
        self, embedder: Embeddings | None = None, params: Params = PARAMS, cache: dict[str, np.ndarray] | None = None
    ):
        if embedder is None:
            from interviewer.index.embedders import LocalMiniLM

            embedder = LocalMiniLM()
        self.embedder = embedder
        self.params = params
        self._cache: dict[str, np.ndarray] = cache if cache is not None else {}
        self._lock = threading.RLock()
        self.cache_answers = False  # batch runs and calibration pre-embed answers and keep them
        self.last_features: Features | None = None  # for calibration

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
        """Load the model and embed the rubrics' texts once, as an index would (about 4 s for the whole bank).

        With `cache_file`, vectors saved by an earlier run are reused and the file is brought up to date."""
        checks = (k.text for r in rubrics for k in (*r.key_points, *r.red_flags))
        texts = list(dict.fromkeys([*(t for r in rubrics for t in r.topic_texts), *checks]))
        model = getattr(self.embedder, "name", type(self.embedder).__name__)
        saved = load_vectors(cache_file, model) if cache_file else {}
        with self._lock:
            for t in texts:
                if t in saved and t not in self._cache:
                    self._cache[t] = saved[t]
        self._embed(["warm up"], cache=False)  # the model loads now, not at the first answer
        self._embed(texts, cache=True)
        if cache_file and any(t not in saved for t in texts):
            with self._lock:
                save_vectors(cache_file, model, {t: self._cache[t] for t in texts if t in self._cache})

    def prepare(self, answers: list[str]) -> None:
        """Embed every sentence of many answers in one pass (much faster than one call per answer)."""
        self.cache_answers = True
        self._embed([s.text for a in answers for s in sentences(a[:MAX_ANSWER_CHARS])], cache=True)

    def score(self, rubric: Rubric, answer: str, audio_seconds: float | None = None) -> AnswerScore:
        text = answer[:MAX_ANSWER_CHARS]
        spans = sentences(text)
        injected = injection_spans(spans)
        echoed = echo_spans([s for s in spans if s not in injected], rubric.question)
        content = [s for s in spans if s not in injected and s not in echoed]
        base = _Common(
            question_id=rubric.question_id,
            delivery=delivery(text, audio_seconds),
            specificity=specificity(" ".join(s.text for s in content)),
            injection_detected=bool(injected),
        )
        flags = (
            [RedFlagResult(id="prompt-injection", text=INJECTION_FLAG, evidence=injected[0].text)] if injected else []
        )
        reason = "too-short" if echoed and not content else precheck(" ".join(s.text for s in content))
        if reason:
            return AnswerScore(score=None, band=None, unscored_reason=reason, red_flags=flags, **base._asdict())

        span_vecs = self._embed([s.text for s in content], cache=self.cache_answers)
        topic = span_vecs @ self._embed(list(rubric.topic_texts), cache=True).T
        any_cue = any(cue_hits(k, " ".join(s.text for s in content)) for k in rubric.key_points)
        if float(topic.max()) < self.params.off_topic and not any_cue:
            joined = " ".join(s.text for s in content)
            reason = "gibberish" if stopword_share(joined) < 0.1 else "off-topic"
            return AnswerScore(score=None, band=None, unscored_reason=reason, red_flags=flags, **base._asdict())
        return self._judge(rubric, text, content, span_vecs, flags, base)

    def _judge(
        self,
        rubric: Rubric,
        text: str,
        content: list[Span],
        span_vecs: np.ndarray,
        flags: list[RedFlagResult],
        base: _Common,
    ) -> AnswerScore:
        p = self.params
        key_points = []
        if rubric.key_points:
            sims = span_vecs @ self._embed([k.text for k in rubric.key_points], cache=True).T
            for i, kp in enumerate(rubric.key_points):
                m = best_match(kp, content, sims[:, i], p)
                verdict = key_point_verdict(m, p)
                evidence = verify_evidence(text, m.span.text if m.span and verdict != "missing" else None)
                key_points.append(
                    KeyPointResult(
                        id=kp.id, text=kp.text, verdict=verdict, evidence=evidence, match=round(m.strength, 3)
                    )
                )
        if rubric.red_flags:
            sims = span_vecs @ self._embed([r.text for r in rubric.red_flags], cache=True).T
            for i, rf in enumerate(rubric.red_flags):
                span = red_flag_match(rf, content, sims[:, i], p)
                evidence = verify_evidence(text, span.text if span else None)
                if evidence:
                    flags.append(RedFlagResult(id=rf.id, text=rf.text, evidence=evidence))
        star = find_star(content) if rubric.behavioural else None
        cov = (
            coverage([(k.verdict, c.weight) for k, c in zip(key_points, rubric.key_points, strict=True)])
            if key_points
            else None
        )
        if cov is None and star is None:
            star = find_star(content)  # the generic rubric always looks for structure
        d, spec = base.delivery, base.specificity
        subst = substance(" ".join(s.text for s in content), rubric.vocabulary)
        said = sum(len(words(s.text)) for s in content)  # the candidate's own words: no echo, no injection
        features = Features(
            cov, subst, len(flags), star.parts if star else None, spec.score, d.hedges, said, d.filler_rate
        )
        self.last_features = features
        score = combine(features, p)
        return AnswerScore(
            score=score,
            band=band_for(score),
            key_points=key_points,
            red_flags=flags,
            star=star,
            coverage=round(cov, 3) if cov is not None else None,
            substance=round(subst, 3),
            feedback=feedback(key_points, flags, star, spec, d.filler_rate),
            **base._asdict(),
        )
