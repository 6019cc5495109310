"""The one place a chat model is built: LangChain's ChatOpenAI against any OpenAI-compatible endpoint.

Calls stream, so a stream cut off or dragging on is seen as such and can be abandoned between chunks, and they go
through `interviewer.resilience`: the turn's time budget, bounded retries and the endpoint's circuit breaker.
"""

from __future__ import annotations

import functools
import json
import random
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.resilience import Guard, OutOfTime, RetryPolicy, breaker_for, call_with_resilience, current_budget
from interviewer.settings import LLMSettings

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

M = TypeVar("M", bound=BaseModel)
DEFAULT_ENDPOINT = "https://api.openai.com/v1"


def transient(e: BaseException) -> bool:
    """Worth another attempt: timeouts, connection faults (a cut stream among them), 429, 5xx, malformed replies."""
    import openai

    if isinstance(e, openai.APIStatusError):
        return e.status_code == 429 or e.status_code >= 500  # any other 4xx fails the same way again
    if isinstance(e, openai.APIConnectionError | json.JSONDecodeError):
        return True
    # A 200 whose body is not the stream or JSON asked for breaks the client's parsing with one of these (an
    # AssertionError in openai's stream state, for one). Raised in our own code, the same types are a bug in
    # building the request: it would fail the same way again, and is not the endpoint's fault.
    return isinstance(e, AssertionError | AttributeError | KeyError | TypeError) and not _ours(e)


_PACKAGE = str(Path(__file__).resolve().parent)


def _ours(e: BaseException) -> bool:
    """Raised in this package's own code (the innermost frame of its traceback), not in a client library."""
    tb = e.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(Path(tb.tb_frame.f_code.co_filename).resolve()).startswith(_PACKAGE)


def describe(e: BaseException) -> str:
    """A short reason for the user: 'HTTP 503', 'timed out', 'reply cut off', 'malformed reply (KeyError)'."""
    import openai

    if isinstance(e, openai.APIStatusError):
        return f"HTTP {e.status_code}"
    if isinstance(e, openai.APITimeoutError):
        return "timed out"
    if isinstance(e, openai.APIConnectionError):
        causes: list[BaseException] = [e]
        while (cause := causes[-1].__cause__ or causes[-1].__context__) is not None and len(causes) < 10:
            causes.append(cause)
        if any(type(c).__name__ == "RemoteProtocolError" for c in causes):
            return "reply cut off"
        return "connection refused" if "refused" in str(causes[-1]).lower() else f"cannot connect ({causes[-1]})"
    return f"malformed reply ({type(e).__name__})" if transient(e) else f"{type(e).__name__}: {e}"


class InvalidOutput(ValueError):
    """The reply parsed but broke the schema; one line, for the re-ask prompt and the user's notice alike."""

    @classmethod
    def of(cls, e: ValidationError) -> InvalidOutput:
        errors = [f"{'.'.join(map(str, x['loc'])) or 'reply'}: {x['msg']}" for x in e.errors()[:3]]
        return cls("; ".join(errors) + (f" (+{e.error_count() - 3} more)" if e.error_count() > 3 else ""))


def _build(settings: LLMSettings, schema: type[BaseModel], temperature: float) -> Runnable:
    """Imports lazily and opens no connection."""
    import openai.resources.beta  # noqa: F401  the streaming parser lives here; ~1 s to import, so not mid-call
    from langchain_openai import ChatOpenAI

    # langchain-openai 1.7.3 dumps each streamed structured chunk with pydantic, which warns that `parsed` holds
    # a model (langchain-ai/langchain#38034). The output is right; the warning is noise on every chunk.
    warnings.filterwarnings(
        "ignore", message=r"Pydantic serializer warnings:\s+PydanticSerializationUnexpectedValue\(Expected `none`"
    )
    key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"  # local servers accept any
    model = ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=key,  # type: ignore[arg-type]
        temperature=temperature,
        timeout=settings.timeout_s,  # each attempt passes a shorter one: what is left of the turn
        max_retries=0,  # ours are the only retries, so the turn's bound is real
        streaming=True,
    )
    return model.with_structured_output(schema)


class StructuredChat(Generic[M]):
    """`schema` instances from the endpoint, within the turn's budget, retried, behind the endpoint's breaker.

    Output failing the schema raises (a ValueError) for the caller to re-ask; giving up raises LLMUnavailable."""

    def __init__(self, settings: LLMSettings, schema: type[M], temperature: float, rng: random.Random | None = None):
        self.settings, self.schema, self.temperature = settings, schema, temperature
        self._runnable: Runnable | None = None
        self._lock = threading.Lock()
        breaker = breaker_for(
            settings.base_url or DEFAULT_ENDPOINT, settings.model, settings.circuit_failures, settings.circuit_reset_s
        )
        policy = RetryPolicy(max_attempts=settings.max_retries + 1)
        self.guard = Guard(breaker, policy, transient, describe, rng or random.Random())

    @property
    def runnable(self) -> Runnable:
        with self._lock:  # built inside the first attempt, so even the first import counts against the deadline
            if self._runnable is None:
                self._runnable = _build(self.settings, self.schema, self.temperature)
            return self._runnable

    def invoke(self, prompt: str) -> M:
        def attempt(timeout: float, stop: threading.Event) -> M:
            try:
                out = self.runnable.invoke(prompt, config={"callbacks": [_stop_handler(stop)]}, timeout=timeout)
                return self.schema.model_validate(out)
            except ValidationError as e:
                raise InvalidOutput.of(e) from e

        return call_with_resilience(attempt, current_budget(self.settings.timeout_s), self.guard)


def structured_chat(
    settings: LLMSettings, schema: type[M], temperature: float, rng: random.Random | None = None
) -> StructuredChat[M]:
    """A guarded structured chat. Imports nothing heavy and opens no connection until invoked."""
    return StructuredChat(settings, schema, temperature, rng)


@functools.cache
def _stop_handler_class() -> type:
    from langchain_core.callbacks import BaseCallbackHandler  # lazily: langchain loads on first use

    class StopWhen(BaseCallbackHandler):
        """Ends an abandoned stream at its next chunk, so the worker thread lets go of the connection."""

        raise_error = True

        def __init__(self, stop: threading.Event):
            self.stop = stop

        def on_llm_new_token(self, token: Any, **kwargs: Any) -> None:
            if self.stop.is_set():
                raise OutOfTime("abandoned: the turn's time ran out")

    return StopWhen


def _stop_handler(stop: threading.Event) -> Any:
    return _stop_handler_class()(stop)
