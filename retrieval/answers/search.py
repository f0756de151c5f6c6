"""Read-side queries for answering: speakers, quotes, lexical (FTS5) and dense (FAISS) search.

Kept apart from the store, which owns every query (SQLite or PostgreSQL): everything here
goes through its read methods and the engine's vector indexes; results carry plain ids and
offsets so answers.py can cut verbatim text out of the stored article.
"""

from __future__ import annotations

import gc
import re
import threading
import weakref
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from retrieval.language.tokens import fold
from retrieval.speakers import saved
from retrieval.speakers.directory import SpeakerDirectory
from retrieval.speakers.merging import SpeakerInfo, SpeakerRoster
from retrieval.storage import codec
from retrieval.storage.interfaces import ArticleStore, Hit, StoredQuote
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

    def __init__(self, store: ArticleStore, generation: int) -> None:
        self.generation = generation
        # name -> its quotes, light (see QuoteStub); filled on first use, per generation
        self.stubs: dict[str, list[QuoteStub]] = {}
        # several names -> their stubs merged in text order (a prolific speaker's tens of
        # thousands of quotes were sorted again on every question)
        self.merged: dict[tuple[str, ...], list[QuoteStub]] = {}
        self.wordings: dict[tuple[str, str], int] = {}  # (name, folded words) -> QuoteStub.same
        self.articles: int | None = None  # how many, counted on first use
        # what answering derives once per generation: the title-stem index (topic_articles)
        # and, per group of speaker names, their quotes by wording and first by prior
        # (speaker_quotes)
        self.title_stems: dict[str, list[str]] | None = None
        # article id -> publication date, for dated questions (read once per generation)
        self.published: dict[str, str | None] | None = None
        # article id -> its title, address and date as answers name it (None: not stored),
        # read as answers need them: a story in many outlets names them all ("also in")
        self.refs: dict[str, ArticleRef | None] = {}
        # quotes' stored vectors read at this generation (see `Searcher._memo`): questions
        # compare the same quotes again and again
        self.memo: dict[str, dict[Any, Any]] = {}
        self.speaker_order: dict[
            tuple[str, ...], tuple[dict[int, list[QuoteStub]], list[QuoteStub]]
        ] = {}
        # saved beside the store by a process that built them at this generation (see
        # speakers.saved), else built from every speaker row
        roster = saved.load(store.data_dir, generation) or SpeakerRoster(store.speaker_rows())
        self.roster = roster
        self.speakers = roster.speakers
        self.canonical = roster.canonical
        self.raw_names = roster.raw_names
        self.directory = roster.directory


_T = TypeVar("_T", QuoteRow, QuoteStub)
# Entries a memo of one kind keeps (then it starts again): ~8 MB for a kind of stored vector
# (8-bit codes) at this bound. Quote rows are read each time: a row a write removed is left
# out even before this process sees the write (tests/answers/test_stale_reads.py).
MEMO_MAX = 20_000
_MISSING = object()
_LEXICAL_KINDS = {"quotes_fts": "quote", "chunks_fts": "chunk"}
_WORDS = re.compile(r"[^\w]+")

_SNAPSHOTS: weakref.WeakKeyDictionary[Any, _Snapshot] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


class SearchIndex(Protocol):
    """What answering needs from the engine: its store, the embedder, the vector indexes."""

    @property
    def store(self) -> ArticleStore: ...
    def embed(self, texts: list[str]) -> np.ndarray: ...
    def search_vectors(
        self, kind: str, query: np.ndarray, k: int, within: Collection[str] | None = None
    ) -> list[Hit]: ...
    def search_many(self, wanted: Sequence[tuple[str, np.ndarray, int]]) -> list[list[Hit]]: ...
    def search_among(
        self, kind: str, query: np.ndarray, vids: Sequence[int], k: int
    ) -> list[tuple[int, float]]: ...


def _snapshot(engine: SearchIndex) -> _Snapshot:
    """The engine's tables at the store's generation now, built when it has none yet."""
    gen = engine.store.generation()
    with _LOCK:
        snap = _SNAPSHOTS.get(engine)
        if snap is None or snap.generation != gen:
            snap = _Snapshot(engine.store, gen)
            _SNAPSHOTS[engine] = snap
    return snap


def speaker_roster(engine: SearchIndex) -> tuple[int, SpeakerRoster] | None:
    """(generation, the speakers' tables) the engine's answers last read; None before any."""
    with _LOCK:
        snap = _SNAPSHOTS.get(engine)
    return None if snap is None else (snap.generation, snap.roster)


def load_tables(engine: SearchIndex) -> None:
    """Build the read side's tables (speakers, names, directory) for the store's current
    generation now, so that the first question does not pay for reading every speaker row
    (at 100k chunks about 2 s); later questions at that generation reuse them. The
    articles' refs come too (a few MB at 100k chunks): a story in many outlets names them all."""
    snap = _snapshot(engine)
    if not snap.refs:
        ids = [aid for aid, _ in engine.store.article_titles()]
        found = engine.store.article_refs(ids)
        snap.refs.update({aid: found.get(aid) for aid in ids})
    keep_out_of_collections()


