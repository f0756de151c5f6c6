"""Where a store's bytes go: every table and index of whosaid.db (SQLite's dbstat, as
sqlite3_analyzer counts them) grouped by what they hold, and the FAISS files, per chunk.

    python -m benchmarks.diskuse DATA_DIR        # the groups, then every table and index
    python -m benchmarks.diskuse DATA_DIR --build 100000 [--prepared PICKLE]

`--build N` first writes a store of at least N chunks into DATA_DIR (replacing what is there)
as `make bench` builds its stores (benchmarks/stores.py: the ingested articles written again as
editions), from `--prepared` (a pickle of an ingest's (prepared articles, model name), as
`benchmarks.million --prepared` writes it) or else from a fresh ingest of 80 synthetic
articles (benchmarks/corpus.py, seed 7), which it then saves there when `--prepared` is given.
"""

from __future__ import annotations

import argparse
import pickle
import sqlite3
import tempfile
from pathlib import Path

# group -> the tables and indexes whose names start with one of these
GROUPS: dict[str, tuple[str, ...]] = {
    "vectors (embeddings and their index)": ("embeddings",),
    "article text and metadata": ("articles", "sqlite_autoindex_articles"),
    "chunks (offsets into the article)": ("chunks_article", "chunks"),
    "full-text index of chunks": ("chunks_fts",),
    "quotes": ("quotes_article", "quotes_speaker", "quotes"),
    "full-text index of quotes": ("quotes_fts",),
    "speakers and aliases": (
        "speakers", "article_speakers", "aliases", "sqlite_autoindex_speakers",
        "sqlite_autoindex_article_speakers",
    ),
}  # fmt: skip


def _group(name: str) -> str:
    # the full-text tables first: "chunks_fts_data" also starts with "chunks"
    for group in sorted(GROUPS, key=lambda g: not any("_fts" in p for p in GROUPS[g])):
        if name.startswith(GROUPS[group]):
            return group
    return "other (meta, feeds, schema, free pages)"


def table_bytes(data_dir: Path) -> tuple[int, dict[str, int]]:
    """(chunks, bytes of every table and index, pages included, by name)."""
    conn = sqlite3.connect(f"{(data_dir / 'whosaid.db').resolve().as_uri()}?mode=ro", uri=True)
    try:
        chunks = int(conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])
        rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    sizes = {str(name): int(size) for name, size in rows}
    sizes["(free pages)"] = int(free) * int(page)
    return chunks, sizes


def usage(data_dir: Path) -> tuple[int, dict[str, int], dict[str, int]]:
    """(chunks, bytes by group with the FAISS files as their own group, bytes by table)."""
    chunks, sizes = table_bytes(data_dir)
    groups: dict[str, int] = dict.fromkeys(GROUPS, 0)
    for name, size in sizes.items():
        group = _group(name)
        groups[group] = groups.get(group, 0) + size
    faiss = sum(f.stat().st_size for f in data_dir.glob("*.faiss"))
    groups["FAISS cache files (rebuilt from the store when missing)"] = faiss
    return chunks, groups, sizes


def vectors_per_chunk(data_dir: Path) -> tuple[int, dict[str, float]]:
    """(page size, stored vectors per chunk by kind: a chunk's, a quote's, and the sentence
    around quotes, `context`, which answering compares with and nothing searches)."""
    conn = sqlite3.connect(f"{(data_dir / 'whosaid.db').resolve().as_uri()}?mode=ro", uri=True)
    try:
        chunks = max(1, int(conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]))
        rows = conn.execute("SELECT kind, COUNT(*) FROM embeddings GROUP BY kind").fetchall()
        page = int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    names = {0: "chunk", 1: "quote", 2: "context"}
    return page, {str(names.get(kind, kind)): n / chunks for kind, n in rows}


def build(data_dir: Path, chunks: int, prepared_path: Path | None) -> None:
    """A store of at least `chunks` chunks in `data_dir`, as `make bench` builds them."""
    from benchmarks.stores import build_store

    if prepared_path and prepared_path.exists():
        with prepared_path.open("rb") as f:
            prepared, model = pickle.load(f)
    else:
        from benchmarks.corpus import build_corpus
        from benchmarks.ingest import run_ingest

        with tempfile.TemporaryDirectory(prefix="whosaid-diskuse-") as work:
            _, prepared, engine = run_ingest(build_corpus(80, seed=7), Path(work))
            model = engine.embedder.name
            engine.close()
        if prepared_path:
            for p in prepared:
                p.article.spans = None
            with prepared_path.open("wb") as f:
                pickle.dump((prepared, model), f)
    info = build_store(prepared, data_dir, chunks, model)
    print(f"built {info.articles:,} articles, {info.chunks:,} chunks, {info.quotes:,} quotes")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.diskuse",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("data_dir", type=Path)
    ap.add_argument("--build", type=int, metavar="N", help="first build a store of N chunks")
    ap.add_argument("--prepared", type=Path, metavar="PICKLE")
    args = ap.parse_args(argv)
    if args.build:
        build(args.data_dir, args.build, args.prepared)
    chunks, groups, sizes = usage(args.data_dir)
    print(f"{chunks:,} chunks")
    for name, size in [*groups.items(), ("", 0), *sorted(sizes.items(), key=lambda kv: -kv[1])]:
        if name:
            print(f"{size / max(1, chunks):10,.0f} B/chunk  {name}")
    sqlite_total = sum(sizes.values())
    faiss = groups["FAISS cache files (rebuilt from the store when missing)"]
    page, per_chunk = vectors_per_chunk(args.data_dir)
    print(f"{page:10,d} B pages; vectors a chunk: ", end="")
    print(", ".join(f"{kind} {n:.2f}" for kind, n in per_chunk.items()))
    print(f"{sqlite_total / 1024 / max(1, chunks):10.2f} KB/chunk  SQLite (all vectors included)")
    print(f"{(sqlite_total + faiss) / 1024 / max(1, chunks):10.2f} KB/chunk  with the FAISS files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
