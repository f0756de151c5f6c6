"""Serving during change: 4 threads ask non-stop while another process reindexes and adds.

The readers share one `Engine`, as the bot's workers do; the writer is a real `whosaid`
process on the same data dir. Every answer given meanwhile must be well-formed and verbatim,
none may fail, and an answer about a known speaker must be one that speaker really gave
(an answer stitched from two generations of the store would show here). Once the new
articles are in, the same engine answers about them without a restart.

    pytest -m heavy tests/reliability/test_reliability_serving.py -s    # prints the figures
"""

from __future__ import annotations

import random
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from retrieval.engine import Engine
from tests.newsgen import GeneratedArticle, write_articles
from tests.reliability.harness import (
    WHOSAID,
    answer_problems,
    child_env,
    code_snapshot,
    stored_texts,
)

READERS = 4
ARTICLES = 30
ADDED_LATER = 6


@dataclass
class Corpus:
    data: Path
    code: Path  # what the writer process runs (see `code_snapshot`)
    base: list[GeneratedArticle]
    extra: list[GeneratedArticle]
    extra_dir: Path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("serving")
    code = code_snapshot(root / "code")
    articles = write_articles(root / "all", ARTICLES, seed=11)
    base_dir, extra_dir = root / "base", root / "extra"
    for folder, part in ((base_dir, articles[:-ADDED_LATER]), (extra_dir, articles[-ADDED_LATER:])):
        folder.mkdir()
        for a in part:
            for path in (a.path, a.path.with_suffix(".meta.json")):
                shutil.copy(path, folder / path.name)
    data = root / "data"
    engine = Engine(data)
    report = engine.ingest([str(base_dir)])
    engine.close()
    assert report.failed == [] and len(report.added) == ARTICLES - ADDED_LATER
    return Corpus(data, code, articles[:-ADDED_LATER], articles[-ADDED_LATER:], extra_dir)


@dataclass
class Asked:
    question: str
    result: dict[str, Any]
    at: float


@dataclass
class Readers:
    """Threads asking questions until told to stop; they record every answer and error."""

    engine: Engine
    questions: list[str]
    asked: list[Asked] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stop.is_set():
            question = rng.choice(self.questions)
            try:
                result = self.engine.ask(question).to_json()
            except Exception as exc:  # any failure at all is what this test counts
                with self.lock:
                    self.errors.append(f"{question!r}: {type(exc).__name__}: {exc}")
                continue
            with self.lock:
                self.asked.append(Asked(question, result, time.monotonic()))

    def __enter__(self) -> Readers:
        self.threads = [
            threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(READERS)
        ]
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


def _questions(articles: list[GeneratedArticle]) -> dict[str, str]:
    """question -> the speaker it is about (a what-did question about a known person)."""
    out = {}
    for a in articles:
        out[f"What did {a.speaker} say?"] = a.speaker
        out[f"what did {a.opponent} say about the cost?"] = a.opponent
    return out


def _said_by(result: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(a["speaker"], a["quote"], a["article"]["id"]) for a in result["answers"]}


@pytest.fixture
def engine(corpus: Corpus) -> Iterator[Engine]:
    engine = Engine(corpus.data)
    yield engine
    engine.close()


@pytest.mark.heavy
def test_answers_stay_whole_while_another_process_reindexes_and_adds(
    corpus: Corpus, engine: Engine
) -> None:
    about = _questions(corpus.base)
    other = [
        "who said the numbers have been checked three times?",
        "who said they are spending money we do not have?",
        "what did the mayor say?",
        "who talked about a judge pausing the work?",
        "anything about broadband?",
    ]
    baseline = {q: _said_by(engine.ask(q).to_json()) for q in about}
    unanswered = [q for q, said in baseline.items() if not said]
    assert len(unanswered) <= len(about) // 10, f"baseline abstains too often: {unanswered}"

    windows: dict[str, tuple[float, float]] = {}
    failures: list[str] = []

    def writer() -> None:
        for name, args in (
            ("reindex", ["reindex"]),
            ("index", ["index", str(corpus.extra_dir)]),
        ):
            started = time.monotonic()
            done = subprocess.run(
                [*WHOSAID, "--data-dir", str(corpus.data), *args],
                capture_output=True,
                text=True,
                cwd=corpus.code,
                env=child_env(PYTHONPATH=str(corpus.code)),
                timeout=900,
            )
            windows[name] = (started, time.monotonic())
            if done.returncode != 0:
                failures.append(f"whosaid {name}: exit {done.returncode}: {done.stderr[-500:]}")

    with Readers(engine, [*about, *other]) as readers:
        time.sleep(1.0)
        change = threading.Thread(target=writer)
        change.start()
        change.join(timeout=1200)
        time.sleep(1.0)
    assert failures == []
    assert readers.errors == [], readers.errors[:5]

    texts = stored_texts(corpus.data / "whosaid.db")
    problems = [
        f"{a.question!r}: {p}" for a in readers.asked for p in answer_problems(a.result, texts)
    ]
    assert problems == [], problems[:10]
    # What a known person said does not change with a reindex or with unrelated additions.
    strangers = [
        f"{a.question!r}: {said}"
        for a in readers.asked
        if a.question in about
        for said in _said_by(a.result) - baseline[a.question]
    ]
    assert strangers == [], strangers[:10]

    during = {
        name: sum(1 for a in readers.asked if lo <= a.at <= hi)
        for name, (lo, hi) in windows.items()
    }
    assert all(n >= 10 for n in during.values()), f"too few answers during the change: {during}"
    for a in corpus.extra:  # the readers' engine sees the new articles without a restart
        result = engine.ask(f"What did {a.speaker} say?").to_json()
        assert not result["abstained"] and answer_problems(result, texts) == [], result
    spans = {k: f"{hi - lo:.1f} s" for k, (lo, hi) in windows.items()}
    print(
        f"\nserving during change: {len(readers.asked)} answers, 0 errors, "
        f"{during} answered during {spans}"
    )
