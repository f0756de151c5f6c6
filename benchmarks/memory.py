"""Memory: resident size of a serving process beyond its models, per chunk.

Run in a fresh process per store (`python -m benchmarks.memory DATA_DIR QUESTION...`), so one
store's allocations do not hide another's. The baseline is the process with both models loaded
and used once; the figure is the growth after opening the store and answering the questions
(FAISS indexes loaded, SQLite pages cached, speaker tables built), divided by the chunks.
Then, apart from that figure, both indexes are rebuilt from SQLite as a store without (or with
stale) FAISS files needs, and the peak that rebuild reaches is reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import REPO, peak_rss_bytes, rss_bytes


def measure(data_dir: Path, questions: list[str]) -> dict[str, float]:
    """In this process: models first (the baseline), then the store and the questions."""
    from retrieval.engine import Engine
    from retrieval.extraction.extractor import load_nlp
    from retrieval.storage.embedding import shared_embedder
    from retrieval.storage.vectors import VectorIndex

    embedder = shared_embedder()
    embedder.embed(["warm up the model"])
    list(load_nlp().pipe(["Warm up the parser, she said."]))
    base = rss_bytes()
    engine = Engine(data_dir, embedder=embedder)
    for q in questions:
        engine.ask(q)
    after = rss_bytes()
    peak = peak_rss_bytes()
    counts = engine.store.counts()
    indexes = engine._sync()
    index_bytes = sum(ix.nbytes() for ix in indexes.values())
    t0 = time.perf_counter()
    for ix in indexes.values():
        fresh = VectorIndex(ix.dim, ix.kind)
        engine.vectors._rebuild(fresh, ix.generation)
        del fresh
    rebuild_s = time.perf_counter() - t0
    return {
        "chunks": float(counts["chunks"]),
        "vectors": float(counts["vectors"]),
        "models_rss_mb": base / 2**20,
        "rss_mb": after / 2**20,
        "peak_rss_mb": peak / 2**20,
        "kb_per_chunk": (after - base) / 1024 / max(1, counts["chunks"]),
        "faiss_mb": index_bytes / 2**20,
        "faiss_bytes_per_vector": index_bytes / max(1, counts["vectors"]),
        "rebuild_s": rebuild_s,
        "rebuild_peak_rss_mb": peak_rss_bytes() / 2**20,
    }


def measure_in_subprocess(data_dir: Path, questions: list[str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", str(data_dir), *questions],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), sys.argv[2:])))
