"""Closing a store while another thread is inside a query: the query finishes, nothing crashes
(closing a SQLite connection under a running statement takes the interpreter down)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from functools import partial
from pathlib import Path

import pytest

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


def test_reads_side_by_side_come_back_in_order_and_raise_as_they_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from retrieval.storage import interfaces
    from retrieval.storage.interfaces import in_parallel

    monkeypatch.setattr(interfaces, "_a_core_is_free", lambda: True)

    def where(n: int) -> tuple[int, int]:
        return n, threading.get_ident()

    found = in_parallel(*(partial(where, n) for n in range(5)))
    assert [n for n, _ in found] == list(range(5))
    assert found[-1][1] == threading.get_ident()  # the last runs in the caller's thread
    # called from a thread of the pool, the calls run in turn there (no thread waits on another)
    started = threading.Event()

    def nested() -> list[tuple[int, int]]:
        started.set()
        return in_parallel(partial(where, 1), partial(where, 2))

    inner = in_parallel(nested, partial(started.wait, 30))[0]
    assert inner[0][1] == inner[1][1] != threading.get_ident()

    def fails() -> None:
        raise ValueError("the store went away")

    with pytest.raises(ValueError, match="went away"):
        in_parallel(fails, list)
    with pytest.raises(ValueError, match="went away"):
        in_parallel(list, fails)


def test_a_read_no_thread_has_taken_runs_in_the_callers_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a busy machine (every thread of the pool taken) the caller does not wait for one."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from retrieval.storage import interfaces

    monkeypatch.setattr(interfaces, "_a_core_is_free", lambda: True)
    busy = ThreadPoolExecutor(max_workers=1)
    release = threading.Event()
    busy.submit(release.wait, 30)
    monkeypatch.setattr(interfaces, "_BESIDE", busy)
    try:
        found = interfaces.in_parallel(threading.get_ident, threading.get_ident)
    finally:
        release.set()
        busy.shutdown()
    assert found == [threading.get_ident()] * 2


def test_on_a_busy_machine_the_reads_run_in_turn_in_the_callers_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from retrieval.storage import interfaces

    monkeypatch.setattr(interfaces, "_a_core_is_free", lambda: False)
    ran: list[int] = []
    found = interfaces.in_parallel(
        *(lambda n=n: ran.append(n) or threading.get_ident() for n in range(3))
    )
    assert ran == [0, 1, 2] and found == [threading.get_ident()] * 3


def test_queries_a_server_runs_go_beside_even_on_a_busy_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`elsewhere`: the calls but the last wait on another process (a database server), so
    they are sent from threads of the pool while the caller does its own work; in turn, this
    process would wait idle for the server, then the server for it."""
    import threading

    from retrieval.storage import interfaces

    monkeypatch.setattr(interfaces, "_a_core_is_free", lambda: False)
    started = threading.Event()

    def query() -> int:
        started.set()
        return threading.get_ident()

    def mine() -> int:
        assert started.wait(30)  # the query is under way while the caller works
        return threading.get_ident()

    sent, own = interfaces.in_parallel(query, mine, elsewhere=True)
    assert sent != own == threading.get_ident()
