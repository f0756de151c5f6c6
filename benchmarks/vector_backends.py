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
    python -m benchmarks.vector_backends --full --stores postgres --workdir W --keep --profile
        (the server with its copy of the store, the Milvus Lite files and the FAISS caches
        stay in W and the next run reuses them; --profile: where the slowest asks spent it)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import exact_nearest, median, ms, table
from benchmarks.query import QueryResult, Question
from retrieval.engine import Engine

WHO_SAID_QUOTES = 2 * 40 + 8  # the candidates a who-said's quote search asks the index for
BACKENDS = {"FAISS cache": "", "Milvus Lite": "vectors.db"}  # name -> vector_uri in the work dir
STORES = ("SQLite", "PostgreSQL")


@dataclass
class BackendRun:
    name: str  # the vector backend
    open_s: float  # first sync: FAISS files loaded, or Milvus collections built from the store
    result: QueryResult
    store: str = "SQLite"
    round_trips: float = float("nan")  # database queries per question (PostgreSQL)
    # with `profile`: per question asked, (question, seconds, [(query or Milvus call, seconds)])
    asks: list[tuple[str, float, list[tuple[str, float]]]] = field(default_factory=list)
    # with `profile`: after each who-said's floor, one search of the quote index as a
    # who-said makes it (the 2k+8 candidates of k=40), timed alone: the work beyond the floor
    # no answer can skip
    quote_s: list[float] = field(default_factory=list)
    quote_rows: int = 0
    # k -> the share of the exact k best quotes a quote search found (`quote_recall`)
    recall: dict[int, float] = field(default_factory=dict)


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
def postgres_server(kept: Path | None = None) -> Iterator[str]:
    """A throwaway PostgreSQL server (tests/pgserver.py); yields its admin URL. With `kept`,
    the server's files live there and stay after it stops, so the next run starts it again
    with its databases (`--keep`)."""
    from tests.pgserver import PostgresServer, server_bin_dir

    bin_dir = server_bin_dir()
    if bin_dir is None:
        raise SystemExit("no PostgreSQL server binaries on this machine (WHOSAID_PG_BIN)")
    server = PostgresServer(bin_dir) if kept is None else _kept_server(bin_dir, kept)
    with server:
        yield server.admin_url


def _kept_server(bin_dir: Path, root: Path) -> Any:
    """A PostgresServer whose files are in `root`: initialised once, kept when it stops."""
    from tests.pgserver import PostgresServer

    class Kept(PostgresServer):
        def __init__(self) -> None:
            super().__init__(bin_dir)
            shutil.rmtree(self.root, ignore_errors=True)
            root.mkdir(parents=True, exist_ok=True)
            self.root, self.data = root, root / "data"

        def start(self) -> PostgresServer:
            if not (self.data / "PG_VERSION").exists():
                return super().start()
            (self.data / "postmaster.pid").unlink(missing_ok=True)  # a run that was killed
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={self.port} -k {self.data} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            log = str(self.root / "server.log")
            self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
            return self

        def stop(self) -> None:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    return Kept()


def kept_copy(path: Path, admin_url: str, root: Path) -> Copied:
    """The copy of the store at `path` made by an earlier `--keep` run when its database is
    still on the server, else a new one (remembered in `root`)."""
    import psycopg

    note = root / f"copy-of-{path.name}.txt"
    if note.exists():
        name, seconds = note.read_text().split()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", (name,)).fetchone()
        if found:
            return Copied(admin_url.rsplit("/", 1)[0] + f"/{name}", float(seconds))
    copied = copy_to_postgres(path, admin_url)
    note.write_text(f"{copied.url.rsplit('/', 1)[1]} {copied.seconds:.1f}\n")
    return copied


