"""The bot's own memory, shared by every worker and replica that serves the same store.

Three small tables:
- `claims`: one row per Slack delivery we answered (event id, or channel+ts of a message), so
  Slack's retries and the app_mention + message pair for one post are answered once, even
  when they land on different workers.
- `threads`: the speakers of the last answer in a thread (or DM), which a follow-up like
  "what else did he say?" continues with; its presence also means the bot is in that thread.
- `answers`: answers behind "Share in channel" and "More" buttons (a button value holds
  at most 2,000 characters, so it carries an id).

They live in SQLite (`slack.db` in the data dir: the workers of one machine) or, with
`WHOSAID_DATABASE_URL`, in PostgreSQL (tables `bot_claims`, `bot_threads`, `bot_answers`:
replicas on any number of machines). The SQL is written once, in what both understand.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from retrieval.engine import ThreadConnections
from retrieval.errors import StoreError
from retrieval.types import Answer, ArticleRef, AskResult, Context

_SCHEMA = """
CREATE TABLE IF NOT EXISTS {p}claims (key TEXT PRIMARY KEY, at {real} NOT NULL);
CREATE TABLE IF NOT EXISTS {p}threads (
    channel TEXT NOT NULL, thread_ts TEXT NOT NULL, speakers TEXT NOT NULL, at {real} NOT NULL,
    shown TEXT NOT NULL DEFAULT '[]', topic TEXT, PRIMARY KEY (channel, thread_ts));
CREATE TABLE IF NOT EXISTS {p}answers (
    id TEXT PRIMARY KEY, result TEXT NOT NULL, asked_by TEXT, at {real} NOT NULL, thread TEXT);
"""

# columns added after the first release, by table (SQLite files from then lack them)
_ADDED_COLUMNS = {
    "threads": {"shown": "TEXT NOT NULL DEFAULT '[]'", "topic": "TEXT"},
    "answers": {"thread": "TEXT"},
}

CLAIM_TTL_S = 24 * 3600  # Slack stops retrying after about an hour
THREAD_TTL_S = 30 * 24 * 3600
ANSWER_TTL_S = 7 * 24 * 3600


@dataclass
class StoredAnswer:
    result: AskResult
    asked_by: str | None
    thread: tuple[str, str] | None = None  # (channel, thread key) whose context it adds to


class _Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...


class _Tx(Protocol):
    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> _Cursor: ...


class _Backend(Protocol):
    prefix: str

    def tx(self) -> Any: ...  # a context manager yielding a _Tx: one transaction

    def close(self) -> None: ...


class _Sqlite:
    """One connection per thread; each `tx` is one immediate transaction."""

    prefix = ""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conns = ThreadConnections(path, timeout=15)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=15)) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA.format(p="", real="REAL"))
                # a state file from an earlier release lacks the columns added since
                for table, added in _ADDED_COLUMNS.items():
                    columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                    for name, decl in added.items():
                        if name not in columns:
                            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the bot state at {self.path}: {exc}") from exc

    def tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._conns.transaction()

    def close(self) -> None:
        self._conns.close()


class _Postgres:
    """A connection pool on the shared database; each `tx` is one transaction."""

    prefix = "bot_"

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        try:
            self.pool = ConnectionPool(
                url,
                min_size=1,
                max_size=8,
                kwargs={"autocommit": True},
                check=ConnectionPool.check_connection,
                timeout=30,
                name="whosaid-bot-state",
            )
            with self.pool.connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('whosaid:bot-state:ddl'))")
                conn.execute(_SCHEMA.format(p=self.prefix, real="DOUBLE PRECISION"))
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the bot state in PostgreSQL: {exc}") from exc

    @contextmanager
    def tx(self) -> Iterator[_Tx]:
        with self.pool.connection() as conn, conn.transaction():
            yield _PgTx(conn)

    def close(self) -> None:
        self.pool.close()


class _PgTx:
    """The statements below use `?` placeholders, as sqlite3 does; psycopg wants `%s`."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> _Cursor:
        cursor: _Cursor = self.conn.execute(sql.replace("?", "%s"), params)
        return cursor


