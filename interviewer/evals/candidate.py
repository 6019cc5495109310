"""The offline simulated candidate: a persona answering from the bank, one turn at a time, with ground truth."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field

from interviewer.bank.loader import Bank
from interviewer.bank.models import Check, ItemRef, KeyPoint
from interviewer.evals.personas import (
    FILLER,
    INJECTION,
    VAGUE,
    Persona,
    Said,
    choose_flags,
    choose_points,
    claim,
    gibberish,
)
from interviewer.evals.scoring import Labelled


@dataclass(frozen=True)
class Item:
    """What the candidate is being asked: a question, or a scenario stage."""

    id: str
    prompt: str
    points: list[KeyPoint]
    flags: list[Check]


@dataclass
class Memory:
    turns: int = 0
    answered: bool = False
    covered: set[str] = field(default_factory=set)


CLARIFYING = (  # asked before the first answer by a persona that clarifies; most do not start with the key phrase
    "Before I answer, can I ask what we're deploying to?",
    "Quick question first: what scale are we talking about here?",
    "Sorry, just to check, how big is the team I'd be working with?",
    "Before I start, should I assume we're on Postgres?",
    "Hmm, how much time do we have for this, roughly?",
    "Can I ask whether this is a greenfield project or an existing codebase?",
)
ASKED_FIRST = (  # said before answering anyway, in the same turn, by a persona that `asks_first`
    "Are we talking about one service or several?",
    "Can I assume this runs on Postgres?",
    "Should I assume a small team here?",
    "How much traffic are we talking about?",
)
ASKED_AFTER = (  # said after the answer, in the same turn: the answer is still an answer
    "Does that answer what you were asking?",
    "Is that the kind of detail you're looking for?",
    "Should I go deeper into any of that?",
)
UNSURE_LEADS = (  # "I don't know" mid-sentence, then an answer anyway: a persona that is `unsure_first`
    "I don't know, I guess",
    "Honestly I'm not sure, but maybe",
    "No idea really, I think",
)
CLOSINGS = (  # how people end the questions at the wrap-up: every one of them closes the interview
    "No, that's all. Thank you.",
    "Thank you, this was helpful.",
    "Thanks, that's all from me.",
    "I think I'm good, thanks!",
    "That's everything, thanks for your time.",
    "Nope, no more questions. Cheers!",
)


@dataclass(frozen=True)
class View:
    """What the candidate sees before answering: the phase, the item, and the interviewer's last move."""

    phase: str
    item: Item | None
    last_kind: str
    last_text: str
    targets: tuple[str, ...] = ()  # the key points / actions / red flags the last follow-up or probe presses on


