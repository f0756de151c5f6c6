"""Read-side queries for answering: speakers, quotes, lexical (FTS5) and dense (FAISS) search.

Kept apart from store.py, which owns writing. Everything here reads the engine's SQLite
connection and FAISS indexes; results carry plain ids and offsets so answers.py can cut
verbatim text out of the stored article.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retrieval.directory import DirectoryEntry, SpeakerDirectory, tokens
from retrieval.store import fts_query
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


@dataclass
class SpeakerInfo:
    """What the index knows about one canonical speaker across articles."""

    name: str
    kind: str
    quoted_in: set[str] = field(default_factory=set)  # article ids
    mentioned_in: set[str] = field(default_factory=set)
    roles: dict[str, list[str]] = field(default_factory=dict)  # article id -> roles
    aliases: set[str] = field(default_factory=set)


class _Snapshot:
    """Speakers and the directory at one store generation (rebuilt when it changes)."""

    def __init__(self, conn: sqlite3.Connection, generation: int) -> None:
        self.generation = generation
        self.speakers: dict[str, SpeakerInfo] = {}
        self.canonical: dict[tuple[str, str], str] = {}  # (article id, raw name) -> name
        rows = conn.execute(
            "SELECT a.article_id, s.name, s.kind, a.roles, a.aliases, a.quoted "
            "FROM article_speakers a JOIN speakers s ON s.id = a.speaker_id"
        ).fetchall()
        by_article: dict[str, list[sqlite3.Row]] = defaultdict(list)
        for r in rows:
            by_article[r["article_id"]].append(r)
        for aid, group in by_article.items():
            people = [r for r in group if r["kind"] == "person" and len(r["name"].split()) > 1]
            for r in group:
                name = self._merge_target(r, people)
                self.canonical[(aid, r["name"])] = name
                info = self.speakers.get(name)
                if info is None:
                    kind = r["kind"] if name == r["name"] else "person"
                    info = self.speakers[name] = SpeakerInfo(name, kind)
                (info.quoted_in if r["quoted"] else info.mentioned_in).add(aid)
                info.roles.setdefault(aid, [])
                for role in _loads(r["roles"]):
                    if role not in info.roles[aid]:
                        info.roles[aid].append(role)
                info.aliases.update(_loads(r["aliases"]))
        self.directory = SpeakerDirectory(
            DirectoryEntry(
                name=i.name,
                kind=i.kind if i.kind in {"person", "organization", "group"} else "unknown",  # type: ignore[arg-type]
                aliases=tuple(sorted(i.aliases)),
                roles=tuple(r for rs in i.roles.values() for r in rs),
                quoted=bool(i.quoted_in),
            )
            for i in self.speakers.values()
        )

    @staticmethod
    def _merge_target(row: sqlite3.Row, people: list[sqlite3.Row]) -> str:
        """A one-word speaker ("Sessions") that is another person's alias in the same
        article is that person: the extractor sometimes keeps a short name apart."""
        name = row["name"]
        if len(name.split()) > 1 and row["kind"] == "person":
            return str(name)
        key = " ".join(tokens(name))
        hits = [
            p["name"]
            for p in people
            if p["name"] != name and key in {" ".join(tokens(a)) for a in _loads(p["aliases"])}
        ]
        return str(hits[0]) if len(hits) == 1 else str(name)


def _loads(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


_SNAPSHOTS: weakref.WeakKeyDictionary[Any, _Snapshot] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


class Searcher:
    """The queries answers.py needs, over an `Engine` (its store, FAISS indexes, embedder)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
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

    # -- speakers ---------------------------------------------------------------------------
    @property
    def directory(self) -> SpeakerDirectory:
        return self.snapshot.directory

    def speaker(self, name: str) -> SpeakerInfo | None:
        return self.snapshot.speakers.get(name)

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

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
        raws = {raw for (_, raw), name in self.snapshot.canonical.items() if name in wanted}
        raws |= wanted
        if not raws:
            return []
        marks = ",".join("?" * len(raws))
        rows = self._rows(f"WHERE s.name IN ({marks}) ORDER BY q.article_id, q.start", list(raws))
        return [r for r in rows if r.speaker in wanted]

    def quotes_by_id(self, ids: Iterable[int]) -> list[QuoteRow]:
        ids = list(dict.fromkeys(ids))
        out: list[QuoteRow] = []
        for i in range(0, len(ids), 500):
            batch = ids[i : i + 500]
            out += self._rows(f"WHERE q.id IN ({','.join('?' * len(batch))})", batch)
        return out

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
        return np.asarray(self.engine.embed(texts), dtype=np.float32)

    def quote_vectors(self, ids: Iterable[int]) -> dict[int, np.ndarray]:
        ids = list(dict.fromkeys(ids))
        out: dict[int, np.ndarray] = {}
        for i in range(0, len(ids), 500):
            batch = ids[i : i + 500]
            for r in self.conn.execute(
                "SELECT ref_id, vec FROM embeddings WHERE kind='quote' AND ref_id IN "
                f"({','.join('?' * len(batch))})",
                batch,
            ):
                out[int(r[0])] = np.frombuffer(r[1], dtype=np.float32)
        return out

    def dense(self, kind: str, vec: np.ndarray, k: int) -> list[tuple[int, str, float]]:
        """(ref id, article id, cosine) of the k nearest chunks or quotes."""
        hits = self.engine.search_vectors(kind, vec.reshape(1, -1), k)
        return [(h.ref_id, h.article_id, float(h.score)) for h in hits]

    # -- lexical ------------------------------------------------------------------------------
    def lexical(self, table: str, text: str, k: int) -> list[int]:
        """Row ids of the best FTS5 (bm25) matches in quotes_fts or chunks_fts, best first."""
        assert table in {"quotes_fts", "chunks_fts"}
        query = fts_query(text)
        if query is None:
            return []
        try:
            rows = self.conn.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT ?",
                (query, k),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [int(r[0]) for r in rows]

    def chunks(self, ids: Iterable[int]) -> dict[int, tuple[str, int, int]]:
        """chunk id -> (article id, start, end)."""
        ids = list(dict.fromkeys(ids))
        out: dict[int, tuple[str, int, int]] = {}
        for i in range(0, len(ids), 500):
            batch = ids[i : i + 500]
            for r in self.conn.execute(
                f'SELECT id, article_id, start, "end" FROM chunks WHERE id IN '
                f"({','.join('?' * len(batch))})",
                batch,
            ):
                out[int(r[0])] = (str(r[1]), int(r[2]), int(r[3]))
        return out
