"""The large-store run: one store of N chunks (default 1M), its query latency against the
floor, recall@10 of the engine's vector search after re-scoring, memory and disk per chunk.

    python -m benchmarks.million [--chunks 1000000] [--articles 80] [--workdir DIR] [--out F]

Built like the default run's stores (benchmarks/stores.py: the ingested articles written again
as editions with noisy vectors). Recall is measured against an exact scan of every stored
chunk vector (decoded from the store, the vectors the re-scoring uses), for the benchmark's
questions; with over a thousand near-identical editions of each chunk, which copy ranks 10th
is decided by noise, so the gap between the 10th hit's cosine and the exact 10th is reported
too. The parts are printed as they finish, so a run stopped early still says how far it got.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import median, ms, percentile


def recall_after_rescoring(data_dir: Path, queries: np.ndarray, k: int = 10) -> dict[str, float]:
    from retrieval.engine import Engine

    engine = Engine(data_dir)
    store = engine.store
    dim = queries.shape[1]
    best_ids = np.full((len(queries), k), -1, dtype=np.int64)
    best = np.full((len(queries), k), -np.inf, dtype=np.float32)
    for ids, vecs in store.vector_batches("chunk", dim):
        scores = queries @ vecs.T
        allscores = np.concatenate([best, scores], axis=1)
        allids = np.concatenate([best_ids, np.broadcast_to(ids, scores.shape)], axis=1)
        top = np.argsort(-allscores, axis=1)[:, :k]
        best = np.take_along_axis(allscores, top, axis=1)
        best_ids = np.take_along_axis(allids, top, axis=1)
    found, gaps, search_s = 0, [], []
    for qi, q in enumerate(queries):
        t0 = time.perf_counter()
        hits = engine.search_vectors("chunk", q, k)
        search_s.append(time.perf_counter() - t0)
        found += len({h.vid for h in hits} & set(best_ids[qi].tolist()))
        gaps.append(float(best[qi, -1] - (hits[-1].score if hits else 0.0)))
    engine.close()
    return {
        "recall": found / (k * len(queries)),
        "gap_max": max(gaps),
        "search_p50_ms": ms(median(search_s)),
    }


def main(argv: list[str] | None = None) -> int:
    from benchmarks.corpus import build_corpus
    from benchmarks.ingest import run_ingest
    from benchmarks.memory import measure_in_subprocess
    from benchmarks.query import questions_for, run_queries
    from benchmarks.run import _disk_bytes
    from benchmarks.stores import build_store

    ap = argparse.ArgumentParser(prog="python -m benchmarks.million", description=__doc__)
    ap.add_argument("--chunks", type=int, default=1_000_000)
    ap.add_argument("--articles", type=int, default=80)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--out", type=Path, help="append the JSON result lines here")
    args = ap.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="whosaid-million-"))
    work.mkdir(parents=True, exist_ok=True)

    def say(**row: object) -> None:
        line = json.dumps(row)
        print(line, flush=True)
        if args.out:
            with args.out.open("a") as f:
                f.write(line + "\n")

    corpus = build_corpus(args.articles, seed=7)
    ing, prepared, engine = run_ingest(corpus, work)
    questions = questions_for(prepared)
    queries = engine.embed([q.text for q in questions])
    model = engine.embedder.name
    say(part="ingest", articles=ing.articles, chunks=ing.chunks, seconds=ing.seconds)
    t0 = time.perf_counter()
    info = build_store(prepared, work / f"store-{args.chunks}", args.chunks, model)
    say(part="store", chunks=info.chunks, copies=info.copies, build_s=time.perf_counter() - t0)
    disk, vec_disk = _disk_bytes(info.path)
    say(part="disk", kb_per_chunk=disk / 1024 / info.chunks, vectors=vec_disk / 1024 / info.chunks)
    t0 = time.perf_counter()
    res = run_queries(info.path, questions, label="big", note="", rounds=3)
    say(
        part="query",
        warm_s=time.perf_counter() - t0,
        p50_ms=ms(res.p50),
        p95_ms=ms(res.p95),
        floor_p50_ms=ms(res.floor_p50),
        p50_x=res.p50 / res.floor_p50,
        p95_x=res.p95 / res.floor_p50,
        by_kind={k: ms(median(v)) for k, v in res.by_kind.items()},
        floor_p95_ms=ms(percentile(res.floor_s, 95)),
    )
    say(part="recall", **recall_after_rescoring(info.path, queries))
    m = measure_in_subprocess(info.path, [q.text for q in questions])
    say(part="memory", **m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
