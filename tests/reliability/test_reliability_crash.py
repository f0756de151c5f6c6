"""Crash-safe ingest: SIGKILL a real ingest at random points and check what is left.

Ten times, a subprocess starts ingesting 30 articles into a fresh data dir and is killed:
half the rounds at a random moment of the ingest (mostly parsing and embedding), half just
after a random number of articles was committed (SQLite commits and FAISS writes). Then the
store must open, every article in it must be whole (the same rows as an uninterrupted run)
and answerable, the FAISS files must not claim a generation they do not match, and running
the same ingest again must finish the job with nothing twice.

    pytest -m heavy tests/reliability/test_reliability_crash.py -s    # prints one line per round
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from retrieval.engine import Engine
from tests.newsgen import GeneratedArticle, write_articles
from tests.reliability.harness import (
    ArticleShape,
    Lines,
    answer_problems,
    article_shapes,
    child_env,
    code_snapshot,
    faiss_file_problems,
    generation,
    same_vectors,
    store_problems,
)

ROUNDS = 10
ARTICLES = 30
SEED = int(os.environ.get("WHOSAID_TEST_SEED", "20240611"))


@dataclass
class Reference:
    """An uninterrupted ingest of the same articles: what a finished job looks like."""

    folder: Path
    data: Path  # the finished store (tests copy it; it is not changed)
    code: Path  # the code the workers run: a copy taken with the reference
    articles: list[GeneratedArticle]
    shapes: dict[str, ArticleShape]
    speaker_of: dict[str, str]  # article id -> its main speaker
    stats: dict[str, int]
    ingest_s: float


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    # Workers run a copy of the code as it is now, so a change to the working tree during
    # the minutes this module runs cannot make them disagree with the reference.
    code = code_snapshot(tmp_path_factory.mktemp("crash-code"))
    folder = tmp_path_factory.mktemp("crash-articles")
    articles = write_articles(folder, ARTICLES, seed=SEED % 1000)
    data = tmp_path_factory.mktemp("crash-reference")
    engine = Engine(data)
    _ = engine.embedder.dim, engine.nlp
    started = time.monotonic()
    report = engine.ingest([str(folder)])
    ingest_s = time.monotonic() - started
    assert report.failed == [] and len(report.added) == ARTICLES
    shapes = article_shapes(engine.store.conn)
    by_text = {a.text.strip(): a for a in articles}
    speaker_of = {aid: by_text[s.text.strip()].speaker for aid, s in shapes.items()}
    stats = engine.stats()
    engine.close()  # closed, so tests can copy a quiet store
    return Reference(folder, data, code, articles, shapes, speaker_of, stats, ingest_s)


def _start_worker(ref: Reference, *args: str) -> tuple[subprocess.Popen[str], Lines]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ingest_worker", *args],
        cwd=ref.code,
        env=child_env(PYTHONPATH=str(ref.code)),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    return proc, Lines(proc)


def _kill_at_random_time(proc: subprocess.Popen[str], delay: float) -> None:
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)


def _kill_after_commits(proc: subprocess.Popen[str], db: Path, commits: int) -> None:
    """Kill as soon as SQLite shows `commits` articles committed (generation counts them)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60) as conn:
        while proc.poll() is None:
            try:
                if generation(conn) >= commits:
                    break
            except sqlite3.OperationalError:
                pass  # the writer holds a lock for a moment: look again
            time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)


def check_after_crash(
    data_dir: Path, ref: Reference, engine: Engine, generations: set[int] | None = None
) -> set[str]:
    """Every invariant a crash must keep; returns the ids of the articles that made it.

    `generations`: the generations the store may be at (default: one per article, as a
    fresh ingest leaves it)."""
    conn = engine.store.conn
    assert store_problems(conn) == []
    shapes = article_shapes(conn)
    assert set(shapes) <= set(ref.shapes), "an article the reference does not have"
    for aid, shape in shapes.items():
        assert shape == ref.shapes[aid], f"article {aid} is only partly stored"
    # Each article is one commit, and each commit one generation: nothing half-counted.
    assert generation(conn) in (generations or {len(shapes)})
    assert faiss_file_problems(data_dir, conn) == []
    indexes = engine._sync()  # loads the matching FAISS file, or rebuilds it from SQLite
    for kind, index in indexes.items():
        assert same_vectors(index.index, conn, kind), f"{kind} index differs from SQLite"
    assert faiss_file_problems(data_dir, conn) == []
    texts = {aid: s.text for aid, s in shapes.items()}
    for aid in shapes:
        speaker = ref.speaker_of[aid]
        result = engine.ask(f"What did {speaker} say?").to_json()
        assert answer_problems(result, texts) == [], result
        assert not result["abstained"], f"{speaker}: {result['message']}"
        assert aid in {a["article"]["id"] for a in result["answers"]}, speaker
    return set(shapes)


