"""Read-side queries for answering: speakers, quotes, lexical (FTS5) and dense (FAISS) search.

Kept apart from store.py, which owns writing. Everything here reads the engine's SQLite
connection and FAISS indexes; results carry plain ids and offsets so answers.py can cut
verbatim text out of the stored article.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from retrieval.language.tokens import fold
from retrieval.speakers.directory import SpeakerDirectory
from retrieval.speakers.merging import SpeakerInfo, SpeakerRoster
from retrieval.storage.interfaces import Hit
from retrieval.storage.store import Store, fts_query
from retrieval.types import ArticleRef


@dataclass
class QuoteRow:
    """A stored quote with its speaker's canonical name (after merging stray short names)."""

    id: int
    article_id: str
    speaker: str | None
    speaker_kind: str
    text: str
    start: int
    end: int
    kind: str
    cue: str | None
    mention: str | None
    group: int | None
    ctx_start: int
    ctx_end: int
    how: str | None


@dataclass(frozen=True, slots=True)
class QuoteStub:
    """A quote as far as counting and ordering a speaker's quotes needs: no text, no context.

    A speaker quoted thousands of times is ranked on these; only the few shown become
    `QuoteRow`s. `same` groups word-for-word copies (one story in many editions or outlets).
    """

    id: int
    vid: int | None  # its vector in the quote index
    article_id: str
    speaker: str
    kind: str
    start: int
    length: int
    same: int  # equal for one speaker's quotes with the same words (case, punctuation folded)


class _Snapshot:
    """Speakers and the directory at one store generation (rebuilt when it changes)."""

    def __init__(self, conn: sqlite3.Connection, generation: int) -> None:
        self.generation = generation
        # name -> its quotes, light (see QuoteStub); filled on first use, per generation
        self.stubs: dict[str, list[QuoteStub]] = {}
        self.wordings: dict[tuple[str, str], int] = {}  # (name, folded words) -> QuoteStub.same
        self.term_rows: dict[tuple[str, str], int] = {}  # (fts table, term) -> rows, capped
        self.articles: int | None = None  # how many, counted on first use
        # what answering derives once per generation: the title-stem index (topic_articles)
        # and, per group of speaker names, their quotes by wording and first by prior
        # (speaker_quotes)
        self.title_stems: dict[str, list[str]] | None = None
        # article id -> publication date, for dated questions (read once per generation)
        self.published: dict[str, str | None] | None = None
        self.speaker_order: dict[
            tuple[str, ...], tuple[dict[int, list[QuoteStub]], list[QuoteStub]]
        ] = {}
        # Read in article order, one article's rows at a time: holding every row at once
        # left ~150 MB of heap behind at 100k chunks.
        rows = conn.execute(
            "SELECT a.article_id, s.name, s.kind, a.roles, a.aliases, a.quoted "
            "FROM article_speakers a JOIN speakers s ON s.id = a.speaker_id "
            "ORDER BY a.article_id"
        )
        roster = SpeakerRoster(rows)
        self.speakers = roster.speakers
        self.canonical = roster.canonical
        self.raw_names = roster.raw_names
        self.directory = roster.directory


Key = TypeVar("Key", int, str)
_T = TypeVar("_T", QuoteRow, QuoteStub)
IN_BATCH = 500  # keys per "IN (...)" query, well under SQLite's bound-variable limit


def _in_batches(keys: Iterable[Key]) -> Iterator[tuple[str, list[Key]]]:
    """Distinct keys in batches, each with its "(?,?,...)" for an IN clause."""
    todo = list(dict.fromkeys(keys))
    for i in range(0, len(todo), IN_BATCH):
        batch = todo[i : i + IN_BATCH]
        yield "(" + ",".join("?" * len(batch)) + ")", batch


# Lexical search: a term in more rows than this is "common" (see Searcher.lexical); at ~3 us
# a row, ranking stays within a few milliseconds.
COMMON_ROWS = 2000
RANK_WINDOW = 2000
_TERM = re.compile(r'"([^"]+)"')
_WORDS = re.compile(r"[^\w]+")

_SNAPSHOTS: weakref.WeakKeyDictionary[Any, _Snapshot] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


class SearchIndex(Protocol):
    """What answering needs from the engine: its store, the embedder, the vector indexes."""

    @property
    def store(self) -> Store: ...
    def embed(self, texts: list[str]) -> np.ndarray: ...
    def search_vectors(self, kind: str, query: np.ndarray, k: int) -> list[Hit]: ...
    def search_among(
        self, kind: str, query: np.ndarray, vids: Sequence[int], k: int
    ) -> list[tuple[int, float]]: ...


