"""PostgreSQL, the source of truth when `WHOSAID_DATABASE_URL` is set: the same tables as the
SQLite store, its lexical index (full-text search: a generated tsvector column with a GIN
index per searched table) and the following state (feeds, leases).

Every write runs in one transaction holding an advisory lock (one writer at a time, as with
SQLite, so `meta.generation` moves by one per write and the vector caches of other processes
see it) and bumps the generation. Readers use the pool's connections and never wait for it.
`data_dir` is this process's local cache folder (the FAISS files), one per database.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from retrieval.errors import StoreError
from retrieval.storage.interfaces import GenerationPin, StoredQuote
from retrieval.storage.postgres.lexical import FullTextSearch
from retrieval.storage.postgres.schema import MIGRATION_LOCK, MIGRATIONS, SCHEMA_STEP, WRITE_LOCK
from retrieval.storage.store import (
    CONTEXT,
    SCHEMA_VERSION,
    Prepared,
    WriteResult,
    encode_vector,
    row_to_quote,
    vector_block,
)
from retrieval.types import Article, ArticleRef, Quote

_TABLES = {"quote": "quotes", "chunk": "chunks"}
# rows a read memo holds before it starts again: ~20 MB of article texts, ~30 MB of vectors
MEMO_ROWS = {"text": 2_000, "vec-quote": 20_000, "vec-context": 20_000}
MEMO_ROWS_DEFAULT = 50_000
# the tables answering searches and joins, analysed after bulk writes (`tidy`)
_TIDIED = ("articles", "chunks", "quotes", "speakers", "article_speakers", "embeddings")
_IDENTITY = {"chunks": "id", "speakers": "id", "quotes": "id", "embeddings": "vid", "feeds": "id"}
_QUOTE_SQL = (
    'SELECT q.id, q.article_id, s.name AS speaker, q.speaker_kind, q.text, q.start, q."end", '
    "q.kind, q.cue, q.mention, q.grp, q.ctx_start, q.ctx_end, q.how, s.kind AS skind "
    "FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id "
)
_ARTICLE_ROWS = (
    "SELECT a.id, a.title, a.url, a.source, a.published, a.source_key, a.added_at, "
    "(SELECT COUNT(*) FROM chunks c WHERE c.article_id=a.id)::int AS chunks, "
    "(SELECT COUNT(*) FROM quotes q WHERE q.article_id=a.id)::int AS quotes FROM articles a "
)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class _Qmark:
    """A transaction's connection taking `?` placeholders (the SQL both backends run)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self.conn.execute(sql.replace("?", "%s"), params)


