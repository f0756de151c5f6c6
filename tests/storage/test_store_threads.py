"""Closing a store while another thread is inside a query: the query finishes, nothing crashes
(closing a SQLite connection under a running statement takes the interpreter down)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import sys, threading
    from retrieval.storage.store import Store

    store = Store(sys.argv[1])
    store.article_count()  # the schema exists
    started, results = threading.Event(), []
    SLOW = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) "
        "SELECT COUNT(*) FROM n"
    )

    def slow() -> None:
        conn = store.conn
        started.set()
        for _ in range(3):
            results.append(conn.execute(SLOW).fetchone()[0])

    worker = threading.Thread(target=slow)
    worker.start()
    started.wait()
    store.close()  # the main thread lets go while the worker is mid-query
    worker.join()
    print(results)
    """
)


def test_closing_while_another_thread_queries_lets_the_query_finish(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "data")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "[3000000, 3000000, 3000000]"


def test_close_still_closes_the_callers_connection(tmp_path: Path) -> None:
    import sqlite3

    import pytest

    from retrieval.storage.store import Store

    store = Store(tmp_path / "data")
    conn = store.conn
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")
    assert store.article_count() == 0  # a later use opens a new connection
