"""What the interviewer says, in plain spoken sentences. Templates vary with the session's seed only."""

from __future__ import annotations

import random

NEUTRAL_ACKS = ["Okay.", "Okay, got it.", "Right.", "Understood.", "Thanks."]  # say nothing about the answer
WARM_ACKS = [
    "Makes sense.",
    "Thanks for walking me through that.",
    "Fair enough.",
    "Good, thank you.",
]  # they sound like agreement: only after an answer that scored 5 or more
ACKS = NEUTRAL_ACKS + WARM_ACKS
WARM_FROM = 5.0
TEMPLATES: dict[str, list[str]] = {
    "greeting": [
        "Hi, thanks for joining. Let's get started.",
        "Hello, and thanks for making the time. Let's begin.",
        "Hi there, good to meet you. Let's dive in.",
    ],
    "next": ["Next question.", "Let's move on.", "Here's the next one.", "Switching topics."],
    "minute": ["Sure, take your time.", "Of course, no rush.", "Take a moment, I'll wait."],
    "small-talk-how": [
        "I'm well, thanks for asking. Whenever you're ready, go ahead.",
        "Doing fine, thank you. Take it away whenever you're ready.",
    ],
    "small-talk-thanks": ["You're welcome. Go ahead whenever you're ready.", "Of course. Whenever you're ready."],
    "small-talk": [
        "Good to have you here. Go ahead whenever you're ready.",
        "Great. Take it away whenever you're ready.",
    ],
    "skip": ["That's fine, let's move on.", "No problem, we'll skip that one.", "Okay, let's leave that one."],
    "go-on": ["With that in mind, how would you approach it?", "Go ahead from there.", "Take it from there."],
    "clarify-open": [
        "That's open, so assume whatever is typical for a small product team, and say what you're assuming.",
        "I'll leave that to you: make a reasonable assumption, say it out loud, and go from there.",
    ],
    "asked-first": ["On your question: {answer}", "To your question first: {answer}"],
    "asked-first-open": [
        "On your question: that's open, so what you assumed is fine.",
        "To your question first: I'd leave that to you, and your assumption works.",
    ],
    "hint-decline": [
        "I can't help with that one in this interview, but give it your best shot.",
        "I'd rather hear your own take, so go with what you know.",
    ],
    "hint-first": ["Have a go first, and I'll give you a nudge after.", "Try it first; I'll nudge you if needed."],
    "hint": ["Here's a nudge:", "A small hint:"],
    "repeat": ["Sure.", "Of course."],
    "scenario": ["Let's switch to a scenario.", "Now a scenario, and we'll work through it together."],
    "wrap-up": [
        "That's all my questions. Do you have any questions for me?",
        "We're nearly out of time. Is there anything you'd like to ask me?",
    ],
    "anything-else": ["Anything else you'd like to know?", "Any other questions?"],
    "unknown-question": ["I honestly don't know that one; the recruiter can find out for you."],
    "wrap-up-remark": ["Thanks, noted.", "Got it, thank you."],
    "close": [
        "Thanks for your time today, that's the end of the interview. Your report is ready.",
        "That's a wrap. Thanks for talking with me; your report is ready.",
    ],
    "empty": ["I didn't catch an answer there. Could you say that again?"],
    "injection": ["I only grade answers to the question, so let's stick to it. How would you approach it?"],
    "expand": [
        "Could you say a bit more about that?",
        "Can you expand on that a little?",
        "Tell me more: how would you actually go about it?",
    ],
    "unclear": ["I couldn't quite follow that, so let's keep going.", "I didn't catch that; let's continue."],
    "off-topic": [
        "I think we drifted a bit. How would you answer the question I asked?",
        "Let's bring it back to the question. What would you do there?",
    ],
}


class Voice:
    """Picks wordings with a generator seeded by the session's seed and the turn number: replayable."""

    def __init__(self, seed: int, turn: int):
        self.rng = random.Random(seed * 100_003 + turn)

    def say(self, kind: str) -> str:
        return self.rng.choice(TEMPLATES[kind])

    def ack(self, score: float | None = None) -> str:
        """A neutral acknowledgement after a weak or wrong answer (below 5 or unscored), never agreement."""
        return self.rng.choice(ACKS if score is not None and score >= WARM_FROM else NEUTRAL_ACKS)


def words(text: str) -> int:
    return len(text.split())
