"""The application object: the bank and its index, opened once and shared by the UI and the CLI."""

from __future__ import annotations

from interviewer.bank.check import stats
from interviewer.bank.loader import Bank, load_bank
from interviewer.index.store import BankIndex, BuildReport, SearchHit, open_index
from interviewer.settings import Settings

MAX_QUERY_CHARS = 2000


class Service:
    def __init__(self, settings: Settings, progress: bool = False):
        self.settings = settings
        self.bank: Bank = load_bank(settings.knowledge_dir)
        self.index: BankIndex
        self.build_report: BuildReport
        self.index, self.build_report = open_index(settings, self.bank, progress=progress)

    @property
    def engine(self) -> str:
        """What answers: the offline engine unless an OpenAI-compatible endpoint is configured."""
        return f"llm:{self.settings.llm.model}" if self.settings.llm.configured else "offline"

    def warm_up(self) -> None:
        """Load the embedding model now, so the first search does not wait for it (about 4 s on 2 cores)."""
        self.index.search("warm up", k=1)

    def stats(self) -> dict[str, object]:
        return stats(self.bank.questions, self.bank.scenarios)

    def search(self, query: str, k: int = 5, track: str | None = None, level: str | None = None) -> list[SearchHit]:
        return self.index.search(query[:MAX_QUERY_CHARS], k=k, track=track or None, level=level or None)
