"""SQLite, the source of truth: articles, chunks, quotes, speakers, aliases, FTS5, embeddings.

Every write runs in one `BEGIN IMMEDIATE` transaction and bumps `meta.generation`, which the
FAISS cache (retrieval/vectors.py) is stamped with. WAL mode lets readers in other threads and
processes keep answering while a writer works. Connections are per thread.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from retrieval.errors import StoreError
from retrieval.storage import codec
from retrieval.storage.interfaces import GenerationPin, StoredQuote, TextCache
from retrieval.storage.jobs import ThreadConnections
from retrieval.types import Article, ArticleRef, Extraction, Quote

# 2: the sentence around each quote has its own vector (embeddings kind 'context', ref_id the
# quote's id), so answering embeds only the question. A version-1 store has none until
# `whosaid reindex`; answering then compares with the quote's own vector alone.
# 3: vectors are 8-bit codes (storage.codec), a quarter of float32; a version-2 store's
# float32 vectors still decode and are re-encoded when it is opened for writing.
SCHEMA_VERSION = 3

# Tables added after the first release, counted apart from SCHEMA_VERSION (which says what
# the stored rows hold): `meta.ddl_version` says which of these steps a store has had. Older
# stores get them when opened for writing, new ones at creation; each is plain DDL.
BASE_DDL_VERSION = 1
MIGRATIONS: dict[int, tuple[str, ...] | Callable[[sqlite3.Connection], bool]] = {
    # 2: followed feeds, the items each one has brought, and the poll lease.
    2: (
        """CREATE TABLE IF NOT EXISTS feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            etag TEXT, last_modified TEXT,
            added_at TEXT NOT NULL,
            last_polled TEXT, last_error TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_poll REAL NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE IF NOT EXISTS feed_items (
            feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            article_id TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_id, url)
        )""",
        "CREATE INDEX IF NOT EXISTS articles_url ON articles(url)",
        """CREATE TABLE IF NOT EXISTS leases (
            name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires REAL NOT NULL
        )""",
    ),
    # 3: the text is stored once (`_text_once`); a function, not plain DDL, as it moves data.
    3: lambda conn: _text_once(conn),
    # 4: a vector's row holds its kind as a small integer and no article id (`_lean_vectors`).
    4: lambda conn: _lean_vectors(conn),
    # 5: the article text is compressed (`_compress_texts`).
    5: lambda conn: _compress_texts(conn),
    # 6: no index on aliases(alias), article_speakers without a rowid (`_lean_speakers`).
    6: lambda conn: _lean_speakers(conn),
    # 7: aliases a view of article_speakers.aliases, a sentence's vector stored once
    # (`_rows_once`).
    7: lambda conn: _rows_once(conn),
    # 8: a quote's text is its article's [start, end), like a chunk's (`_quotes_once`).
    8: lambda conn: _quotes_once(conn),
    # 9: 16 KB pages (PAGE_SIZE): the page size changes only in a VACUUM (`Store._compact`),
    # which the step asks for.
    9: lambda conn: True,
}
DDL_VERSION = max(MIGRATIONS)

# A compressed article text is 0.5-4 KB: with 4 KB pages a page held one or two of them and
# often left half of itself empty (articles: 348 -> 274 B/chunk at 100k chunks). A vector row
# (~400 bytes) fills 16 KB pages as well as 4 KB ones (40 rows instead of 10), and reading a
# few hundred of them for an answer copies 16 KB pages from the OS cache, under a millisecond
# more. Set before the file is first written; an older store gets it at DDL step 9.
PAGE_SIZE = 16_384

# The full-text indexes hold no copy of the text: both are contentless (a row is removed by
# giving its text back: CHUNKS, QUOTES).
_TOKENIZE = "'porter unicode61'"  # also how a question's words are stemmed (Store._stems)
_FTS = f"""
CREATE VIRTUAL TABLE {{exists}}chunks_fts USING fts5(text, content='', tokenize={_TOKENIZE});
CREATE VIRTUAL TABLE {{exists}}quotes_fts USING fts5(text, content='', tokenize={_TOKENIZE});
"""
# the chunks with their text, as the other backends keep them (a subquery: `FROM {CHUNKS} c`)
CHUNKS = (
    '(SELECT c.id AS id, c.article_id AS article_id, c.seq AS seq, c.start AS start, c."end" '
    'AS "end", substr(whosaid_text(a.text), c.start + 1, c."end" - c.start) AS text '
    "FROM chunks c JOIN articles a ON a.id = c.article_id)"
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    source_key TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL UNIQUE,
    title TEXT, url TEXT, source TEXT, published TEXT,
    text NOT NULL, -- zlib-compressed UTF-8 (stored_text); an older row's plain text
    added_at TEXT NOT NULL
);
-- a chunk's text is articles.text[start:end] (CHUNKS), not a copy
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_article ON chunks(article_id);
CREATE TABLE IF NOT EXISTS speakers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind TEXT NOT NULL
);
-- without a rowid: the primary key is the table, not a second copy of its keys
{article_speakers};
CREATE INDEX IF NOT EXISTS article_speakers_speaker ON article_speakers(speaker_id);
-- the rows the other backends keep as a table (and copies move), read from the names that
-- article_speakers keeps; nothing looks a speaker up by alias here
{aliases};
-- text: '' when it is the article's text[start:end] (nearly always: QUOTES reads it there),
-- else the quote's own words
CREATE TABLE IF NOT EXISTS quotes (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    speaker_id INTEGER REFERENCES speakers(id),
    text TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    kind TEXT NOT NULL, cue TEXT, mention TEXT, grp INTEGER,
    ctx_start INTEGER NOT NULL, ctx_end INTEGER NOT NULL, how TEXT, speaker_kind TEXT
);
CREATE INDEX IF NOT EXISTS quotes_article ON quotes(article_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker_id);
-- kind: KIND_CODES; the article is the chunk's or the quote's (ref_id): a row this lean
-- is 10 to a 4 KB page where the name and the article id left room for 9
{embeddings}
-- answers read quote vectors by quote id, rebuilds read a kind in order, deletes by the
-- article's chunk and quote ids: this one index serves all three
CREATE INDEX IF NOT EXISTS embeddings_ref ON embeddings(kind, ref_id);
"""
_EMBEDDINGS = """CREATE TABLE {exists}{name} (
    vid INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL,
    ref_id INTEGER NOT NULL,
    vec BLOB NOT NULL
)"""
_ARTICLE_SPEAKERS = """CREATE TABLE {exists}{name} (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    roles TEXT NOT NULL, aliases TEXT NOT NULL,
    quoted INTEGER NOT NULL, mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, speaker_id)
) WITHOUT ROWID"""
_ALIASES = """CREATE VIEW {exists}aliases AS
    SELECT j.value AS alias, a.speaker_id AS speaker_id, a.article_id AS article_id
    FROM article_speakers a, json_each(a.aliases) j"""
_SCHEMA = _SCHEMA.replace("{aliases}", _ALIASES.format(exists="IF NOT EXISTS ")).replace(
    "{embeddings}", _EMBEDDINGS.format(exists="IF NOT EXISTS ", name="embeddings") + ";"
).replace(
    "{article_speakers}",
    _ARTICLE_SPEAKERS.format(exists="IF NOT EXISTS ", name="article_speakers"),
) + _FTS.format(exists="IF NOT EXISTS ")

