"""The large-store run: one store of N chunks (default 1M), its query latency against the
floor, recall@10 of the engine's vector search after re-scoring, memory and disk per chunk.

    python -m benchmarks.million [--chunks 100000,300000,1000000] [--articles 80]
                                 [--workdir DIR] [--out F] [--prepared PICKLE] [--reuse]
                                 [--no-memory]

`--reuse` measures the store already in `DIR/store` (built by an earlier run with the same
--prepared pickle) instead of building one: building 1M chunks takes most of an hour. Each
measured size also gets a "parts" line: one more round of the questions with the store's reads,
the vector searches and the embedding timed apart (median ms per question of each kind; the
full-text and vector searches may overlap in threads, so parts can add up to more than the ask).

Built like the default run's stores (benchmarks/stores.py: the ingested articles written again
as editions with noisy vectors). Recall is measured against an exact scan of every stored
chunk vector (decoded from the store, the vectors the re-scoring uses), for the benchmark's
questions; with over a thousand near-identical editions of each chunk, which copy ranks 10th
is decided by noise, so the gap between the 10th hit's cosine and the exact 10th is reported
too. One store grows through the sizes given and is measured at each (memory at the last);
the parts are printed as they finish, so a run stopped early still says how far it got.
"""

from __future__ import annotations

import argparse
import json
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks.common import exact_nearest, median, ms, percentile

if TYPE_CHECKING:
    from benchmarks.query import Question
    from retrieval.storage.embedding import Embedder


def recall_after_rescoring(data_dir: Path, queries: np.ndarray, k: int = 10) -> dict[str, float]:
    from retrieval.engine import Engine

    engine = Engine(data_dir)
    store = engine.store
    best, best_ids = exact_nearest(store, "chunk", queries, k)
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


# What a question's time goes to: (part, object attribute holding it, method names).
_PARTS = (
    ("embed", "engine", ("embed",)),
    ("fts", "store", ("lexical",)),
    ("faiss", "index", ("search",)),
    ("rescore_reads", "store", ("vector_rows",)),
    ("vector_reads", "store", ("vectors_by_ref",)),
    (
        "row_reads",
        "store",
        (
            "quotes_by_ids",
            "quotes_between",
            "quotes_in_group",
            "quote_stub_rows",
            "chunk_spans",
            "article_text",
            "article_refs",
            "article_ref",
        ),
    ),
)