@pytest.mark.heavy
def test_sigkill_during_ingest_never_leaves_a_partial_article(
    reference: Reference, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    # The worker ingests a little faster than the reference run (no fixture work around it):
    # kills timed past 80% of the reference would often find it finished.
    window = reference.ingest_s * 0.8
    log: list[str] = [f"seed {SEED}, uninterrupted ingest {reference.ingest_s:.1f} s"]
    killed_mid_ingest = 0
    leftovers = 0
    for rnd in range(ROUNDS):
        data = tmp_path / f"round{rnd}"
        data.mkdir()
        proc, lines = _start_worker(reference, str(data), str(reference.folder))
        try:
            assert lines.wait_for("ready", timeout=300) is not None, "the worker did not start"
            if rnd % 2 == 0:
                # Stratified: each even round draws from its own slice of the ingest.
                delay = rng.uniform(rnd / ROUNDS * window, (rnd + 2) / ROUNDS * window)
                # ... but never after the last batch is written: the reference's pace may
                # have been measured on a busier machine than the worker's.
                last = lines.wait_for(f"progress {ARTICLES - 1} ", timeout=delay)
                proc.send_signal(signal.SIGKILL)
                how = f"after {delay:.2f} s" if last is None else "before the last batch"
            else:
                target = rng.randint(1, ARTICLES)  # 30: killed while writing FAISS files
                how = f"after commit {target}"
                _kill_after_commits(proc, data / "whosaid.db", target)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        finished = lines.saw("done")
        killed_mid_ingest += not finished
        leftovers += len(list(data.glob(".*.tmp")))

        engine = Engine(data)
        try:
            survived = check_after_crash(data, reference, engine)
            report = engine.ingest([str(reference.folder)])
            assert report.failed == []
            assert len(report.unchanged) == len(survived)
            assert len(report.added) == ARTICLES - len(survived)
            after = check_after_crash_light(data, reference, engine)
            assert after == set(reference.shapes)
            assert engine.stats()["articles"] == ARTICLES
            assert {k: v for k, v in engine.stats().items() if k != "index_bytes"} == {
                k: v for k, v in reference.stats.items() if k != "index_bytes"
            }
        except AssertionError as exc:
            raise AssertionError(f"round {rnd}, killed {how}: {exc}") from exc
        finally:
            engine.close()
        log.append(
            f"round {rnd}: killed {how}{' (had finished)' if finished else ''}, "
            f"{len(survived)}/{ARTICLES} committed and whole, rerun added {len(report.added)}"
        )
    print("\n".join(log))
    print(f"temporary FAISS files left by kills: {leftovers}")
    assert killed_mid_ingest >= ROUNDS - 2, "most kills must land before the ingest ends"


def check_after_crash_light(data_dir: Path, ref: Reference, engine: Engine) -> set[str]:
    """The structural half of `check_after_crash` (after the rerun, answers were checked)."""
    conn = engine.store.conn
    assert store_problems(conn) == []
    shapes = article_shapes(conn)
    for aid, shape in shapes.items():
        assert shape == ref.shapes[aid], f"article {aid} differs after the rerun"
    assert faiss_file_problems(data_dir, conn) == []
    for kind, index in engine._sync().items():
        assert same_vectors(index.index, conn, kind)
    return set(shapes)


@pytest.mark.heavy
def test_sigkill_during_reindex_leaves_the_old_or_the_new_index_whole(
    reference: Reference, tmp_path: Path
) -> None:
    """Reindex swaps everything in one transaction: a kill leaves one state or the other."""
    rng = random.Random(SEED + 1)
    start_gen = ARTICLES  # the reference store: one generation per article
    log = []
    kept: list[int] = []
    for rnd in range(3):
        data = tmp_path / f"reindex{rnd}"
        shutil.copytree(reference.data, data)
        proc, lines = _start_worker(reference, "--reindex", str(data))
        try:
            assert lines.wait_for("ready", timeout=300) is not None, "the worker did not start"
            if rnd == 0:  # while the first batch is parsed and embedded
                # A random time, but never past the first batch: on a machine busier while
                # the reference was ingested than now, the delay could outlast the reindex.
                delay = rng.uniform(0.05, 0.3) * reference.ingest_s
                first_batch = lines.wait_for("progress", timeout=delay)
                proc.send_signal(signal.SIGKILL)
                how = f"after {delay:.2f} s" if first_batch is None else "at the first batch"
            elif rnd == 1:  # once the first batch is ready: the swap is near
                assert lines.wait_for("progress", timeout=300) is not None
                delay = rng.uniform(0.0, 0.2) * reference.ingest_s
                _kill_at_random_time(proc, delay)
                how = f"{delay:.2f} s after the first batch"
            else:  # after the swap's commit, while the FAISS files are written
                _kill_after_commits(proc, data / "whosaid.db", start_gen + 1)
                how = "after the swap's commit"
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        engine = Engine(data)
        try:
            survived = check_after_crash(
                data, reference, engine, generations={start_gen, start_gen + 1}
            )
            assert survived == set(reference.shapes), "a reindex lost articles"
            gen = engine.store.generation()
        finally:
            engine.close()
        kept.append(gen)
        log.append(f"reindex round {rnd}: killed {how}, generation {gen}, all 30 whole")
    print("\n" + "\n".join(log))
    assert start_gen in kept, "no kill landed before the swap: the old state was never tested"
