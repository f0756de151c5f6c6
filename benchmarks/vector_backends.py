"""Query latency by store and vector backend: SQLite or PostgreSQL, the FAISS cache or Milvus
Lite, on one store of synthetic chunks.

The PostgreSQL store is the SQLite store copied by `whosaid migrate` (storage/transfer.py) into
a database of a throwaway server (tests/pgserver.py), so both hold the same rows and vector
ids. Every engine is open at once and every question is asked of each in turn, then its floor
(embed the question + one search of that engine's chunk index) is timed right after, so all
of them see the same machine load. Opening times the first sync: loading or rebuilding the
FAISS cache, or building the Milvus collections from the store's embeddings.

`make bench` runs it (benchmarks/run.py); alone, it builds its own store:

    python -m benchmarks.vector_backends                 # 20k chunks, 2 rounds (~10 min)
    python -m benchmarks.vector_backends --full          # 100k chunks, 3 rounds (~20 min
        with --stores postgres on a busy 2-core machine: 10 to build the store, 2.5 to
        copy it, 5 to fill Milvus Lite; with --workdir the store is built once)
    python -m benchmarks.vector_backends --chunks 50000 --stores postgres --backends faiss
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import median, ms, table
from benchmarks.query import QueryResult, Question
from retrieval.engine import Engine

BACKENDS = {"FAISS cache": "", "Milvus Lite": "vectors.db"}  # name -> vector_uri in the work dir
STORES = ("SQLite", "PostgreSQL")


@dataclass
class BackendRun:
    name: str  # the vector backend
    open_s: float  # first sync: FAISS files loaded, or Milvus collections built from the store
    result: QueryResult
    store: str = "SQLite"
    round_trips: float = float("nan")  # database queries per question (PostgreSQL)


@dataclass
class Copied:
    """The SQLite store copied into a PostgreSQL database (`whosaid migrate`)."""

    url: str
    seconds: float


def copy_to_postgres(path: Path, admin_url: str) -> Copied:
    """Copy the SQLite store at `path` into a new database on the server at `admin_url`."""
    from tests.pgserver import new_database

    url = new_database(admin_url)
    engine = Engine(path, read_only=True)
    t0 = time.perf_counter()
    try:
        engine.migrate(url)
    finally:
        engine.close()
    return Copied(url, time.perf_counter() - t0)


@contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server (tests/pgserver.py); yields its admin URL."""
    from tests.pgserver import PostgresServer, server_bin_dir

    bin_dir = server_bin_dir()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL server binaries on this machine (WHOSAID_PG_BIN)")
    with PostgresServer(bin_dir) as server:
        yield server.admin_url