def keep_out_of_collections() -> None:
    """Move what the process holds now (the models, the vector indexes, these tables) out of
    the cyclic collector's walks (`gc.freeze`): it lives until the store changes, and at 100k
    chunks it is some 400,000 objects (every speaker's roles and names, every article's ref),
    which a full collection walked in about 300 ms on whichever question came when one fell
    due, most often the first after `Engine.load`. The tables hold no reference cycles, so
    those a later generation replaces are still freed as soon as they are dropped. Frozen
    objects are never collected: when something was frozen before (tables rebuilt after a
    write), it is thawed and collected first, on the loading thread, so garbage is not kept."""
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.freeze()


class Searcher:
    """The queries answering needs, over the engine (its store, vector indexes, embedder)."""

    def __init__(self, engine: SearchIndex, within: frozenset[str] | None = None) -> None:
        self.engine = engine
        # the articles a time-scoped question may draw on (None: all)
        self.within = within
        self.store = engine.store
        self.snapshot = _snapshot(engine)
        self._texts: dict[str, str] = {}
        self._refs = self.snapshot.refs
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
            self.snapshot.articles = self.store.article_count()
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
        todo = [a for a in article_ids if a not in self._refs]
        if todo:
            found = self.store.article_refs(todo)
            self._refs.update({a: found.get(a) for a in todo})

    def published(self) -> dict[str, str | None]:
        """Article id -> its publication date (YYYY-MM-DD), None when it has none; read
        once per store generation, not on every dated question."""
        if self.snapshot.published is None:
            rows = self.store.article_dates()
            self.snapshot.published = {aid: (day[:10] if day else None) for aid, day in rows}
        return self.snapshot.published

    def articles(self) -> list[tuple[str, str]]:
        """(id, title) of every article."""
        return self.store.article_titles()

    # -- quotes -----------------------------------------------------------------------------
    def _rows(self, stored: list[StoredQuote]) -> list[QuoteRow]:
        out = []
        for r in stored:
            raw = r.speaker
            name = self.snapshot.canonical.get((r.article_id, raw), raw) if raw else None
            out.append(
                QuoteRow(
                    id=r.id,
                    article_id=r.article_id,
                    speaker=name,
                    speaker_kind=self._kind(name, r.skind or r.speaker_kind),
                    text=r.text,
                    start=r.start,
                    end=r.end,
                    kind=r.kind,
                    cue=r.cue,
                    mention=r.mention,
                    group=r.group,
                    ctx_start=r.ctx_start,
                    ctx_end=r.ctx_end,
                    how=r.how,
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
        rows = self._rows(self.store.quotes_by_speakers(list(raws)))
        return self._allowed([r for r in rows if r.speaker in wanted])

    def quote_stubs(self, names: Iterable[str]) -> list[QuoteStub]:
        """`quotes_of` as stubs, in the same order; cached per speaker for the generation."""
        wanted = tuple(dict.fromkeys(names))
        merged = self.snapshot.merged.get(wanted)
        if merged is None:
            merged = []
            for name in wanted:
                stubs = self.snapshot.stubs.get(name)
                if stubs is None:
                    stubs = self.snapshot.stubs[name] = self._load_stubs(name)
                merged += stubs
            if len(wanted) > 1:  # several speakers' quotes in text order, sorted once
                merged.sort(key=lambda st: (st.article_id, st.start))
                self.snapshot.merged[wanted] = merged
        return self._allowed(list(merged))

    def _load_stubs(self, name: str) -> list[QuoteStub]:
        raws = sorted(self.snapshot.raw_names.get(name, set()) | {name})
        rows = self.store.quote_stub_rows(raws)
        canonical = self.snapshot.canonical
        same = self.snapshot.wordings
        # one story in many editions or outlets: its words are folded once, not per copy
        folded: dict[str, str] = {}
        out = []
        for r in rows:
            if canonical.get((r[1], r[2]), r[2]) != name:
                continue
            words = folded.get(r[5])
            if words is None:
                words = folded[r[5]] = _WORDS.sub(" ", fold(r[5]).lower()).strip()[:200]
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

    def _memo(self, name: str) -> dict[Any, Any]:
        """What was read of one kind at this generation (emptied past MEMO_MAX entries)."""
        memo = self.snapshot.memo.setdefault(name, {})
        if len(memo) > MEMO_MAX:
            memo.clear()
        return memo

    def quotes_by_id(self, ids: Iterable[int]) -> list[QuoteRow]:
        return self._allowed(self._rows(self.store.quotes_by_ids(ids)))

    def quotes_in(self, article_id: str, start: int, end: int) -> list[QuoteRow]:
        return self._rows(self.store.quotes_between(article_id, start, end))

    def group_pieces(self, q: QuoteRow) -> list[QuoteRow]:
        """The pieces of a split statement (same article and group), in text order."""
        if q.group is None:
            return [q]
        return self._rows(self.store.quotes_in_group(q.article_id, q.group))

    def all_quotes(self, limit: int = 20000) -> list[QuoteRow]:
        return self._rows(self.store.first_quotes(limit))

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
        ids = list(ids)
        cached = self._stored.setdefault(kind, {})
        todo = [i for i in ids if i not in cached]
        memo = self._memo(f"vector:{kind}")  # quote id -> its stored bytes, None: none stored
        blobs = {i: b for i in todo if (b := memo.get(i, _MISSING)) is not _MISSING}
        unread = [i for i in todo if i not in blobs]
        if unread:
            found = self.store.vectors_by_ref(kind, unread)
            for i in unread:
                blobs[i] = memo[i] = found.get(i)
        blobs = {i: b for i, b in blobs.items() if b is not None}
        cached.update(zip(blobs, codec.decode_many(list(blobs.values())), strict=True))
        for i in todo:
            cached.setdefault(i, None)
        return {i: v for i in ids if (v := cached.get(i)) is not None}

    def _keep_vectors(self, hits: Iterable[Hit]) -> None:
        """The quotes' own vectors a search scored its hits with, as `quote_vectors` would
        read them (the same stored bytes): the candidates it finds are compared next."""
        cached = self._stored.setdefault("quote", {})
        for h in hits:
            if h.kind == "quote" and h.vec is not None:
                cached.setdefault(h.ref_id, h.vec)

    def dense(self, kind: str, vec: np.ndarray, k: int) -> list[tuple[int, str, float]]:
        """(ref id, article id, cosine) of the k nearest chunks or quotes."""
        key = (kind, np.ascontiguousarray(vec, dtype=np.float32).tobytes(), k)
        if key not in self._dense:
            self._dense[key] = [
                (h.ref_id, h.article_id, float(h.score)) for h in self._near(kind, vec, k)
            ]
        return list(self._dense[key])

    def _near(self, kind: str, vec: np.ndarray, k: int) -> list[Hit]:
        query = vec.reshape(1, -1)
        if self.within is None:
            return self.engine.search_vectors(kind, query, k)
        if 2 * len(self.within) >= self.article_count():
            # a wide window: the archive's best, kept in the window, are the window's best
            # as far as they reach (a prefix of one ranking); only a short list searches again
            hits = [
                h
                for h in self.engine.search_vectors(kind, query, 4 * k)
                if self.allows(h.article_id)
            ]
            if len(hits) >= k:
                return hits[:k]
        # a time-scoped question searches its own articles
        return self.engine.search_vectors(kind, query, k, self.within)

    def dense_many(
        self, wanted: Sequence[tuple[str, np.ndarray, int]]
    ) -> list[list[tuple[int, str, float]]]:
        """`dense` for several (kind, vector, k), the searches not done yet side by side (a
        time-scoped question's searches, which look within its window, one by one)."""
        if self.within is not None:
            return [self.dense(kind, v, k) for kind, v, k in wanted]
        keys = [
            (kind, np.ascontiguousarray(v, dtype=np.float32).tobytes(), k) for kind, v, k in wanted
        ]
        todo = {key: w for key, w in zip(keys, wanted, strict=True) if key not in self._dense}
        if todo:
            asked = [(kind, v.reshape(1, -1), k) for kind, v, k in todo.values()]
            found = self.engine.search_many(asked)
            for key, hits in zip(todo, found, strict=True):
                self._dense[key] = [(h.ref_id, h.article_id, float(h.score)) for h in hits]
                self._keep_vectors(hits)
        return [list(self._dense[key]) for key in keys]

    def dense_among(self, vec: np.ndarray, vids: Sequence[int], k: int) -> dict[int, float]:
        """vector id -> cosine of the k quote vectors nearest to `vec` among `vids` (FAISS
        filters while it scans, so a speaker's thousands of quotes are not read one by one)."""
        return dict(self.engine.search_among("quote", vec, vids, k))

    # -- lexical ------------------------------------------------------------------------------
    def lexical(self, table: str, text: str, k: int) -> list[int]:
        """Row ids of the best lexical matches in quotes ("quotes_fts") or passages
        ("chunks_fts"), best first (the store's full-text search and its cost guard)."""
        key = (table, text, k)
        if key not in self._lexical:
            self._lexical[key] = self.store.lexical(_LEXICAL_KINDS[table], text, k)
        return list(self._lexical[key])

    def chunks(self, ids: Iterable[int]) -> dict[int, tuple[str, int, int]]:
        """chunk id -> (article id, start, end)."""
        spans = self.store.chunk_spans(ids).items()
        return {cid: span for cid, span in spans if self.allows(span[0])}
