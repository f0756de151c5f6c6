"""The ingest job queue: index changes as rows that any number of workers take in turn.

A job is one unit of work (`add` a few sources, `reindex` everything, `remove` an article)
with a status (queued → running → done | failed), progress (done of total), the worker
holding it and a lease. A worker renews its lease while it works; a job whose lease runs out
(its worker died) is taken again by the next worker that asks, up to MAX_ATTEMPTS times. The
work itself is idempotent (the store keeps an article once per source and content hash), so
a job taken again finishes what the dead worker began without indexing anything twice.

`reindex` swaps every article at once, so it runs alone: it is not taken while other jobs
run, and nothing else is taken while it runs. Jobs are taken oldest first.

Two backends with one contract and one SQL (`SqlJobQueue`): SQLite (`jobs.db` beside the
store, for the embedded default) and PostgreSQL (`pg_jobs.py`, rows taken with `FOR UPDATE
SKIP LOCKED`), chosen by the database URL; they differ in their clock, their locks and their
connections only. `exclusive(name)` lets one process at a time do periodic work.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Protocol

from retrieval.errors import StoreError

KINDS = ("add", "upload", "reindex", "remove")
EXCLUSIVE = frozenset({"reindex"})  # runs alone: it swaps every article at once
STATUSES = ("queued", "running", "done", "failed")
MAX_ATTEMPTS = 3  # a job whose worker died this many times is failed, not retaken forever
DIED = "its worker stopped answering {n} times"


@dataclass
class Job:
    id: int
    kind: str  # one of KINDS
    args: list[str]  # sources for add, [article id] for remove, [] for reindex
    status: str  # one of STATUSES
    done: int
    total: int
    error: str | None
    worker: str | None  # who holds (or last held) it
    attempts: int  # how many times it was taken; with `worker`, the holder's token
    created_at: float  # Unix seconds
    started_at: float | None
    finished_at: float | None
    lease_until: float | None
    batch: str | None  # groups the jobs of one request (`index --queue` of a folder)
    result: dict[str, Any] | None  # what the work reported (an ingest summary)


@dataclass
class JobSpec:
    kind: str
    args: list[str]
    total: int = 0


class JobQueue(Protocol):
    """What workers, the CLI and the bot do with the queue; see the module docstring."""

    def enqueue(self, specs: Sequence[JobSpec], batch: str | None = None) -> list[Job]: ...

    def claim(self, worker: str, lease_s: float) -> Job | None: ...

    def heartbeat(
        self, job: Job, lease_s: float, done: int | None = None, total: int | None = None
    ) -> bool: ...

    def finish(self, job: Job, result: dict[str, Any]) -> bool: ...

    def fail(self, job: Job, error: str) -> bool: ...

    def release(self, job: Job) -> bool: ...

    def get(self, job_id: int) -> Job | None: ...

    def recent(self, limit: int = 20) -> list[Job]: ...

    def counts(self) -> dict[str, int]: ...

    def exclusive(self, name: str, ttl_s: float = 900.0) -> AbstractContextManager[bool]: ...

    def close(self) -> None: ...


def open_queue(database_url: str, data_dir: Path | str) -> JobQueue:
    """PostgreSQL when `database_url` is set, else SQLite in `data_dir/jobs.db`."""
    if database_url:
        from retrieval.storage.pg_jobs import PostgresJobQueue

        return PostgresJobQueue(database_url)
    return SqliteJobQueue(Path(data_dir) / "jobs.db")


def check_spec(spec: JobSpec) -> None:
    if spec.kind not in KINDS:
        raise ValueError(f"unknown job kind {spec.kind!r}")


def job_from_row(row: Sequence[Any]) -> Job:
    """A Job from a row selected as COLUMNS lists them."""
    values = dict(zip(COLUMNS, row, strict=True))
    values["args"] = json.loads(values["args"])
    values["result"] = json.loads(values["result"]) if values["result"] else None
    return Job(**values)


COLUMNS = tuple(field.name for field in fields(Job))
SELECT = f"SELECT {', '.join(COLUMNS)} FROM jobs"
RECENT_ORDER = (
    " ORDER BY CASE status WHEN 'running' THEN 0 WHEN 'queued' THEN 1 ELSE 2 END,"
    " CASE WHEN status IN ('running', 'queued') THEN id ELSE -id END"
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, args TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued', done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0, error TEXT, worker TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL, started_at REAL,
    finished_at REAL, lease_until REAL, batch TEXT, result TEXT);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, id);
CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires REAL);
"""


