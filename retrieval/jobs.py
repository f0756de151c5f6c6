"""Ingest as jobs: what `index --queue` and `/whosaid-admin` enqueue, and the worker that
runs them (`whosaid worker`, or a thread of `whosaid serve` in the embedded default).

An `add` of a folder becomes one job per few files (SOURCES_PER_JOB), so several workers
share it; the jobs of one request carry the same batch id. A worker takes one job at a
time, renews its lease from a heartbeat thread while the engine works (with the progress it
reports), and records the outcome. Running a job twice is harmless: the store keeps an
article once per source and content hash, so a job taken again after its worker died
reports what the dead worker had committed as unchanged.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import socket
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.errors import WhosaidError
from retrieval.storage.jobs import Job, JobQueue, JobSpec

if TYPE_CHECKING:
    from retrieval.engine import Engine, IngestReport

log = logging.getLogger("whosaid.jobs")

SOURCES_PER_JOB = 4  # small enough to spread over workers, big enough to batch the models
LEASE_S = 60.0  # a job whose worker has not renewed it for this long is taken again
IDLE_S = 1.0  # how often an idle worker asks for a job


def new_batch() -> str:
    return uuid.uuid4().hex[:12]


def add_jobs(queue: JobQueue, sources: Sequence[str], per_job: int = SOURCES_PER_JOB) -> list[Job]:
    """Enqueue the indexing of files, folders and URLs; folders are expanded now, so the
    files spread over the workers (which must see the same paths)."""
    from retrieval.ingest.articles import expand_sources

    items = [src for src, _ in expand_sources(list(sources))]
    specs = [
        JobSpec("add", items[i : i + per_job], total=len(items[i : i + per_job]))
        for i in range(0, len(items), per_job)
    ]
    return queue.enqueue(specs, batch=new_batch())


def upload_job(queue: JobQueue, files: Sequence[tuple[str, str, bytes]]) -> Job:
    """Enqueue the indexing of files sent to the bot, as (Slack file id, name, bytes): the
    bytes travel in the job, so the worker that takes it, on any machine, writes them under
    its own data dir and indexes them there."""
    args = [
        part
        for file_id, name, data in files
        for part in (file_id, name, base64.b64encode(data).decode("ascii"))
    ]
    return queue.enqueue([JobSpec("upload", args, total=len(files))], batch=new_batch())[0]


def uploaded_names(args: Sequence[str]) -> list[str]:
    """The file names an upload job carries (its args without the bytes)."""
    return [str(args[i + 1]) for i in range(0, len(args) - 2, 3)]


def write_uploads(args: Sequence[str], root: Path) -> list[str]:
    """The files of an upload job written under `root/uploads/<file id>/` (each whole or not
    at all); their paths, to index."""
    paths = []
    for i in range(0, len(args) - 2, 3):
        file_id, name, data = args[i], args[i + 1], base64.b64decode(args[i + 2])
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).lstrip(".") or "article.txt"
        folder = root / "uploads" / (re.sub(r"[^A-Za-z0-9]", "", file_id) or "file")
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        partial.replace(target)
        paths.append(str(target))
    return paths


def reindex_job(queue: JobQueue) -> Job:
    return queue.enqueue([JobSpec("reindex", [])], batch=new_batch())[0]


def remove_job(queue: JobQueue, article_id: str) -> Job:
    return queue.enqueue([JobSpec("remove", [article_id.strip()], total=1)], batch=new_batch())[0]


def report_dict(report: IngestReport) -> dict[str, Any]:
    return asdict(report)


def report_from_dict(data: dict[str, Any]) -> IngestReport:
    """The IngestReport a finished add or reindex job recorded."""
    from retrieval.engine import IngestReport

    out = IngestReport(**{k: v for k, v in data.items() if k in IngestReport.__dataclass_fields__})
    out.failed = [(str(s), str(e)) for s, e in out.failed]
    return out


@contextmanager
def worker_process(engine: Engine, threads: int | None = 1) -> Iterator[None]:
    """This process as a `whosaid worker` inside: batches embed on `threads` intra-op
    threads (None = every core), both models are loaded on entry (the embedder's session
    too, so the first job costs what the others do), and no vector cache is kept (it only
    writes: with other writers beside it, it would rebuild the cache for every batch).

    One thread by default, as each process of the ingest pool has: workers scale ingest by
    their number (one per core), and workers on every core each would contend for the same
    cores; a lone worker on a machine of its own may take them all."""
    from retrieval.storage import embedding

    before = (embedding.BATCH_THREADS, engine.cache_vectors)
    torch_before = None
    embedding.BATCH_THREADS, engine.cache_vectors = threads, False
    if threads and engine.embedding_backend == "torch":
        import torch

        torch_before = torch.get_num_threads()
        torch.set_num_threads(threads)
    try:
        _ = engine.nlp
        engine.embed(["Warm up the embedder."] * (embedding.SINGLE_THREAD_MAX + 1))
        yield
    finally:
        embedding.BATCH_THREADS, engine.cache_vectors = before
        if torch_before is not None:
            import torch

            torch.set_num_threads(torch_before)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """Takes jobs from `queue` and runs them on `engine`, one at a time."""

    def __init__(
        self,
        engine: Engine,
        queue: JobQueue,
        *,
        name: str | None = None,
        lease_s: float = LEASE_S,
        idle_s: float = IDLE_S,
    ) -> None:
        self.engine = engine
        self.queue = queue
        self.name = name or worker_name()
        self.lease_s = lease_s
        self.idle_s = idle_s
        self._wake = threading.Event()

    def poke(self) -> None:
        """Look for a job now (one was queued, or `stop` was set) instead of after idling."""
        self._wake.set()

    def run(self, stop: threading.Event, *, until_idle: bool = False) -> int:
        """Run jobs until `stop` is set (the job in hand is finished first), or with
        `until_idle` until the queue has nothing to take; returns how many ran."""
        ran = 0
        while not stop.is_set():
            if self.run_one() is not None:
                ran += 1
            elif until_idle:
                break
            else:
                self._wake.wait(self.idle_s)
                self._wake.clear()
        return ran

    def run_one(self) -> Job | None:
        """Take one job and run it; None when there was none to take."""
        job = self.queue.claim(self.name, self.lease_s)
        if job is None:
            return None
        log.info("job %d (%s) taken by %s, attempt %d", job.id, job.kind, self.name, job.attempts)
        beat = _Heartbeat(self.queue, job, self.lease_s)
        beat.start()
        try:
            result = self._work(job, beat)
        except WhosaidError as exc:
            beat.stop()
            self.queue.fail(job, (str(exc).splitlines() or [type(exc).__name__])[0])
            return job
        except Exception as exc:
            beat.stop()
            log.exception("job %d failed", job.id)
            self.queue.fail(job, f"internal error ({type(exc).__name__})")
            return job
        except BaseException:  # interrupted (Ctrl-C twice): give the job back for another worker
            beat.stop()
            self.queue.release(job)
            raise
        beat.stop()
        if not self.queue.finish(job, result):
            log.warning("job %d: lease lost before it finished (another worker has it)", job.id)
        return job

    def _work(self, job: Job, beat: _Heartbeat) -> dict[str, Any]:
        if job.kind == "add":
            return report_dict(self.engine.ingest(job.args, progress=beat.progress))
        if job.kind == "upload":
            paths = write_uploads(job.args, self.engine.data_root)
            return report_dict(self.engine.ingest(paths, progress=beat.progress))
        if job.kind == "reindex":
            return report_dict(self.engine.reindex(progress=beat.progress))
        if job.kind == "remove":
            article_id = job.args[0]
            return {"article_id": article_id, "removed": self.engine.remove(article_id)}
        raise WhosaidError(f"unknown job kind {job.kind!r}")


class _Heartbeat:
    """Renews a job's lease (with its latest progress) from a thread while it runs."""

    def __init__(self, queue: JobQueue, job: Job, lease_s: float) -> None:
        self.queue, self.job, self.lease_s = queue, job, lease_s
        self.every_s = min(lease_s / 3, 2.0)
        self.latest: tuple[int, int] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"whosaid-job-{job.id}", daemon=True)

    def progress(self, done: int, total: int, _what: str) -> None:
        self.latest = (done, total)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            done, total = self.latest if self.latest else (None, None)
            try:
                if not self.queue.heartbeat(self.job, self.lease_s, done, total):
                    log.warning("job %d: lease lost (taken again after it ran out)", self.job.id)
                    return
            except Exception as exc:  # a failed renewal must not stop the work; the next may pass
                log.warning("job %d: heartbeat failed: %s", self.job.id, type(exc).__name__)
