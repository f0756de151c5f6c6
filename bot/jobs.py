"""Ingest jobs on the bot's side: `whosaid worker`, `whosaid index --queue`, `whosaid jobs`,
the worker thread `serve` runs in the embedded default, the watcher that tells an admin
when the job they queued has finished, and the jobs part of `/whosaid-admin status`.

The queue and the worker are the engine's (retrieval/jobs.py); the queue lives beside the
store (SQLite) or in PostgreSQL (`WHOSAID_DATABASE_URL`), so any process on the same store
takes jobs: a `serve` replica enqueues, a worker on another machine runs, the replica that
enqueued reports the outcome to Slack.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from bot.blocks import Rendered, cut, cut_shown

if TYPE_CHECKING:
    from bot.config import Settings
    from retrieval.engine import Engine, Job, JobQueue, Worker

log = logging.getLogger("whosaid.jobs")

WATCH_EVERY_S = 0.5
SECTION_CHARS = 3000
MAX_LISTED = 8
FINISHED = ("done", "failed")


def open_jobs(settings: Settings) -> JobQueue:
    from retrieval.engine import open_queue

    return open_queue(settings.database_url, settings.data_dir)


# -- rendering ------------------------------------------------------------------------------
def job_line(job: Job) -> str:
    """`12` add 3 sources · running 2/3 on host:pid · 14s"""
    from retrieval.engine import uploaded_names

    what = {
        "add": f"add {_sources(job.args)}",
        "upload": f"upload {_sources(uploaded_names(job.args))}",
        "reindex": "reindex",
        "remove": f"remove `{job.args[0] if job.args else '?'}`",
    }.get(job.kind, job.kind)
    state = job.status
    if job.status == "running":
        state = f"running {job.done}/{job.total or '?'} on {job.worker}"
    elif job.status == "failed":
        state = f"failed: {cut_shown(job.error or '?', 200)}"
    elif job.status == "done":
        state = f"done {job.done}/{job.total}" if job.total else "done"
    return f"`{job.id}` {what} · {state}"


def _sources(args: Sequence[str]) -> str:
    if len(args) == 1:
        return cut(args[0].rsplit("/", 1)[-1] if "://" not in args[0] else args[0], 80)
    return f"{len(args)} sources"


def jobs_summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {status}" for status, n in counts.items())


def with_job_status(status: Rendered, queue: JobQueue) -> Rendered:
    """`/whosaid-admin status` plus the jobs: queued and running first, then recent ones."""
    counts = queue.counts()
    if not any(counts.values()):
        return status
    head = f"Jobs: {jobs_summary(counts)}"
    lines = [job_line(j) for j in queue.recent(MAX_LISTED)]
    text = cut(f":gear: {head}\n" + "\n".join(lines), SECTION_CHARS)
    section = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    return Rendered(text=f"{status.text}; {head}", blocks=[*status.blocks, section])


# -- running jobs in this process -----------------------------------------------------------
class WorkerThread:
    """The worker `serve` runs beside the bot in the embedded default (no process to start)."""

    def __init__(self, engine: Engine, queue: JobQueue) -> None:
        from retrieval.engine import Worker

        self.worker: Worker = Worker(engine, queue)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="whosaid-worker", daemon=True)

    def start(self) -> WorkerThread:
        self._thread.start()
        return self

    def poke(self) -> None:
        """A job was just queued: look now rather than at the next idle tick."""
        self.worker.poke()

    def stop(self, wait: bool = True) -> None:
        """Take no more jobs; with `wait`, let the one in hand finish."""
        self._stop.set()
        self.worker.poke()
        if wait:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.worker.run(self._stop)
            except Exception as exc:  # the queue was unreachable a moment: try again shortly
                log.error("worker thread: %s", type(exc).__name__)
                self._stop.wait(5)


class JobWatcher:
    """Calls back when watched jobs progress or finish (one thread for all of them)."""

    def __init__(self, queue: JobQueue, every_s: float = WATCH_EVERY_S) -> None:
        self.queue = queue
        self.every_s = every_s
        self._watched: dict[int, tuple[Callable[[Job], None], Callable[[Job], None]]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(
        self,
        job_id: int,
        on_done: Callable[[Job], None],
        on_progress: Callable[[Job], None] = lambda _job: None,
    ) -> None:
        with self._lock:
            self._watched[job_id] = (on_progress, on_done)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="whosaid-job-watch", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.every_s)
            with self._lock:
                watched = dict(self._watched)
                if not watched:
                    self._thread = None
                    return
            for job_id, (on_progress, on_done) in watched.items():
                try:
                    self._check(job_id, on_progress, on_done)
                except Exception as exc:  # one job's reply failing must not stop the others
                    log.error("job %d: watch failed: %s", job_id, type(exc).__name__)

    def _check(
        self, job_id: int, on_progress: Callable[[Job], None], on_done: Callable[[Job], None]
    ) -> None:
        job = self.queue.get(job_id)
        if job is None or job.status in FINISHED:
            with self._lock:
                self._watched.pop(job_id, None)
            if job is not None:
                on_done(job)
            return
        if job.status == "running":
            on_progress(job)


# -- the command line -----------------------------------------------------------------------
def add_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    s = add("worker", "Run queued ingest jobs (any number of workers, on any machine).")
    s.add_argument(
        "--until-idle", action="store_true", help="stop when no job is left instead of waiting"
    )
    s.add_argument(
        "--lease",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long a job stays ours without a heartbeat (default 60)",
    )
    s.add_argument(
        "--poll",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how often an idle worker asks for a job (default 1)",
    )
    s = add("jobs", "List queued, running and recent ingest jobs.")
    s.add_argument("--json", action="store_true", help="one JSON line per job")
    s.add_argument("--limit", type=int, default=20)


def _emit(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def cmd_enqueue_index(args: argparse.Namespace, settings: Settings) -> int:
    """`whosaid index --queue ...`: enqueue and return; workers do the indexing."""
    from retrieval.engine import add_jobs

    queue = open_jobs(settings)
    try:
        jobs = add_jobs(queue, args.sources)
    finally:
        queue.close()
    sources = sum(len(j.args) for j in jobs)
    if args.json:
        batch = jobs[0].batch if jobs else None
        _emit({"batch": batch, "jobs": [j.id for j in jobs], "sources": sources})
    else:
        ids = ", ".join(str(j.id) for j in jobs)
        print(
            f"Queued {sources} source(s) as {len(jobs)} job(s) ({ids}); `whosaid jobs` shows them."
        )
    return 0


def cmd_jobs(args: argparse.Namespace, settings: Settings) -> int:
    queue = open_jobs(settings)
    try:
        jobs, counts = queue.recent(max(1, args.limit)), queue.counts()
    finally:
        queue.close()
    if args.json:
        for job in jobs:
            _emit(asdict(job))
        return 0
    print(f"Jobs: {jobs_summary(counts)}")
    for job in jobs:
        print("  " + job_line(job).replace("`", ""))
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings, engine: Engine) -> int:
    """Take jobs until SIGTERM or Ctrl-C (the job in hand is finished first; a second signal
    gives it back to the queue at once)."""
    from retrieval.engine import Worker, worker_process

    queue = open_jobs(settings)
    options: dict[str, Any] = {"lease_s": args.lease} if args.lease else {}
    if args.poll:
        options["idle_s"] = args.poll
    worker = Worker(engine, queue, **options)
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        worker.poke()
        print("whosaid worker: stopping after the current job", file=sys.stderr, flush=True)

    before = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    where = "PostgreSQL" if settings.database_url else str(settings.data_dir)
    try:
        with worker_process(engine, settings.worker_threads):
            print(
                f"whosaid worker {worker.name}: taking jobs from {where}",
                file=sys.stderr,
                flush=True,
            )
            ran = worker.run(stop, until_idle=args.until_idle)
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
        queue.close()
    print(f"whosaid worker {worker.name}: stopped after {ran} job(s)", file=sys.stderr, flush=True)
    return 0


HANDLERS: dict[str, Callable[[argparse.Namespace, Any, Engine], int]] = {
    "worker": cmd_worker,
}
