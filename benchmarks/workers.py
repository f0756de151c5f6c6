"""Ingest spread over `whosaid worker` processes: 1 worker against 2 on the same queue.

Each run starts the workers on a fresh store and waits until every one has loaded its models
(a worker loads them before taking jobs), then queues the articles (the ingest benchmark's
synthetic corpus, benchmarks/corpus.py) and times from the queueing to the last job done,
with the CPU time the workers used meanwhile (on a loaded machine, what they were given).
Rounds alternate 1 and 2 workers so both see the same load; the store is checked to hold
every article once. Each worker runs in a session of its own: Linux's autogroup scheduling
shares the CPU fairly between sessions, so two workers started from one shell would share
one session's slice on a loaded machine, which separate services or machines do not.

python -m benchmarks.workers [--articles 48] [--rounds 2] [--postgres | --database-url ADMIN_URL]

With `--database-url` (a PostgreSQL URL allowed to create databases) or `--postgres` (a
throwaway server started from this machine's binaries) each run gets a new database that the
workers share (their data dir then holds nothing: workers keep no vector cache); without,
they share a SQLite data dir.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import REPO, median, table

PER_JOB = 4
HEADER = ["workers", "seconds", "articles/s", "× one worker", "CPU s", "cores used"]


@dataclass
class WorkersRun:
    workers: int
    seconds: float
    cpu_s: float  # user + system time of the workers while they ran the jobs
    articles: int  # in the store afterwards
    jobs: int


def _cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def _env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHOSAID_"))}
    env["WHOSAID_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO)
    if database_url:
        env["WHOSAID_DATABASE_URL"] = database_url
    return env


def run_once(folder: Path, n_workers: int, work: Path, admin_url: str = "") -> WorkersRun:
    """Queue every article of `folder` and time `n_workers` warm workers through it."""
    from retrieval.engine import Engine, add_jobs, open_queue

    data_dir = Path(tempfile.mkdtemp(prefix=f"w{n_workers}-", dir=work))
    url = _new_database(admin_url) if admin_url else ""
    env = _env(data_dir, url)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "worker"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=REPO,
            start_new_session=True,  # its own scheduling group, as a service of its own is
        )
        for _ in range(n_workers)
    ]
    queue = open_queue(url, data_dir)
    try:
        for proc in procs:
            assert proc.stderr is not None
            line = proc.stderr.readline()
            if "taking jobs" not in line:
                raise RuntimeError(f"worker did not start: {line}{proc.stderr.read()[-2000:]}")
        pids = [p.pid for p in procs]
        cpu_before = _cpu_s(pids)
        started = time.perf_counter()
        jobs = add_jobs(queue, [str(folder)], per_job=PER_JOB)
        while True:
            counts = queue.counts()
            if counts["done"] + counts["failed"] == len(jobs):
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        cpu = _cpu_s(pids) - cpu_before
        if counts["failed"]:
            raise RuntimeError(f"{counts['failed']} job(s) failed")
    finally:
        queue.close()
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=120)
    engine = Engine(data_dir, database_url=url or None)
    articles = engine.stats()["articles"]
    engine.close()
    return WorkersRun(n_workers, seconds, cpu, articles, len(jobs))


def _new_database(admin_url: str) -> str:
    from tests.pgserver import new_database

    return new_database(admin_url)


def run_workers(
    articles: int, work: Path, rounds: int = 2, admin_url: str = ""
) -> list[list[object]]:
    """Table rows: workers, median seconds, articles/s, speed-up over one worker, CPU
    seconds used, cores' worth of CPU the workers got (CPU seconds / wall seconds)."""
    from benchmarks.corpus import build_corpus, write_corpus

    folder = work / "news"
    write_corpus(build_corpus(articles, seed=23), folder)
    runs: dict[int, list[WorkersRun]] = {1: [], 2: []}
    for _ in range(rounds):
        for n in (1, 2):
            run = run_once(folder, n, work, admin_url)
            if run.articles != articles:
                raise RuntimeError(f"{run.articles} articles stored, {articles} queued")
            runs[n].append(run)
    one = median([r.seconds for r in runs[1]])
    rows: list[list[object]] = []
    for n, done in runs.items():
        seconds = median([r.seconds for r in done])
        cpu = median([r.cpu_s for r in done])
        rows.append([n, seconds, articles / seconds, one / seconds, cpu, cpu / seconds])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", default="", help="PostgreSQL admin URL")
    parser.add_argument(
        "--postgres", action="store_true", help="start a throwaway PostgreSQL (tests/pgserver.py)"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="whosaid-workers-"))
    server = None
    try:
        if args.postgres:
            from tests.pgserver import PostgresServer, server_bin_dir

            bin_dir = server_bin_dir()
            if bin_dir is None:
                raise SystemExit("no PostgreSQL server binaries on this machine")
            server = PostgresServer(bin_dir).start()
            args.database_url = server.admin_url
        rows = run_workers(args.articles, work, args.rounds, args.database_url)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{args.articles} articles, {PER_JOB} per job, {backend}, load {os.getloadavg()[0]:.1f}")
    print(table(HEADER, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
