"""Run every benchmark, print the tables and write `benchmarks/results.md`.

python -m benchmarks.run            # the documented run (`make bench`), < 15 min here
python -m benchmarks.run --quick    # small sizes, for iterating
python -m benchmarks.run --full     # 1k ingested articles, a 1M-chunk store, HNSW at 1M,
                                    # 1 MB and 5 MB articles, the ingest workers on a queue

The vector-backend step (benchmarks/vector_backends.py: the FAISS cache, Milvus Lite, and
whatever backends that module lists) runs on the `backends_at` store of the plan, with a work
folder of its own (`<workdir>/backends`) where a backend may start a server or keep files;
PostgreSQL is measured again, with the FAISS cache and with Milvus Lite (one engine at a time),
on the plan's `postgres_at` store: the size issue 15 sets its targets at.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from benchmarks.common import REPO, median, ms, table

if TYPE_CHECKING:
    from benchmarks.longdocs import LongRun
    from benchmarks.query import Question
    from benchmarks.stores import StoreInfo


@dataclass
class Plan:
    articles: int
    stores: list[int]  # chunk counts of the query stores
    memory: list[int]  # which of those to measure memory at
    faiss_sizes: list[int]
    hnsw_max: int
    rounds: int
    cold_repeat: int
    long_sizes: list[int]  # characters of the single long articles ingested
    backends_at: int  # the store (one of `stores`) the vector backends are compared on
    queue_workers: int  # articles ingested by 1 and 2 `whosaid worker` processes (0: none)
    # a store (one of `stores`) where PostgreSQL is measured too, with both vector backends, at
    # the size issue 15 sets its targets at (0: none; the full plan compares every engine there)
    postgres_at: int = 0


# Issue 13's extraction cost when it was filed (070a68c): the quote rules' CPU time over the
# parse's on this corpus (the default plan's 80 articles, seed 7), measured as
# /work/tools/quotecost2.py does (CPU time): 0.060 and 0.068 in two runs.
QUOTE_COST_AT_ISSUE_13 = 0.064

PLANS = {
    "quick": Plan(
        30, [1_000, 10_000], [10_000], [20_000], 20_000, 1, 1, [10_000, 100_000], 1_000, 0
    ),
    "default": Plan(
        80,
        [1_000, 10_000, 100_000],
        [100_000],
        [100_000, 1_000_000],
        100_000,
        3,
        2,
        [10_000, 100_000],
        10_000,
        24,
        100_000,
    ),
    "full": Plan(
        1_000,
        [1_000, 10_000, 100_000, 1_000_000],
        [100_000, 1_000_000],
        [100_000, 1_000_000],
        1_000_000,
        5,
        5,
        [10_000, 100_000, 1_000_000, 5_000_000],
        100_000,
        48,
    ),
}


def _shown(q: Question) -> str:
    """A question as the results file shows it: a who-said question quotes six words of a
    corpus article, shown as its first three only (the articles' text stays out of the repo)."""
    if q.kind != "who_said":
        return q.text
    words = q.text.split('"')[1].split()
    return f'Who said "{" ".join(words[:3])} …"? (six opening words of a quote)'


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import faiss
    import torch

    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"torch {torch.__version__}, faiss {faiss.__version__}"
    )


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small sizes, for iterating")
    mode.add_argument("--full", action="store_true", help="1k articles ingested, HNSW at 1M")
    ap.add_argument("--articles", type=int, help="articles to ingest (overrides the mode)")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results.md")
    ap.add_argument("--workdir", type=Path, help="keep the stores here (default: a temp dir)")
    ap.add_argument("--seed", type=int, default=7, help="corpus seed")
    ap.add_argument(
        "--prepared",
        type=Path,
        help="iterating on the query side: a pickle of the ingested articles, written by the "
        "first run that names it, reused (skipping every ingest section) by the next",
    )
    args = ap.parse_args(argv)
    name = "quick" if args.quick else "full" if args.full else "default"
    plan = PLANS[name]
    if args.articles:
        plan.articles = args.articles
    work = args.workdir or Path(tempfile.mkdtemp(prefix="whosaid-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    command = "python -m benchmarks.run" + ("" if name == "default" else f" --{name}")
    try:
        return _run(plan, work, args.out, command, args.seed, args.prepared)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def _workers_section(articles: int, work: Path, summary: list[list[object]]) -> str:
    """`whosaid worker` processes on one queue: 1 against 2 (benchmarks/workers.py)."""
    from benchmarks.workers import HEADER, PER_JOB, run_workers

    _say(f"ingest of {articles} queued articles by 1 and 2 worker processes...")
    work.mkdir(parents=True, exist_ok=True)
    rows = run_workers(articles, work, rounds=1, lone=True)
    two, lone, floor_row = rows[1], rows[2], rows[-1]
    speedup, of_floor, floor = (float(str(v)) for v in (two[5], two[6], floor_row[5]))
    over_lone = speedup / float(str(lone[5]))
    summary.append(
        [
            "ingest: 2 workers ≥ 1.5× one (× a lone worker on every core; × the floor's "
            f"2-process speed-up, {floor:.2f}× in the same run)",
            f"{speedup:.2f}× ({over_lone:.2f}×; {of_floor:.2f}×)",
            speedup >= 1.5,
        ]
    )
    return (
        f"## Ingest workers\n\n{articles} articles queued ({PER_JOB} per job) on SQLite for "
        "1 and 2 `whosaid worker` processes as they run by default (one embedding thread "
        "each), and one on every core's thread (`WHOSAID_WORKER_THREADS`, for a lone "
        "worker); timed from the queueing to the last job done, the workers' start-up "
        "(models loaded) apart; each worker in a session of its own. Floor: the speed-up two "
        "CPU-bound processes got over one around each run (2.0 on an idle 2-core "
        "machine; on a loaded one, what the scheduler's fair share gives a second session); "
        "× floor = the workers' speed-up over it (`python -m benchmarks.workers`).\n\n"
        + table(HEADER, rows)
    )


def _say(text: str) -> None:
    print(text, flush=True)


def _run(plan: Plan, work: Path, out: Path, command: str, seed: int, reuse: Path | None) -> int:
    from benchmarks.coldstart import ask_label, chat_label, run_coldstart
    from benchmarks.corpus import build_corpus
    from benchmarks.faiss_scaling import run_scaling
    from benchmarks.memory import measure_in_subprocess
    from benchmarks.million import recall_after_rescoring
    from benchmarks.prolific import prolific_questions, run_prolific
    from benchmarks.prolific import section as prolific_section
    from benchmarks.query import questions_for, run_queries
    from benchmarks.stores import build_stores
    from retrieval.extraction.parallel import default_workers
    from retrieval.storage import vectors

    started = time.perf_counter()
    workers = max(2, default_workers())
    load_before = _load()
    sections: list[str] = []
    summary: list[list[object]] = []

    # -- ingest ---------------------------------------------------------------------------
    corpus = build_corpus(plan.articles, seed=seed)
    reused_note = ""
    if reuse and reuse.exists():  # iterating on the query side: no ingest sections
        import pickle

        from retrieval.storage.embedding import shared_embedder

        with reuse.open("rb") as f:
            prepared, _ = pickle.load(f)
        embedder = shared_embedder()
        _say(f"reusing {len(prepared)} ingested articles from {reuse}: no ingest sections")
        reused_note = "; reused from an earlier run's ingest (`--prepared`): no ingest sections"
    else:
        prepared, embedder = _ingest_sections(plan, corpus, work, workers, sections, summary)
        if reuse:
            import pickle

            for p in prepared:
                p.article.spans = None
            with reuse.open("wb") as pickled:
                pickle.dump((prepared, embedder.name), pickled)

    ingested = len(prepared)

    # -- the two embedders on the ingested texts ------------------------------------------
    _say("embedders: onnx against torch on the ingested texts...")
    sections.append(_embedders_section(prepared, summary))
    _say(sections[-1])

    # -- query latency --------------------------------------------------------------------
    questions = questions_for(prepared)
    qrows = []
    kind_rows = []
    model = embedder.name
    _say(f"building stores of {', '.join(f'{n:,}' for n in plan.stores)} chunks...")
    t0 = time.perf_counter()
    stores = build_stores(prepared, work, plan.stores, model)
    _say(f"built in {time.perf_counter() - t0:.0f} s")
    for target in plan.stores:
        info = stores[target]
        reused = (
            "ingested as is"
            if info.copies == 1
            else f"{info.copies} editions of {len(prepared)} ingested articles, "
            "vectors reused with noise"
        )
        _say(f"querying {info.chunks:,} chunks ({reused})...")
        res = run_queries(
            info.path,
            questions,
            label=f"{target:,}",
            note=reused,
            rounds=plan.rounds,
            embedder=embedder,
        )
        qrows.append(
            [
                f"{res.chunks:,}",
                f"{res.vectors:,}",
                ms(res.p50),
                ms(res.p95),
                ms(res.floor_p50),
                ms(res.floor_p95),
                res.p50 / res.floor_p50,
                res.p95 / res.floor_p50,
                reused,
            ]
        )
        kind_rows.append(
            [f"{res.chunks:,}"]
            + [ms(median(res.by_kind.get(k, []))) for k in ("what_did", "who_said", "search")]
            + [f"{res.abstained}/{res.asked}"]
        )
        last = res
        gc.collect()
    sections.append(
        f"## Query latency (warm, {len(questions)} questions × {plan.rounds} rounds)\n\n"
        "Floor = embed the question once + one FAISS search of the chunk index, timed right "
        "after each question.\n\n"
        + table(
            [
                "chunks",
                "vectors",
                "ask p50 ms",
                "ask p95 ms",
                "floor p50 ms",
                "floor p95 ms",
                "p50 × floor",
                "p95 × floor p50",
                "store",
            ],
            qrows,
        )
        + "\n\nMedian by kind of question (ms):\n\n"
        + table(["chunks", "what-did", "who-said", "free text", "abstained"], kind_rows)
        + "\n\nQuestions: "
        + "; ".join(f"`{_shown(q)}`" for q in questions)
    )
    summary.extend(last.target_rows())
    _say(sections[-1])
    big = stores[plan.stores[-1]]
    _say(f"recall@10 of the chunk search after re-scoring at {big.chunks:,} chunks...")
    rec = recall_after_rescoring(big.path, embedder.embed([q.text for q in questions]))
    sections.append(
        f"## Recall of the vector search ({big.chunks:,} chunks)\n\n"
        "The engine's chunk search (`Engine.search_vectors`: the FAISS cache, then its best "
        "re-scored with the store's vectors) against an exact scan of every stored chunk "
        f"vector, for the {len(questions)} questions: recall@10 {rec['recall']:.3f}; the 10th "
        f"hit is at most {rec['gap_max']:.1e} below the exact 10th in cosine; search p50 "
        f"{rec['search_p50_ms']:.1f} ms. The store holds many near-identical editions of each "
        "chunk, so which of them ranks 10th is decided by noise: the cosine gap says how close "
        "the search came."
    )
    summary.append(
        [
            f"recall@10 after re-scoring ≥ 0.95 at {big.chunks:,} chunks",
            f"{rec['recall']:.3f}",
            rec["recall"] >= 0.95,
        ]
    )
    _say(sections[-1])

    # -- vector backends ------------------------------------------------------------------
    at = stores[plan.backends_at]
    _say(f"vector backends at {at.chunks:,} chunks (benchmarks/vector_backends.py)...")
    sections.append(_backends_section(at, work / "backends", questions, plan, embedder, summary))
    _say(sections[-1])
    if plan.postgres_at:
        at = stores[plan.postgres_at]
        _say(f"PostgreSQL with the FAISS cache and with Milvus Lite at {at.chunks:,} chunks...")
        sections.append(
            _backends_section(
                at,
                work / "backends-postgres",
                questions,
                plan,
                embedder,
                summary,
                pairs=[("PostgreSQL", "FAISS cache"), ("PostgreSQL", "Milvus Lite")],
                apart=True,
            )
        )
        _say(sections[-1])

    # -- memory ---------------------------------------------------------------------------
    mrows = []
    for target in plan.memory:
        _say(f"memory at {target:,} chunks (fresh process)...")
        m = measure_in_subprocess(stores[target].path, [q.text for q in questions])
        disk, vec_disk = _disk_bytes(stores[target].path)
        mrows.append(
            [
                f"{int(m['chunks']):,}",
                f"{int(m['vectors']):,}",
                m["models_rss_mb"],
                m["rss_mb"],
                m["peak_rss_mb"],
                m["kb_per_chunk"],
                m["faiss_mb"],
                m["faiss_bytes_per_vector"],
                m["rebuild_s"],
                m["rebuild_peak_rss_mb"],
                disk / 1024 / m["chunks"],
                vec_disk / 1024 / m["chunks"],
            ]
        )
    sections.append(
        "## Memory (fresh process per store)\n\nBaseline = both models loaded and used once; "
        "KB per chunk = RSS growth after opening the store and answering every question, "
        "divided by the chunks (quote vectors included). Then both FAISS indexes are rebuilt "
        "from SQLite (as for a store without current index files): its time and the peak "
        "RSS it reaches. Disk KB/chunk = the data dir's files (SQLite with its full-text "
        "indexes, the FAISS files) over the chunks; of which vectors = the embeddings table "
        "and its indexes (chunk, quote and context vectors, 8-bit codes).\n\n"
        + table(
            [
                "chunks",
                "vectors",
                "models MB",
                "RSS MB",
                "peak RSS MB",
                "KB/chunk",
                "FAISS MB",
                "FAISS bytes/vector",
                "rebuild s",
                "rebuild peak RSS MB",
                "disk KB/chunk",
                "of which vectors",
            ],
            mrows,
        )
    )
    kb = float(mrows[-1][5])  # type: ignore[arg-type]
    summary.append([f"memory ≤ 3 KB/chunk at {mrows[-1][0]} chunks", f"{kb:.2f} KB", kb <= 3])
    _say(sections[-1])
    sections.append(_disk_section(stores[plan.memory[-1]].path, summary))
    _say(sections[-1])

    # -- cold start -----------------------------------------------------------------------
    cold_store = stores[plan.memory[0]]
    cold_questions = [
        next(q.text for q in questions if q.kind == "what_did"),
        next(q.text for q in questions if q.kind == "who_said"),
        next(q.text for q in questions if q.kind == "search"),
    ]
    _say(f"cold start on {cold_store.chunks:,} chunks...")
    cold = run_coldstart(cold_store.path, cold_questions, plan.cold_repeat)
    both = cold.median("floor: import + load both models (torch)")
    emb = {b: cold.median(f"floor: import + load the embedder ({b})") for b in ("torch", "onnx")}
    sections.append(
        f"## Cold start ({cold_store.chunks:,} chunks, median of {plan.cold_repeat})\n\n"
        "A new process per run. `ask` loads only what the question needs; the backend is "
        "`WHOSAID_EMBEDDING_BACKEND`.\n\n"
        + table(
            ["", "seconds", "× both-models floor", "× torch embedder", "× onnx embedder"],
            [
                [
                    label,
                    cold.median(label),
                    cold.median(label) / both,
                    cold.median(label) / emb["torch"],
                    cold.median(label) / emb["onnx"],
                ]
                for label in cold.runs
            ],
        )
    )
    worst = max(cold.median(label) for label in cold.runs if label.startswith("`"))
    summary.append(
        [
            "cold start ≤ 1.3× import+load (slowest question)",
            f"{worst / both:.2f}×",
            worst / both <= 1.3,
        ]
    )
    for backend in ("torch", "onnx"):
        what = cold.median(ask_label(cold_questions[0], backend))
        who = cold.median(ask_label(cold_questions[1], backend))
        summary.append(
            [
                f"cold who-said ≤ 3× cold what-did ({backend})",
                f"{who:.2f} s / {what:.2f} s = {who / what:.2f}×",
                who / what <= 3,
            ]
        )
    who = cold.median(ask_label(cold_questions[1], "onnx"))
    summary.append(["cold who-said wall time ≤ 2 s (onnx; aim)", f"{who:.2f} s", who <= 2])
    chat = cold.median(chat_label(cold_questions[1], "onnx"))
    summary.append(["`whosaid chat` first answer (onnx; timed)", f"{chat:.2f} s", chat <= 2])
    _say(sections[-1])

    # -- a prolific speaker ---------------------------------------------------------------
    big = stores[max(plan.memory)]
    name, pro_questions = prolific_questions(prepared)
    count = sum(q.speaker == name for p in prepared for q in p.extraction.quotes) * big.copies
    _say(f"who-said about a speaker with ~{count:,} quotes, fresh processes...")
    runs = {load: run_prolific(big.path, pro_questions, 3, load) for load in (True, False)}
    text, target = prolific_section(runs, name, count, big.chunks)
    sections.append(text)
    summary.append(target)
    _say(sections[-1])

    # -- FAISS scaling --------------------------------------------------------------------
    real = np.concatenate([v for p in prepared for v in (p.chunk_vecs, p.quote_vecs) if len(v)])
    real_queries = embedder.embed([q.text for q in questions])
    del prepared
    gc.collect()
    _say(f"FAISS scaling at {', '.join(f'{n:,}' for n in plan.faiss_sizes)} vectors...")
    srows, removal = run_scaling(real, plan.faiss_sizes, plan.hnsw_max, real_queries=real_queries)
    sections.append(
        f"## FAISS search alone (synthetic vectors fitted to {len(real):,} real embeddings)\n\n"
        "One query at a time on one thread (as the product searches), 100 queries; recall@10 "
        "against exact fp32. The product's index is exact search over 8-bit codes (HNSW over "
        "the same codes beyond "
        f"{vectors.HNSW_THRESHOLD:,} vectors; efConstruction 80, efSearch 64); the engine "
        "re-scores its 2k+8 best with the store's vectors (8-bit codes with a scale per vector, "
        "storage.codec), hence the second recall column. "
        f"The first rows are the {len(real):,} real embeddings searched with the questions"
        + (
            ""
            if plan.hnsw_max >= max(plan.faiss_sizes)
            else f"; HNSW only up to {plan.hnsw_max:,} vectors in this mode (its build is the "
            "slow part: see build s, and `--full`)"
        )
        + ".\n\n"
        + table(
            [
                "vectors",
                "index",
                "build s",
                "p50 ms",
                "p95 ms",
                "recall@10",
                "recall@10 re-scored",
                "bytes/vector",
            ],
            [
                [
                    r.vectors,
                    r.index,
                    r.build_s,
                    r.p50_ms,
                    r.p95_ms,
                    r.recall_at_10,
                    r.recall_rescored,
                    r.bytes_per_vector,
                ]
                for r in srows
            ],
        )
        + "\n\nRemoval: "
        + (
            f"exact index, 100 of {int(removal['exact_vectors']):,} removed in place in "
            f"{ms(removal['exact_remove_100_s']):.0f} ms. "
            if "exact_vectors" in removal
            else ""
        )
        + (
            f"HNSW ({int(removal['hnsw_vectors']):,} vectors) keeps tombstones: search "
            f"{removal['hnsw_search_ms']:.2f} ms → {removal['hnsw_search_100_tombstones_ms']:.2f}"
            f" ms with 100 tombstones; compaction on save is a full rebuild "
            f"(≈ {removal['hnsw_compact_s']:.0f} s)."
            if "hnsw_vectors" in removal
            else ""
        )
    )
    _say(sections[-1])

    # -- report ---------------------------------------------------------------------------
    total = time.perf_counter() - started
    header = (
        "# whosaid benchmarks\n\n"
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}\n"
        f"- Machine: {_machine()}\n"
        f"- Load average at start / end: {load_before} / {_load()} (the machine is shared)\n"
        f"- Command: `{command}` ({total / 60:.1f} min)\n"
        f"- Corpus: {ingested} synthetic articles recombined from real paragraphs "
        "(seeds/ and PolNeAR dev, read at run time), seed "
        f"{seed}{reused_note}\n\n## Targets\n\n"
        + table(
            ["target", "measured", "met"],
            [[t, m, "yes" if ok else "**no**"] for t, m, ok in summary],
        )
    )
    text = header + "\n\n" + "\n\n".join(sections) + "\n"
    out.write_text(text, encoding="utf-8")
    _say(header)
    _say(f"\nwrote {out} in {total / 60:.1f} min")
    return 0


def _ingest_sections(
    plan: Plan,
    corpus: list[Any],
    work: Path,
    workers: int,
    sections: list[str],
    summary: list[list[object]],
) -> tuple[list[Any], Any]:
    """Ingest, on every core, long articles, queue workers: (prepared articles, embedder)."""
    from benchmarks.corpus import quote_share, write_corpus
    from benchmarks.ingest import run_ingest
    from benchmarks.longdocs import label, run_longdocs
    from benchmarks.parallel_ingest import run_parallel

    _say(f"ingesting {len(corpus)} synthetic articles ({quote_share(corpus):.0%} quoting)...")
    ing, prepared, engine = run_ingest(corpus, work)
    rows = [
        [
            "whosaid ingest (whole pipeline)",
            ing.seconds,
            ing.articles / ing.seconds,
            ing.chunks / ing.seconds,
            ing.ratio,
        ],
        [
            "floor: spaCy parse + embed",
            ing.floor_s,
            ing.articles / ing.floor_s,
            ing.chunks / ing.floor_s,
            1.0,
        ],
        ["  of which parse", ing.floor_parse_s, float("nan"), float("nan"), float("nan")],
        ["  of which embed", ing.floor_embed_s, float("nan"), float("nan"), float("nan")],
    ]
    stage_rows = [
        [k, v, v / ing.seconds] for k, v in sorted(ing.stages.items(), key=lambda kv: -kv[1])
    ]
    sections.append(
        f"## Ingest\n\n{ing.articles} articles, {ing.chunks:,} chunks, {ing.quotes:,} quotes; "
        f"{ing.embedded_texts:,} distinct texts embedded (chunks, quotes, the sentences "
        "around quotes). One process (`WHOSAID_INGEST_WORKERS=1`), stages timed.\n\n"
        + table(["", "seconds", "articles/s", "chunks/s", "× floor"], rows)
        + "\n\nWhere the time goes:\n\n"
        + table(["stage", "seconds", "share"], stage_rows)
        + f"\n\nQuote rules over the parse, CPU of the ingesting thread: {ing.quotes_cpu_s:.2f} s"
        f" / {ing.parse_cpu_s:.2f} s = {ing.quotes_over_parse:.3f} (issue 13 filed at"
        f" {QUOTE_COST_AT_ISSUE_13:.3f})."
    )
    summary.append(["ingest ≤ 1.3× parse+embed", f"{ing.ratio:.2f}×", ing.ratio <= 1.3])
    cost = ing.quotes_over_parse / QUOTE_COST_AT_ISSUE_13
    summary.append(
        [
            "quote rules / parse (CPU) ≤ 1.10× at issue 13",
            f"{ing.quotes_over_parse:.3f} = {cost:.2f}×",
            cost <= 1.10,
        ]
    )
    _say(sections[-1])

    # -- ingest on every core -------------------------------------------------------------
    _say(f"ingest on {workers} workers vs one process, torch vs onnx (fresh process each)...")
    # 3 batches of 16: each of 2 workers gets at least one (fewer would run on one process)
    write_corpus(corpus[: 3 * 16], work / "corpus-all")
    sections.append(_parallel_section(run_parallel(work / "corpus-all", work, workers), summary))
    _say(sections[-1])

    # -- long articles --------------------------------------------------------------------
    _say(f"long articles: {', '.join(label(n) for n in plan.long_sizes)} (fresh process each)...")
    sections.append(_long_section(run_longdocs(plan.long_sizes, work / "long"), summary))
    _say(sections[-1])

    # -- ingest over `whosaid worker` processes on a queue (issue 15) ----------------------
    if plan.queue_workers:
        sections.append(_workers_section(plan.queue_workers, work / "workers", summary))
        _say(sections[-1])

    return prepared, engine.embedder


def _backends_section(
    at: StoreInfo,
    work: Path,
    questions: list[Question],
    plan: Plan,
    embedder: Any,
    summary: list[list[object]],
    pairs: list[tuple[str, str]] | None = None,
    apart: bool = False,
) -> str:
    """The hook for benchmarks/vector_backends.py (the "pg" helper's file): its `run_section`
    when it has one (it may start a PostgreSQL server in `work`), else its backends' runs
    turned into a section here. `pairs`: only these (store, vector backend), each on its own
    with `apart`."""
    import benchmarks.vector_backends as backends

    work.mkdir(parents=True, exist_ok=True)
    path, label = at.path, f"{at.chunks:,}"
    if hasattr(backends, "run_section"):
        text: str = backends.run_section(
            path,
            work,
            questions,
            label=label,
            rounds=plan.rounds,
            summary=summary,
            embedder=embedder,
            pairs=pairs,
            apart=apart,
        )
        return text
    runs = backends.run_backends(
        path, work, questions, label=label, rounds=plan.rounds, embedder=embedder
    )
    return backends.section(runs, plan.rounds, len(questions), summary)


def _disk_bytes(data_dir: Path) -> tuple[int, int]:
    """(bytes of every file in a data dir, bytes of the embeddings table and its indexes)."""
    import sqlite3

    total = sum(f.stat().st_size for f in data_dir.iterdir() if f.is_file())
    conn = sqlite3.connect(data_dir / "whosaid.db")
    try:
        row = conn.execute(
            "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'embeddings%'"
        ).fetchone()
    finally:
        conn.close()
    return total, int(row[0] or 0)


def _disk_section(data_dir: Path, summary: list[list[object]]) -> str:
    """Where the store's bytes go, per chunk (benchmarks/diskuse.py), and the disk target."""
    from benchmarks.diskuse import usage

    chunks, groups, _ = usage(data_dir)
    faiss = sum(v for k, v in groups.items() if k.startswith("FAISS"))
    sqlite = sum(groups.values()) - faiss
    rows = [[name, size / chunks, size / max(1, sqlite)] for name, size in groups.items()]
    rows.append(["SQLite store (the source of truth)", sqlite / chunks, 1.0])
    rows.append(["with the FAISS cache files", (sqlite + faiss) / chunks, float("nan")])
    summary.append(
        [
            f"store on disk ≤ 3 KB/chunk at {chunks:,} chunks (SQLite; with FAISS files)",
            f"{sqlite / 1024 / chunks:.2f} KB ({(sqlite + faiss) / 1024 / chunks:.2f} KB)",
            sqlite / 1024 / chunks <= 3,
        ]
    )
    return (
        f"## Store on disk ({chunks:,} chunks)\n\n"
        "Pages of each table and index of whosaid.db (SQLite's dbstat, `python -m "
        "benchmarks.diskuse DATA_DIR` lists them one by one), grouped, in bytes per chunk; "
        "share = of the SQLite file. Vectors are 8-bit codes (389 bytes for MiniLM): one per "
        "chunk, one per quote, one per sentence that holds quotes.\n\n"
        + table(["", "bytes/chunk", "share"], rows)
    )


def _embedders_section(prepared: list[Any], summary: list[list[object]], cap: int = 800) -> str:
    """onnx against torch on the ingested texts (real paragraphs): one query's embedding p50,
    throughput, and how far their nearest neighbours agree."""
    import random

    from benchmarks.common import median
    from retrieval.storage.embedding import OnnxEmbedder, SentenceTransformerEmbedder

    texts = [c[3] for p in prepared for c in p.chunks]
    texts += [q.text for p in prepared for q in p.extraction.quotes]
    texts += [
        p.article.text[q.context_start : q.context_end]
        for p in prepared
        for q in p.extraction.quotes
    ]
    texts = list(dict.fromkeys(t for t in texts if t))
    random.Random(7).shuffle(texts)
    texts = texts[:cap]
    backends: dict[str, Any] = {"torch": SentenceTransformerEmbedder(), "onnx": OnnxEmbedder()}
    for e in backends.values():
        e.embed(["Warm up the embedder."])
        e.embed(["Warm up the embedder.", "With a batch."])
    query_s: dict[str, list[float]] = {k: [] for k in backends}
    for text in texts[:30]:  # interleaved, so both see the same load
        for name, e in backends.items():
            t0 = time.perf_counter()
            e.embed([text[:120]])
            query_s[name].append(time.perf_counter() - t0)
    vecs, rate = {}, {}
    for name, e in backends.items():
        t0 = time.perf_counter()
        vecs[name] = e.embed(texts)
        rate[name] = len(texts) / (time.perf_counter() - t0)
    a, b = vecs["onnx"], vecs["torch"]
    cosine = float((a * b).sum(axis=1).min())

    def top10(m: np.ndarray) -> np.ndarray:
        scores = m @ m.T
        np.fill_diagonal(scores, -9.0)
        return np.argsort(-scores, axis=1)[:, :10]

    agree = float(
        np.mean([len(set(x) & set(y)) / 10 for x, y in zip(top10(a), top10(b), strict=True)])
    )
    summary.append(["onnx neighbours = torch's: recall@10 ≥ 0.99", f"{agree:.4f}", agree >= 0.99])
    rows = [
        [name, ms(median(query_s[name])), rate[name], rate[name] / rate["torch"]]
        for name in backends
    ]
    return (
        f"## Embedders ({len(texts)} ingested texts: chunks, quotes, quote sentences)\n\n"
        "One text at a time (a question's embedding, 30 texts interleaved) and all of them in "
        "one call; the texts are paragraphs of real articles (seeds/, PolNeAR dev). onnx "
        f"against torch: smallest cosine of a text's two vectors {cosine:.7f}; recall@10 of "
        f"onnx's nearest neighbours among these texts against torch's {agree:.4f}.\n\n"
        + table(["", "query embed p50 ms", "texts/s", "× torch"], rows)
    )


def _parallel_section(rows: list[dict[str, Any]], summary: list[list[object]]) -> str:
    """The table of `parallel_ingest.run_parallel`: articles/s per variant after the workers'
    start-up (reported apart), what the embedder and what the workers gave, each against its
    floor at the same parallelism, and memory per process."""
    from retrieval.extraction.parallel import UNIT

    torch1, onnx1, onnxn = rows
    rate = {id(r): r["articles"] / r["steady_s"] for r in rows}
    table_rows = []
    for r in rows:
        floor = r.get("parse_s", float("nan")) + r.get("embed_s", float("nan"))
        procs = "one process" if r["workers"] == 1 else f"{r['workers']} workers"
        table_rows.append(
            [
                f"{r['backend']}, {procs}",
                r["seconds"],
                r["start_up_s"] if r["workers"] > 1 else float("nan"),
                rate[id(r)],
                rate[id(r)] / rate[id(torch1)],
                floor,
                r["steady_s"] / floor,
                r["peak_mb"],
                r["worker_peak_mb"] if r["workers"] > 1 else float("nan"),
                r.get("cpu_s", float("nan")) / r["articles"],
                r.get("waited_s", float("nan")),
            ]
        )
    embedder = rate[id(onnx1)] / rate[id(torch1)]
    parallel = rate[id(onnxn)] / rate[id(onnx1)]
    whole = onnxn["articles"] / onnxn["seconds"] / rate[id(torch1)]
    summary.append(
        [
            f"ingest on {onnxn['workers']} workers ≥ 1.7× torch one process (after start-up; "
            "with it in brackets)",
            f"{parallel * embedder:.2f}× ({whole:.2f}×)",
            parallel * embedder >= 1.7,
        ]
    )
    return (
        f"## Ingest on every core\n\n{onnx1['articles']:.0f} articles ({onnx1['chunks']:.0f} "
        "chunks) ingested into an empty store in a fresh process per row, models loaded "
        "before the clock starts. Workers (each parses and embeds batches of "
        f"{UNIT} articles on one core, one intra-op thread) start inside the clock; the "
        "ingest waits there until every one has loaded its models, and that start-up is "
        "reported apart: an ingest pays it once however many articles it takes, so the "
        "articles/s and the ratios are the steady state, after it (seconds = the whole "
        "ingest, start-up included). Floor = the parse of every article on as many "
        "processes (spaCy alone, workers started) + one embedding of every text the ingest "
        "embedded, on every core. Peak memory: this process, and the largest worker. CPU s "
        "per article: this process's and its workers' after their start-up (load does not "
        "stretch it); waited for a CPU: the seconds all their threads waited on a run queue "
        "while other processes had the cores (0 on an idle machine: a row that waited is "
        "slowed by load, the 2-worker one most, as it needs both cores).\n\n"
        + table(
            [
                "",
                "seconds",
                "start-up s",
                "articles/s",
                "× torch one process",
                "floor s",
                "× floor",
                "peak MB",
                "worker peak MB",
                "CPU s per article",
                "waited for a CPU s",
            ],
            table_rows,
        )
        + f"\n\nThe embedder (onnx vs torch, one process) gave {embedder:.2f}×; the workers "
        f"(onnx, {onnxn['workers']} vs one process) gave {parallel:.2f}×; both "
        f"{parallel * embedder:.2f}× ({whole:.2f}× counting the start-up in this "
        f"{onnxn['articles']:.0f}-article run)."
    )


def _long_section(runs: list[LongRun], summary: list[list[object]]) -> str:
    """The long-article table, and the targets it can check: 1 MB in at most 12x the time of
    100 KB and under 1.5 GB peak (with --full); otherwise each 10x size in at most 12x."""
    from benchmarks.longdocs import label

    by = {r.size: r for r in runs}
    rows = []
    for prev, r in zip([None, *runs], runs, strict=False):
        rows.append(
            [
                label(r.size),
                f"{r.chars:,}",
                r.seconds,
                r.cpu_s,
                r.cpu_s / (r.chars / 100_000),
                r.cpu_s / prev.cpu_s if prev else float("nan"),
                r.extract_s,
                r.embed_s,
                r.peak_mb,
                r.peak_mb - r.models_mb,
                f"{r.quotes:,}",
                f"{r.chunks:,}",
            ]
        )
    for small, big in pairwise(runs):
        scale = big.size / small.size
        ratio = big.cpu_s / small.cpu_s
        summary.append(
            [
                f"{label(big.size)} article ingest ≤ {1.2 * scale:.0f}× {label(small.size)} (CPU)",
                f"{ratio:.1f}×",
                ratio <= 1.2 * scale,
            ]
        )
    if 1_000_000 in by:
        peak = by[1_000_000].peak_mb
        summary.append(["1 MB article ingest peak < 1.5 GB", f"{peak:,.0f} MB", peak < 1536])
    return (
        "## Long articles (one generated article each, fresh process, empty store)\n\n"
        "The whole ingest (parse in pieces, quote rules, chunking, embedding of chunks and "
        "quotes, SQLite, FAISS). Ratios use CPU time (one thread parses, one embeds: on an idle "
        "machine that is the wall time; on a shared one load does not stretch it). Peak = the "
        "process's peak RSS, models included; over models = beyond the process with both "
        "models loaded and used once. `--full` adds 1 MB and 5 MB.\n\n"
        + table(
            [
                "article",
                "characters",
                "wall s",
                "CPU s",
                "CPU s per 100 KB",
                "CPU × previous size",
                "wall: parse + quotes s",
                "wall: embed s",
                "peak RSS MB",
                "over models MB",
                "quotes",
                "chunks",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