VECTOR_KINDS = ("chunk", "quote")  # the kinds with a nearest-neighbour index
CONTEXT = "context"  # a quote's sentence: read by quote id, never searched
# embeddings.kind as stored since DDL step 4; before it, the name itself. Reads that must
# serve either layout match `kind IN (name, code)` (the column's affinity keeps the other
# from matching) or ask `_kind_value`.
KIND_CODES = {"chunk": 0, "quote": 1, CONTEXT: 2}
_KIND_NAME = "CASE {k} WHEN 0 THEN 'chunk' WHEN 1 THEN 'quote' WHEN 2 THEN 'context' ELSE {k} END"
# the article a vector belongs to, through its chunk or quote
_VECTOR_ARTICLE = (
    "CASE WHEN {e}.kind IN ('chunk', 0) THEN (SELECT article_id FROM chunks WHERE id = {e}.ref_id)"
    " ELSE (SELECT article_id FROM quotes WHERE id = {e}.ref_id) END"
)
# a quote's words: its own, or (stored as '') the article's text[start:end]
_QUOTE_TEXT = (
    "CASE WHEN {q}.text = '' THEN whosaid_span(a.text, {q}.start, {q}.\"end\") ELSE {q}.text END"
)
# the quotes with their text, as the other backends keep them (`FROM {QUOTES} q`)
QUOTES = (
    "(SELECT q.id AS id, q.article_id AS article_id, q.speaker_id AS speaker_id, "
    + _QUOTE_TEXT.format(q="q")
    + ' AS text, q.start AS start, q."end" AS "end", q.kind AS kind, q.cue AS cue, '
    "q.mention AS mention, q.grp AS grp, q.ctx_start AS ctx_start, q.ctx_end AS ctx_end, "
    "q.how AS how, q.speaker_kind AS speaker_kind "
    "FROM quotes q JOIN articles a ON a.id = q.article_id)"
)
# the articles with their plain text, as the other backends keep them
ARTICLES = (
    "(SELECT id, source_key, content_hash, title, url, source, published, "
    "whosaid_text(text) AS text, added_at FROM articles)"
)
# the embeddings rows as the other backends keep them (kind by name, with the article)
EMBEDDINGS = (
    "(SELECT e.vid AS vid, "
    + _KIND_NAME.format(k="e.kind")
    + " AS kind, e.ref_id AS ref_id, "
    + _VECTOR_ARTICLE.format(e="e")
    + " AS article_id, e.vec AS vec FROM embeddings e)"
)


def compress_text(text: str) -> bytes:
    """An article's text as articles.text keeps it: about half the bytes of the plain text."""
    return zlib.compress(text.encode("utf-8"), 6)


def stored_text(value: str | bytes) -> str:
    """The text behind an articles.text value: compressed, or plain in a row written before
    DDL step 5 that a reader serves as it is."""
    return value if isinstance(value, str) else zlib.decompress(value).decode("utf-8")


def sql_functions(conn: sqlite3.Connection) -> None:
    """What the store's SQL calls (CHUNKS, QUOTES): `whosaid_text(articles.text)`, the plain
    text, and `whosaid_span(articles.text, start, end)`, a piece of it. Every Store connection
    has them; a plain sqlite3 one that reads chunk or quote texts needs them too."""
    recent: dict[bytes, str] = {}  # a speaker's quotes come by article: each text unpacked once

    def plain(value: str | bytes) -> str:
        if isinstance(value, str):
            return value
        text = recent.get(value)
        if text is None:
            if len(recent) >= 8:
                recent.clear()
            text = recent[value] = stored_text(value)
        return text

    conn.create_function(
        "whosaid_text", 1, lambda v: None if v is None else plain(v), deterministic=True
    )
    conn.create_function(
        "whosaid_span",
        3,
        lambda v, start, end: None if v is None else plain(v)[start:end],
        deterministic=True,
    )


def _kinds(kind: str) -> tuple[str, int]:
    """(name, code) of a vector kind, for `kind IN (?, ?)`."""
    return kind, KIND_CODES[kind]


@dataclass
class Prepared:
    """An article with everything computed, ready to be written in one transaction."""

    article: Article
    article_id: str
    content_hash: str
    extraction: Extraction
    chunks: list[tuple[int, int, int, str]]  # (seq, start, end, text)
    chunk_vecs: np.ndarray
    quote_vecs: np.ndarray
    # quote index -> the vector of its context (the sentence around it); a quote whose context
    # is its own text has none, and answering uses its quote vector
    context_vecs: dict[int, np.ndarray] = field(default_factory=dict)


@dataclass
class WriteResult:
    article_id: str
    status: str  # "added" | "replaced" | "unchanged"
    chunk_vids: list[int]
    quote_vids: list[int]
    removed_vids: list[int]
    quotes: int
    speakers: int


_ID_KEYS = {"chunks": "id", "quotes": "id", "embeddings": "vid", "speakers": "id"}