class _RoundTrips:
    """Counts the queries psycopg sends (each is one round trip to the server)."""

    def __init__(self) -> None:
        self.count = 0
        self._saved: Any = None

    def __enter__(self) -> _RoundTrips:
        import psycopg

        saved = self._saved = psycopg.Cursor.execute

        def counted(cur: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return saved(cur, *args, **kwargs)

        setattr(psycopg.Cursor, "execute", counted)  # noqa: B010
        return self

    def __exit__(self, *exc: object) -> None:
        import psycopg

        setattr(psycopg.Cursor, "execute", self._saved)  # noqa: B010


def run_backends(
    path: Path,
    work: Path,
    questions: list[Question],
    *,
    label: str,
    rounds: int,
    embedder: object | None = None,
    database_url: str = "",
    stores: Sequence[str] = ("SQLite",),
    backends: Sequence[str] = tuple(BACKENDS),
    pairs: Sequence[tuple[str, str]] | None = None,
) -> list[BackendRun]:
    """Every (store, backend) over the store at `path` (and its copy at `database_url`),
    questions interleaved between them; `pairs` lists them instead of every store with
    every backend (a Milvus Lite collection takes minutes to fill at 100k chunks)."""
    engines, runs, indexes = [], [], []
    for store, name in pairs or [(s, b) for s in stores for b in backends]:
        uri = BACKENDS[name]
        where = str(work / f"{store.lower()}-{uri}") if uri else ""
        url = database_url if store == "PostgreSQL" else None
        data = work / "pg-cache" if url else path
        engine = Engine(data, embedder=embedder, vector_uri=where, database_url=url)  # type: ignore[arg-type]
        counts = engine.store.counts()
        t0 = time.perf_counter()
        index = engine._sync()["chunk"]
        opened = time.perf_counter() - t0
        engines.append(engine)
        indexes.append(index)
        result = QueryResult(label, counts["chunks"], counts["vectors"], name)
        runs.append(BackendRun(name, opened, result, store))
    for q in questions:  # warm: caches, lazy imports, each backend's first searches
        for engine in engines:
            engine.ask(q.text)
    trips = [0] * len(engines)
    with _RoundTrips() as counter:
        for _ in range(rounds):
            for q in questions:
                for i, (engine, index, run) in enumerate(zip(engines, indexes, runs, strict=True)):
                    res = run.result
                    before = counter.count
                    t0 = time.perf_counter()
                    answer = engine.ask(q.text)
                    dt = time.perf_counter() - t0
                    trips[i] += counter.count - before
                    res.ask_s.append(dt)
                    res.by_kind.setdefault(q.kind, []).append(dt)
                    res.asked += 1
                    res.abstained += int(answer.abstained)
                    t0 = time.perf_counter()
                    vec = engine.embed([q.text])[0]
                    index.search(vec, 10)
                    res.floor_s.append(time.perf_counter() - t0)
    for i, run in enumerate(runs):
        if run.store == "PostgreSQL":
            run.round_trips = trips[i] / max(1, run.result.asked)
    for engine in engines:
        engine.close()
    return runs


def section(
    runs: list[BackendRun],
    rounds: int,
    questions: int,
    summary: list[list[object]],
    copied: Copied | None = None,
) -> str:
    """The results.md section, and the p50/p95 targets per store and backend into `summary`."""
    rows = []
    for run in runs:
        r = run.result
        rows.append(
            [
                run.store,
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
                run.round_trips,
            ]
            + [ms(median(r.by_kind.get(k, []))) for k in ("what_did", "who_said", "search")]
        )
        summary.extend(r.target_rows(f"{run.store}, {run.name}: "))
    copy = (
        f" The PostgreSQL store is the SQLite one copied by `whosaid migrate` "
        f"({copied.seconds:.0f} s) into a PostgreSQL 15 server on loopback."
        if copied
        else ""
    )
    return (
        f"## Query latency by store and vector backend (warm, {questions} questions × "
        f"{rounds} rounds, interleaved)\n\n"
        "`WHOSAID_DATABASE_URL` empty (SQLite) or a PostgreSQL database, `WHOSAID_VECTOR_URI` "
        "empty (the FAISS cache) or a Milvus Lite file (FLAT collections, exact). Floor = embed "
        "the question + one search of that engine's chunk index. Open = the first sync: "
        "loading or rebuilding the FAISS cache, or building the Milvus collections from the "
        "store's embeddings. Round trips = queries sent to PostgreSQL per question."
        + copy
        + "\n\n"
        + table(
            [
                "store",
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
                "round trips",
                "what-did ms",
                "who-said ms",
                "free text ms",
            ],
            rows,
        )
    )


def run_section(
    path: Path,
    work: Path,
    questions: list[Question],
    *,
    label: str,
    rounds: int,
    summary: list[list[object]],
    embedder: object | None = None,
    stores: Sequence[str] = STORES,
    backends: Sequence[str] = tuple(BACKENDS),
    pairs: Sequence[tuple[str, str]] | None = None,
) -> str:
    """Copy the store into a throwaway PostgreSQL (when asked for), run every engine, and
    return the results.md section (what benchmarks/run.py calls)."""
    work.mkdir(parents=True, exist_ok=True)
    on = [store for store, _ in pairs] if pairs else stores
    if "PostgreSQL" not in on:
        runs = run_backends(
            path, work, questions, label=label, rounds=rounds, embedder=embedder,
            stores=stores, backends=backends, pairs=pairs,
        )  # fmt: skip
        return section(runs, rounds, len(questions), summary)
    with postgres_server() as admin_url:
        copied = copy_to_postgres(path, admin_url)
        runs = run_backends(
            path, work, questions, label=label, rounds=rounds, embedder=embedder,
            database_url=copied.url, stores=stores, backends=backends, pairs=pairs,
        )  # fmt: skip
    return section(runs, rounds, len(questions), summary, copied)


def main(argv: list[str] | None = None) -> int:
    from benchmarks.corpus import build_corpus
    from benchmarks.ingest import run_ingest
    from benchmarks.query import questions_for
    from benchmarks.stores import build_store

    ap = argparse.ArgumentParser(prog="python -m benchmarks.vector_backends", description=__doc__)
    ap.add_argument("--full", action="store_true", help="100k chunks, 3 rounds")
    ap.add_argument("--chunks", type=int, help="chunks in the store (default 20k; 100k --full)")
    ap.add_argument("--rounds", type=int, help="rounds of questions (default 2; 3 --full)")
    ap.add_argument("--articles", type=int, default=80, help="articles ingested (then copied)")
    ap.add_argument("--stores", default="sqlite,postgres", help="sqlite, postgres or both")
    ap.add_argument("--backends", default="faiss,milvus", help="faiss, milvus or both")
    ap.add_argument("--workdir", type=Path, help="keep the stores here (default: a temp dir)")
    ap.add_argument("--seed", type=int, default=7, help="corpus seed")
    args = ap.parse_args(argv)
    chunks = args.chunks or (100_000 if args.full else 20_000)
    rounds = args.rounds or (3 if args.full else 2)
    stores = [s for s in STORES if s.lower()[:6] in args.stores.lower()]
    backends = [b for b in BACKENDS if b.split()[0].lower() in args.backends.lower()]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="whosaid-backends-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        store = work / f"store-{chunks}"
        questions_file = work / "questions.txt"
        if not (store / "whosaid.db").exists() or not questions_file.exists():
            shutil.rmtree(store, ignore_errors=True)
            _, prepared, engine = run_ingest(build_corpus(args.articles, seed=args.seed), work)
            questions = questions_for(prepared)
            build_store(prepared, store, chunks, engine.embedder.name)
            engine.close()
            del prepared
            questions_file.write_text(
                "".join(f"{q.kind}\t{q.text}\n" for q in questions), encoding="utf-8"
            )
        questions = [
            Question(*line.split("\t", 1))
            for line in questions_file.read_text(encoding="utf-8").splitlines()
        ]
        shutil.rmtree(work / "engines", ignore_errors=True)  # every run builds what it opens
        summary: list[list[object]] = []
        text = run_section(
            store, work / "engines", questions, label=f"{chunks:,}", rounds=rounds,
            summary=summary, stores=stores, backends=backends,
        )  # fmt: skip
        print(text)
        print()
        print(table(["target", "measured", "met"], [[t, m, "yes" if ok else "**no**"]
                                                    for t, m, ok in summary]))  # fmt: skip
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