class _RoundTrips:
    """Counts the queries psycopg sends (each is one round trip to the server); with
    `timed`, also what each query and each Milvus call took (`calls`: (what, seconds))."""

    def __init__(self, timed: bool = False) -> None:
        self.count = 0
        self.timed = timed
        self.calls: list[tuple[str, float]] = []
        self._saved: list[tuple[Any, str, Any]] = []

    def _wrap(self, owner: Any, name: str, label: Callable[..., str]) -> None:
        saved = getattr(owner, name)
        self._saved.append((owner, name, saved))

        def counted(this: Any, *args: Any, **kwargs: Any) -> Any:
            if owner.__module__.startswith("psycopg"):
                self.count += 1
            if not self.timed:
                return saved(this, *args, **kwargs)
            t0 = time.perf_counter()
            try:
                return saved(this, *args, **kwargs)
            finally:
                self.calls.append((label(*args, **kwargs), time.perf_counter() - t0))

        setattr(owner, name, counted)

    def __enter__(self) -> _RoundTrips:
        import psycopg

        self._wrap(psycopg.Cursor, "execute", lambda sql, *a, **k: "sql " + _sql_head(sql))
        if self.timed:
            from pymilvus import MilvusClient

            for name in ("search", "query"):
                self._wrap(MilvusClient, name, _milvus_label(name))
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, saved in reversed(self._saved):
            setattr(owner, name, saved)
        self._saved.clear()


def _sql_head(sql: object) -> str:
    """A query, shortened to name it in the profile."""
    text = " ".join(str(sql).split())
    return text[:90]


def _milvus_label(name: str) -> Callable[..., str]:
    def label(collection: str = "", data: Any = (), *args: Any, **kwargs: Any) -> str:
        where = str(kwargs.get("filter", ""))
        extra = f" nq={len(data)}" if name == "search" else ""
        return f"milvus.{name} {collection}{extra} filter={len(where)} chars"

    return label


RECALL_QUERIES = 60
RECALL_KS = (10, 40)


def quote_recall(engine: Engine, queries: int = RECALL_QUERIES) -> dict[int, float]:
    """k -> the share of the exact k nearest quotes that the engine's quote search returns
    (its index's candidates re-scored, as a who-said gets them), for chunk vectors of the
    store spread over it as queries: sentences of the store that are not in the quote index.
    Exact = a scan of every stored quote vector."""
    store = engine.store
    chunks = np.concatenate(
        [vecs for _, vecs in store.vector_batches("chunk", engine.embedder.dim)]
    )
    asked = chunks[np.linspace(0, len(chunks) - 1, queries).astype(int)]
    del chunks
    _, best = exact_nearest(store, "quote", asked, max(RECALL_KS))
    found = {k: 0 for k in RECALL_KS}
    for q, exact in zip(asked, best, strict=True):
        for k in RECALL_KS:
            hits = {h.vid for h in engine.search_vectors("quote", q, k)}
            found[k] += len(hits & set(exact[:k].tolist()))
    return {k: found[k] / (k * len(asked)) for k in RECALL_KS}


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
    profile: bool = False,
) -> list[BackendRun]:
    """Every (store, backend) over the store at `path` (and its copy at `database_url`),
    questions interleaved between them; `pairs` lists them instead of every store with
    every backend (a Milvus Lite collection takes minutes to fill at 100k chunks).
    `profile` keeps what each query and Milvus call of each question took (`tail`)."""
    engines, runs, indexes = [], [], []
    for store, name in pairs or [(s, b) for s in stores for b in backends]:
        uri = BACKENDS[name]
        where = uri if "://" in uri else str(work / f"{store.lower()}-{uri}") if uri else ""
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
        runs[-1].quote_rows = engine.store.vector_count("quote")
    for q in questions:  # warm: caches, lazy imports, each backend's first searches
        for engine in engines:
            engine.ask(q.text)
    trips = [0] * len(engines)
    with _RoundTrips(timed=profile) as counter:
        for _ in range(rounds):
            for q in questions:
                for i, (engine, index, run) in enumerate(zip(engines, indexes, runs, strict=True)):
                    res = run.result
                    before = counter.count
                    counter.calls = []
                    t0 = time.perf_counter()
                    answer = engine.ask(q.text)
                    dt = time.perf_counter() - t0
                    trips[i] += counter.count - before
                    if profile:
                        run.asks.append((q.text, dt, counter.calls))
                    counter.calls = []  # the floor's own search is not the question's
                    res.ask_s.append(dt)
                    res.by_kind.setdefault(q.kind, []).append(dt)
                    res.asked += 1
                    res.abstained += int(answer.abstained)
                    t0 = time.perf_counter()
                    vec = engine.embed([q.text])[0]
                    index.search(vec, 10)
                    res.floor_s.append(time.perf_counter() - t0)
                    if profile and q.kind == "who_said":
                        t0 = time.perf_counter()
                        engine._sync()["quote"].search(vec, WHO_SAID_QUOTES)
                        run.quote_s.append(time.perf_counter() - t0)
    for i, run in enumerate(runs):
        if run.store == "PostgreSQL":
            run.round_trips = trips[i] / max(1, run.result.asked)
        run.recall = quote_recall(engines[i])
    for engine in engines:
        engine.close()
    return runs