class _Ids:
    """The ids one write hands out: always past every id the table has ever had.

    SQLite gives a new row the largest id left + 1, so after `replace_all` (or removing the
    newest article) ids would start again and name other rows. A reader that read ids before
    the write (a quote list cached for its generation, a vector search) and rows after it
    would then show one person's words as another's. The high-water mark of each table is
    kept in `meta` (read before the write deletes anything), so a stale id names the same row
    or none."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.next: dict[str, int] = {}
        for table, key in _ID_KEYS.items():
            row = conn.execute(
                f"SELECT (SELECT COALESCE(MAX({key}), 0) + 1 FROM {table}), "
                "(SELECT value FROM meta WHERE key=?)",
                (f"next_id:{table}",),
            ).fetchone()
            self.next[table] = max(int(row[0]), int(row[1] or 0))

    def take(self, table: str) -> int:
        n = self.next[table]
        self.next[table] = n + 1
        return n

    def save(self) -> None:
        """Keep the marks (inside the same transaction)."""
        for table, n in self.next.items():
            Store.set_meta(self.conn, f"next_id:{table}", str(n))


def content_hash(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Function words match most rows and add nothing to bm25 but time (an OR over them made one
# FTS query 190 ms instead of 16 ms at 100k chunks); they are dropped unless nothing else is left.
_FTS_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "him",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)


def fts_terms(text: str, max_terms: int = 32) -> list[str]:
    """The words a lexical search looks for: lower-cased, each once, function words dropped
    unless nothing else is left."""
    words = list(dict.fromkeys(re.findall(r"\w+", text.lower())))
    content = [w for w in words if w not in _FTS_STOP] or words
    return content[:max_terms]


def fts_query(text: str, max_terms: int = 32) -> str | None:
    """A safe FTS5 MATCH expression: words only, each quoted, joined by OR."""
    terms = fts_terms(text, max_terms)
    return " OR ".join(f'"{w}"' for w in terms) if terms else None


# Lexical search: a term in more rows than this is "common" (see Store.lexical); at ~3 us
# a row, ranking stays within a few milliseconds.
COMMON_ROWS = 2000
RANK_WINDOW = 2000
# A common term in more than this share of the rows (judged by how densely its newest
# COMMON_ROWS + 1 rows lie) is "very common": FTS5's bm25 counts every row holding each term
# it ranks by (its idf), ~0.1 us a row, which for a word in a fifth of a 1M-chunk store was
# 20-40 ms a query. Such words are left out of a common-terms query when others remain.
VERY_COMMON = 0.05
IN_BATCH = 500  # keys per "IN (...)" query, well under SQLite's bound-variable limit
Key = TypeVar("Key", int, str)


def _in_batches(keys: Iterable[Key]) -> Iterator[tuple[str, list[Key]]]:
    """Distinct keys in batches, each with its "(?,?,...)" for an IN clause."""
    todo = list(dict.fromkeys(keys))
    for i in range(0, len(todo), IN_BATCH):
        batch = todo[i : i + IN_BATCH]
        yield "(" + ",".join("?" * len(batch)) + ")", batch


class Store:
    """The SQLite store in `data_dir/whosaid.db`.

    `read_only` opens an existing store for reading and never writes (a store on read-only
    media, or commands that only read). A missing store is created unless `create` is False
    or the store is read-only; then it is an error."""

    reads_elsewhere = False  # SQLite and FTS5 run in this process, on its cores

    def __init__(
        self, data_dir: Path | str, *, read_only: bool = False, create: bool = True
    ) -> None:
        self.data_dir = Path(data_dir)
        self.read_only = read_only
        self.path = self.data_dir / "whosaid.db"
        if (read_only or not create) and not self.path.is_file():
            raise StoreError(f"no whosaid store at {self.data_dir} (index articles first)")
        if not read_only:
            try:
                self.data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create data dir {self.data_dir}: {exc.strerror}") from exc
        if not self.data_dir.is_dir():
            raise StoreError(f"data dir {self.data_dir} is not a directory")
        self._conns = ThreadConnections(self.path, 60, connect=self._open)
        self._pin = GenerationPin()  # the generation `reading` holds for this thread
        # generation -> (fts table, term) -> rows holding it, capped, and their share of the
        # rows (see `lexical`)
        self._term_counts: dict[int, dict[tuple[str, str], tuple[int, float]]] = {}
        # generation -> fts table -> the words (FTS5's stems) in more than COMMON_ROWS rows
        # (`load_common_words`); a question's other words are rare without counting
        self._common: dict[int, dict[str, frozenset[str]]] = {}
        self._stemmed: dict[str, list[str]] = {}  # word -> its stems (`_stems`), any generation
        self._texts = TextCache()  # articles read for answering, unpacked (see `_texts_of`)
        if read_only:
            try:
                if self.get_meta("schema_version") is None:
                    raise StoreError(f"no whosaid store at {self.data_dir} (index articles first)")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
            return
        try:
            self.conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        with self.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
            if conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None:
                # nothing stored yet: nothing lacks what a newer schema computes at ingest
                self.set_meta(conn, "schema_version", str(SCHEMA_VERSION))
        self._migrate()
        if self.schema_version() == 2:
            self._encode_vectors()

    def _migrate(self) -> None:
        """Give an older store the tables added since (MIGRATIONS), one transaction a step."""
        if int(self.get_meta("ddl_version") or BASE_DDL_VERSION) >= DDL_VERSION:
            if self._page_size() < PAGE_SIZE:
                self._compact(vacuum=False)  # step 9 found the store open elsewhere: retry
            return  # the usual case: no write transaction at all
        moved = False
        for version in sorted(MIGRATIONS):
            with self.write() as conn:
                row = conn.execute("SELECT value FROM meta WHERE key='ddl_version'").fetchone()
                if int(row[0] if row else BASE_DDL_VERSION) >= version:
                    continue
                step = MIGRATIONS[version]
                if callable(step):
                    moved = step(conn) or moved
                else:
                    for statement in step:
                        conn.execute(statement)
                self.set_meta(conn, "ddl_version", str(version))
        self._compact(vacuum=moved)

    def _page_size(self) -> int:
        return int(self.conn.execute("PRAGMA page_size").fetchone()[0])

    def _compact(self, *, vacuum: bool) -> None:
        """Give the space a migration freed back (`vacuum`) and bring the pages to PAGE_SIZE.
        WAL keeps the page size: the VACUUM that changes it runs in rollback-journal mode, which
        only a connection alone on the file may switch to; when another has it open, the pages
        stay as they are until a later open for writing finds the store free."""
        conn = self.conn
        if self._page_size() < PAGE_SIZE:
            conn.execute("PRAGMA busy_timeout=0")
            try:
                mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            except sqlite3.OperationalError:  # locked by another connection
                mode = "wal"
            finally:
                conn.execute("PRAGMA busy_timeout=60000")
            if str(mode).lower() == "delete":
                try:
                    conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
                    conn.execute("VACUUM")
                finally:
                    conn.execute("PRAGMA journal_mode=WAL")
                return
        if vacuum:
            conn.execute("VACUUM")  # give the space back

    def _encode_vectors(self, batch: int = 10_000) -> None:
        """Schema 2 -> 3: re-encode float32 vectors as 8-bit codes, a batch per transaction
        (a vector decodes in either format, so readers and a crash midway see no difference),
        then give the space back."""
        while True:
            with self.write() as conn:
                rows = conn.execute(
                    "SELECT vid, vec FROM embeddings WHERE length(vec) % 4 = 0 LIMIT ?", (batch,)
                ).fetchall()
                if not rows:
                    self.set_meta(conn, "schema_version", "3")
                    break
                blobs = codec.encode_many(np.stack([codec.decode(r[1]) for r in rows]))
                conn.executemany(
                    "UPDATE embeddings SET vec=? WHERE vid=?",
                    [(b, r[0]) for b, r in zip(blobs, rows, strict=True)],
                )
        self.conn.execute("VACUUM")

    # -- connections ---------------------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        return self._conns.get()

    def _open(self) -> sqlite3.Connection:
        try:
            conn = self._connect()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        return conn

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            # Where nothing can be written (read-only media), WAL's shared-memory file cannot
            # be created either: the file is then opened as immutable, which needs neither.
            writable = os.access(self.data_dir, os.W_OK) and (os.access(self.path, os.W_OK))
            mode = "mode=ro" if writable else "immutable=1"
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?{mode}",
                uri=True,
                timeout=60,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute("PRAGMA busy_timeout=60000")
            sql_functions(conn)
            return conn
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        sql_functions(conn)
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new file's; an existing one keeps its
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=60000")
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction; rolled back on any error."""
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot write to the store {self.path}: {exc}") from exc
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def close(self) -> None:
        self._conns.close()

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def generation(self) -> int:
        held = self._pin.held()
        return held if held is not None else int(self.get_meta("generation") or 0)

    def reading(self) -> AbstractContextManager[int]:
        """One read of the generation for a whole answer (see GenerationPin)."""
        return self._pin.hold(self.generation)

    def schema_version(self) -> int:
        return int(self.get_meta("schema_version") or 1)

    def has_context_vectors(self) -> bool:
        """False for a store written before context vectors (schema 1) and not reindexed since:
        its older quotes are compared by their own vector alone."""
        return self.schema_version() >= 2

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'")

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def put_meta(self, key: str, value: str) -> None:
        """Set one meta value in its own transaction (no generation bump)."""
        with self.write() as conn:
            self.set_meta(conn, key, value)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of one read (`?` placeholders), each readable by column name; for the
        following state in storage/feeds.py, whose SQL both backends run."""
        return self.conn.execute(sql, params).fetchall()

    # -- writes ------------------------------------------------------------------------------
    def find_article(self, source_key: str, chash: str) -> tuple[str | None, str | None]:
        """(id of the article with this content hash, id of the article from this source)."""
        by_hash = self.conn.execute(
            "SELECT id FROM articles WHERE content_hash=?", (chash,)
        ).fetchone()
        by_source = self.conn.execute(
            "SELECT id FROM articles WHERE source_key=?", (source_key,)
        ).fetchone()
        return (by_hash[0] if by_hash else None, by_source[0] if by_source else None)

    def put_article(self, prep: Prepared) -> WriteResult:
        """Insert an article with its chunks, quotes, speakers and embeddings, atomically.

        Same text again is a no-op; a changed text from the same source replaces the old one.
        """
        with self.write() as conn:
            same = conn.execute(
                "SELECT id FROM articles WHERE content_hash=?", (prep.content_hash,)
            ).fetchone()
            if same is not None:
                return WriteResult(same[0], "unchanged", [], [], [], 0, 0)
            old = conn.execute(
                "SELECT id FROM articles WHERE source_key=?", (prep.article.source_key,)
            ).fetchone()
            removed: list[int] = []
            ids = _Ids(conn)
            if old is not None:
                removed = self._delete_article(conn, old[0])
            result = self._insert(conn, prep, ids)
            ids.save()
            result.removed_vids = removed
            result.status = "replaced" if old is not None else "added"
            self._bump(conn)
            return result

    def _insert(
        self, conn: sqlite3.Connection, prep: Prepared, ids: _Ids | None = None
    ) -> WriteResult:
        """Insert one article's rows; `ids`: the write's id source when it also deletes
        (read before the deletes), else one is made here."""
        own = ids is None
        ids = ids or _Ids(conn)
        a = prep.article
        aid = prep.article_id
        conn.execute(
            "INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?)",
            (
                aid,
                a.source_key,
                prep.content_hash,
                a.title,
                a.url,
                a.source,
                a.published,
                compress_text(a.text),
                datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            ),
        )
        chunk_vids: list[int] = []
        for (seq, start, end, text), vec in zip(prep.chunks, prep.chunk_vecs, strict=True):
            cid = ids.take("chunks")
            conn.execute(
                'INSERT INTO chunks (id, article_id, seq, start, "end") VALUES (?,?,?,?,?)',
                (cid, aid, seq, start, end),
            )
            conn.execute("INSERT INTO chunks_fts (rowid, text) VALUES (?, ?)", (cid, text))
            chunk_vids.append(self._put_vec(conn, ids, "chunk", cid, vec))
        speaker_ids: dict[str, int] = {}
        for sp in prep.extraction.speakers:
            sid = self._speaker_id(conn, ids, sp.name, sp.kind)
            speaker_ids[sp.name.lower()] = sid
            names = list(dict.fromkeys([sp.name, *sp.aliases]))
            conn.execute(
                "INSERT OR REPLACE INTO article_speakers VALUES (?,?,?,?,?,?)",
                (aid, sid, json.dumps(sp.roles), json.dumps(names), int(sp.quoted), sp.mentions),
            )
        quote_vids: list[int] = []
        sentences: set[tuple[int, int]] = set()  # contexts whose vector is stored already
        for i, (q, vec) in enumerate(zip(prep.extraction.quotes, prep.quote_vecs, strict=True)):
            qsid: int | None = None
            if q.speaker:
                qsid = speaker_ids.get(q.speaker.lower())
                if qsid is None:  # a speaker the extractor did not list: keep it anyway
                    qsid = self._speaker_id(conn, ids, q.speaker, q.speaker_kind)
                    speaker_ids[q.speaker.lower()] = qsid
                    conn.execute(
                        "INSERT OR IGNORE INTO article_speakers VALUES (?,?,?,?,?,?)",
                        (aid, qsid, "[]", json.dumps([q.speaker]), 1, 1),
                    )
            qid = ids.take("quotes")
            conn.execute(
                'INSERT INTO quotes (id, article_id, speaker_id, text, start, "end", kind, cue, '
                "mention, grp, ctx_start, ctx_end, how, speaker_kind) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    qid,
                    aid,
                    qsid,
                    "" if a.text[q.start : q.end] == q.text else q.text,
                    q.start,
                    q.end,
                    q.kind,
                    q.cue,
                    q.speaker_mention,
                    q.group,
                    q.context_start,
                    q.context_end,
                    q.how,
                    q.speaker_kind,
                ),
            )
            conn.execute("INSERT INTO quotes_fts (rowid, text) VALUES (?, ?)", (qid, q.text))
            quote_vids.append(self._put_vec(conn, ids, "quote", qid, vec))
            # quotes in one sentence share its vector (`vectors_by_ref`): stored once
            if i in prep.context_vecs and (q.context_start, q.context_end) not in sentences:
                sentences.add((q.context_start, q.context_end))
                self._put_vec(conn, ids, CONTEXT, qid, prep.context_vecs[i])
        if own:
            ids.save()
        return WriteResult(
            aid, "added", chunk_vids, quote_vids, [], len(prep.extraction.quotes), len(speaker_ids)
        )

    @staticmethod
    def _put_vec(conn: sqlite3.Connection, ids: _Ids, kind: str, ref: int, vec: np.ndarray) -> int:
        vid = ids.take("embeddings")
        conn.execute(
            "INSERT INTO embeddings (vid, kind, ref_id, vec) VALUES (?,?,?,?)",
            (vid, KIND_CODES[kind], ref, encode_vector(vec)),
        )
        return vid

    @staticmethod
    def _speaker_id(conn: sqlite3.Connection, ids: _Ids, name: str, kind: str) -> int:
        row = conn.execute("SELECT id FROM speakers WHERE name=?", (name,)).fetchone()
        if row is not None:
            return int(row[0])
        sid = ids.take("speakers")
        conn.execute("INSERT INTO speakers (id, name, kind) VALUES (?,?,?)", (sid, name, kind))
        return sid

    def _delete_article(self, conn: sqlite3.Connection, aid: str) -> list[int]:
        owned = {
            "chunk": "SELECT id FROM chunks WHERE article_id=?",
            "quote": "SELECT id FROM quotes WHERE article_id=?",
            CONTEXT: "SELECT id FROM quotes WHERE article_id=?",
        }
        vids = sorted(
            r[0]
            for kind in VECTOR_KINDS
            for r in conn.execute(
                f"SELECT vid FROM embeddings WHERE kind IN (?, ?) AND ref_id IN ({owned[kind]})",
                (*_kinds(kind), aid),
            )
        )
        # the full-text indexes hold no text: a row is removed by giving its text back
        conn.execute(
            "INSERT INTO chunks_fts (chunks_fts, rowid, text) "
            f"SELECT 'delete', id, text FROM {CHUNKS} WHERE article_id=?",
            (aid,),
        )
        conn.execute(
            "INSERT INTO quotes_fts (quotes_fts, rowid, text) "
            f"SELECT 'delete', id, text FROM {QUOTES} WHERE article_id=?",
            (aid,),
        )
        for kind, ids in owned.items():
            conn.execute(
                f"DELETE FROM embeddings WHERE kind IN (?, ?) AND ref_id IN ({ids})",
                (*_kinds(kind), aid),
            )
        conn.execute("DELETE FROM quotes WHERE article_id=?", (aid,))
        conn.execute("DELETE FROM chunks WHERE article_id=?", (aid,))
        conn.execute("DELETE FROM article_speakers WHERE article_id=?", (aid,))
        conn.execute("DELETE FROM articles WHERE id=?", (aid,))
        conn.execute(
            "DELETE FROM speakers WHERE id NOT IN "
            "(SELECT speaker_id FROM article_speakers) "
            "AND id NOT IN (SELECT speaker_id FROM quotes WHERE speaker_id IS NOT NULL)"
        )
        return vids

    def remove_article(self, aid: str) -> list[int] | None:
        """Delete one article and everything derived from it; None when there is no such id."""
        with self.write() as conn:
            if conn.execute("SELECT 1 FROM articles WHERE id=?", (aid,)).fetchone() is None:
                return None
            ids = _Ids(conn)
            vids = self._delete_article(conn, aid)
            ids.save()
            self._bump(conn)
            return vids

    def replace_all(self, prepared: Sequence[Prepared], model_name: str) -> None:
        """Swap in re-extracted, re-embedded versions of every article in one transaction."""
        with self.write() as conn:
            ids = _Ids(conn)
            for fts in ("chunks_fts", "quotes_fts"):
                conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('delete-all')")
            for table in (
                "embeddings",
                "quotes",
                "chunks",
                "article_speakers",
                "speakers",
            ):
                conn.execute(f"DELETE FROM {table}")
            for prep in prepared:
                conn.execute("DELETE FROM articles WHERE id=?", (prep.article_id,))
                self._insert(conn, prep, ids)
            ids.save()
            self.set_meta(conn, "embedding_model", model_name)
            self.set_meta(conn, "schema_version", str(SCHEMA_VERSION))
            self._bump(conn)

    # -- reads -----------------------------------------------------------------------------
    def article_rows(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT a.id, a.title, a.url, a.source, a.published, a.source_key, a.added_at, "
            "(SELECT COUNT(*) FROM chunks c WHERE c.article_id=a.id) AS chunks, "
            "(SELECT COUNT(*) FROM quotes q WHERE q.article_id=a.id) AS quotes "
            "FROM articles a ORDER BY a.added_at, a.id"
        ).fetchall()

    def recent_article_rows(self, limit: int) -> list[sqlite3.Row]:
        """The `limit` most recently indexed articles, newest first (fields as article_rows)."""
        return self.conn.execute(
            "SELECT a.id, a.title, a.url, a.source, a.published, a.source_key, a.added_at, "
            "(SELECT COUNT(*) FROM chunks c WHERE c.article_id=a.id) AS chunks, "
            "(SELECT COUNT(*) FROM quotes q WHERE q.article_id=a.id) AS quotes "
            "FROM articles a ORDER BY a.added_at DESC, a.id DESC LIMIT ?",
            (limit,),
        ).fetchall()

    def top_speakers(self, added_since: str, limit: int) -> list[tuple[str, int, int]]:
        """(name, quotes, articles) of the speakers quoted most in articles indexed at or
        after `added_since` (ISO); unnamed groups ("officials") are left out."""
        rows = self.conn.execute(
            "SELECT s.name, COUNT(*) AS n, COUNT(DISTINCT q.article_id) AS arts FROM quotes q "
            "JOIN speakers s ON s.id = q.speaker_id JOIN articles a ON a.id = q.article_id "
            "WHERE a.added_at >= ? AND s.kind != 'group' "
            "GROUP BY s.id ORDER BY n DESC, arts DESC, s.name LIMIT ?",
            (added_since, limit),
        ).fetchall()
        return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]

    def article_text(self, aid: str) -> str | None:
        return self._texts_of([aid]).get(aid)

    def _texts_of(self, ids: Iterable[str]) -> dict[str, str]:
        """id -> plain text of these articles (those stored), each read and unpacked once
        per generation while it is in use (TextCache)."""
        gen = self.generation()
        out: dict[str, str] = {}
        todo = []
        for aid in dict.fromkeys(ids):
            text = self._texts.get(gen, aid)
            if text is None:
                todo.append(aid)
            else:
                out[aid] = text
        for marks, batch in _in_batches(todo):
            for a, stored in self.conn.execute(
                f"SELECT id, text FROM articles WHERE id IN {marks}", batch
            ):
                out[a] = text = stored_text(stored)
                self._texts.put(gen, a, text)
        return out

    def all_articles(self) -> list[Article]:
        rows = self.conn.execute(
            "SELECT id, text, source_key, title, url, source, published FROM articles "
            "ORDER BY added_at, id"
        ).fetchall()
        return [
            Article(
                text=stored_text(r["text"]),
                source_key=r["source_key"],
                title=r["title"],
                url=r["url"],
                source=r["source"],
                published=r["published"],
            )
            for r in rows
        ]

    def article_ref(self, aid: str) -> ArticleRef | None:
        row = self.conn.execute(
            "SELECT id, title, url, source, published FROM articles WHERE id=?", (aid,)
        ).fetchone()
        if row is None:
            return None
        return ArticleRef(row["id"], row["title"], row["url"], row["source"], row["published"])

    def article_quotes(self, aid: str) -> list[Quote]:
        rows = self.conn.execute(
            f"SELECT q.*, s.name AS speaker_name FROM {QUOTES} q "
            "LEFT JOIN speakers s ON s.id = q.speaker_id WHERE q.article_id=? ORDER BY q.start",
            (aid,),
        ).fetchall()
        return [row_to_quote(r) for r in rows]

    def counts(self) -> dict[str, int]:
        c = self.conn

        def one(sql: str) -> int:
            return int(c.execute(sql).fetchone()[0])

        return {
            "articles": one("SELECT COUNT(*) FROM articles"),
            "chunks": one("SELECT COUNT(*) FROM chunks"),
            "quotes": one("SELECT COUNT(*) FROM quotes"),
            "speakers": one(
                "SELECT COUNT(DISTINCT speaker_id) FROM quotes WHERE speaker_id IS NOT NULL"
            ),
            # the indexed vectors (chunks and quotes), not the quotes' context vectors
            "vectors": one(
                "SELECT COUNT(*) FROM embeddings WHERE kind IN ('chunk', 'quote', 0, 1)"
            ),
        }

    def quoted_speakers(self, article_ids: Sequence[str]) -> int:
        """Distinct speakers quoted in these articles (counted as `counts` counts them)."""
        ids = list(dict.fromkeys(article_ids))
        found: set[int] = set()
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            found.update(
                int(row[0])
                for row in self.conn.execute(
                    "SELECT DISTINCT speaker_id FROM quotes "
                    f"WHERE speaker_id IS NOT NULL AND article_id IN ({marks})",
                    part,
                )
            )
        return len(found)

    def vector_count(self, kind: str) -> int:
        row = self.conn.execute(
            "SELECT COUNT(*) FROM embeddings WHERE kind IN (?, ?)", _kinds(kind)
        ).fetchone()
        return int(row[0])

    def vectors(self, kind: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
        """All stored (ids, vectors) of a kind (small stores and tests; see `vector_batches`)."""
        parts = list(self.vector_batches(kind, dim))
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def _kind_value(self, kind: str) -> str | int:
        """How this store's embeddings.kind holds a kind: its code, or its name in a store
        not yet converted (DDL step 4) that a reader serves."""
        for row in self.conn.execute("PRAGMA table_info(embeddings)"):
            if row[1] == "article_id":
                return kind
        return KIND_CODES[kind]

    def vector_batches(
        self, kind: str, dim: int, first: int = 8_192, size: int = 8_192
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The stored (ids, vectors) of a kind in vid order, `first` then `size` rows at a time,
        for rebuilding the FAISS cache without every vector in memory at once."""
        # ref_id order is vid order within a kind (both grow with each insert), and the index
        # on (kind, ref_id) reads it without a sort
        cur = self.conn.execute(
            "SELECT vid, vec FROM embeddings WHERE kind=? ORDER BY ref_id",
            (self._kind_value(kind),),
        )
        want = first
        while rows := cur.fetchmany(want):
            want = size
            block = vector_block(rows, dim)
            del rows
            yield block

    def vector_rows(self, vids: Sequence[int]) -> dict[int, tuple[str, int, str, bytes]]:
        """vid -> (kind, ref_id, article_id, stored vector bytes: storage.codec) for the given
        vector ids."""
        out: dict[int, tuple[str, int, str, bytes]] = {}
        for batch in _batches(list(vids), 500):
            marks = ",".join("?" * len(batch))
            for r in self.conn.execute(
                "SELECT vid, kind, ref_id, article_id, vec "
                f"FROM {EMBEDDINGS} WHERE vid IN ({marks})",
                batch,
            ):
                out[int(r[0])] = (str(r[1]), int(r[2]), str(r[3]), bytes(r[4]))
        return out

    # -- reads for answering (plain Python results; see interfaces.ArticleStore) -------------
    def speaker_rows(self) -> Iterator[Mapping[str, Any]]:
        """(article_id, name, kind, roles, aliases, quoted) of every (article, speaker) pair,
        in article order, streamed: holding every row at once left ~150 MB of heap behind at
        100k chunks."""
        yield from self.conn.execute(
            "SELECT a.article_id, s.name, s.kind, a.roles, a.aliases, a.quoted "
            "FROM article_speakers a JOIN speakers s ON s.id = a.speaker_id "
            "ORDER BY a.article_id"
        )

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def article_refs(self, ids: Iterable[str]) -> dict[str, ArticleRef]:
        out: dict[str, ArticleRef] = {}
        for marks, batch in _in_batches(ids):
            for r in self.conn.execute(
                f"SELECT id, title, url, source, published FROM articles WHERE id IN {marks}",
                batch,
            ):
                out[str(r[0])] = ArticleRef(str(r[0]), r[1], r[2], r[3], r[4])
        return out

    def article_dates(self) -> list[tuple[str, str | None]]:
        """(id, published) of every article."""
        rows = self.conn.execute("SELECT id, published FROM articles").fetchall()
        return [(str(r[0]), None if r[1] is None else str(r[1])) for r in rows]

    def article_titles(self) -> list[tuple[str, str]]:
        """(id, title or "") of every article."""
        rows = self.conn.execute("SELECT id, COALESCE(title, '') FROM articles").fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    _QUOTE_SQL = (
        'SELECT q.id, q.article_id, s.name AS speaker, q.speaker_kind, q.text, q.start, q."end", '
        "q.kind, q.cue, q.mention, q.grp, q.ctx_start, q.ctx_end, q.how, s.kind AS skind "
        "FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id "
    )

    def _quotes(self, where: str, params: Sequence[Any]) -> list[StoredQuote]:
        rows = self.conn.execute(self._QUOTE_SQL + where, params).fetchall()
        return [StoredQuote(*r) for r in self._with_texts(rows, 4, 1, 5, 6)]

    def _with_texts(
        self, rows: Sequence[Sequence[Any]], at: int, aid: int, start: int, end: int
    ) -> list[list[Any]]:
        """Quote rows (as lists) with each stored '' at `at` replaced by its article's
        text[start:end]: each article read and unpacked once (in SQL, QUOTES, the text passed
        to Python for every row made a 9,000-quote speaker's rows twice as slow)."""
        out = [list(r) for r in rows]
        need: dict[str, list[list[Any]]] = {}
        for r in out:
            if r[at] == "":
                need.setdefault(r[aid], []).append(r)
        for a, text in self._texts_of(need).items():
            for r in need[a]:
                r[at] = text[r[start] : r[end]]
        return out

    def quotes_by_speakers(self, names: Iterable[str]) -> list[StoredQuote]:
        """Quotes whose stored speaker name is one of `names`, by article and position."""
        raws = list(names)
        if not raws:
            return []
        marks = ",".join("?" * len(raws))
        return self._quotes(f"WHERE s.name IN ({marks}) ORDER BY q.article_id, q.start", raws)

    def quotes_by_ids(self, ids: Iterable[int]) -> list[StoredQuote]:
        out: list[StoredQuote] = []
        for marks, batch in _in_batches(ids):
            out += self._quotes(f"WHERE q.id IN {marks}", batch)
        return out

    def quotes_between(self, aid: str, start: int, end: int) -> list[StoredQuote]:
        """The quotes of one article within [start, end), by position."""
        return self._quotes(
            'WHERE q.article_id = ? AND q.start >= ? AND q."end" <= ? ORDER BY q.start',
            (aid, start, end),
        )

    def quotes_in_group(self, aid: str, group: int) -> list[StoredQuote]:
        """The pieces of one split statement, by position."""
        return self._quotes("WHERE q.article_id = ? AND q.grp = ? ORDER BY q.start", (aid, group))

    def first_quotes(self, limit: int) -> list[StoredQuote]:
        return self._quotes("ORDER BY q.article_id, q.start LIMIT ?", (limit,))

    def quote_stub_rows(
        self, names: Sequence[str]
    ) -> list[tuple[int, str, str, str, int, str, int | None]]:
        """(id, article id, stored speaker name, kind, start, text, quote vector id) of the
        quotes of these stored speaker names, by article and position."""
        return [
            (int(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), str(r[5]), r[6])
            for r in self._with_texts(
                self.conn.execute(
                    'SELECT q.id, q.article_id, s.name, q.kind, q.start, q.text, e.vid, q."end" '
                    "FROM quotes q JOIN speakers s ON s.id = q.speaker_id "
                    "LEFT JOIN embeddings e ON e.kind IN ('quote', 1) AND e.ref_id = q.id "
                    f"WHERE s.name IN ({','.join('?' * len(names))}) "
                    "ORDER BY q.article_id, q.start",
                    list(names),
                ).fetchall(),
                5,
                1,
                4,
                7,
            )
        ]

    def vectors_by_ref(self, kind: str, ref_ids: Iterable[int]) -> dict[int, bytes]:
        """ref id -> stored vector bytes of one kind ("quote", "context", "chunk")."""
        if kind == CONTEXT:
            return self._sentence_vectors(ref_ids)
        out: dict[int, bytes] = {}
        for marks, batch in _in_batches(ref_ids):
            for r in self.conn.execute(
                f"SELECT ref_id, vec FROM embeddings WHERE kind IN (?, ?) AND ref_id IN {marks}",
                [*_kinds(kind), *batch],
            ):
                out[int(r[0])] = bytes(r[1])
        return out

    def vector_ids_in(self, kind: str, article_ids: Iterable[str]) -> list[int]:
        """The vector ids of one searched kind ("chunk", "quote") in these articles: what a
        time-scoped question searches among."""
        owner = "chunks" if kind == "chunk" else "quotes"
        out: list[int] = []
        for marks, batch in _in_batches(article_ids):
            out += (
                int(r[0])
                for r in self.conn.execute(
                    f"SELECT e.vid FROM {owner} o JOIN embeddings e ON e.kind IN (?, ?) "
                    f"AND e.ref_id = o.id WHERE o.article_id IN {marks}",
                    [*_kinds(kind), *batch],
                )
            )
        return out

    def _sentence_vectors(self, quote_ids: Iterable[int]) -> dict[int, bytes]:
        """quote id -> the vector of its sentence (context), stored with the first quote of the
        article in that sentence (its own, in a store written before DDL step 7)."""
        out: dict[int, bytes] = {}
        for marks, batch in _in_batches(quote_ids):
            for r in self.conn.execute(
                # CROSS JOIN keeps this order (the planner would scan every sentence vector)
                "SELECT q.id, e.vec FROM quotes q CROSS JOIN quotes f CROSS JOIN embeddings e "
                "WHERE f.article_id = q.article_id AND f.ctx_start = q.ctx_start "
                "AND f.ctx_end = q.ctx_end AND e.kind IN (?, ?) AND e.ref_id = f.id "
                f"AND q.id IN {marks} ORDER BY q.id, f.id != q.id, f.id",
                [*_kinds(CONTEXT), *batch],
            ):
                out.setdefault(int(r[0]), bytes(r[1]))
        return out

    def chunk_spans(self, ids: Iterable[int]) -> dict[int, tuple[str, int, int]]:
        """chunk id -> (article id, start, end)."""
        out: dict[int, tuple[str, int, int]] = {}
        for marks, batch in _in_batches(ids):
            for r in self.conn.execute(
                f'SELECT id, article_id, start, "end" FROM chunks WHERE id IN {marks}', batch
            ):
                out[int(r[0])] = (str(r[1]), int(r[2]), int(r[3]))
        return out

    def lexical(self, kind: str, text: str, k: int) -> list[int]:
        """Ids of the best FTS5 (bm25) matches among quotes or chunks (`kind`), best first.

        bm25 scores every row a term matches (a few microseconds each), so a word found in
        tens of thousands of rows would cost more than the rest of the answer. As in a
        "common terms" query, words in more than COMMON_ROWS rows are left out when rarer
        words are there to match; a question of common words only needs all of them (AND),
        ranked among the newest RANK_WINDOW such rows. bm25 also counts every row holding
        each word it ranks by, so of those common words the very common ones (VERY_COMMON)
        are left out too when others remain; words that are all very common give the newest
        rows holding every one of them, unranked (those rows hold the same words, whose
        bm25 weight is close to nothing). Only a store with a word in more than COMMON_ROWS
        rows takes the last two paths.
        """
        table = {"quote": "quotes_fts", "chunk": "chunks_fts"}[kind]
        terms = fts_terms(text)
        if not terms:
            return []
        try:
            rare = [t for t in terms if not self._is_common(table, t)]
            if rare:
                match = " OR ".join(f'"{t}"' for t in rare)
                sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT ?"
                return [int(r[0]) for r in self.conn.execute(sql, (match, k)).fetchall()]
            usual = [t for t in terms if self._term_stats(table, t)[1] <= VERY_COMMON]
            if not usual:
                match = " AND ".join(f'"{t}"' for t in terms)
                sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?"
                return [int(r[0]) for r in self.conn.execute(sql, (match, k)).fetchall()]
            match = " AND ".join(f'"{t}"' for t in usual)
            sql = (
                f"SELECT rowid FROM (SELECT rowid, rank FROM {table} WHERE {table} MATCH ? "
                f"ORDER BY rowid DESC LIMIT {RANK_WINDOW}) ORDER BY rank LIMIT ?"
            )
            return [int(r[0]) for r in self.conn.execute(sql, (match, k)).fetchall()]
        except sqlite3.OperationalError:
            return []

    def _is_common(self, table: str, term: str) -> bool:
        """Whether the term is in more than COMMON_ROWS rows: from the common words read at
        this generation when there are (a word with a stem not among them is rare), else
        counted (`_term_stats`)."""
        common = self._common.get(self.generation(), {}).get(table)
        if common is not None:
            stems = self._stems(term)
            if len(stems) == 1:
                return stems[0] in common
            if any(stem not in common for stem in stems):
                return False  # a phrase ("a_b") with a rare word in it is rarer still
        return self._term_stats(table, term)[0] > COMMON_ROWS

    def _stems(self, term: str) -> list[str]:
        """The tokens FTS5 indexes the term as (its tokenizer: porter over unicode61),
        read back from a one-row FTS5 table in this connection's temp schema; kept, as a
        question's words are looked up in both tables."""
        found = self._stemmed.get(term)
        if found is not None:
            return found
        conn = self.conn
        try:
            conn.execute("INSERT INTO temp.words (rowid, w) VALUES (1, ?)", (term,))
        except sqlite3.OperationalError:  # this connection's first: make the table
            conn.execute(f"CREATE VIRTUAL TABLE temp.words USING fts5(w, tokenize={_TOKENIZE})")
            conn.execute(
                "CREATE VIRTUAL TABLE temp.word_stems USING fts5vocab(temp, words, instance)"
            )
            conn.execute("INSERT INTO temp.words (rowid, w) VALUES (1, ?)", (term,))
        try:
            rows = conn.execute("SELECT term FROM temp.word_stems ORDER BY offset").fetchall()
        finally:
            conn.execute("DELETE FROM temp.words")
        if len(self._stemmed) > 50_000:
            self._stemmed.clear()
        found = self._stemmed[term] = [str(r[0]) for r in rows]
        return found

    def load_common_words(self) -> None:
        """Read which words each full-text table holds in more than COMMON_ROWS rows, in one
        pass over its vocabulary (FTS5's fts5vocab; ~0.3 s at 100k chunks), so that at this
        generation a question counts the rows of none of its rare words (up to COMMON_ROWS
        each: about a millisecond a word at 100k chunks, and a who-said has ten). The words
        and the generation are read in one transaction. A serving process calls it when it
        loads the read side (`Engine.load`, and after each write it makes)."""
        conn = self.conn
        found: dict[str, frozenset[str]] = {}
        conn.execute("BEGIN")
        try:
            gen = int(self.get_meta("generation") or 0)
            for table in ("quotes_fts", "chunks_fts"):
                vocab = f"temp.{table}_vocab"
                conn.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} "
                    f"USING fts5vocab(main, {table}, row)"
                )
                rows = conn.execute(f"SELECT term FROM {vocab} WHERE doc > ?", (COMMON_ROWS,))
                found[table] = frozenset(str(r[0]) for r in rows)
        finally:
            conn.execute("COMMIT")
        self._common = {gen: found}

    def _term_stats(self, table: str, term: str) -> tuple[int, float]:
        """(how many rows hold the term, counted up to COMMON_ROWS + 1; the share of rows
        holding it where its newest ones lie: those rows over the span of their ids), cached
        per generation. One read of at most COMMON_ROWS + 1 ids, however common the word,
        counted where they are read: one row comes back, not the ids (handing Python 2,001
        rows was two thirds of the read's time, and a question's words made ten of them)."""
        counts = self._term_counts.get(self.generation())
        if counts is None or len(counts) > 50_000:
            counts = {}
            self._term_counts = {self.generation(): counts}
        key = (table, term)
        if key not in counts:
            n, newest, oldest = self.conn.execute(
                f"SELECT count(*), max(rowid), min(rowid) FROM (SELECT rowid FROM {table} "
                f"WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT {COMMON_ROWS + 1})",
                (f'"{term}"',),
            ).fetchone()
            counts[key] = (int(n), n / (newest - oldest + 1) if n else 0.0)
        return counts[key]

    # -- copying (storage/transfer.py) -----------------------------------------------------
    def table_rows(
        self, table: str, columns: Sequence[str], batch: int = 2_000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Every row of one table, `batch` rows at a time."""
        cols = ", ".join(f'"{c}"' for c in columns)
        # chunks with their text, vectors with their kind's name and article, as the others
        source = {
            "chunks": CHUNKS,
            "quotes": QUOTES,
            "embeddings": EMBEDDINGS,
            "articles": ARTICLES,
        }.get(table, table)
        cur = self.conn.execute(f"SELECT {cols} FROM {source}")
        while rows := cur.fetchmany(batch):
            yield [tuple(r) for r in rows]

    def vector_fields(self, vids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """vid -> (article id, speaker id or -1): what a Milvus collection filters on."""
        out: dict[int, tuple[str, int]] = {}
        for batch in _batches(list(vids), 500):
            marks = ",".join("?" * len(batch))
            for r in self.conn.execute(
                f"SELECT e.vid, {_VECTOR_ARTICLE.format(e='e')}, q.speaker_id FROM embeddings e "
                f"LEFT JOIN quotes q ON e.kind IN ('quote', 1) AND q.id = e.ref_id "
                f"WHERE e.vid IN ({marks})",
                batch,
            ):
                out[int(r[0])] = (str(r[1]), -1 if r[2] is None else int(r[2]))
        return out

    def load_tables(
        self, tables: Iterable[tuple[str, Sequence[str], Iterable[list[tuple[Any, ...]]]]]
    ) -> None:
        """Insert copied rows into this (empty) store in one transaction, then fill the FTS5
        tables from the copied text."""
        with self.write() as conn:
            for table, columns, batches in tables:
                if table == "aliases":
                    continue  # read from article_speakers
                # what this layout derives is not stored: a chunk's text, a vector's article
                keep = [i for i, c in enumerate(columns) if (table, c) not in _DERIVED]
                cols = ", ".join(f'"{columns[i]}"' for i in keep)
                verb = "INSERT OR REPLACE" if table == "meta" else "INSERT"
                sql = f"{verb} INTO {table} ({cols}) VALUES ({','.join('?' * len(keep))})"
                for rows in batches:
                    conn.executemany(sql, [_as_stored(table, columns, r, keep) for r in rows])
            conn.execute(f"INSERT INTO chunks_fts (rowid, text) SELECT id, text FROM {CHUNKS}")
            conn.execute("INSERT INTO quotes_fts (rowid, text) SELECT id, text FROM quotes")
            _blank_quote_texts(conn)
            self._bump(conn)


def _text_once(conn: sqlite3.Connection) -> bool:
    """DDL step 3: keep each text once. The chunks' copies of the article text go (a chunk is
    an article's [start, end)), the full-text tables' copies too (contentless), and the indexes
    on embeddings(kind, vid) and (article_id) whose work the one on (kind, ref_id) does. True
    when a store was converted (it then deserves a VACUUM); a store created with this layout
    has nothing to do."""
    columns = [r[1] for r in conn.execute("PRAGMA table_info(chunks)")]
    if "text" not in columns:
        return False
    conn.execute("DROP TABLE IF EXISTS chunks_fts")
    conn.execute("DROP TABLE IF EXISTS quotes_fts")
    # one statement at a time: executescript would commit the transaction
    for statement in _FTS.format(exists="").split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute("INSERT INTO chunks_fts (rowid, text) SELECT id, text FROM chunks")
    conn.execute("INSERT INTO quotes_fts (rowid, text) SELECT id, text FROM quotes")
    conn.execute("ALTER TABLE chunks DROP COLUMN text")
    conn.execute("DROP INDEX IF EXISTS embeddings_kind")
    conn.execute("DROP INDEX IF EXISTS embeddings_article")
    return True


_DERIVED = {("chunks", "text"), ("embeddings", "article_id")}


def _blank_quote_texts(conn: sqlite3.Connection, batch: int = 500) -> bool:
    """Store '' for each quote whose text is its article's text[start:end] (QUOTES reads it
    there). True when there were any."""
    moved = False
    done = ""
    while articles := conn.execute(
        "SELECT id, text FROM articles WHERE id > ? ORDER BY id LIMIT ?", (done, batch)
    ).fetchall():
        done = articles[-1][0]
        blank = []
        for aid, stored in articles:
            text = stored_text(stored)
            blank += [
                (r[0],)
                for r in conn.execute(
                    "SELECT id, start, \"end\", text FROM quotes WHERE article_id=? AND text != ''",
                    (aid,),
                )
                if text[r[1] : r[2]] == r[3]
            ]
        conn.executemany("UPDATE quotes SET text='' WHERE id=?", blank)
        moved = moved or bool(blank)
    return moved


def _quotes_once(conn: sqlite3.Connection) -> bool:
    """DDL step 8: a quote's text is kept once, in its article (quotes.text '': QUOTES), and
    quotes_fts is contentless like chunks_fts. True when a store was converted."""
    moved = False
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'quotes_fts'").fetchone()
    if "content=''" not in str(sql[0]):
        conn.execute("DROP TABLE quotes_fts")
        conn.execute(_FTS.format(exists="").split(";")[1])
        conn.execute("INSERT INTO quotes_fts (rowid, text) SELECT id, text FROM quotes")
        moved = True
    return _blank_quote_texts(conn) or moved


def _rows_once(conn: sqlite3.Connection) -> bool:
    """DDL step 7: aliases is a view of article_speakers.aliases (the same rows: each name an
    article's speaker goes by), and a sentence's vector is kept with the first of its quotes
    only (`Store._sentence_vectors`). True when a store was converted."""
    moved = False
    kind = conn.execute("SELECT type FROM sqlite_master WHERE name = 'aliases'").fetchone()
    if kind is not None and kind[0] == "table":
        conn.execute("DROP TABLE aliases")
        conn.execute(_ALIASES.format(exists=""))
        moved = True
    gone = conn.execute(
        "DELETE FROM embeddings WHERE kind IN (?, ?) AND ref_id IN (SELECT q.id FROM quotes q "
        "JOIN quotes f ON f.article_id = q.article_id AND f.ctx_start = q.ctx_start "
        "AND f.ctx_end = q.ctx_end AND f.id < q.id "
        "JOIN embeddings e ON e.kind IN (?, ?) AND e.ref_id = f.id)",
        (*_kinds(CONTEXT), *_kinds(CONTEXT)),
    ).rowcount
    return moved or gone > 0


def _as_stored(
    table: str, columns: Sequence[str], row: tuple[Any, ...], keep: list[int]
) -> tuple[Any, ...]:
    """A copied row (as table_rows gives it) as this layout stores it."""
    if table == "embeddings":
        return tuple(KIND_CODES[row[i]] if columns[i] == "kind" else row[i] for i in keep)
    if table == "articles":
        return tuple(compress_text(row[i]) if columns[i] == "text" else row[i] for i in keep)
    return tuple(row[i] for i in keep)


def _lean_speakers(conn: sqlite3.Connection) -> bool:
    """DDL step 6: the unused index on aliases(alias) goes, and article_speakers is copied into
    a table without a rowid. True when a store was converted."""
    moved = bool(
        conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'aliases_alias'").fetchone()
    )
    conn.execute("DROP INDEX IF EXISTS aliases_alias")
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'article_speakers'").fetchone()
    if "WITHOUT ROWID" in str(sql[0]).upper():
        return moved
    conn.execute(_ARTICLE_SPEAKERS.format(exists="", name="article_speakers_lean"))
    conn.execute(
        "INSERT INTO article_speakers_lean SELECT article_id, speaker_id, roles, aliases, "
        "quoted, mentions FROM article_speakers ORDER BY article_id, speaker_id"
    )
    conn.execute("DROP TABLE article_speakers")
    conn.execute("ALTER TABLE article_speakers_lean RENAME TO article_speakers")
    conn.execute("CREATE INDEX article_speakers_speaker ON article_speakers(speaker_id)")
    return True


def _compress_texts(conn: sqlite3.Connection, batch: int = 500) -> bool:
    """DDL step 5: compress the article texts still stored plain. True when there were any."""
    moved = False
    while rows := conn.execute(
        "SELECT id, text FROM articles WHERE typeof(text) = 'text' LIMIT ?", (batch,)
    ).fetchall():
        conn.executemany(
            "UPDATE articles SET text=? WHERE id=?", [(compress_text(t), a) for a, t in rows]
        )
        moved = True
    return moved


def _lean_vectors(conn: sqlite3.Connection) -> bool:
    """DDL step 4: embeddings rows without the article id (their chunk or quote has it) and
    with the kind as KIND_CODES, the table copied in vid order. True when a store was
    converted; a store created with this layout has nothing to do."""
    if "article_id" not in [r[1] for r in conn.execute("PRAGMA table_info(embeddings)")]:
        return False
    conn.execute(_EMBEDDINGS.format(exists="", name="embeddings_lean"))
    conn.execute(
        "INSERT INTO embeddings_lean (vid, kind, ref_id, vec) SELECT vid, CASE kind "
        + " ".join(f"WHEN '{name}' THEN {code}" for name, code in KIND_CODES.items())
        + " END, ref_id, vec FROM embeddings ORDER BY vid"
    )
    conn.execute("DROP TABLE embeddings")
    conn.execute("ALTER TABLE embeddings_lean RENAME TO embeddings")
    conn.execute("CREATE INDEX embeddings_ref ON embeddings(kind, ref_id)")
    return True


def encode_vector(vec: np.ndarray) -> bytes:
    """A vector as the store keeps it (opaque bytes to the database: storage.codec)."""
    return codec.encode(vec)


def vector_block(rows: Sequence[tuple[int, bytes]], dim: int) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of stored (vid, bytes) rows; a wrong dimension is a StoreError."""
    ids = np.empty(len(rows), dtype=np.int64)
    vecs = np.empty((len(rows), dim), dtype=np.float32)
    for i, (vid, blob) in enumerate(rows):
        if codec.dims(blob) != dim:
            raise StoreError(
                f"stored vectors have {codec.dims(blob)} dimensions, the model has {dim}: "
                "run `whosaid reindex`"
            )
        ids[i] = vid
        vecs[i] = codec.decode(blob)
    return ids, vecs


def row_to_quote(r: Mapping[str, Any] | sqlite3.Row) -> Quote:
    keys = r.keys()
    return Quote(
        text=r["text"],
        start=r["start"],
        end=r["end"],
        kind=r["kind"],
        speaker=r["speaker_name"] if "speaker_name" in keys else None,
        speaker_mention=r["mention"],
        cue=r["cue"],
        group=r["grp"],
        context_start=r["ctx_start"],
        context_end=r["ctx_end"],
        how=r["how"],
        speaker_kind=r["speaker_kind"] or "unknown",
    )


def _batches(items: list[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
