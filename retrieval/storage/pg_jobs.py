"""The job queue on PostgreSQL, for workers on any number of machines (contract and SQL:
jobs.py's SqlJobQueue; what is PostgreSQL's own is here).

A worker takes the oldest job nobody holds with `FOR UPDATE SKIP LOCKED`, so two workers
asking at once get different jobs without waiting on each other. Times come from the
server's clock (Unix seconds), so leases mean the same on every machine. A reindex, which
runs alone, is taken under an exclusive advisory lock that ordinary takes hold shared: no
ordinary job can be taken in the instant a reindex is (and the reverse).

`exclusive(name)` is a session advisory lock on a connection held for the duration; a
process that dies drops its connection and with it the lock.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from retrieval.errors import StoreError
from retrieval.storage.jobs import SqlJobQueue

CLAIM_LOCK = "hashtext('whosaid:jobs:claim')"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, args TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued', done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0, error TEXT, worker TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, created_at DOUBLE PRECISION NOT NULL,
    started_at DOUBLE PRECISION, finished_at DOUBLE PRECISION,
    lease_until DOUBLE PRECISION, batch TEXT, result TEXT);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, id);
"""


class _Qmark:
    """A psycopg connection that takes the queue's `?` placeholders."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), params)


class PostgresJobQueue(SqlJobQueue):
    """The queue in the database at `url` (its tables are made on first use)."""

    NOW = "extract(epoch FROM clock_timestamp())"
    LOCK_ROWS = " FOR UPDATE SKIP LOCKED"

    def __init__(self, url: str, *, max_connections: int = 8) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        try:
            self.pool = ConnectionPool(
                url,
                min_size=1,
                max_size=max_connections,
                kwargs={"autocommit": True},
                check=ConnectionPool.check_connection,
                open=True,
                timeout=30,
                name="whosaid-jobs",
            )
            with self.pool.connection() as conn, conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('whosaid:jobs:ddl'))")
                conn.execute(_SCHEMA)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open the job queue in PostgreSQL: {exc}") from exc

    @contextmanager
    def _tx(self) -> Iterator[_Qmark]:
        with self.pool.connection() as conn, conn.transaction():
            yield _Qmark(conn)

    @contextmanager
    def _conn(self) -> Iterator[_Qmark]:
        with self.pool.connection() as conn:  # autocommit: one statement commits on its own
            yield _Qmark(conn)

    def _claim_lock(self, conn: Any, exclusive: bool) -> None:
        lock = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        conn.execute(f"SELECT {lock}({CLAIM_LOCK})")

    @contextmanager
    def exclusive(self, name: str, ttl_s: float = 900.0) -> Iterator[bool]:
        """True inside while this process holds the advisory lock `name` (`ttl_s` is not
        needed here: the lock goes with the holder's connection)."""
        key = f"whosaid:{name}"
        with self.pool.connection() as conn:
            row = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()
            mine = bool(row and row[0])
            try:
                yield mine
            finally:
                if mine:
                    conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))

    def close(self) -> None:
        self.pool.close()