class ThreadConnections:
    """One SQLite connection per thread to one file (WAL; autocommit, so `transaction` opens
    each `BEGIN IMMEDIATE`), all let go by `close`: the store's, the job queue's and the bot
    state's. `connect` opens one (default: read-write, WAL)."""

    def __init__(
        self,
        path: Path,
        timeout: float,
        connect: Callable[[], sqlite3.Connection] | None = None,
    ) -> None:
        self.path = path
        self.timeout = timeout
        self._connect = connect or self._default_connect
        self._local = threading.local()
        self._opened: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._lock = threading.Lock()

    def _default_connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def get(self) -> sqlite3.Connection:
        """This thread's connection."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._connect()
            self._local.db = db
            with self._lock:
                self._opened.append((threading.current_thread(), db))
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.get()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection and those of threads that have ended. Another live
        thread may be inside a query on its own: closing a connection under a running
        statement crashes the interpreter, so that one is only let go, and closes when its
        thread is done with it (its last reference goes with the thread-local)."""
        with self._lock:
            opened, self._opened = self._opened, []
        me = threading.current_thread()
        for thread, db in opened:
            if thread is me or not thread.is_alive():
                db.close()
        self._local = threading.local()


class Conn(Protocol):
    """A connection as the queue uses it: `execute(sql, params)` with `?` placeholders,
    returning a cursor (fetchone, fetchall, rowcount)."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...


class SqlJobQueue:
    """The queue's logic in SQL both engines run; a dialect gives its clock (`NOW`, Unix
    seconds), its row locking (`LOCK_ROWS`), whether its write transactions already run one
    at a time (`SERIAL`), and its connections: `_tx` (a write transaction), `_conn` (one
    statement, committed on its own) and `_claim_lock` (taken first in a claim)."""

    NOW: str
    LOCK_ROWS = ""
    SERIAL = False  # True: every write transaction runs alone, so a claim is always exclusive
    TAKEABLE = "status='queued' OR (status='running' AND lease_until < {now})"

    def _tx(self) -> AbstractContextManager[Conn]:
        raise NotImplementedError

    def _conn(self) -> AbstractContextManager[Conn]:
        raise NotImplementedError

    def _claim_lock(self, conn: Conn, exclusive: bool) -> None:
        """Serialise claims against a reindex's (nothing to do where transactions are serial)."""

    def enqueue(self, specs: Sequence[JobSpec], batch: str | None = None) -> list[Job]:
        jobs = []
        with self._tx() as db:
            for spec in specs:
                check_spec(spec)
                row = db.execute(
                    f"INSERT INTO jobs (kind, args, total, created_at, batch) "
                    f"VALUES (?, ?, ?, {self.NOW}, ?) RETURNING {', '.join(COLUMNS)}",
                    (spec.kind, json.dumps(spec.args), spec.total, batch),
                ).fetchone()
                jobs.append(job_from_row(row))
        return jobs

    def claim(self, worker: str, lease_s: float) -> Job | None:
        job = self._claim(worker, lease_s, exclusive=self.SERIAL)
        if job is None and not self.SERIAL and self._head_is_exclusive():
            job = self._claim(worker, lease_s, exclusive=True)
        return job

    def _head_is_exclusive(self) -> bool:
        with self._conn() as db:
            row = db.execute(
                f"SELECT kind FROM jobs WHERE {self.TAKEABLE.format(now=self.NOW)} "
                "ORDER BY id LIMIT 1"
            ).fetchone()
        return row is not None and str(row[0]) in EXCLUSIVE

    def _claim(self, worker: str, lease_s: float, *, exclusive: bool) -> Job | None:
        """Take the oldest free job; a reindex only under the `exclusive` claim lock, with
        nothing else running, and nothing while a reindex runs."""
        now = self.NOW
        with self._tx() as db:
            self._claim_lock(db, exclusive)
            db.execute(
                f"UPDATE jobs SET status='failed', error=?, finished_at={now} "
                f"WHERE status='running' AND lease_until < {now} AND attempts >= ?",
                (DIED.format(n=MAX_ATTEMPTS), MAX_ATTEMPTS),
            )
            running = {
                str(r[0])
                for r in db.execute(
                    f"SELECT kind FROM jobs WHERE status='running' AND lease_until >= {now}"
                )
            }
            if running & EXCLUSIVE:
                return None
            row = db.execute(
                f"{SELECT} WHERE {self.TAKEABLE.format(now=now)} ORDER BY id LIMIT 1"
                + self.LOCK_ROWS
            ).fetchone()
            if row is None:
                return None
            job = job_from_row(row)
            if job.kind in EXCLUSIVE and (running or not exclusive):
                return None  # it waits for the running jobs; later jobs wait behind it
            claimed = db.execute(
                f"UPDATE jobs SET status='running', worker=?, attempts=attempts+1, "
                f"started_at=COALESCE(started_at, {now}), lease_until={now} + ? "
                f"WHERE id=? RETURNING {', '.join(COLUMNS)}",
                (worker, lease_s, job.id),
            ).fetchone()
        return None if claimed is None else job_from_row(claimed)

    def _holder_update(self, job: Job, sets: str, params: Sequence[Any]) -> bool:
        """Change a job only while `job`'s holder still holds it (one statement)."""
        with self._conn() as db:
            cur = db.execute(
                f"UPDATE jobs SET {sets} WHERE id=? AND worker=? AND attempts=? "
                "AND status='running'",
                (*params, job.id, job.worker, job.attempts),
            )
            return int(cur.rowcount) == 1

    def heartbeat(
        self, job: Job, lease_s: float, done: int | None = None, total: int | None = None
    ) -> bool:
        return self._holder_update(
            job,
            f"lease_until={self.NOW} + ?, done=COALESCE(?, done), total=COALESCE(?, total)",
            (lease_s, done, total),
        )

    def finish(self, job: Job, result: dict[str, Any]) -> bool:
        return self._holder_update(
            job,
            f"status='done', result=?, finished_at={self.NOW}, done=total, lease_until=NULL",
            (json.dumps(result),),
        )

    def fail(self, job: Job, error: str) -> bool:
        return self._holder_update(
            job, f"status='failed', error=?, finished_at={self.NOW}, lease_until=NULL", (error,)
        )

    def release(self, job: Job) -> bool:
        """Give a job back (its worker is stopping): queued again, for anyone."""
        return self._holder_update(job, "status='queued', lease_until=NULL", ())

    def get(self, job_id: int) -> Job | None:
        with self._conn() as db:
            row = db.execute(SELECT + " WHERE id=?", (job_id,)).fetchone()
        return None if row is None else job_from_row(row)

    def recent(self, limit: int = 20) -> list[Job]:
        """Running and queued jobs first (oldest first), then the latest finished ones."""
        with self._conn() as db:
            rows = db.execute(SELECT + RECENT_ORDER + " LIMIT ?", (limit,)).fetchall()
        return [job_from_row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        with self._conn() as db:
            rows = db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall()
        found = {str(s): int(n) for s, n in rows}
        return {status: found.get(status, 0) for status in STATUSES}


class SqliteJobQueue(SqlJobQueue):
    """The queue in one SQLite file; every change is one `BEGIN IMMEDIATE` transaction, so
    processes on this machine take jobs one at a time without locking rows."""

    NOW = "((julianday('now') - 2440587.5) * 86400.0)"  # Unix seconds, to the millisecond
    SERIAL = True

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conns = ThreadConnections(self.path, timeout=60)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conns.get().executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the job queue at {self.path}: {exc}") from exc

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._conns.transaction()

    @contextmanager
    def _conn(self) -> Iterator[sqlite3.Connection]:
        yield self._conns.get()  # in autocommit mode: one statement commits on its own

    @contextmanager
    def exclusive(self, name: str, ttl_s: float = 900.0) -> Iterator[bool]:
        """True inside while this process holds `name` (a lease row that a crashed holder
        frees after `ttl_s`); False at once when another holds it."""
        holder = f"{id(self)}:{threading.get_ident()}:{time.monotonic_ns()}"
        now = time.time()
        with self._tx() as db:
            row = db.execute("SELECT expires FROM leases WHERE name=?", (name,)).fetchone()
            mine = row is None or float(row[0]) < now
            if mine:
                db.execute(
                    "INSERT OR REPLACE INTO leases (name, holder, expires) VALUES (?,?,?)",
                    (name, holder, now + ttl_s),
                )
        try:
            yield mine
        finally:
            if mine:
                with self._tx() as db:
                    db.execute("DELETE FROM leases WHERE name=? AND holder=?", (name, holder))

    def close(self) -> None:
        self._conns.close()
