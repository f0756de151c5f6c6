"""The bot's own memory in SQLite, shared by every worker that serves the same data dir.

Three small tables:
- `claims`: one row per Slack delivery we answered (event id, or channel+ts of a message), so
  Slack's retries and the app_mention + message pair for one post are answered once, even
  when they land on different workers.
- `threads`: the speakers of the last answer in a thread (or DM), which a follow-up like
  "what else did he say?" continues with; its presence also means the bot is in that thread.
- `answers`: answers behind "Share in channel" and "More" buttons (a button value holds
  at most 2,000 characters, so it carries an id).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from retrieval.errors import StoreError
from retrieval.types import Answer, ArticleRef, AskResult, Context

_SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS threads (
    channel TEXT NOT NULL, thread_ts TEXT NOT NULL, speakers TEXT NOT NULL, at REAL NOT NULL,
    shown TEXT NOT NULL DEFAULT '[]', topic TEXT, PRIMARY KEY (channel, thread_ts));
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, result TEXT NOT NULL, asked_by TEXT, at REAL NOT NULL, thread TEXT);
"""

# columns added after the first release, by table
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


class BotState:
    """Claims, thread context and stored answers; safe to use from many threads and processes."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=15)) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
                # a state file from an earlier release lacks the columns added since
                for table, added in _ADDED_COLUMNS.items():
                    columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                    for name, decl in added.items():
                        if name not in columns:
                            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the bot state at {self.path}: {exc}") from exc
        self.prune()

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        """One connection per thread; each `with` is one transaction."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(
                self.path, timeout=15, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
            with self._lock:
                self._opened.append(db)
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def claim(self, key: str) -> bool:
        """True for the first caller with this key (in any worker); False for every later one."""
        with self._conn() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO claims (key, at) VALUES (?, ?)", (key, time.time())
            )
            return cur.rowcount == 1

    def remember_thread(self, channel: str, thread_ts: str, context: Context) -> None:
        """Note that the bot answered in this thread, with the context a follow-up continues."""
        shown = [list(pair) for pair in context.shown]
        with self._conn() as db:
            db.execute(
                "INSERT OR REPLACE INTO threads (channel, thread_ts, speakers, at, shown, topic) "
                "VALUES (?, ?, ?, ?, ?, ?)",
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
                "SELECT speakers, shown, topic FROM threads WHERE channel = ? AND thread_ts = ?",
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
                "INSERT INTO answers (id, result, asked_by, at, thread) VALUES (?, ?, ?, ?, ?)",
                (answer_id, json.dumps(asdict(result)), asked_by, time.time(), where),
            )
        return answer_id

    def load_answer(self, answer_id: str) -> StoredAnswer | None:
        with self._conn() as db:
            row = db.execute(
                "SELECT result, asked_by, thread FROM answers WHERE id = ?", (answer_id,)
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
        """Forget old claims, threads and answers so the file stays small."""
        now = time.time()
        with self._conn() as db:
            db.execute("DELETE FROM claims WHERE at < ?", (now - CLAIM_TTL_S,))
            db.execute("DELETE FROM threads WHERE at < ?", (now - THREAD_TTL_S,))
            db.execute("DELETE FROM answers WHERE at < ?", (now - ANSWER_TTL_S,))

    def close(self) -> None:
        """Close every connection this object opened (call once, when the bot stops)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for db in opened:
            db.close()
        self._local = threading.local()


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
