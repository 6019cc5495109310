"""Text signals that need no model: sentences with their spans, delivery (fillers, hedges), specificity."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from interviewer.scoring.models import Delivery, Ownership, Specificity

MAX_ANSWER_CHARS = 20_000  # analysed; a longer paste is judged on its first part (and the UI says so)

WORD = re.compile(r"[A-Za-z][A-Za-z0-9'+#.-]*[A-Za-z0-9+#]|[A-Za-z]|\d[\d.,]*%?")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+|\s+-\s+|;\s+")
MAX_SPAN_WORDS = 40  # long unpunctuated transcripts are cut into windows of this many words


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str  # always answer[start:end]


def words(text: str) -> list[str]:
    return WORD.findall(text)


def normalised(text: str) -> str:
    return " ".join(w.lower() for w in words(text))


# Where one sentence holds two claims: "I'd page the on-call, but I'd never roll back". Both sides keep 5+ words.
_CLAUSE = re.compile(r",\s+(?=(?:but|and|so|whereas|while|though|although|because|which)\b)|\s+(?=but\b)|:\s+", re.I)
MIN_CLAUSE_WORDS = 5


def _clauses(answer: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a sentence at clause boundaries where both sides are whole claims (5+ words)."""
    cuts = [start]
    for m in _CLAUSE.finditer(answer, start, end):
        left = answer[cuts[-1] : m.start()]
        right = answer[m.end() : end]
        if len(left.split()) >= MIN_CLAUSE_WORDS and len(right.split()) >= MIN_CLAUSE_WORDS:
            cuts.append(m.end())
    bounds = []
    for a, b in zip(cuts, [*cuts[1:], end], strict=True):
        seg = answer[a:b].rstrip(" ,:")
        bounds.append((a, a + len(seg)))
    return bounds


