"""The worker runs queued add, reindex and remove jobs on the engine; a job taken again
after its worker died indexes nothing twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.engine import (
    Engine,
    Worker,
    add_jobs,
    open_queue,
    reindex_job,
    remove_job,
    report_from_dict,
)
from retrieval.storage.jobs import JobQueue
from tests.conftest import HashEmbedder
from tests.newsgen import write_articles


@pytest.fixture
def engine(data_dir: Path) -> Iterator[Engine]:
    engine = Engine(data_dir, embedder=HashEmbedder(64))
    yield engine
    engine.close()


@pytest.fixture
def queue(data_dir: Path) -> Iterator[JobQueue]:
    queue = open_queue("", data_dir)
    yield queue
    queue.close()


def test_a_folder_is_split_into_jobs_that_a_worker_runs(
    engine: Engine, queue: JobQueue, tmp_path: Path
) -> None:
    written = write_articles(tmp_path / "news", n=5)
    jobs = add_jobs(queue, [str(tmp_path / "news")], per_job=2)
    assert [j.total for j in jobs] == [2, 2, 1] and len({j.batch for j in jobs}) == 1
    assert Worker(engine, queue).run(threading.Event(), until_idle=True) == 3
    finished = [queue.get(j.id) for j in jobs]
    assert all(j is not None and j.status == "done" and j.done == j.total for j in finished)
    added = [a for j in finished if j and j.result for a in report_from_dict(j.result).added]
    assert len(added) == len(set(added)) == len(written) == engine.stats()["articles"]


def test_a_job_taken_again_after_its_worker_died_indexes_nothing_twice(
    engine: Engine, queue: JobQueue, tmp_path: Path
) -> None:
    write_articles(tmp_path / "news", n=4)
    (job,) = add_jobs(queue, [str(tmp_path / "news")], per_job=4)
    dying = queue.claim("dies", lease_s=0.5)
    assert dying is not None
    engine.ingest(dying.args[:2])  # it committed half, then died without a word
    chunks_before = engine.stats()["chunks"]
    time.sleep(0.7)
    assert Worker(engine, queue, name="w2").run(threading.Event(), until_idle=True) == 1
    final = queue.get(job.id)
    assert final is not None and final.status == "done" and final.attempts == 2
    assert final.result is not None
    report = report_from_dict(final.result)
    assert len(report.added) == 2 and len(report.unchanged) == 2
    stats = engine.stats()
    assert stats["articles"] == 4 and stats["chunks"] > chunks_before
    fresh = Engine(tmp_path / "fresh", embedder=HashEmbedder(64))
    fresh.ingest([str(tmp_path / "news")])
    assert fresh.stats()["chunks"] == stats["chunks"], "no article's rows stored twice"
    fresh.close()


def test_files_sent_to_the_bot_travel_in_their_job(
    engine: Engine, queue: JobQueue, tmp_path: Path
) -> None:
    """An upload job carries the files' bytes, so a worker with none of the sender's files
    (another machine) writes them under its own data dir and indexes them; the job's line
    in a listing names the files, not their bytes."""
    from bot.jobs import job_line
    from retrieval.engine import upload_job

    story = (
        "Harbour dredging to start in May\n\n"
        '"The channel has silted up faster than anyone planned," said Odile Marchetti, '
        "the port engineer.\n"
    )
    job = upload_job(queue, [("F0HARBOUR1", "../harbour dredging.txt", story.encode("utf-8"))])
    assert job.total == 1 and "upload harbour dredging.txt" in job_line(job)
    assert "silted" not in job_line(job)
    assert Worker(engine, queue).run(threading.Event(), until_idle=True) == 1
    done = queue.get(job.id)
    assert done is not None and done.status == "done" and done.result is not None
    [aid] = report_from_dict(done.result).added
    written = engine.data_root / "uploads" / "F0HARBOUR1" / "harbour_dredging.txt"
    assert written.read_text(encoding="utf-8") == story
    assert [q.speaker for q in engine.quotes(aid)] == ["Odile Marchetti"]


def test_reindex_and_remove_run_as_jobs(engine: Engine, queue: JobQueue, tmp_path: Path) -> None:
    write_articles(tmp_path / "news", n=2)
    engine.ingest([str(tmp_path / "news")])
    first = engine.articles()[0].id
    reindex = reindex_job(queue)
    gone = remove_job(queue, first)
    missing = remove_job(queue, "nope")
    assert Worker(engine, queue).run(threading.Event(), until_idle=True) == 3
    done = queue.get(reindex.id)
    assert done is not None and done.result is not None
    assert len(report_from_dict(done.result).replaced) == 2
    assert [queue.get(j.id).result for j in (gone, missing)] == [  # type: ignore[union-attr]
        {"article_id": first, "removed": True},
        {"article_id": "nope", "removed": False},
    ]
    assert [a.id for a in engine.articles()] != [first] and engine.stats()["articles"] == 1


def test_a_job_that_raises_is_failed_with_one_line(
    engine: Engine, queue: JobQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    from retrieval.errors import StoreError

    def broken(*_args: object, **_kw: object) -> None:
        raise StoreError("the disk is full\nand more detail")

    monkeypatch.setattr(engine, "reindex", broken)
    job = reindex_job(queue)
    Worker(engine, queue).run(threading.Event(), until_idle=True)
    failed = queue.get(job.id)
    assert failed is not None and (failed.status, failed.error) == ("failed", "the disk is full")


def test_a_stopped_worker_finishes_its_job_and_takes_no_more(
    engine: Engine, queue: JobQueue, tmp_path: Path
) -> None:
    write_articles(tmp_path / "news", n=3)
    add_jobs(queue, [str(tmp_path / "news")], per_job=1)
    stop = threading.Event()
    worker = Worker(engine, queue)
    real = worker.run_one

    def one_then_stop() -> object:
        job = real()
        stop.set()  # SIGTERM arrives while the first job runs
        return job

    worker.run_one = one_then_stop  # type: ignore[method-assign]
    assert worker.run(stop) == 1
    assert queue.counts() == {"queued": 2, "running": 0, "done": 1, "failed": 0}


def test_a_worker_that_only_writes_keeps_no_vector_cache(data_dir: Path, tmp_path: Path) -> None:
    write_articles(tmp_path / "news", n=2)
    writer = Engine(data_dir, embedder=HashEmbedder(64))
    writer.cache_vectors = False  # as `whosaid worker` runs
    writer.ingest([str(tmp_path / "news")])
    assert writer.vectors.indexes == {} and not list(data_dir.glob("*.faiss"))
    writer.close()
    reader = Engine(data_dir, embedder=HashEmbedder(64))
    query = reader.embed(["the council vote"])[0]
    assert reader.search_vectors("chunk", query, 3), "a searching process builds its own"
    reader.close()


def test_a_worker_process_embeds_batches_on_one_thread_with_its_models_loaded(
    data_dir: Path,
) -> None:
    from retrieval.engine import worker_process
    from retrieval.storage import embedding

    engine = Engine(data_dir)  # the real models, as `whosaid worker` runs them
    try:
        with worker_process(engine, threads=1):
            assert engine.cache_vectors is False and engine._nlp is not None
            embedder = engine.embedder
            assert isinstance(embedder, embedding.OnnxEmbedder)
            batch, question = embedder._session(few=False), embedder._session(few=True)
            assert batch is question, "one thread for batches too: one session serves both"
            assert batch.get_session_options().intra_op_num_threads == 1
        assert embedding.BATCH_THREADS is None and engine.cache_vectors is True, "restored"
    finally:
        engine.close()
