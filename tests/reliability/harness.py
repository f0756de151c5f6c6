"""Checks shared by the reliability tests: verbatim answers, a consistent store, subprocesses.

The checks read SQLite and the FAISS files directly rather than trusting the engine's own
accounting, since the engine is what is under test.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from retrieval.storage import codec as store_codec
from retrieval.storage.store import EMBEDDINGS, stored_text
from tests.conftest import ROOT

INTENTS = {"what_did", "who_said", "who_quoted", "search"}
KINDS = {"direct", "mixed", "indirect"}


# -- answers -----------------------------------------------------------------------------------
def answer_problems(result: Mapping[str, Any], texts: Mapping[str, str]) -> list[str]:
    """What is wrong with one `ask --json` result, given the stored text of each article.

    Empty when the result is well-formed and every quote, fragment and context is an exact
    substring of the article it names.
    """
    out: list[str] = []
    for key, kind in (
        ("question", str),
        ("intent", str),
        ("speakers", list),
        ("abstained", bool),
        ("message", str),
        ("answers", list),
    ):
        if not isinstance(result.get(key), kind):
            out.append(f"{key} is {type(result.get(key)).__name__}, not {kind.__name__}")
    if out:
        return out
    if result["intent"] not in INTENTS:
        out.append(f"unknown intent {result['intent']!r}")
    if result["abstained"] and result["answers"]:
        out.append("abstained but has answers")
    if not result["abstained"] and not result["answers"]:
        out.append("neither answers nor an abstention")
    if result["abstained"] and not result["message"].strip():
        out.append("an abstention without a message")
    for i, a in enumerate(result["answers"]):
        aid = (a.get("article") or {}).get("id")
        text = texts.get(aid) if isinstance(aid, str) else None
        if text is None:
            out.append(f"answer {i}: article {aid!r} is not stored")
            continue
        if a.get("kind") not in KINDS:
            out.append(f"answer {i}: kind {a.get('kind')!r}")
        if not isinstance(a.get("score"), int | float) or not 0 <= a["score"] <= 1:
            out.append(f"answer {i}: score {a.get('score')!r}")
        for field in ("quote", "context"):
            value = a.get(field)
            if not isinstance(value, str) or not value.strip() or value not in text:
                out.append(f"answer {i}: {field} is not verbatim: {str(value)[:80]!r}")
        for frag in a.get("fragments") or []:
            if not isinstance(frag, str) or frag not in text:
                out.append(f"answer {i}: fragment is not verbatim: {str(frag)[:80]!r}")
    return out


def stored_texts(db: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60) as conn:
        return {r[0]: stored_text(r[1]) for r in conn.execute("SELECT id, text FROM articles")}


# -- the store ---------------------------------------------------------------------------------
@dataclass
class ArticleShape:
    """What one article looks like in the store: enough to spot half an article."""

    text: str
    chunks: int
    quotes: int
    vectors: int
    chunks_fts: int
    quotes_fts: int
    aliases: int


def article_shapes(conn: sqlite3.Connection) -> dict[str, ArticleShape]:
    def count(sql: str, aid: str) -> int:
        return int(conn.execute(sql, (aid,)).fetchone()[0])

    out = {}
    for aid, text in conn.execute("SELECT id, text FROM articles").fetchall():
        out[aid] = ArticleShape(
            text=stored_text(text),
            chunks=count("SELECT COUNT(*) FROM chunks WHERE article_id=?", aid),
            quotes=count("SELECT COUNT(*) FROM quotes WHERE article_id=?", aid),
            vectors=count(f"SELECT COUNT(*) FROM {EMBEDDINGS} WHERE article_id=?", aid),
            chunks_fts=count(
                "SELECT COUNT(*) FROM chunks_fts WHERE rowid IN "
                "(SELECT id FROM chunks WHERE article_id=?)",
                aid,
            ),
            quotes_fts=count(
                "SELECT COUNT(*) FROM quotes_fts WHERE rowid IN "
                "(SELECT id FROM quotes WHERE article_id=?)",
                aid,
            ),
            aliases=count("SELECT COUNT(*) FROM aliases WHERE article_id=?", aid),
        )
    return out


def store_problems(conn: sqlite3.Connection) -> list[str]:
    """Whole-store consistency: integrity, no orphans, FTS and vectors in step with rows."""
    out = []
    check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        out.append(f"integrity_check: {check}")
    # a vector's article is its chunk's or quote's: one without either is an orphan too
    for table in ("chunks", "quotes", EMBEDDINGS, "aliases", "article_speakers"):
        n = conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE article_id IS NULL "
            "OR article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
        if n:
            out.append(f"{n} orphan rows in {table}")
    pairs = [
        ("SELECT COUNT(*) FROM chunks_fts", "SELECT COUNT(*) FROM chunks"),
        ("SELECT COUNT(*) FROM quotes_fts", "SELECT COUNT(*) FROM quotes"),
        (
            f"SELECT COUNT(*) FROM {EMBEDDINGS} WHERE kind IN ('chunk', 'quote')",
            "SELECT (SELECT COUNT(*) FROM chunks) + (SELECT COUNT(*) FROM quotes)",
        ),
        # each quote's sentence vector is stored with it (schema 2)
        (
            f"SELECT COUNT(*) FROM {EMBEDDINGS} WHERE kind = 'context'",
            "SELECT COUNT(*) FROM quotes",
        ),
    ]
    for fts in ("chunks_fts", "quotes_fts"):  # quotes_fts against quotes.text, its content
        try:
            conn.execute(f"INSERT INTO {fts} ({fts}) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            out.append(f"{fts}: {exc}")
    for left, right in pairs:
        a, b = conn.execute(left).fetchone()[0], conn.execute(right).fetchone()[0]
        if a != b:
            out.append(f"{left!r} = {a} but {right!r} = {b}")
    return out


def generation(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0])


def vector_ids(conn: sqlite3.Connection, kind: str) -> set[int]:
    return {int(r[0]) for r in conn.execute(f"SELECT vid FROM {EMBEDDINGS} WHERE kind=?", (kind,))}


def faiss_ids(index: Any) -> set[int]:
    return {int(i) for i in faiss.vector_to_array(index.id_map)}


def faiss_file_problems(data_dir: Path, conn: sqlite3.Connection) -> list[str]:
    """A FAISS file stamped with the current generation must hold exactly SQLite's vectors."""
    out = []
    gen = generation(conn)
    for path in sorted(data_dir.glob("*.faiss")):
        m = re.fullmatch(r"(\w+)-(\d+)\.faiss", path.name)
        if m is None:
            continue
        kind, file_gen = m.group(1), int(m.group(2))
        if file_gen > gen:
            out.append(f"{path.name} is newer than the store (generation {gen})")
        elif file_gen == gen:
            index = faiss.read_index(str(path))
            if faiss_ids(index) != vector_ids(conn, kind):
                out.append(f"{path.name} does not hold the {kind} vectors of generation {gen}")
    return out


