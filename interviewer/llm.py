"""The one place a chat model is built: LangChain's ChatOpenAI against any OpenAI-compatible endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from interviewer.settings import LLMSettings

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable


def structured_chat(settings: LLMSettings, schema: type[BaseModel], temperature: float) -> Runnable:
    """A runnable returning `schema` instances. Imports lazily and opens no connection until invoked."""
    from langchain_openai import ChatOpenAI

    key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"  # local servers accept any
    model = ChatOpenAI(
        model=settings.model,
        base_url=settings.base_url,
        api_key=key,  # type: ignore[arg-type]
        temperature=temperature,
        timeout=settings.timeout_s,
        max_retries=1,
    )
    return model.with_structured_output(schema)