def ask_parts(data_dir: Path, questions: list[Question], embedder: Embedder) -> dict[str, object]:
    """One round of the questions (after a warming one) with each part's time summed per
    question: median ms per kind of question of every part, and of the ask ("rest": the ask
    less the parts, i.e. parsing, ranking and building the answers)."""
    from retrieval.engine import Engine

    engine = Engine(data_dir, embedder=embedder)
    spent: dict[str, float] = {}

    def timing(part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                spent[part] = spent.get(part, 0.0) + time.perf_counter() - t0

        return wrapped

    for q in questions:
        engine.ask(q.text)
    holders: dict[str, list[object]] = {
        "engine": [engine],
        "store": [engine.store],
        "index": list(engine._sync().values()),
    }
    for part, holder, names in _PARTS:
        for obj in holders[holder]:
            for name in names:
                setattr(obj, name, timing(part, getattr(obj, name)))
    by_kind: dict[str, dict[str, list[float]]] = {}
    for q in questions:
        spent.clear()
        t0 = time.perf_counter()
        engine.ask(q.text)
        total = time.perf_counter() - t0
        row = by_kind.setdefault(q.kind, {})
        row.setdefault("ask", []).append(total)
        for part, _, _ in _PARTS:
            row.setdefault(part, []).append(spent.get(part, 0.0))
        row.setdefault("rest", []).append(total - sum(spent.values()))
    engine.close()
    return {
        kind: {p: round(ms(median(v)), 1) for p, v in row.items()} for kind, row in by_kind.items()
    }


def _chunks_in(path: Path) -> int:
    from retrieval.storage.store import Store

    store = Store(path, read_only=True)
    try:
        return store.counts()["chunks"]
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    from benchmarks.corpus import build_corpus
    from benchmarks.diskuse import usage
    from benchmarks.ingest import run_ingest
    from benchmarks.memory import measure_in_subprocess
    from benchmarks.query import questions_for, run_queries
    from benchmarks.stores import StoreInfo, grow_stores

    ap = argparse.ArgumentParser(prog="python -m benchmarks.million", description=__doc__)
    ap.add_argument("--chunks", default="1000000", help="sizes, comma-separated, ascending")
    ap.add_argument("--articles", type=int, default=80)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--out", type=Path, help="append the JSON result lines here")
    ap.add_argument(
        "--prepared",
        type=Path,
        help="a pickle of the ingest's (prepared articles, model name): written when absent, "
        "reused when present (the ingest is the slow part of a rerun)",
    )
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="measure the store already in WORKDIR/store instead of building one (--chunks "
        "is then ignored)",
    )
    ap.add_argument(
        "--no-memory",
        action="store_true",
        help="skip the memory part (at 1M it rebuilds both indexes in a subprocess: minutes)",
    )
    args = ap.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="whosaid-million-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = [int(n) for n in args.chunks.split(",")]

    def say(**row: object) -> None:
        line = json.dumps(row)
        print(line, flush=True)
        if args.out:
            with args.out.open("a") as f:
                f.write(line + "\n")

    if args.prepared and args.prepared.exists():
        with args.prepared.open("rb") as f:
            prepared, model = pickle.load(f)
    else:
        ing, prepared, engine = run_ingest(build_corpus(args.articles, seed=7), work)
        model = engine.embedder.name
        say(part="ingest", articles=ing.articles, chunks=ing.chunks, seconds=ing.seconds)
        if args.prepared:
            for p in prepared:
                p.article.spans = None
            with args.prepared.open("wb") as f:
                pickle.dump((prepared, model), f)
    from retrieval.storage.embedding import shared_embedder

    embedder = shared_embedder()
    questions = questions_for(prepared)
    queries = embedder.embed([q.text for q in questions])
    t0 = time.perf_counter()
    path = work / "store"
    if args.reuse:
        if not (path / "whosaid.db").is_file():
            raise SystemExit(f"--reuse: no store in {path}")
        n = _chunks_in(path)
        sizes = [n]
        stores: Iterable[StoreInfo] = [StoreInfo(path, 0, n, 0, 0)]
    else:
        stores = grow_stores(prepared, path, sizes, model)
    for info in stores:
        say(part="store", chunks=info.chunks, copies=info.copies, build_s=time.perf_counter() - t0)
        chunks, groups, _ = usage(info.path)
        say(part="disk", chunks=chunks, **{k: round(v / chunks) for k, v in groups.items()})
        t1 = time.perf_counter()
        res = run_queries(info.path, questions, label="big", note="", rounds=3, embedder=embedder)
        say(
            part="query",
            chunks=res.chunks,
            vectors=res.vectors,
            warm_s=time.perf_counter() - t1,
            p50_ms=ms(res.p50),
            p95_ms=ms(res.p95),
            floor_p50_ms=ms(res.floor_p50),
            p50_x=res.p50 / res.floor_p50,
            p95_x=res.p95 / res.floor_p50,
            by_kind={k: ms(median(v)) for k, v in res.by_kind.items()},
            floor_p95_ms=ms(percentile(res.floor_s, 95)),
            abstained=res.abstained,
        )
        say(part="parts", chunks=res.chunks, **ask_parts(info.path, questions, embedder))
        say(part="recall", chunks=res.chunks, **recall_after_rescoring(info.path, queries))
        if info.chunks >= sizes[-1] and not args.no_memory:
            say(part="memory", **measure_in_subprocess(info.path, [q.text for q in questions]))
        t0 = time.perf_counter()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