class OfflineCandidate:
    def __init__(
        self, persona: Persona, bank: Bank, labelled: dict[tuple[str, str], Labelled], seed: int, use_labelled: bool
    ):
        self.persona, self.bank, self.labelled = persona, bank, labelled
        self.rng = random.Random(f"{persona.name}:{seed}")
        self.seed = seed
        self.use_labelled = use_labelled
        self.memory: dict[str, Memory] = {}
        self.wrap_up_turns = 0
        self.name = f"offline:{persona.name}"

    def respond(self, view: View) -> Said:
        if view.phase == "wrap-up":
            return self._wrap_up()
        if view.item is None:
            return Said("", "empty")
        memory = self.memory.setdefault(view.item.id, Memory())
        said = self._respond(view, view.item, memory)
        memory.turns += 1
        if said.kind == "answer":
            memory.answered = True
            memory.covered |= said.covers
        return said

    def _respond(self, view: View, item: Item, memory: Memory) -> Said:
        p = self.persona
        if p.mode == "empty":
            return Said("", "empty")
        if p.mode == "gibberish":
            return Said(gibberish(self.rng), "gibberish")
        if p.mode == "idk":
            return Said("I don't know.", "idk")
        if p.clarifies and memory.turns == 0 and len(self.memory) == 1:
            pick = random.Random(f"clarify:{p.name}:{self.seed}").choice(CLARIFYING)  # its own draw: answers unchanged
            return Said(pick, "clarify")
        if p.opener and memory.turns == 0:
            return Said(p.opener, "repeat-request" if "repeat" in p.opener else "minute")
        if p.mode == "parrot":
            return Said(item.prompt, parrot=True)
        if p.mode == "off-topic":
            return self._off_topic(item)
        if view.last_kind in ("follow-up", "probe", "hint") and memory.answered:
            return self._follow_up(item, memory, view.targets)
        if not memory.answered:
            said = self._first_answer(item)
            if p.unsure_first and len(self.memory) == 1 and memory.turns == 0 and said.text:
                lead = random.Random(f"unsure:{p.name}:{self.seed}").choice(UNSURE_LEADS)  # answers unchanged
                return dataclasses.replace(said, text=f"{lead} {said.text[:1].lower()}{said.text[1:]}", unsure=True)
            if p.asks_first and len(self.memory) == 3 and memory.turns == 0 and said.text:
                back = random.Random(f"asks-after:{p.name}:{self.seed}").choice(ASKED_AFTER)
                return dataclasses.replace(said, text=f"{said.text} {back}", asks_after=True)
            if p.asks_first and len(self.memory) == 2 and memory.turns == 0 and said.text:
                ask = random.Random(f"asks-first:{p.name}:{self.seed}").choice(ASKED_FIRST)  # answers unchanged
                return dataclasses.replace(said, text=f"{ask} {said.text}", asked_first=ask)
            return said
        return self._more(item, memory)

    def _first_answer(self, item: Item) -> Said:
        p = self.persona
        gold = self.labelled.get((item.id, p.labelled or "")) if self.use_labelled else None
        if gold is not None:
            kp = gold.gold.key_points
            return Said(
                gold.answer,
                covers=frozenset(k for k, v in kp.items() if v == "covered"),
                partial=frozenset(k for k, v in kp.items() if v == "partial"),
                flags=frozenset(gold.gold_flags),
                source="labelled",
            )
        points = choose_points(item.points, p.coverage, self.rng)
        flags = choose_flags(item.flags, p)
        sentences = [claim(k.text) for k in points] + [claim(f.text) for f in flags]
        self.rng.shuffle(sentences)
        sentences = self._pad(sentences)
        covers = frozenset(k.id for k in points)
        flag_ids = frozenset(f.id for f in flags)
        if p.mode == "inject":
            sentences.append(INJECTION)
            flag_ids |= {"prompt-injection"}
        return Said(" ".join(sentences), covers=covers, flags=flag_ids)

    def _pad(self, sentences: list[str]) -> list[str]:
        p = self.persona
        out = list(sentences)
        for extra in self.rng.sample(list(p.filler), min(p.filler_count, len(p.filler))):
            out.insert(self.rng.randint(0, len(out)), extra)
        if not p.filler and self.rng.random() < 0.5:
            out.insert(0, self.rng.choice(FILLER))
        return out

    def _follow_up(self, item: Item, memory: Memory, targets: tuple[str, ...]) -> Said:
        if self.persona.on_follow_up == "skip":
            return Said("I'm not sure.", "idk")
        if self.persona.on_follow_up == "vague":
            return Said(VAGUE)
        points = [k for k in item.points if k.id in targets]
        fresh = [k for k in points if k.id not in memory.covered] or points
        if not fresh:  # it presses on a red flag only: disown it without adding a point
            return Said("I'd avoid that approach; in my experience it causes more trouble than it saves.")
        return Said(claim(fresh[0].text), covers=frozenset({fresh[0].id}))

    def _more(self, item: Item, memory: Memory) -> Said:
        """Asked to expand: the next point not said yet, for a persona that knows any."""
        todo = [k for k in item.points if k.id not in memory.covered]
        if self.persona.coverage <= 0.2 or not todo:
            return Said(VAGUE)
        return Said(claim(todo[0].text), covers=frozenset({todo[0].id}))

    def _off_topic(self, item: Item) -> Said:
        ref = ItemRef.parse(item.id)
        here = ref.scenario if ref.is_stage else ref.question
        competency = next((q.competency for q in self.bank.questions if q.id == here), None)
        others = [q for q in self.bank.questions if q.competency != competency and q.id != here]
        other = self.rng.choice(others)
        return Said(" ".join(claim(k.text) for k in other.key_points[:2]), off_topic=True)

    def _wrap_up(self) -> Said:
        self.wrap_up_turns += 1
        if self.persona.mode == "empty":
            return Said("", "wrap-up")
        if self.wrap_up_turns == 1 and self.persona.mode in ("compose", "inject"):
            return Said("What does a typical day look like for the team?", "wrap-up")
        return Said(self.rng.choice(CLOSINGS), "wrap-up")
