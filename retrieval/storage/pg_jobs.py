"""The job queue on PostgreSQL, for workers on any number of machines (contract: jobs.py).

A worker takes the oldest job nobody holds with `FOR UPDATE SKIP LOCKED`, so two workers
asking at once get different jobs without waiting on each other. Times come from the
server's clock (Unix seconds), so leases mean the same on every machine. A reindex, which
runs alone, is taken under an exclusive advisory lock that ordinary takes hold shared: no
ordinary job can be taken in the instant a reindex is (and the reverse).

`exclusive(name)` is a session advisory lock on a connection held for the duration; a
process that dies drops its connection and with it the lock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from retrieval.errors import StoreError
from retrieval.storage.jobs import (
    COLUMNS,
    DIED,
    EXCLUSIVE,
    MAX_ATTEMPTS,
    RECENT_ORDER,
    SELECT,
    STATUSES,
    Job,
    JobSpec,
    check_spec,
    job_from_row,
)

NOW = "extract(epoch FROM clock_timestamp())"
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


class PostgresJobQueue:
    """The queue in the database at `url` (its tables are made on first use)."""

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

    def enqueue(self, specs: Sequence[JobSpec], batch: str | None = None) -> list[Job]:
        jobs = []
        with self.pool.connection() as conn, conn.transaction():
            for spec in specs:
                check_spec(spec)
                row = conn.execute(
                    f"INSERT INTO jobs (kind, args, total, created_at, batch) "
                    f"VALUES (%s, %s, %s, {NOW}, %s) RETURNING id",
                    (spec.kind, json.dumps(spec.args), spec.total, batch),
                ).fetchone()
                assert row is not None
                jobs.append(int(row[0]))
        return [job for job in (self.get(i) for i in jobs) if job is not None]

    def claim(self, worker: str, lease_s: float) -> Job | None:
        job = self._claim(worker, lease_s, exclusive=False)
        if job is None and self._head_is_exclusive():
            job = self._claim(worker, lease_s, exclusive=True)
        return job

    def _head_is_exclusive(self) -> bool:
        with self.pool.connection() as conn:
            row = conn.execute(
                f"SELECT kind FROM jobs WHERE status='queued' OR (status='running' "
                f"AND lease_until < {NOW}) ORDER BY id LIMIT 1"
            ).fetchone()
        return row is not None and str(row[0]) in EXCLUSIVE

    def _claim(self, worker: str, lease_s: float, *, exclusive: bool) -> Job | None:
        lock = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        with self.pool.connection() as conn, conn.transaction():
            conn.execute(f"SELECT {lock}({CLAIM_LOCK})")
            conn.execute(
                f"UPDATE jobs SET status='failed', error=%s, finished_at={NOW} "
                f"WHERE status='running' AND lease_until < {NOW} AND attempts >= %s",
                (DIED.format(n=MAX_ATTEMPTS), MAX_ATTEMPTS),
            )
            running = {
                str(r[0])
                for r in conn.execute(
                    f"SELECT kind FROM jobs WHERE status='running' AND lease_until >= {NOW}"
                )
            }
            if running & EXCLUSIVE:
                return None
            row = conn.execute(
                f"{SELECT} WHERE status='queued' OR (status='running' AND lease_until < {NOW}) "
                "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
            ).fetchone()
            if row is None:
                return None
            job = job_from_row(row)
            if job.kind in EXCLUSIVE and (running or not exclusive):
                return None  # taken only under the exclusive lock, with nothing running
            claimed = conn.execute(
                f"UPDATE jobs SET status='running', worker=%s, attempts=attempts+1, "
                f"started_at=COALESCE(started_at, {NOW}), lease_until={NOW} + %s "
                f"WHERE id=%s RETURNING {', '.join(COLUMNS)}",
                (worker, lease_s, job.id),
            ).fetchone()
        return None if claimed is None else job_from_row(claimed)

    def _holder_update(self, job: Job, sets: str, params: Sequence[Any]) -> bool:
        with self.pool.connection() as conn:
            cur = conn.execute(
                f"UPDATE jobs SET {sets} WHERE id=%s AND worker=%s AND attempts=%s "
                "AND status='running'",
                (*params, job.id, job.worker, job.attempts),
            )
            return cur.rowcount == 1

    def heartbeat(
        self, job: Job, lease_s: float, done: int | None = None, total: int | None = None
    ) -> bool:
        return self._holder_update(
            job,
            f"lease_until={NOW} + %s, done=COALESCE(%s, done), total=COALESCE(%s, total)",
            (lease_s, done, total),
        )

    def finish(self, job: Job, result: dict[str, Any]) -> bool:
        return self._holder_update(
            job,
            f"status='done', result=%s, finished_at={NOW}, done=total, lease_until=NULL",
            (json.dumps(result),),
        )

    def fail(self, job: Job, error: str) -> bool:
        return self._holder_update(
            job, f"status='failed', error=%s, finished_at={NOW}, lease_until=NULL", (error,)
        )

    def release(self, job: Job) -> bool:
        return self._holder_update(job, "status='queued', lease_until=NULL", ())

    def get(self, job_id: int) -> Job | None:
        with self.pool.connection() as conn:
            row = conn.execute(SELECT + " WHERE id=%s", (job_id,)).fetchone()
        return None if row is None else job_from_row(row)

    def recent(self, limit: int = 20) -> list[Job]:
        with self.pool.connection() as conn:
            rows = conn.execute(SELECT + RECENT_ORDER + " LIMIT %s", (limit,)).fetchall()
        return [job_from_row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        with self.pool.connection() as conn:
            rows = conn.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall()
        found = {str(s): int(n) for s, n in rows}
        return {status: found.get(status, 0) for status in STATUSES}

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