def same_vectors(index: Any, conn: sqlite3.Connection, kind: str) -> bool:
    """The index holds SQLite's vectors of this kind, by id and by value."""
    rows = conn.execute(f"SELECT vid, vec FROM {EMBEDDINGS} WHERE kind=?", (kind,)).fetchall()
    if faiss_ids(index) != {int(r[0]) for r in rows}:
        return False
    if not rows:
        return True
    inner = faiss.downcast_index(index.index)
    # The index may hold quantised codes: compare with the stored vector as the index itself
    # encodes it (exact for fp32, the same 8-bit code for a quantised index).
    codec = faiss.downcast_index(inner.storage) if isinstance(inner, faiss.IndexHNSW) else inner
    ids = faiss.vector_to_array(index.id_map)
    pos = {int(v): i for i, v in enumerate(ids)}
    for vid, blob in rows[:: max(1, len(rows) // 20)]:  # a sample is enough to spot a mix-up
        stored = store_codec.decode(blob).reshape(1, -1)
        expected = codec.sa_decode(codec.sa_encode(stored))[0]
        if not np.allclose(inner.reconstruct(pos[int(vid)]), expected, atol=1e-6):
            return False
    return True


# -- processes ---------------------------------------------------------------------------------
def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHOSAID_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


WHOSAID = [sys.executable, "-m", "bot.cli"]


def code_snapshot(dest: Path) -> Path:
    """Copy the code a child process runs (bot, retrieval, the test workers) into `dest`.

    Children started with `cwd=dest` and `PYTHONPATH=dest` run this copy, so an edit to the
    working tree during a long test cannot make them disagree with the test process."""
    for package in ("retrieval", "bot"):
        shutil.copytree(ROOT / package, dest / package, ignore=shutil.ignore_patterns("__py*"))
    (dest / "tests").mkdir()
    for name in ("__init__.py", "ingest_worker.py"):
        shutil.copy(ROOT / "tests" / name, dest / "tests" / name)
    return dest


class Lines:
    """Read a child's stdout in a thread; lines arrive with the time they were read."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: list[tuple[float, str]] = []
        self._queue: queue.Queue[tuple[float, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            item = (time.monotonic(), line.rstrip("\n"))
            self.lines.append(item)
            self._queue.put(item)
        self._queue.put(None)

    def wait_for(self, prefix: str, timeout: float) -> tuple[float, str] | None:
        """The next line starting with `prefix`; None when the stream ends or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                item = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if item is None:
                return None
            if item[1].startswith(prefix):
                return item

    def saw(self, prefix: str) -> bool:
        return any(line.startswith(prefix) for _, line in self.lines)


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def percentile(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]