def tail(runs: list[BackendRun], share: float = 0.1) -> str:
    """Where the slowest `share` of each engine's questions spent their time (`profile`):
    each such question with its database and Milvus time, then the calls that took most of
    it, summed over them."""
    out = []
    for run in runs:
        if not run.asks:
            continue
        asks = sorted(run.asks, key=lambda a: a[1], reverse=True)
        slow = asks[: max(1, round(len(asks) * share))]
        out.append(f"### {run.store}, {run.name}: the slowest {len(slow)} of {len(asks)} asks")
        if run.quote_s:
            floor, quote = median(run.result.floor_s), median(run.quote_s)
            rows_x = run.quote_rows / max(1, run.result.chunks)
            out.append(
                f"A who-said searches the quote index ({run.quote_rows:,} vectors, "
                f"{rows_x:.2f}x the chunks) besides the chunk index the floor searches: that "
                f"search alone took {ms(quote):.1f} ms (p50), so embedding, both searches and "
                f"nothing else come to {(floor + quote) / floor:.2f}x the floor "
                f"({ms(floor):.1f} ms)."
            )
        rows = []
        summed: dict[str, list[float]] = {}
        for text, seconds, calls in slow:
            db = [d for what, d in calls if what.startswith("sql")]
            mv = [d for what, d in calls if what.startswith("milvus")]
            rest = seconds - sum(db) - sum(mv)
            rows.append(
                [text[:50], ms(seconds), f"{ms(sum(db)):.1f} ({len(db)})",
                 f"{ms(sum(mv)):.1f} ({len(mv)})", ms(rest)]
            )  # fmt: skip
            for what, d in calls:
                summed.setdefault(what, []).append(d)
        out.append(
            table(["question", "ms", "SQL ms (queries)", "Milvus ms (calls)", "rest ms"], rows)
        )
        top = sorted(summed.items(), key=lambda kv: sum(kv[1]), reverse=True)[:12]
        out.append(
            table(
                ["call", "calls", "total ms", "max ms"],
                [[what, len(ds), ms(sum(ds)), ms(max(ds))] for what, ds in top],
            )
        )
    return "\n\n".join(out)


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
            + [" / ".join(f"{run.recall.get(k, float('nan')):.3f}" for k in RECALL_KS)]
        )
        summary.extend(r.target_rows(f"{run.store}, {run.name}: "))
    sizes = {r.result.chunks for r in runs}
    at = f" at {sizes.pop():,} chunks" if len(sizes) == 1 else ""
    copy = (
        f" The PostgreSQL store is the SQLite one copied by `whosaid migrate` "
        f"({copied.seconds:.0f} s) into a PostgreSQL 15 server on loopback."
        if copied
        else ""
    )
    return (
        f"## Query latency by store and vector backend{at} (warm, {questions} questions × "
        f"{rounds} rounds, interleaved)\n\n"
        "`WHOSAID_DATABASE_URL` empty (SQLite) or a PostgreSQL database, `WHOSAID_VECTOR_URI` "
        "empty (the FAISS cache) or a Milvus Lite file. Both search an index of fewer than "
        "150k vectors exactly, a larger one (the quote index at 100k chunks) through an "
        "inverted file. Floor = embed "
        "the question + one search of that engine's chunk index. Open = the first sync: "
        "loading or rebuilding the FAISS cache, or building the Milvus collections from the "
        "store's embeddings. Round trips = queries sent to PostgreSQL per question. Quote "
        f"recall = of the exact {' / '.join(map(str, RECALL_KS))} nearest quotes (a scan of "
        f"the stored vectors), the share the quote search returns, for {RECALL_QUERIES} "
        "chunks of the store as queries."
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
                f"quote recall @{' / @'.join(map(str, RECALL_KS))}",
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
    kept: Path | None = None,
    profile: bool = False,
    apart: bool = False,
) -> str:
    """Copy the store into a throwaway PostgreSQL (when asked for), run every engine, and
    return the results.md section (what benchmarks/run.py calls). With `kept`, the server
    and its copy of the store stay in that folder for the next run (`--keep`). With `apart`,
    each of the `pairs` runs on its own, the others' engines closed: Milvus Lite works in
    this process (each of its searches copies every vector of a collection), and at 100k
    chunks that weighed on the FAISS cache's timings beside it (p95 3.61x its floor beside
    Milvus Lite, 1.90x alone, in two make bench runs an hour apart)."""
    work.mkdir(parents=True, exist_ok=True)
    on = [store for store, _ in pairs] if pairs else stores
    runs: list[BackendRun]
    copied = None
    groups = [[pair] for pair in pairs] if apart and pairs else [pairs]
    if "PostgreSQL" not in on:
        runs = [
            run for group in groups for run in run_backends(
                path, work, questions, label=label, rounds=rounds, embedder=embedder,
                stores=stores, backends=backends, pairs=group, profile=profile,
            )
        ]  # fmt: skip
    else:
        with postgres_server(kept) as admin_url:
            if kept is None:
                copied = copy_to_postgres(path, admin_url)
            else:
                copied = kept_copy(path, admin_url, kept)
            runs = [
                run for group in groups for run in run_backends(
                    path, work, questions, label=label, rounds=rounds, embedder=embedder,
                    database_url=copied.url, stores=stores, backends=backends, pairs=group,
                    profile=profile,
                )
            ]  # fmt: skip
    text = section(runs, rounds, len(questions), summary, copied)
    if profile:
        text += "\n\n" + tail(runs)
    return text


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
    ap.add_argument(
        "--keep",
        action="store_true",
        help="with --workdir: keep the PostgreSQL server with its copy of the store, the "
        "Milvus Lite files and the FAISS caches there, and reuse them in the next run",
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="time every query and Milvus call; show where the slowest asks spent it",
    )
    ap.add_argument(
        "--milvus-uri",
        help="a Milvus server (milvus://host:port) to run as one more backend, 'Milvus server'",
    )
    ap.add_argument("--apart", action="store_true", help="each engine on its own, in turn")
    args = ap.parse_args(argv)
    if args.keep and args.workdir is None:
        ap.error("--keep needs --workdir")
    chunks = args.chunks or (100_000 if args.full else 20_000)
    rounds = args.rounds or (3 if args.full else 2)
    stores = [s for s in STORES if s.lower()[:6] in args.stores.lower()]
    backends = [b for b in BACKENDS if b.split()[0].lower() in args.backends.lower()]
    if args.milvus_uri:
        BACKENDS["Milvus server"] = args.milvus_uri
        backends.append("Milvus server")
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
        engines = work / (f"engines-{chunks}" if args.keep else "engines")
        if not args.keep:
            shutil.rmtree(engines, ignore_errors=True)  # every run builds what it opens
        summary: list[list[object]] = []
        text = run_section(
            store, engines, questions, label=f"{chunks:,}", rounds=rounds, summary=summary,
            stores=stores, backends=backends, kept=work / "pg" if args.keep else None,
            profile=args.profile, apart=args.apart,
            pairs=[(s, b) for s in stores for b in backends] if args.apart else None,
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
