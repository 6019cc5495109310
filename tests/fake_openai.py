"""The fake OpenAI server moved to `interviewer.testing.fake_openai`, because `interviewer bench` ships in the
package and uses it; re-exported here so the tests keep importing it from where they always did."""

from interviewer.testing.fake_openai import *  # noqa: F403
from interviewer.testing.fake_openai import (
    DIM,
    SPEECH_WAV,
    STREAM_PIECES,
    FakeOpenAI,
    Reply,
    Responder,
    bag_vector,
    parse_multipart,
    refused_url,
    sse_events,
)

__all__ = ["DIM", "SPEECH_WAV", "STREAM_PIECES", "FakeOpenAI", "Reply", "Responder", "bag_vector",
           "parse_multipart", "refused_url", "sse_events"]  # fmt: skip
