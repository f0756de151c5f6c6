"""Ingest spread over `whosaid worker` processes: 1 worker against 2 on the same queue.

Each run starts the workers on a fresh store, each configured as in production (the
defaults: one intra-op thread each, `WHOSAID_WORKER_THREADS`), and waits until every one has
loaded its models (a worker loads them, and warms its embedder, before taking jobs; that
start-up is reported apart). Then the articles (the ingest benchmark's synthetic corpus,
benchmarks/corpus.py, the same for every run) are queued at once, and the clock runs from
there to the last job done, with the CPU time the workers used meanwhile. Workers poll an
empty queue every 0.1 s here (`--poll`; 1 s by default), so the clock does not wait a
second for them to notice the queue. The store is checked to hold every article once.

Each worker runs in a session of its own, as a service of its own would: Linux's autogroup
scheduling shares the CPU fairly between sessions (each session here is given this
process's autogroup niceness, so the workers run as low as their parent does under
/work/tools/low.sh). On a machine loaded by others that fair share, not the cores, sets the
pace: two sessions get two shares, so a 2-vs-1 ratio drifts towards 2 (or any ratio the
share gives) whatever the workers do. The floor measures that in the same run: before and
after each run, one CPU-bound process, then two, each in its own session, each doing the
same fixed work; 2 x t(one) / t(two) is the speed-up the machine gave a second process just
then (2.0 on an idle 2-core machine), and a run's floor is the mean of the two around it.
The workers' ratio over it is the part of that speed-up the workers took.

Rounds alternate 1 and 2 workers (and `--lone`: one worker on every core, the setting for
a lone worker on a machine of its own) so all see the same load.

python -m benchmarks.workers [--articles 48] [--rounds 2] [--lone]
                             [--postgres | --database-url ADMIN_URL]

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
from typing import Any

from benchmarks.common import REPO, median, table

PER_JOB = 4
POLL_S = 0.1
SPIN = 20_000_000  # loop steps of the floor's CPU-bound process (~1.5 s on an idle core)
HEADER = [
    "workers",
    "threads each",
    "start-up s",
    "seconds",
    "articles/s",
    "× one worker",
    "× floor",
    "CPU s",
    "cores used",
    "waited for a CPU s",
    "× one, waits taken out",
]


@dataclass
class WorkersRun:
    workers: int
    threads: int
    start_s: float  # until every worker was ready to take jobs
    seconds: float  # from the queueing to the last job done
    cpu_s: float  # CPU time of the workers while they ran the jobs
    wait_s: float  # time the workers' main threads waited for a CPU meanwhile (a loaded machine)
    articles: int  # in the store afterwards
    jobs: int
    floor: float = float("nan")  # the speed-up a second CPU-bound process got around it


def _sched_s(pids: list[int]) -> tuple[float, float]:
    """(CPU seconds run by all their threads, seconds their main threads waited on a run
    queue for a CPU) of these processes so far (Linux schedstat). A one-thread worker works
    on its main thread; the waits of the others (a heartbeat every 2 s) delay no work."""
    ran = waited = 0
    for pid in pids:
        waited += int(Path(f"/proc/{pid}/schedstat").read_text().split()[1])
        for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
            try:
                ran += int(stat.read_text().split()[0])
            except OSError:  # a thread that just ended
                continue
    return ran / 1e9, waited / 1e9


def _own_session(cmd: list[str], **kwargs: Any) -> subprocess.Popen[str]:
    """`cmd` in a session (an autogroup) of its own, as niced as this process's autogroup."""
    proc = subprocess.Popen(cmd, start_new_session=True, text=True, **kwargs)
    try:
        nice = Path("/proc/self/autogroup").read_text().split("nice")[1].strip()
        Path(f"/proc/{proc.pid}/autogroup").write_text(nice)
    except (OSError, IndexError):  # no autogroups here: nothing to match
        pass
    return proc


def spin_speedup() -> float:
    """2 x the time of one CPU-bound process over that of two (each the same work), each
    in its own session: what the machine gives a second process now."""
    code = f"x = 0\nfor i in range({SPIN}):\n    x += i\n"

    def timed(n: int) -> float:
        started = time.perf_counter()
        procs = [_own_session([sys.executable, "-c", code]) for _ in range(n)]
        for proc in procs:
            proc.wait()
        return time.perf_counter() - started

    return 2 * timed(1) / timed(2)


