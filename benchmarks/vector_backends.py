"""Query latency by vector backend: the FAISS cache against Milvus Lite on one store.

Both engines are open on the same store at once and every question is asked of each in turn,
then its floor (embed the question + one search of that backend's chunk index) is timed right
after, so both backends see the same machine load. Opening times the first sync: loading the
FAISS files, or building the Milvus collections from the store's embeddings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import median, ms, table
from benchmarks.query import QueryResult, Question
from retrieval.engine import Engine

BACKENDS = {"FAISS cache": "", "Milvus Lite": "vectors.db"}  # name -> vector_uri in the work dir


@dataclass
class BackendRun:
    name: str
    open_s: float  # first sync: FAISS files loaded, or Milvus collections built from the store
    result: QueryResult


def run_backends(
    path: Path,
    work: Path,
    questions: list[Question],
    *,
    label: str,
    rounds: int,
    embedder: object | None = None,
) -> list[BackendRun]:
    """Every backend over the store at `path`, questions interleaved between them."""
    engines, runs, indexes = [], [], []
    for name, uri in BACKENDS.items():
        where = str(work / uri) if uri else ""
        engine = Engine(path, embedder=embedder, vector_uri=where)  # type: ignore[arg-type]
        counts = engine.store.counts()
        t0 = time.perf_counter()
        index = engine._sync()["chunk"]
        opened = time.perf_counter() - t0
        engines.append(engine)
        indexes.append(index)
        runs.append(
            BackendRun(name, opened, QueryResult(label, counts["chunks"], counts["vectors"], name))
        )
    for q in questions:  # warm: caches, lazy imports, each backend's first searches
        for engine in engines:
            engine.ask(q.text)
    for _ in range(rounds):
        for q in questions:
            for engine, index, run in zip(engines, indexes, runs, strict=True):
                res = run.result
                t0 = time.perf_counter()
                answer = engine.ask(q.text)
                dt = time.perf_counter() - t0
                res.ask_s.append(dt)
                res.by_kind.setdefault(q.kind, []).append(dt)
                res.asked += 1
                res.abstained += int(answer.abstained)
                t0 = time.perf_counter()
                vec = engine.embed([q.text])[0]
                index.search(vec, 10)
                res.floor_s.append(time.perf_counter() - t0)
    for engine in engines:
        engine.close()
    return runs


def section(
    runs: list[BackendRun], rounds: int, questions: int, summary: list[list[object]]
) -> str:
    """The results.md section, and the p50/p95 targets per backend into `summary`."""
    rows = []
    for run in runs:
        r = run.result
        rows.append(
            [
                run.name,
                f"{r.chunks:,}",
                f"{r.vectors:,}",
                run.open_s,
                ms(r.p50),
                ms(r.p95),
                ms(r.floor_p50),
                ms(r.floor_p95),
                r.p50 / r.floor_p50,
                r.p95 / r.floor_p50,
            ]
            + [ms(median(r.by_kind.get(k, []))) for k in ("what_did", "who_said", "search")]
        )
        summary.append(
            [
                f"{run.name}: query p50 ≤ 2× floor at {r.chunks:,} chunks",
                f"{r.p50 / r.floor_p50:.2f}×",
                r.p50 / r.floor_p50 <= 2,
            ]
        )
        summary.append(
            [
                f"{run.name}: query p95 ≤ 3× floor at {r.chunks:,} chunks",
                f"{r.p95 / r.floor_p50:.2f}×",
                r.p95 / r.floor_p50 <= 3,
            ]
        )
    return (
        f"## Query latency by vector backend (warm, {questions} questions × {rounds} rounds, "
        "interleaved)\n\n"
        "One SQLite store, `WHOSAID_VECTOR_URI` empty (the FAISS cache) or a Milvus Lite file "
        "(FLAT collections, exact). Floor = embed the question + one search of that backend's "
        "chunk index. Open = the first sync: loading the FAISS files, or building the Milvus "
        "collections from the store's embeddings.\n\n"
        + table(
            [
                "vectors in",
                "chunks",
                "vectors",
                "open s",
                "ask p50 ms",
                "ask p95 ms",
                "floor p50 ms",
                "floor p95 ms",
                "p50 × floor",
                "p95 × floor p50",
                "what-did ms",
                "who-said ms",
                "free text ms",
            ],
            rows,
        )
    )