class PgStore:
    """The store in a PostgreSQL database; `read_only` and `create` as for the SQLite store."""

    reads_elsewhere = True  # the server ranks and reads; a query's thread only waits

    def __init__(
        self,
        url: str,
        data_dir: Path | str,
        *,
        read_only: bool = False,
        create: bool = True,
        pool_size: int = 8,
    ) -> None:
        self.url = url
        self.where = redact(url)
        self.read_only = read_only
        self._search = FullTextSearch(self._all, self.generation)
        self._memo: dict[str, dict[Any, Any]] = {}
        self._memo_gen = -1
        self._pin = GenerationPin()  # the generation `reading` holds for this thread
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
                store_id = self._prepare_schema(conn, read_only or not create)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the store at {self.where}: {_first_line(exc)}") from exc
        self.data_dir = Path(data_dir) / f"pg-{store_id}"
        if not read_only:
            try:
                self.data_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create cache dir {self.data_dir}: {exc.strerror}"
                ) from exc
        options = "-c default_transaction_read_only=on" if read_only else ""
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True, "options": options},
            open=True,
            name="whosaid",
        )

    def _prepare_schema(self, conn: psycopg.Connection[Any], existing_only: bool) -> str:
        """Check the database holds a whosaid store (or make one); returns the store's id."""
        found = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if not (found and found[0]):
            if existing_only:
                raise StoreError(f"no whosaid store at {self.where} (index articles first)")
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                    "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                )
        applied = self._applied(conn)
        if applied > SCHEMA_STEP:
            raise StoreError(
                f"the store at {self.where} has schema step {applied}, newer than this "
                f"whosaid knows ({SCHEMA_STEP}): upgrade whosaid"
            )
        if applied < SCHEMA_STEP:
            if existing_only and applied == 0:
                raise StoreError(f"no whosaid store at {self.where} (index articles first)")
            if not self.read_only:
                self.migrate_schema(conn)
        row = conn.execute("SELECT value FROM meta WHERE key='store_id'").fetchone()
        return str(row[0]) if row else "unknown"

    @staticmethod
    def _applied(conn: psycopg.Connection[Any]) -> int:
        row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        return int(row[0]) if row else 0

    def migrate_schema(self, conn: psycopg.Connection[Any]) -> None:
        """Apply the migration steps this database lacks, in order, each in one transaction."""
        for version, statements in MIGRATIONS:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                if self._applied(conn) >= version:
                    continue
                for statement in statements:
                    conn.execute(statement)
                if version == 1:
                    conn.execute(
                        "INSERT INTO meta VALUES ('schema_version', %s), ('generation', '0'), "
                        "('store_id', %s)",
                        (str(SCHEMA_VERSION), uuid.uuid4().hex[:12]),
                    )
                conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))

    # -- connections ---------------------------------------------------------------------
    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection in autocommit mode (for other parts keeping state here)."""
        with self.pool.connection() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection inside one transaction, committed at the end, rolled back on
        an error. It does not take the store's write lock (see `write`)."""
        with self.pool.connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[Any]]:
        if self.read_only:
            raise StoreError(f"the store at {self.where} is open read-only")
        try:
            with self.transaction() as conn:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                yield conn
            self._memo, self._memo_gen = {}, -1
        except psycopg.OperationalError as exc:
            raise StoreError(
                f"cannot write to the store at {self.where}: {_first_line(exc)}"
            ) from exc

    @contextmanager
    def write(self) -> Iterator[_Qmark]:
        """One write transaction holding the store's write lock; `?` placeholders."""
        with self._tx() as conn:
            yield _Qmark(conn)

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def _dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(sql, params).fetchall()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of one read with `?` placeholders, by column name (see storage/feeds.py)."""
        return self._dicts(sql.replace("?", "%s"), params)

    def close(self) -> None:
        self.pool.close()

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = self._all("SELECT value FROM meta WHERE key=%s", (key,))
        return str(rows[0][0]) if rows else None

    def generation(self) -> int:
        held = self._pin.held()
        if held is not None:
            return held
        gen = int(self.get_meta("generation") or 0)
        if gen != self._memo_gen:
            self._memo, self._memo_gen = {}, gen
        return gen

    def reading(self) -> AbstractContextManager[int]:
        """One read of the generation for a whole answer (see GenerationPin)."""
        return self._pin.hold(self.generation)

    def _memo_for(self, name: str) -> dict[Any, Any]:
        """Rows already read at the generation last seen (answering reads the same
        articles and quotes question after question; each read here is a round trip).
        Emptied when `generation()` sees it move and after this process's own writes."""
        memo = self._memo.setdefault(name, {})
        if len(memo) > MEMO_ROWS.get(name, MEMO_ROWS_DEFAULT):
            memo.clear()
        return memo

    def schema_version(self) -> int:
        return int(self.get_meta("schema_version") or 1)

    def has_context_vectors(self) -> bool:
        return self.schema_version() >= 2

    @staticmethod
    def _set_meta(conn: psycopg.Connection[Any], key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value=excluded.value",
            (key, value),
        )

    def put_meta(self, key: str, value: str) -> None:
        with self._tx() as conn:
            self._set_meta(conn, key, value)

    @staticmethod
    def _bump(conn: psycopg.Connection[Any]) -> None:
        conn.execute("UPDATE meta SET value = (value::bigint + 1)::text WHERE key='generation'")

    # -- writes ------------------------------------------------------------------------------
    def find_article(self, source_key: str, chash: str) -> tuple[str | None, str | None]:
        by_hash = self._all("SELECT id FROM articles WHERE content_hash=%s", (chash,))
        by_source = self._all("SELECT id FROM articles WHERE source_key=%s", (source_key,))
        return (by_hash[0][0] if by_hash else None, by_source[0][0] if by_source else None)

    def put_article(self, prep: Prepared) -> WriteResult:
        """Insert an article with everything derived from it, atomically (as Store does)."""
        with self._tx() as conn:
            same = conn.execute(
                "SELECT id FROM articles WHERE content_hash=%s", (prep.content_hash,)
            ).fetchone()
            if same is not None:
                return WriteResult(same[0], "unchanged", [], [], [], 0, 0)
            old = conn.execute(
                "SELECT id FROM articles WHERE source_key=%s", (prep.article.source_key,)
            ).fetchone()
            removed: list[int] = []
            if old is not None:
                removed = self._delete_article(conn, old[0])
            result = self._insert(conn, prep)
            result.removed_vids = removed
            result.status = "replaced" if old is not None else "added"
            self._bump(conn)
            return result

    @staticmethod
    def _returning(
        conn: psycopg.Connection[Any], sql: str, rows: Sequence[Sequence[Any]]
    ) -> list[int]:
        """The ids `sql ... RETURNING id` gives for each row, in order, in one round of trips."""
        if not rows:
            return []
        ids: list[int] = []
        with conn.cursor() as cur:
            cur.executemany(sql, rows, returning=True)
            while True:
                found = cur.fetchone()
                assert found is not None
                ids.append(int(found[0]))
                if not cur.nextset():
                    break
        return ids

    def _insert(self, conn: psycopg.Connection[Any], prep: Prepared) -> WriteResult:
        a = prep.article
        aid = prep.article_id
        added = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        conn.execute(
            "INSERT INTO articles VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            (aid, a.source_key, prep.content_hash, a.title, a.url, a.source, a.published,
             a.text, added),
        )  # fmt: skip
        chunk_ids = self._returning(
            conn,
            'INSERT INTO chunks (article_id, seq, start, "end", text) VALUES (%s,%s,%s,%s,%s) '
            "RETURNING id",
            [(aid, seq, start, end, text) for seq, start, end, text in prep.chunks],
        )
        vec_sql = "INSERT INTO embeddings (kind, ref_id, article_id, vec) VALUES (%s,%s,%s,%s) "
        vec_sql += "RETURNING vid"
        chunk_vids = self._returning(
            conn,
            vec_sql,
            [
                ("chunk", cid, aid, encode_vector(vec))
                for cid, vec in zip(chunk_ids, prep.chunk_vecs, strict=True)
            ],
        )
        speaker_ids = self._put_speakers(conn, prep)
        quote_rows = []
        for q in prep.extraction.quotes:
            qsid = self._quote_speaker(conn, aid, q.speaker, q.speaker_kind, speaker_ids)
            quote_rows.append(
                (aid, qsid, q.text, q.start, q.end, q.kind, q.cue, q.speaker_mention, q.group,
                 q.context_start, q.context_end, q.how, q.speaker_kind)
            )  # fmt: skip
        quote_ids = self._returning(
            conn,
            'INSERT INTO quotes (article_id, speaker_id, text, start, "end", kind, cue, '
            "mention, grp, ctx_start, ctx_end, how, speaker_kind) "
            "VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s) RETURNING id",
            quote_rows,
        )
        # each quote's vector, then its context's: the order SQLite gives them ids in; quotes
        # in one sentence share its vector, stored with the first (`vectors_by_ref`)
        vec_rows: list[tuple[str, int, str, bytes]] = []
        is_quote: list[bool] = []
        sentences: set[tuple[int, int]] = set()
        for i, (qid, vec) in enumerate(zip(quote_ids, prep.quote_vecs, strict=True)):
            vec_rows.append(("quote", qid, aid, encode_vector(vec)))
            is_quote.append(True)
            q = prep.extraction.quotes[i]
            if i in prep.context_vecs and (q.context_start, q.context_end) not in sentences:
                sentences.add((q.context_start, q.context_end))
                vec_rows.append((CONTEXT, qid, aid, encode_vector(prep.context_vecs[i])))
                is_quote.append(False)
        vids = self._returning(conn, vec_sql, vec_rows)
        quote_vids = [vid for vid, keep in zip(vids, is_quote, strict=True) if keep]
        return WriteResult(
            aid, "added", chunk_vids, quote_vids, [], len(prep.extraction.quotes), len(speaker_ids)
        )

    def _put_speakers(self, conn: psycopg.Connection[Any], prep: Prepared) -> dict[str, int]:
        aid = prep.article_id
        speaker_ids: dict[str, int] = {}
        aliases: list[tuple[str, int, str]] = []
        for sp in prep.extraction.speakers:
            sid = self._speaker_id(conn, sp.name, sp.kind)
            speaker_ids[sp.name.lower()] = sid
            names = list(dict.fromkeys([sp.name, *sp.aliases]))
            conn.execute(
                "INSERT INTO article_speakers VALUES (%s,%s,%s,%s,%s,%s) "
                "ON CONFLICT (article_id, speaker_id) DO UPDATE SET roles=excluded.roles, "
                "aliases=excluded.aliases, quoted=excluded.quoted, mentions=excluded.mentions",
                (aid, sid, json.dumps(sp.roles), json.dumps(names), int(sp.quoted), sp.mentions),
            )
            aliases += [(alias, sid, aid) for alias in names]
        if aliases:
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO aliases VALUES (%s,%s,%s)", aliases)
        return speaker_ids

    def _quote_speaker(
        self,
        conn: psycopg.Connection[Any],
        aid: str,
        name: str | None,
        kind: str,
        speaker_ids: dict[str, int],
    ) -> int | None:
        if not name:
            return None
        sid = speaker_ids.get(name.lower())
        if sid is None:  # a speaker the extractor did not list: keep it anyway
            sid = speaker_ids[name.lower()] = self._speaker_id(conn, name, kind)
            conn.execute(
                "INSERT INTO article_speakers VALUES (%s,%s,'[]',%s,1,1) ON CONFLICT DO NOTHING",
                (aid, sid, json.dumps([name])),
            )
            conn.execute("INSERT INTO aliases VALUES (%s,%s,%s)", (name, sid, aid))
        return sid

    @staticmethod
    def _speaker_id(conn: psycopg.Connection[Any], name: str, kind: str) -> int:
        row = conn.execute(
            "SELECT id FROM speakers WHERE lower(name)=lower(%s)", (name,)
        ).fetchone()
        if row is not None:
            return int(row[0])
        row = conn.execute(
            "INSERT INTO speakers (name, kind) VALUES (%s,%s) RETURNING id", (name, kind)
        ).fetchone()
        assert row is not None
        return int(row[0])

    def _delete_article(self, conn: psycopg.Connection[Any], aid: str) -> list[int]:
        vids = [
            int(r[0])
            for r in conn.execute(
                "SELECT vid FROM embeddings WHERE article_id=%s AND kind IN ('chunk', 'quote') "
                "ORDER BY vid",
                (aid,),
            )
        ]
        # the speakers this article names: those no other article names go with it
        speakers = [
            int(r[0])
            for r in conn.execute(
                "SELECT speaker_id FROM article_speakers WHERE article_id=%s UNION "
                "SELECT speaker_id FROM quotes WHERE article_id=%s AND speaker_id IS NOT NULL",
                (aid, aid),
            )
        ]
        for table in ("embeddings", "quotes", "chunks", "aliases", "article_speakers"):
            conn.execute(f"DELETE FROM {table} WHERE article_id=%s", (aid,))
        conn.execute("DELETE FROM articles WHERE id=%s", (aid,))
        conn.execute(
            "DELETE FROM speakers s WHERE s.id = ANY(%s::bigint[]) "
            "AND NOT EXISTS (SELECT 1 FROM article_speakers a WHERE a.speaker_id = s.id) "
            "AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.speaker_id = s.id)",
            (speakers,),
        )
        return vids

    def remove_article(self, aid: str) -> list[int] | None:
        with self._tx() as conn:
            if conn.execute("SELECT 1 FROM articles WHERE id=%s", (aid,)).fetchone() is None:
                return None
            vids = self._delete_article(conn, aid)
            self._bump(conn)
            return vids

    def replace_all(self, prepared: Sequence[Prepared], model_name: str) -> None:
        """Swap in re-extracted, re-embedded versions of every article in one transaction;
        readers see the old rows until it commits."""
        with self._tx() as conn:
            for table in ("embeddings", "quotes", "chunks", "aliases", "article_speakers"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM speakers")
            for prep in prepared:
                conn.execute("DELETE FROM articles WHERE id=%s", (prep.article_id,))
                self._insert(conn, prep)
            self._set_meta(conn, "embedding_model", model_name)
            self._set_meta(conn, "schema_version", str(SCHEMA_VERSION))
            self._bump(conn)
        self.tidy()

    # -- reads -----------------------------------------------------------------------------
    def article_rows(self) -> list[dict[str, Any]]:
        return self._dicts(_ARTICLE_ROWS + "ORDER BY a.added_at, a.id")

    def recent_article_rows(self, limit: int) -> list[dict[str, Any]]:
        return self._dicts(_ARTICLE_ROWS + "ORDER BY a.added_at DESC, a.id DESC LIMIT %s", (limit,))

    def top_speakers(self, added_since: str, limit: int) -> list[tuple[str, int, int]]:
        rows = self._all(
            "SELECT s.name, COUNT(*) AS n, COUNT(DISTINCT q.article_id) AS arts FROM quotes q "
            "JOIN speakers s ON s.id = q.speaker_id JOIN articles a ON a.id = q.article_id "
            "WHERE a.added_at >= %s AND s.kind != 'group' "
            "GROUP BY s.id, s.name ORDER BY n DESC, arts DESC, lower(s.name), s.name LIMIT %s",
            (added_since, limit),
        )
        return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]

    def article_text(self, aid: str) -> str | None:
        memo = self._memo_for("text")
        if aid not in memo:
            rows = self._all("SELECT text FROM articles WHERE id=%s", (aid,))
            memo[aid] = str(rows[0][0]) if rows else None
        return memo[aid]

    def all_articles(self) -> list[Article]:
        rows = self._dicts(
            "SELECT text, source_key, title, url, source, published FROM articles "
            "ORDER BY added_at, id"
        )
        return [Article(**r) for r in rows]

    def article_ref(self, aid: str) -> ArticleRef | None:
        return self.article_refs([aid]).get(aid)

    def article_quotes(self, aid: str) -> list[Quote]:
        rows = self._dicts(
            "SELECT q.*, s.name AS speaker_name FROM quotes q "
            "LEFT JOIN speakers s ON s.id = q.speaker_id WHERE q.article_id=%s "
            "ORDER BY q.start, q.id",
            (aid,),
        )
        return [row_to_quote(r) for r in rows]

    def counts(self) -> dict[str, int]:
        row = self._all(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM chunks), "
            "(SELECT COUNT(*) FROM quotes), "
            "(SELECT COUNT(DISTINCT speaker_id) FROM quotes WHERE speaker_id IS NOT NULL), "
            "(SELECT COUNT(*) FROM embeddings WHERE kind IN ('chunk', 'quote'))"
        )[0]
        keys = ("articles", "chunks", "quotes", "speakers", "vectors")
        return {k: int(v) for k, v in zip(keys, row, strict=True)}

    def quoted_speakers(self, article_ids: Sequence[str]) -> int:
        rows = self._all(
            "SELECT COUNT(DISTINCT speaker_id) FROM quotes "
            "WHERE speaker_id IS NOT NULL AND article_id = ANY(%s::text[])",
            (list(dict.fromkeys(article_ids)),),
        )
        return int(rows[0][0])

    def vector_count(self, kind: str) -> int:
        return int(self._all("SELECT COUNT(*) FROM embeddings WHERE kind=%s", (kind,))[0][0])

    def vectors(self, kind: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
        parts = list(self.vector_batches(kind, dim))
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def vector_batches(
        self, kind: str, dim: int, first: int = 8_192, size: int = 8_192
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The stored (ids, vectors) of a kind in vid order, streamed from a server-side
        cursor, `first` then `size` rows at a time."""
        with self.transaction() as conn, conn.cursor(name=f"vecs_{uuid.uuid4().hex}") as cur:
            cur.execute("SELECT vid, vec FROM embeddings WHERE kind=%s ORDER BY vid", (kind,))
            want = first
            while rows := cur.fetchmany(want):
                want = size
                block = vector_block([(int(v), bytes(b)) for v, b in rows], dim)
                del rows
                yield block

    def vector_rows(self, vids: Sequence[int]) -> dict[int, tuple[str, int, str, bytes]]:
        rows = self._all(
            "SELECT vid, kind, ref_id, article_id, vec FROM embeddings WHERE vid = ANY(%s)",
            ([int(v) for v in vids],),
        )
        return {int(r[0]): (str(r[1]), int(r[2]), str(r[3]), bytes(r[4])) for r in rows}

    def vector_fields(self, vids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """vid -> (article id, speaker id or -1): what a Milvus collection filters on."""
        rows = self._all(
            "SELECT e.vid, e.article_id, q.speaker_id FROM embeddings e LEFT JOIN quotes q"
            " ON e.kind = 'quote' AND q.id = e.ref_id WHERE e.vid = ANY(%s::bigint[])",
            ([int(v) for v in vids],),
        )
        return {int(r[0]): (str(r[1]), -1 if r[2] is None else int(r[2])) for r in rows}

    # -- copying (storage/transfer.py) -----------------------------------------------------
    def table_rows(
        self, table: str, columns: Sequence[str], batch: int = 2_000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Every row of one table, `batch` rows at a time, from a server-side cursor."""
        cols = ", ".join(f'"{c}"' for c in columns)
        with self.transaction() as conn, conn.cursor(name=f"rows_{uuid.uuid4().hex}") as cur:
            cur.execute(f"SELECT {cols} FROM {table}")
            while rows := cur.fetchmany(batch):
                yield [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]

    def load_tables(
        self, tables: Iterable[tuple[str, Sequence[str], Iterable[list[tuple[Any, ...]]]]]
    ) -> None:
        """Insert copied rows into this (empty) store in one transaction (COPY), then move
        the id sequences past the copied ids."""
        with self._tx() as conn:
            for table, columns, batches in tables:
                cols = ", ".join(f'"{c}"' for c in columns)
                if table == "meta":
                    for rows in batches:
                        for key, value in rows:
                            self._set_meta(conn, key, value)
                    continue
                with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for rows in batches:
                        for row in rows:
                            copy.write_row(row)
            for table, column in _IDENTITY.items():
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                    f"COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
                )
            self._bump(conn)
        self.tidy()

    def tidy(self) -> None:
        """VACUUM ANALYZE the searched tables after a bulk write (a copy, a reindex), as
        PostgreSQL's docs advise after loading. Without statistics the planner guessed a
        full-text match kept a fraction of the quotes and read them all (12 ms a question at
        10k chunks, 1-2 ms with them); VACUUM also moves the rows waiting in the full-text
        (GIN) indexes' pending lists into the indexes, which every search otherwise scans.
        Autovacuum would get there, minutes later."""
        if self.read_only:
            return
        try:
            with self.pool.connection() as conn:  # autocommit: VACUUM runs outside a transaction
                conn.execute(f"VACUUM (ANALYZE) {', '.join(_TIDIED)}")
        except psycopg.Error as exc:
            raise StoreError(f"cannot tidy the store at {self.where}: {_first_line(exc)}") from exc

    # -- reads for answering -------------------------------------------------------------------
    def speaker_rows(self) -> Iterator[Mapping[str, Any]]:
        """(article_id, name, kind, roles, aliases, quoted) per (article, speaker), streamed in
        article order."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            yield from cur.stream(
                "SELECT a.article_id, s.name, s.kind, a.roles, a.aliases, a.quoted "
                "FROM article_speakers a JOIN speakers s ON s.id = a.speaker_id "
                "ORDER BY a.article_id, a.speaker_id"
            )

    def article_count(self) -> int:
        return int(self._all("SELECT COUNT(*) FROM articles")[0][0])

    def article_refs(self, ids: Iterable[str]) -> dict[str, ArticleRef]:
        memo = self._memo_for("ref")
        wanted = list(dict.fromkeys(ids))
        todo = [i for i in wanted if i not in memo]
        if todo:
            rows = self._all(
                "SELECT id, title, url, source, published FROM articles WHERE id = ANY(%s::text[])",
                (todo,),
            )
            memo.update(dict.fromkeys(todo))
            memo.update((str(r[0]), ArticleRef(str(r[0]), r[1], r[2], r[3], r[4])) for r in rows)
        return {i: memo[i] for i in wanted if memo.get(i) is not None}

    def article_dates(self) -> list[tuple[str, str | None]]:
        return [(str(r[0]), r[1]) for r in self._all("SELECT id, published FROM articles")]

    def article_titles(self) -> list[tuple[str, str]]:
        rows = self._all("SELECT id, COALESCE(title, '') FROM articles")
        return [(str(r[0]), str(r[1])) for r in rows]

    def _quotes(self, where: str, params: Sequence[Any]) -> list[StoredQuote]:
        return [StoredQuote(*r) for r in self._all(_QUOTE_SQL + where, params)]

    def quotes_by_speakers(self, names: Iterable[str]) -> list[StoredQuote]:
        raws = [n.lower() for n in names]
        if not raws:
            return []
        return self._quotes(
            "WHERE lower(s.name) = ANY(%s::text[]) ORDER BY q.article_id, q.start, q.id", (raws,)
        )

    def quotes_by_ids(self, ids: Iterable[int]) -> list[StoredQuote]:
        memo = self._memo_for("quote")
        wanted = sorted({int(i) for i in ids})
        todo = [i for i in wanted if i not in memo]
        if todo:
            memo.update(dict.fromkeys(todo))
            found = self._quotes("WHERE q.id = ANY(%s::bigint[])", (todo,))
            memo.update((q.id, q) for q in found)
            # answering cuts each quote's context out of its article next: read them at once
            self._read_articles(q.article_id for q in found)
        return [memo[i] for i in wanted if memo.get(i) is not None]

    def quotes_between(self, aid: str, start: int, end: int) -> list[StoredQuote]:
        memo = self._memo_for("between")
        key = (aid, start, end)
        if key not in memo:
            memo[key] = self._quotes(
                'WHERE q.article_id = %s AND q.start >= %s AND q."end" <= %s '
                "ORDER BY q.start, q.id",
                key,
            )
        return list(memo[key])

    def quotes_in_group(self, aid: str, group: int) -> list[StoredQuote]:
        memo = self._memo_for("group")
        if (aid, group) not in memo:
            memo[(aid, group)] = self._quotes(
                "WHERE q.article_id = %s AND q.grp = %s ORDER BY q.start, q.id", (aid, group)
            )
        return list(memo[(aid, group)])

    def first_quotes(self, limit: int) -> list[StoredQuote]:
        return self._quotes("ORDER BY q.article_id, q.start, q.id LIMIT %s", (limit,))

    def quote_stub_rows(
        self, names: Sequence[str]
    ) -> list[tuple[int, str, str, str, int, str, int | None]]:
        rows = self._all(
            "SELECT q.id, q.article_id, s.name, q.kind, q.start, q.text, e.vid "
            "FROM quotes q JOIN speakers s ON s.id = q.speaker_id "
            "LEFT JOIN embeddings e ON e.kind = 'quote' AND e.ref_id = q.id "
            "WHERE lower(s.name) = ANY(%s::text[]) ORDER BY q.article_id, q.start, q.id",
            ([n.lower() for n in names],),
        )
        return [
            (int(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), str(r[5]),
             None if r[6] is None else int(r[6]))
            for r in rows
        ]  # fmt: skip

    def vector_ids_in(self, kind: str, article_ids: Iterable[str]) -> list[int]:
        rows = self._all(
            "SELECT vid FROM embeddings WHERE kind=%s AND article_id = ANY(%s::text[])",
            (kind, list(article_ids)),
        )
        return [int(r[0]) for r in rows]

    def vectors_by_ref(self, kind: str, ref_ids: Iterable[int]) -> dict[int, bytes]:
        memo = self._memo_for(f"vec-{kind}")
        wanted = [int(i) for i in dict.fromkeys(ref_ids)]
        todo = [i for i in wanted if i not in memo]
        if todo:
            # a quote's sentence vector is stored with the first quote of that sentence
            rows = self._all(
                "SELECT ref_id, vec FROM embeddings WHERE kind=%s AND ref_id = ANY(%s::bigint[])"
                if kind != CONTEXT
                # per quote, the quotes of its sentence through the (article, start) index:
                # a join over the whole table let the planner hash every quote (12 ms at 10k)
                else "SELECT q.id, (SELECT e.vec FROM quotes f JOIN embeddings e ON e.kind = %s "
                "AND e.ref_id = f.id WHERE f.article_id = q.article_id AND f.ctx_start = "
                "q.ctx_start AND f.ctx_end = q.ctx_end ORDER BY f.id <> q.id, f.id LIMIT 1) "
                "FROM quotes q WHERE q.id = ANY(%s::bigint[])",
                (kind, todo),
            )
            memo.update(dict.fromkeys(todo))
            for r in rows:
                if r[1] is not None:
                    memo[int(r[0])] = bytes(r[1])
        return {i: memo[i] for i in wanted if memo.get(i) is not None}

    def chunk_spans(self, ids: Iterable[int]) -> dict[int, tuple[str, int, int]]:
        """chunk id -> (article id, start, end), by id. Answering reads the quotes within each
        passage next, and its article: both come with it (kept as `quotes_between` and
        `article_text` would keep them), in two round trips instead of one per passage.
        Passages already read at this generation, with their quotes, cost none (as quotes
        by id): the passages a question finds come back question after question."""
        spans, within = self._memo_for("span"), self._memo_for("between")
        wanted = sorted({int(i) for i in ids})
        todo = [i for i in wanted if i not in spans or (spans[i] and spans[i] not in within)]
        if todo:
            rows = self._all(
                'SELECT c.id, c.article_id, c.start, c."end", w.* FROM chunks c LEFT JOIN LATERAL '
                f"({_QUOTE_SQL} WHERE q.article_id = c.article_id AND q.start >= c.start "
                'AND q."end" <= c."end") w ON true WHERE c.id = ANY(%s::bigint[]) '
                "ORDER BY c.id, w.start, w.id",
                (todo,),
            )
            spans.update(dict.fromkeys(todo))
            found: dict[tuple[str, int, int], list[StoredQuote]] = {}
            for r in rows:
                span = spans[int(r[0])] = (str(r[1]), int(r[2]), int(r[3]))
                quotes = found.setdefault(span, [])
                if r[4] is not None:
                    quotes.append(StoredQuote(*r[4:]))
            within.update(found)
        out: dict[int, tuple[str, int, int]] = {i: spans[i] for i in wanted if spans.get(i)}
        self._read_articles({aid for aid, _, _ in out.values()})
        return out

    def _read_articles(self, ids: Iterable[str]) -> None:
        """Keep the texts and refs of these articles, in one round trip for those not kept."""
        texts, refs = self._memo_for("text"), self._memo_for("ref")
        todo = [i for i in dict.fromkeys(ids) if i not in texts or i not in refs]
        if not todo:
            return
        rows = self._all(
            "SELECT id, title, url, source, published, text FROM articles "
            "WHERE id = ANY(%s::text[])",
            (todo,),
        )
        texts.update(dict.fromkeys(todo))
        refs.update(dict.fromkeys(todo))
        for r in rows:
            aid = str(r[0])
            refs[aid] = ArticleRef(aid, r[1], r[2], r[3], r[4])
            texts[aid] = str(r[5])

    # -- lexical search ----------------------------------------------------------------------
    def lexical(self, kind: str, text: str, k: int) -> list[int]:
        """Ids of the best full-text matches among quotes or chunks (`kind`), best first,
        ranked as SQLite's FTS5 ranks them (see postgres/lexical.py)."""
        return self._search.lexical(_TABLES[kind], text, k)

    def load_common_words(self) -> None:
        """Nothing to read ahead here: the ranking needs each word's own row count (its
        idf), counted when a question first asks for the word and kept for the generation
        (postgres/lexical.py)."""