def _env(data_dir: Path, database_url: str, threads: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHOSAID_"))}
    env["WHOSAID_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(REPO)
    if threads != 1:
        env["WHOSAID_WORKER_THREADS"] = str(threads)
    if database_url:
        env["WHOSAID_DATABASE_URL"] = database_url
    return env


def run_once(
    folder: Path, n_workers: int, work: Path, admin_url: str = "", threads: int = 1
) -> WorkersRun:
    """Queue every article of `folder` and time `n_workers` warm workers through it."""
    from retrieval.engine import Engine, add_jobs, open_queue

    data_dir = Path(tempfile.mkdtemp(prefix=f"w{n_workers}-", dir=work))
    url = _new_database(admin_url) if admin_url else ""
    env = _env(data_dir, url, threads)
    cmd = [sys.executable, "-m", "bot.cli", "worker", "--poll", str(POLL_S)]
    launched = time.perf_counter()
    procs = [
        _own_session(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, cwd=REPO)
        for _ in range(n_workers)
    ]
    queue = open_queue(url, data_dir)
    try:
        for proc in procs:
            assert proc.stderr is not None
            line = proc.stderr.readline()
            if "taking jobs" not in line:
                raise RuntimeError(f"worker did not start: {line}{proc.stderr.read()[-2000:]}")
        start_s = time.perf_counter() - launched
        pids = [p.pid for p in procs]
        jobs = add_jobs(queue, [str(folder)], per_job=PER_JOB)
        cpu_before, wait_before = _sched_s(pids)
        started = time.perf_counter()
        while True:
            counts = queue.counts()
            if counts["done"] + counts["failed"] == len(jobs):
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        cpu_after, wait_after = _sched_s(pids)
        cpu, wait = cpu_after - cpu_before, wait_after - wait_before
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
    return WorkersRun(n_workers, threads, start_s, seconds, cpu, wait, articles, len(jobs))


def _new_database(admin_url: str) -> str:
    from tests.pgserver import new_database

    return new_database(admin_url)


def _unwaited(run: WorkersRun) -> float:
    """The run's seconds less the time each of its (one-thread) workers waited for a CPU."""
    return run.seconds - run.wait_s / run.workers


def run_workers(
    articles: int, work: Path, rounds: int = 2, admin_url: str = "", lone: bool = False
) -> list[list[object]]:
    """Table rows (HEADER), medians over the rounds: workers, threads each, start-up, seconds,
    articles/s, speed-up over one worker, that over the floor's speed-up (two workers only),
    CPU seconds used, cores' worth of CPU the workers got (CPU seconds / wall seconds), the
    seconds their main threads waited on a run queue for a CPU (other sessions had it), and the
    speed-up over one worker with each run's time less its workers' mean wait (what an idle
    machine would show if the workers then never waited; one-thread workers only)."""
    from benchmarks.corpus import build_corpus, write_corpus

    folder = work / "news"
    write_corpus(build_corpus(articles, seed=23), folder)
    configs = [(1, 1), (2, 1)] + ([(1, os.cpu_count() or 2)] if lone else [])
    runs: dict[tuple[int, int], list[WorkersRun]] = {c: [] for c in configs}
    floor = spin_speedup()
    for _ in range(rounds):
        for n, threads in configs:
            run = run_once(folder, n, work, admin_url, threads)
            if run.articles != articles:
                raise RuntimeError(f"{run.articles} articles stored, {articles} queued")
            after = spin_speedup()
            run.floor, floor = (floor + after) / 2, after  # the floor before and after it
            runs[(n, threads)].append(run)
    one = median([r.seconds for r in runs[(1, 1)]])
    one_unwaited = median([_unwaited(r) for r in runs[(1, 1)]])
    rows: list[list[object]] = []
    nan = float("nan")
    for (n, threads), done in runs.items():
        seconds = median([r.seconds for r in done])
        cpu = median([r.cpu_s for r in done])
        # per round, the workers' speed-up over the floor's around it
        of_floor = [one / r.seconds / r.floor for r in done] if n == 2 else []
        rows.append(
            [
                n,
                threads,
                median([r.start_s for r in done]),
                seconds,
                articles / seconds,
                one / seconds,
                median(of_floor) if of_floor else nan,
                cpu,
                cpu / seconds,
                median([r.wait_s for r in done]),
                one_unwaited / median([_unwaited(r) for r in done]) if threads == 1 else nan,
            ]
        )
    floors = [r.floor for done in runs.values() for r in done]
    rows.append(["floor: 2 CPU-bound processes vs 1", "", "", "", "", median(floors)])
    rows[-1] += [""] * (len(HEADER) - len(rows[-1]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--lone", action="store_true", help="also time one worker on every core's thread"
    )
    parser.add_argument("--database-url", default="", help="PostgreSQL admin URL")
    parser.add_argument(
        "--postgres", action="store_true", help="start a throwaway PostgreSQL (tests/pgserver.py)"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="whosaid-workers-"))
    server = None
    load_before = os.getloadavg()[0]
    try:
        if args.postgres:
            from tests.pgserver import PostgresServer, server_bin_dir

            bin_dir = server_bin_dir()
            if bin_dir is None:
                raise SystemExit("no PostgreSQL server binaries on this machine")
            server = PostgresServer(bin_dir).start()
            args.database_url = server.admin_url
        rows = run_workers(args.articles, work, args.rounds, args.database_url, args.lone)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"{args.articles} articles, {PER_JOB} per job, {backend}, {args.rounds} round(s), "
        f"load {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print(table(HEADER, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
