"""The job queue's contract, on SQLite and on a real PostgreSQL server: oldest first, one
holder per job, progress, a dead worker's job taken again, reindex alone, SKIP LOCKED."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from retrieval.storage.jobs import MAX_ATTEMPTS, JobQueue, JobSpec, open_queue

Opener = Callable[[], JobQueue]


@pytest.fixture(params=["sqlite", "postgres"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens handles on one queue, as separate worker processes would."""
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""
    opened: list[JobQueue] = []

    def open_one() -> JobQueue:
        opened.append(open_queue(url, tmp_path))
        return opened[-1]

    yield open_one
    for queue in opened:
        queue.close()


def adds(n: int) -> list[JobSpec]:
    return [JobSpec("add", [f"/news/{i}.txt"], total=1) for i in range(n)]


def test_jobs_are_taken_oldest_first_and_once(opener: Opener) -> None:
    queue = opener()
    first, second = queue.enqueue(adds(2), batch="b1")
    assert (first.status, first.batch, first.args) == ("queued", "b1", ["/news/0.txt"])
    taken = queue.claim("w1", lease_s=30)
    assert taken is not None and taken.id == first.id
    assert (taken.status, taken.worker, taken.attempts) == ("running", "w1", 1)
    other = opener().claim("w2", lease_s=30)
    assert other is not None and other.id == second.id
    assert queue.claim("w3", lease_s=30) is None
    assert queue.counts() == {"queued": 0, "running": 2, "done": 0, "failed": 0}


def test_progress_result_and_failure_are_recorded(opener: Opener) -> None:
    queue = opener()
    queue.enqueue([JobSpec("add", ["/a.txt", "/b.txt", "/c.txt"], total=3), *adds(1)])
    job = queue.claim("w1", lease_s=30)
    assert job is not None
    assert queue.heartbeat(job, 30, done=2, total=3)
    seen = opener().get(job.id)
    assert seen is not None and (seen.done, seen.total) == (2, 3)
    assert queue.finish(job, {"added": ["a1", "b2", "c3"]})
    done = queue.get(job.id)
    assert done is not None and done.status == "done" and done.done == 3
    assert done.result == {"added": ["a1", "b2", "c3"]} and done.finished_at is not None
    bad = queue.claim("w1", lease_s=30)
    assert bad is not None and queue.fail(bad, "no such file")
    failed = queue.get(bad.id)
    assert failed is not None and (failed.status, failed.error) == ("failed", "no such file")
    assert not queue.heartbeat(failed, 30), "a finished job has no holder any more"
    assert [j.id for j in queue.recent()] == [bad.id, job.id], "newest finished first"


def test_a_job_whose_lease_ran_out_is_taken_again(opener: Opener) -> None:
    queue = opener()
    (job,) = queue.enqueue(adds(1))
    dead = queue.claim("dies", lease_s=0.5)
    assert dead is not None and opener().claim("w2", lease_s=30) is None, "still leased"
    time.sleep(0.8)
    again = opener().claim("w2", lease_s=30)
    assert again is not None and again.id == job.id
    assert (again.worker, again.attempts) == ("w2", 2)
    assert not queue.heartbeat(dead, 30), "the old holder lost it"
    assert not queue.finish(dead, {}), "... and cannot finish it"
    assert queue.finish(again, {"added": []})


def test_a_job_that_kills_its_workers_is_failed_after_a_few_tries(opener: Opener) -> None:
    queue = opener()
    (job,) = queue.enqueue(adds(1))
    for n in range(MAX_ATTEMPTS):
        taken = queue.claim(f"w{n}", lease_s=0.2)
        assert taken is not None and taken.attempts == n + 1
        time.sleep(0.35)
    assert queue.claim("last", lease_s=30) is None
    final = queue.get(job.id)
    assert (
        final is not None and final.status == "failed" and "stopped answering" in str(final.error)
    )


def test_a_released_job_is_queued_again_at_once(opener: Opener) -> None:
    queue = opener()
    queue.enqueue(adds(1))
    job = queue.claim("stopping", lease_s=30)
    assert job is not None and queue.release(job)
    again = opener().claim("w2", lease_s=30)
    assert again is not None and again.id == job.id


def test_reindex_runs_alone(opener: Opener) -> None:
    queue = opener()
    add1, reindex, add2 = queue.enqueue(
        [adds(1)[0], JobSpec("reindex", []), JobSpec("add", ["/x.txt"], total=1)]
    )
    running = queue.claim("w1", lease_s=30)
    assert running is not None and running.id == add1.id
    assert opener().claim("w2", lease_s=30) is None, "reindex waits for the running add"
    assert queue.finish(running, {})
    taken = opener().claim("w2", lease_s=30)
    assert taken is not None and taken.id == reindex.id
    assert queue.claim("w3", lease_s=30) is None, "nothing runs beside a reindex"
    assert queue.finish(taken, {})
    last = queue.claim("w3", lease_s=30)
    assert last is not None and last.id == add2.id


def test_two_concurrent_workers_take_every_job_exactly_once(opener: Opener) -> None:
    queue = opener()
    queue.enqueue(adds(40))
    taken: dict[str, list[int]] = {"w1": [], "w2": []}
    start = threading.Barrier(2)

    def work(name: str) -> None:
        mine = opener()
        start.wait()
        while (job := mine.claim(name, lease_s=30)) is not None:
            taken[name].append(job.id)
            time.sleep(0.005)  # the job's work: lets the other worker in
            assert mine.finish(job, {})

    threads = [threading.Thread(target=work, args=(n,)) for n in taken]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    everything = taken["w1"] + taken["w2"]
    assert sorted(everything) == sorted(set(everything)) and len(everything) == 40
    assert taken["w1"] and taken["w2"], "both workers got work"
    assert queue.counts()["done"] == 40


def test_postgres_skips_a_row_another_worker_is_taking(request: pytest.FixtureRequest) -> None:
    """While one worker's claim holds the oldest row locked, another takes the next one at
    once instead of waiting (FOR UPDATE SKIP LOCKED)."""
    import psycopg

    url = request.getfixturevalue("postgres_url")
    queue = open_queue(url, "")
    try:
        first, second = queue.enqueue(adds(2))
        with psycopg.connect(url) as other, other.transaction():
            other.execute("SELECT id FROM jobs WHERE id=%s FOR UPDATE", (first.id,))
            began = time.monotonic()
            job = queue.claim("w2", lease_s=30)
            assert time.monotonic() - began < 2
        assert job is not None and job.id == second.id
    finally:
        queue.close()


def test_only_one_process_holds_periodic_work(opener: Opener) -> None:
    one, two = opener(), opener()
    with one.exclusive("feed-poll") as mine:
        assert mine
        with two.exclusive("feed-poll") as theirs:
            assert not theirs
    with two.exclusive("feed-poll") as theirs:
        assert theirs


def test_an_unknown_job_kind_is_refused(opener: Opener) -> None:
    with pytest.raises(ValueError):
        opener().enqueue([JobSpec("explode", [])])
