"""Long articles: `Engine.ingest` of one generated article of each size, time and peak memory.

Each size runs in a fresh process (`python -m benchmarks.longdocs SIZE WORKDIR`) into an empty
store, so one size's peak does not hide another's. The baseline is the process with both models
loaded and used once; the figures are the wall and CPU time of the ingest (parse in pieces,
quote rules, chunking, embedding chunks and quotes, SQLite, FAISS) and the peak RSS of the
process. The ratios between sizes use CPU time: parse and embedding run on one thread each,
so on an idle machine it is the wall time, and on a shared one it is not stretched by load.
The articles are invented (tests/newsgen.py `long_article`), never evaluation texts.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from benchmarks.common import REPO, Stopwatch, peak_rss_bytes, rss_bytes
from benchmarks.ingest import _timed


@dataclass
class LongRun:
    size: int  # requested size in characters
    chars: int
    seconds: float
    cpu_s: float  # CPU time of the ingest (user + system): what machine load does not stretch
    models_mb: float
    peak_mb: float
    quotes: int
    chunks: int
    extract_s: float  # of `seconds`: parse in pieces + quote rules
    embed_s: float  # of `seconds`: embedding chunks and quotes


def measure(size: int, work: Path) -> LongRun:
    """In this process: load and warm both models, then ingest one article of `size`."""
    import retrieval.extraction.extractor as extractor
    from retrieval.engine import Engine
    from retrieval.extraction.extractor import load_nlp
    from retrieval.storage.embedding import shared_embedder
    from tests.newsgen import long_article

    embedder = shared_embedder()
    embedder.embed(["warm up the model"])
    list(load_nlp().pipe(["Warm up the parser, she said."]))
    base = rss_bytes()
    text = long_article(size)
    path = work / f"long-{size}.txt"
    path.write_text(text, encoding="utf-8")
    store = work / f"store-long-{size}"
    shutil.rmtree(store, ignore_errors=True)  # an empty store: the article is new
    engine = Engine(store, embedder=embedder)
    watch = Stopwatch()
    with (
        mock.patch.object(
            extractor, "extract_many", _timed(watch, "extract", extractor.extract_many)
        ),
        mock.patch.object(engine, "embed", _timed(watch, "embed", engine.embed)),
        # the file cap is what has been measured (1 MB); --full measures beyond it
        mock.patch("retrieval.ingest.articles.MAX_FILE_BYTES", max(len(text.encode()), 1)),
    ):
        t0, c0 = time.perf_counter(), _cpu()
        report = engine.ingest([str(path)])
        seconds, cpu_s = time.perf_counter() - t0, _cpu() - c0
    if report.failed:
        raise RuntimeError(f"ingest failed: {report.failed}")
    counts = engine.store.counts()
    return LongRun(
        size=size,
        chars=len(text),
        seconds=seconds,
        cpu_s=cpu_s,
        models_mb=base / 2**20,
        peak_mb=peak_rss_bytes() / 2**20,
        quotes=report.quotes,
        chunks=counts["chunks"],
        extract_s=watch.seconds.get("extract", 0.0),
        embed_s=watch.seconds.get("embed", 0.0),
    )


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_in_subprocess(size: int, work: Path) -> LongRun:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.longdocs", str(size), str(work)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return LongRun(**json.loads(out.stdout.strip().splitlines()[-1]))


def run_longdocs(sizes: list[int], work: Path) -> list[LongRun]:
    work.mkdir(parents=True, exist_ok=True)
    return [measure_in_subprocess(size, work) for size in sizes]


def label(size: int) -> str:
    return f"{size // 1_000_000} MB" if size >= 1_000_000 else f"{size // 1_000} KB"


if __name__ == "__main__":
    Path(sys.argv[2]).mkdir(parents=True, exist_ok=True)
    run = measure(int(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps(run.__dict__))