def _windows(answer: str, start: int, end: int) -> list[Span]:
    found = list(re.finditer(r"\S+", answer[start:end]))
    if len(found) <= MAX_SPAN_WORDS:
        return [Span(start, end, answer[start:end])]
    spans = []
    for i in range(0, len(found), MAX_SPAN_WORDS // 2):  # half-overlapping windows
        chunk = found[i : i + MAX_SPAN_WORDS]
        s, e = start + chunk[0].start(), start + chunk[-1].end()
        spans.append(Span(s, e, answer[s:e]))
        if i + MAX_SPAN_WORDS >= len(found):
            break
    return spans


def sentences(answer: str) -> list[Span]:
    """Sentence-like spans of the answer, each exactly `answer[start:end]`, trimmed of whitespace."""
    spans: list[Span] = []
    pos = 0
    for sep in [*_SENTENCE_END.finditer(answer), None]:
        end = sep.start() if sep else len(answer)
        raw = answer[pos:end]
        stripped = raw.strip()
        if stripped and re.search(r"[A-Za-z0-9]", stripped):
            s = pos + (len(raw) - len(raw.lstrip()))
            for a, b in _clauses(answer, s, s + len(stripped)):
                spans += _windows(answer, a, b)
        pos = sep.end() if sep else len(answer)
    return spans


def whole_sentence(answer: str, span: Span) -> str:
    """The whole sentence a span was cut from: the span itself unless it is a clause or a window of a longer one."""
    pos = 0
    for sep in [*_SENTENCE_END.finditer(answer), None]:
        end = sep.start() if sep else len(answer)
        if pos <= span.start < max(end, pos + 1):
            return answer[pos:end].strip() or span.text
        pos = sep.end() if sep else len(answer)
    return span.text


# --- delivery -------------------------------------------------------------------------------------------
_PURE_FILLERS = r"um+|uh+|erm+|er|ah+|uhm+|hmm+|mm+"
_FILLER_PATTERNS = {
    "um/uh": re.compile(rf"\b(?:{_PURE_FILLERS})\b", re.I),
    # "like" only as a filler: set off by commas, or opening a clause; not "would like", "looks like a".
    "like": re.compile(r"(?:(?<=,)|(?<=^)|(?<=\. ))\s*like\b(?=\s*,|\s+(?:um|uh|i|we|you|so|the)\b)|\blike,", re.I),
    "you know": re.compile(r"\byou know\b(?=\s*[,.?!]|\s*$|\s+(?:um|uh|like|so|i|we)\b)", re.I),
    "sort of": re.compile(r"(?<!\bwhat )(?<!\bthis )(?<!\bthat )(?<!\bthe )(?<!\ba )(?<!\bany )\bsort of\b", re.I),
    "kind of": re.compile(r"(?<!\bwhat )(?<!\bthis )(?<!\bthat )(?<!\bthe )(?<!\ba )(?<!\bany )\bkind of\b", re.I),
    "i mean": re.compile(r"\bi mean\b(?=\s*,)", re.I),
}
HEDGES = re.compile(
    r"\b(?:i think|i guess|i suppose|i believe|maybe|perhaps|probably|possibly|hopefully|not (?:really )?sure"
    r"|i'?m not certain|might|could be|i'd assume)\b",
    re.I,
)


def delivery(answer: str, audio_seconds: float | None = None) -> Delivery:
    n = len(words(answer))
    fillers = Counter({name: len(p.findall(answer)) for name, p in _FILLER_PATTERNS.items()})
    fillers = +fillers  # drop zero counts
    total = sum(fillers.values())
    hedges = [m.group(0).lower() for m in HEDGES.finditer(answer)]
    wpm = round(n / (audio_seconds / 60), 1) if audio_seconds and audio_seconds > 0 and n else None
    return Delivery(
        words=n,
        filler_words=total,
        filler_rate=round(100 * total / n, 2) if n else 0.0,
        fillers=dict(fillers),
        hedges=len(hedges),
        hedge_phrases=sorted(set(hedges)),
        words_per_minute=wpm,
    )


def content_words(text: str) -> set[str]:
    """Lower-cased words that carry meaning: no stopwords, nothing shorter than 3 letters."""
    from interviewer.scoring.guards import STOPWORDS

    return {w.lower() for w in words(text) if len(w) > 2 and w.lower() not in STOPWORDS}


def substance(answer: str, vocabulary: frozenset[str]) -> float:
    return len(vocabulary & content_words(answer)) / len(vocabulary) if vocabulary else 0.0


# --- specificity ----------------------------------------------------------------------------------------
_NUMBER = re.compile(
    r"(?<![\w.])(?:\d[\d,]*(?:\.\d+)?\s?(?:%|x\b|ms\b|s\b|sec\w*|min\w*|hours?|days?|weeks?|months?|years?|gb\b|mb\b|"
    r"tb\b|k\b|rps\b|qps\b|users?|requests?|percent)?|(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|"
    r"thirty|fifty|hundred)\s(?:days?|weeks?|months?|hours?|minutes?|engineers?|people|times|percent|services?))",
    re.I,
)
TECHNOLOGIES = {
    name.lower(): name
    for name in """Python FastAPI Django Flask Celery RQ Redis Postgres PostgreSQL MySQL SQLite MongoDB DynamoDB
    Kafka Kinesis RabbitMQ SQS S3 AWS GCP Azure Lambda ECS EKS Kubernetes Docker Terraform Helm GitHub GitLab Jenkins
    Actions pytest unittest mypy ruff black flake8 isort pre-commit Poetry pip-tools pipenv uv virtualenv
    venv Alembic SQLAlchemy asyncio aiohttp httpx requests threading multiprocessing concurrent.futures
    Gunicorn Uvicorn Nginx Pydantic marshmallow pandas NumPy Polars PySpark Spark Dask Airflow Parquet
    Athena BigQuery Snowflake Prometheus Grafana Datadog OpenTelemetry Jaeger Sentry ELK Kibana Splunk
    cProfile py-spy line_profiler memory_profiler scalene tracemalloc orjson Pillow JWT OAuth OIDC Vault
    Dependabot Renovate pip-audit Bandit Locust k6 Heroku Fly.io Vercel CloudWatch PagerDuty Opsgenie Jira
    Figma Protobuf gRPC GraphQL REST OpenAPI Swagger CSV JSON YAML Lua Hypothesis tox nox Nox GIL HAProxy
    Memcached Elasticsearch ClickHouse Timescale Pandera Great_Expectations dbt LaunchDarkly Unleash
    Streamlit Gradio Jupyter""".split()
}
_TECH = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(t) for t in sorted(TECHNOLOGIES, key=len, reverse=True)) + r")(?![\w-])", re.I
)
_I = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|my|me|myself)\b", re.I)
_WE = re.compile(r"\b(?:we|we're|we've|we'd|we'll|our|us|ourselves)\b", re.I)


def technologies(text: str) -> list[str]:
    """The named tools, libraries and services in `text`, spelled as they are known, sorted."""
    return sorted({TECHNOLOGIES[m.group(1).lower()] for m in _TECH.finditer(text)})


def specificity(answer: str) -> Specificity:
    numbers = [m.group(0).strip() for m in _NUMBER.finditer(answer)]
    numbers = [n for n in numbers if n and not re.fullmatch(r"[01]", n)][:12]
    techs = technologies(answer)
    i, we = len(_I.findall(answer)), len(_WE.findall(answer))
    own = i / (i + we) if i + we else 0.0
    score = 0.4 * min(len(numbers), 3) / 3 + 0.4 * min(len(techs), 4) / 4 + 0.2 * own
    return Specificity(numbers=numbers, technologies=techs, ownership=Ownership(i=i, we=we), score=round(score, 3))