class Searcher:
    """The queries answering needs, over the engine (its store, vector indexes, embedder)."""

    def __init__(self, engine: SearchIndex, within: frozenset[str] | None = None) -> None:
        self.engine = engine
        # the articles a time-scoped question may draw on (None: all)
        self.within = within
        self.store = engine.store
        self.conn: sqlite3.Connection = engine.store.conn
        gen = self.store.generation()
        with _LOCK:
            snap = _SNAPSHOTS.get(engine)
            if snap is None or snap.generation != gen:
                snap = _Snapshot(self.conn, gen)
                _SNAPSHOTS[engine] = snap
        self.snapshot = snap
        self._texts: dict[str, str] = {}
        self._refs: dict[str, ArticleRef | None] = {}
        # One question asks for the same vector, neighbours or matches more than once
        # ("who said" embeds its phrase for quotes, passages and scoring).
        self._vecs: dict[str, np.ndarray] = {}
        self._dense: dict[tuple[str, bytes, int], list[tuple[int, str, float]]] = {}
        self._stored: dict[str, dict[int, np.ndarray | None]] = {}  # kind -> quote id -> vector
        self._lexical: dict[tuple[str, str, int], list[int]] = {}

    def allows(self, article_id: str) -> bool:
        return self.within is None or article_id in self.within

    def _allowed(self, items: list[_T]) -> list[_T]:
        if self.within is None:
            return items
        return [x for x in items if x.article_id in self.within]

    # -- speakers ---------------------------------------------------------------------------
    @property
    def directory(self) -> SpeakerDirectory:
        return self.snapshot.directory

    def speaker(self, name: str) -> SpeakerInfo | None:
        return self.snapshot.speakers.get(name)

    def article_count(self) -> int:
        if self.snapshot.articles is None:
            row = self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()
            self.snapshot.articles = int(row[0])
        return self.snapshot.articles

    def role(self, name: str | None, article_id: str) -> str | None:
        info = self.snapshot.speakers.get(name or "")
        roles = info.roles.get(article_id) if info else None
        return roles[0] if roles else None

    # -- articles ---------------------------------------------------------------------------
    def text(self, article_id: str) -> str:
        if article_id not in self._texts:
            self._texts[article_id] = self.store.article_text(article_id) or ""
        return self._texts[article_id]

    def ref(self, article_id: str) -> ArticleRef | None:
        if article_id not in self._refs:
            self._refs[article_id] = self.store.article_ref(article_id)
        return self._refs[article_id]

    def read_refs(self, article_ids: Iterable[str]) -> None:
        """Look up many articles' refs in one query (the copies of a much-republished quote)."""
        todo = (a for a in article_ids if a not in self._refs)
        for marks, batch in _in_batches(todo):
            for r in self.conn.execute(
                f"SELECT id, title, url, source, published FROM articles WHERE id IN {marks}",
                batch,
            ):
                self._refs[str(r[0])] = ArticleRef(str(r[0]), r[1], r[2], r[3], r[4])

    def published(self) -> dict[str, str | None]:
        """Article id -> its publication date (YYYY-MM-DD), None when it has none; read
        once per store generation, not on every dated question."""
        if self.snapshot.published is None:
            rows = self.conn.execute("SELECT id, published FROM articles").fetchall()
            self.snapshot.published = {str(r[0]): (str(r[1])[:10] if r[1] else None) for r in rows}
        return self.snapshot.published

    def articles(self) -> list[tuple[str, str]]:
        """(id, title) of every article."""
        rows = self.conn.execute("SELECT id, COALESCE(title, '') FROM articles").fetchall()
        return [(str(r[0]), str(r[1])) for r in rows]

    # -- quotes -----------------------------------------------------------------------------
    _QUOTE_SQL = (
        'SELECT q.id, q.article_id, s.name AS speaker, q.speaker_kind, q.text, q.start, q."end", '
        "q.kind, q.cue, q.mention, q.grp, q.ctx_start, q.ctx_end, q.how, s.kind AS skind "
        "FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id "
    )

    def _rows(self, where: str, params: Sequence[Any]) -> list[QuoteRow]:
        out = []
        for r in self.conn.execute(self._QUOTE_SQL + where, params).fetchall():
            raw = r["speaker"]
            name = self.snapshot.canonical.get((r["article_id"], raw), raw) if raw else None
            out.append(
                QuoteRow(
                    id=int(r["id"]),
                    article_id=str(r["article_id"]),
                    speaker=name,
                    speaker_kind=self._kind(name, r["skind"] or r["speaker_kind"]),
                    text=str(r["text"]),
                    start=int(r["start"]),
                    end=int(r["end"]),
                    kind=str(r["kind"]),
                    cue=r["cue"],
                    mention=r["mention"],
                    group=r["grp"],
                    ctx_start=int(r["ctx_start"]),
                    ctx_end=int(r["ctx_end"]),
                    how=r["how"],
                )
            )
        return out

    def _kind(self, name: str | None, raw: str | None) -> str:
        info = self.snapshot.speakers.get(name or "")
        return info.kind if info else str(raw or "unknown")

    def quotes_of(self, names: Iterable[str]) -> list[QuoteRow]:
        """Every quote whose (canonical) speaker is one of `names`."""
        wanted = set(names)
        raws = set(wanted)
        for name in wanted:
            raws |= self.snapshot.raw_names.get(name, set())
        if not raws:
            return []
        marks = ",".join("?" * len(raws))
        rows = self._rows(f"WHERE s.name IN ({marks}) ORDER BY q.article_id, q.start", list(raws))
        return self._allowed([r for r in rows if r.speaker in wanted])

    def quote_stubs(self, names: Iterable[str]) -> list[QuoteStub]:
        """`quotes_of` as stubs, in the same order; cached per speaker for the generation."""
        wanted = list(dict.fromkeys(names))
        out: list[QuoteStub] = []
        for name in wanted:
            stubs = self.snapshot.stubs.get(name)
            if stubs is None:
                stubs = self.snapshot.stubs[name] = self._load_stubs(name)
            out += stubs
        if len(wanted) > 1:
            out.sort(key=lambda st: (st.article_id, st.start))
        return self._allowed(out)

    def _load_stubs(self, name: str) -> list[QuoteStub]:
        raws = sorted(self.snapshot.raw_names.get(name, set()) | {name})
        rows = self.conn.execute(
            "SELECT q.id, q.article_id, s.name, q.kind, q.start, q.text, e.vid "
            "FROM quotes q JOIN speakers s ON s.id = q.speaker_id "
            "LEFT JOIN embeddings e ON e.kind = 'quote' AND e.ref_id = q.id "
            f"WHERE s.name IN ({','.join('?' * len(raws))}) ORDER BY q.article_id, q.start",
            raws,
        ).fetchall()
        canonical = self.snapshot.canonical
        same = self.snapshot.wordings
        out = []
        for r in rows:
            if canonical.get((r[1], r[2]), r[2]) != name:
                continue
            words = _WORDS.sub(" ", fold(r[5]).lower()).strip()[:200]
            out.append(
                QuoteStub(
                    id=int(r[0]),
                    vid=None if r[6] is None else int(r[6]),
                    article_id=str(r[1]),
                    speaker=name,
                    kind=str(r[3]),
                    start=int(r[4]),
                    length=len(r[5]),
                    same=same.setdefault((name, words), len(same)),
                )
            )
        return out

    def quotes_by_id(self, ids: Iterable[int]) -> list[QuoteRow]:
        out: list[QuoteRow] = []
        for marks, batch in _in_batches(ids):
            out += self._rows(f"WHERE q.id IN {marks}", batch)
        return self._allowed(out)

    def quotes_in(self, article_id: str, start: int, end: int) -> list[QuoteRow]:
        return self._rows(
            'WHERE q.article_id = ? AND q.start >= ? AND q."end" <= ? ORDER BY q.start',
            (article_id, start, end),
        )

    def group_pieces(self, q: QuoteRow) -> list[QuoteRow]:
        """The pieces of a split statement (same article and group), in text order."""
        if q.group is None:
            return [q]
        return self._rows(
            "WHERE q.article_id = ? AND q.grp = ? ORDER BY q.start", (q.article_id, q.group)
        )

    def all_quotes(self, limit: int = 20000) -> list[QuoteRow]:
        return self._rows("ORDER BY q.article_id, q.start LIMIT ?", (limit,))

    # -- vectors ------------------------------------------------------------------------------
    def embed(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._vecs]
        if todo:
            vecs = np.asarray(self.engine.embed(todo), dtype=np.float32)
            self._vecs.update(zip(todo, vecs, strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vecs[t] for t in texts])

    def quote_vectors(self, ids: Iterable[int], kind: str = "quote") -> dict[int, np.ndarray]:
        """Quote id -> its stored vector: the quote's own ("quote") or its sentence's
        ("context", absent where the sentence is the quote or the store predates them)."""
        cached = self._stored.setdefault(kind, {})
        todo = [i for i in ids if i not in cached]
        for marks, batch in _in_batches(todo):
            for r in self.conn.execute(
                f"SELECT ref_id, vec FROM embeddings WHERE kind=? AND ref_id IN {marks}",
                [kind, *batch],
            ):
                cached[int(r[0])] = np.frombuffer(r[1], dtype=np.float32)
            for i in batch:
                cached.setdefault(i, None)
        return {i: v for i in ids if (v := cached.get(i)) is not None}

    def dense(self, kind: str, vec: np.ndarray, k: int) -> list[tuple[int, str, float]]:
        """(ref id, article id, cosine) of the k nearest chunks or quotes."""
        key = (kind, np.ascontiguousarray(vec, dtype=np.float32).tobytes(), k)
        if key not in self._dense:
            # a time-scoped question looks further, then keeps its articles' hits
            want = k if self.within is None else min(8 * k, k + 2000)
            hits = self.engine.search_vectors(kind, vec.reshape(1, -1), want)
            found = [(h.ref_id, h.article_id, float(h.score)) for h in hits]
            self._dense[key] = [h for h in found if self.allows(h[1])][:k]
        return list(self._dense[key])

    def dense_among(self, vec: np.ndarray, vids: Sequence[int], k: int) -> dict[int, float]:
        """vector id -> cosine of the k quote vectors nearest to `vec` among `vids` (FAISS
        filters while it scans, so a speaker's thousands of quotes are not read one by one)."""
        return dict(self.engine.search_among("quote", vec, vids, k))

    # -- lexical ------------------------------------------------------------------------------
    def lexical(self, table: str, text: str, k: int) -> list[int]:
        """Row ids of the best FTS5 (bm25) matches in quotes_fts or chunks_fts, best first.

        bm25 scores every row a term matches (a few microseconds each), so a word found in
        tens of thousands of rows would cost more than the rest of the answer. As in a
        "common terms" query, words in more than COMMON_ROWS rows are left out when rarer
        words are there to match; a question of common words only needs all of them (AND),
        ranked among the newest RANK_WINDOW such rows.
        """
        assert table in {"quotes_fts", "chunks_fts"}
        key = (table, text, k)
        if key in self._lexical:
            return list(self._lexical[key])
        query = fts_query(text)
        out: list[int] = []
        if query is not None:
            try:
                out = self._bm25(table, _TERM.findall(query), k)
            except sqlite3.OperationalError:
                out = []
        self._lexical[key] = out
        return list(out)

    def _bm25(self, table: str, terms: list[str], k: int) -> list[int]:
        rare = [t for t in terms if self._rows_with(table, t) <= COMMON_ROWS]
        if rare:
            match = " OR ".join(f'"{t}"' for t in rare)
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT ?"
        else:
            match = " AND ".join(f'"{t}"' for t in terms)
            sql = (
                f"SELECT rowid FROM (SELECT rowid, rank FROM {table} WHERE {table} MATCH ? "
                f"ORDER BY rowid DESC LIMIT {RANK_WINDOW}) ORDER BY rank LIMIT ?"
            )
        return [int(r[0]) for r in self.conn.execute(sql, (match, k)).fetchall()]

    def _rows_with(self, table: str, term: str) -> int:
        """How many rows hold the term, counted up to COMMON_ROWS + 1 (cached per generation)."""
        counts = self.snapshot.term_rows
        key = (table, term)
        if key not in counts:
            if len(counts) > 50_000:
                counts.clear()
            counts[key] = int(
                self.conn.execute(
                    f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? "
                    f"LIMIT {COMMON_ROWS + 1})",
                    (f'"{term}"',),
                ).fetchone()[0]
            )
        return counts[key]

    def chunks(self, ids: Iterable[int]) -> dict[int, tuple[str, int, int]]:
        """chunk id -> (article id, start, end)."""
        out: dict[int, tuple[str, int, int]] = {}
        for marks, batch in _in_batches(ids):
            for r in self.conn.execute(
                f'SELECT id, article_id, start, "end" FROM chunks WHERE id IN {marks}', batch
            ):
                if self.allows(str(r[1])):
                    out[int(r[0])] = (str(r[1]), int(r[2]), int(r[3]))
        return out