class BotState:
    """Claims, thread context and stored answers; safe to use from many threads and processes.
    `BotState(path)` keeps them in SQLite, `BotState.postgres(url)` in PostgreSQL."""

    def __init__(self, path: Path | str, *, _backend: _Backend | None = None) -> None:
        self.path = Path(path)
        self._db: _Backend = _backend or _Sqlite(self.path)
        p = self._db.prefix
        self._claims, self._threads, self._answers = f"{p}claims", f"{p}threads", f"{p}answers"
        self.prune()

    @classmethod
    def postgres(cls, url: str) -> BotState:
        return cls("", _backend=_Postgres(url))

    @contextmanager
    def _conn(self) -> Iterator[_Tx]:
        with self._db.tx() as db:
            yield db

    def claim(self, key: str) -> bool:
        """True for the first caller with this key (in any worker); False for every later one."""
        with self._conn() as db:
            cur = db.execute(
                f"INSERT INTO {self._claims} (key, at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (key, time.time()),
            )
            return cur.rowcount == 1

    def remember_thread(self, channel: str, thread_ts: str, context: Context) -> None:
        """Note that the bot answered in this thread, with the context a follow-up continues."""
        shown = [list(pair) for pair in context.shown]
        with self._conn() as db:
            db.execute(
                f"INSERT INTO {self._threads} (channel, thread_ts, speakers, at, shown, topic) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, thread_ts) DO UPDATE SET "
                "speakers=excluded.speakers, at=excluded.at, shown=excluded.shown, "
                "topic=excluded.topic",
                (
                    channel,
                    thread_ts,
                    json.dumps(context.speakers),
                    time.time(),
                    json.dumps(shown),
                    context.topic,
                ),
            )

    def thread_context(self, channel: str, thread_ts: str) -> Context | None:
        """The context of the thread's last answer, or None when the bot is not in the thread."""
        with self._conn() as db:
            row = db.execute(
                f"SELECT speakers, shown, topic FROM {self._threads} "
                "WHERE channel = ? AND thread_ts = ?",
                (channel, thread_ts),
            ).fetchone()
        if row is None:
            return None
        shown = [(str(a), str(q)) for a, q in json.loads(row[1])]
        return Context(speakers=list(json.loads(row[0])), topic=row[2], shown=shown)

    def save_answer(
        self,
        result: AskResult,
        asked_by: str | None = None,
        *,
        thread: tuple[str, str] | None = None,
    ) -> str:
        answer_id = uuid.uuid4().hex[:16]
        where = json.dumps(list(thread)) if thread else None
        with self._conn() as db:
            db.execute(
                f"INSERT INTO {self._answers} (id, result, asked_by, at, thread) "
                "VALUES (?, ?, ?, ?, ?)",
                (answer_id, json.dumps(asdict(result)), asked_by, time.time(), where),
            )
        return answer_id

    def load_answer(self, answer_id: str) -> StoredAnswer | None:
        with self._conn() as db:
            row = db.execute(
                f"SELECT result, asked_by, thread FROM {self._answers} WHERE id = ?", (answer_id,)
            ).fetchone()
        if row is None:
            return None
        thread = tuple(json.loads(row[2])) if row[2] else None
        return StoredAnswer(
            result=result_from_dict(json.loads(row[0])),
            asked_by=row[1],
            thread=(str(thread[0]), str(thread[1])) if thread else None,
        )

    def prune(self) -> None:
        """Forget old claims, threads and answers so the tables stay small."""
        now = time.time()
        with self._conn() as db:
            db.execute(f"DELETE FROM {self._claims} WHERE at < ?", (now - CLAIM_TTL_S,))
            db.execute(f"DELETE FROM {self._threads} WHERE at < ?", (now - THREAD_TTL_S,))
            db.execute(f"DELETE FROM {self._answers} WHERE at < ?", (now - ANSWER_TTL_S,))

    def close(self) -> None:
        """Close every connection this object opened (call once, when the bot stops)."""
        self._db.close()


def open_state(database_url: str, data_dir: Path | str, file_name: str = "slack.db") -> BotState:
    """PostgreSQL when `database_url` is set, else SQLite in the data dir."""
    if database_url:
        return BotState.postgres(database_url)
    return BotState(Path(data_dir) / file_name)


def _answer_from_dict(raw: dict[str, Any]) -> Answer:
    raw = dict(raw)
    raw["article"] = ArticleRef(**raw["article"])
    raw["also_in"] = [ArticleRef(**ref) for ref in raw.get("also_in", [])]
    return Answer(**raw)


def result_from_dict(data: dict[str, Any]) -> AskResult:
    """Rebuild an AskResult from `dataclasses.asdict` output."""
    return AskResult(
        question=data["question"],
        intent=data["intent"],
        speakers=list(data.get("speakers", [])),
        abstained=bool(data["abstained"]),
        message=data.get("message", ""),
        answers=[_answer_from_dict(raw) for raw in data.get("answers", [])],
        time=data.get("time"),
        nearest=[_answer_from_dict(raw) for raw in data.get("nearest", [])],
    )
