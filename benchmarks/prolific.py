"""Who-said about a prolific speaker, from a fresh process: the first questions pay for the
read side's tables (speakers, the speaker's quote stubs) unless the engine was loaded first.

`python -m benchmarks.prolific [--load] DATA_DIR QUESTION...` loads both models, opens the
store, with `--load` runs `Engine.load` (vector indexes, speaker tables: what a serving
process does at start, timed apart), then asks each question once, timing each against its
floor (embed the question + one search of the chunk index) right after it. `run_prolific`
does that in `processes` fresh processes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.common import REPO, median, ms, percentile, table
from retrieval.storage.store import Prepared

_WORDS = re.compile(r"[\w'’-]+")


def prolific_questions(prepared: list[Prepared], n: int = 5) -> tuple[str, list[str]]:
    """(the most quoted person, who-said questions on six words of n of their quotes)."""
    people = Counter(
        q.speaker
        for p in prepared
        for q in p.extraction.quotes
        if q.speaker and q.speaker_kind == "person"
    )
    name = people.most_common(1)[0][0]
    theirs = [
        q.text
        for p in prepared
        for q in p.extraction.quotes
        if q.speaker == name and len(q.text.split()) >= 8
    ]
    step = max(1, len(theirs) // n)
    out = []
    for text in theirs[::step][:n]:
        words = _WORDS.findall(text)[:6]
        out.append(f'Who said "{" ".join(words)}"?')
    return name, out


def names(answered: str | None, extracted: str) -> bool:
    """Whether an answer's speaker is the person the extraction named: the same name, or that
    name completed by the store's merging across articles (the extraction's bare "Okafor" of
    an article that never gives the full name, answered as "Diane Okafor")."""
    said, want = (answered or "").split(), extracted.split()
    return bool(said) and said[-len(want) :] == want


def _folded(text: str) -> str:
    return " ".join(w.lower() for w in _WORDS.findall(text))


def measure(data_dir: Path, questions: list[str], load: bool) -> dict[str, object]:
    from retrieval.engine import Engine
    from retrieval.extraction.extractor import load_nlp
    from retrieval.storage.embedding import shared_embedder

    embedder = shared_embedder()
    embedder.embed(["warm up the model"])
    list(load_nlp().pipe(["Warm up the parser, she said."]))
    engine = Engine(data_dir, embedder=embedder)
    t0 = time.perf_counter()
    if load:
        engine.load()
    load_s = time.perf_counter() - t0
    asks, floors, named, found = [], [], [], []
    for q in questions:
        t0 = time.perf_counter()
        answer = engine.ask(q)
        asks.append(time.perf_counter() - t0)
        first = answer.answers[0] if answer.answers else None
        named.append(first.speaker if first else None)
        words = _folded(q.split('"')[1])
        found.append(bool(first) and words in _folded(" ".join([first.quote, *first.fragments])))
        t0 = time.perf_counter()
        engine._sync()["chunk"].search(engine.embed([q])[0], 10)
        floors.append(time.perf_counter() - t0)
    return {"load_s": load_s, "ask_s": asks, "floor_s": floors, "speakers": named, "found": found}


def run_prolific(
    data_dir: Path, questions: list[str], processes: int, load: bool
) -> list[dict[str, object]]:
    out = []
    flag = ["--load"] if load else []
    for _ in range(processes):
        res = subprocess.run(
            [sys.executable, "-m", "benchmarks.prolific", *flag, str(data_dir), *questions],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
        out.append(json.loads(res.stdout.strip().splitlines()[-1]))
    return out


def section(
    runs: dict[bool, list[dict[str, Any]]], name: str, count: int, chunks: int
) -> tuple[str, list[object]]:
    """The results section and its summary row (the target: p95 ≤ 3× the floor, loaded)."""
    rows, p95 = [], 0.0
    floors = [f for rs in runs.values() for r in rs for f in r["floor_s"]]
    for load, rs in sorted(runs.items(), reverse=True):
        asks = [a for r in rs for a in r["ask_s"]]
        ratio = percentile(asks, 95) / median(floors)
        p95 = ratio if load else p95
        right = sum(names(s, name) for r in rs for s in r["speakers"])
        found = sum(f for r in rs for f in r["found"])
        rows.append(
            [
                "ask, after `Engine.load`" if load else "ask, nothing loaded but the models",
                ms(median([r["load_s"] for r in rs])) if load else "n/a",
                ms(median(asks)),
                ms(percentile(asks, 95)),
                ms(median([r["ask_s"][0] for r in rs])),
                ratio,
                f"{right}/{len(asks)}, {found}/{len(asks)}",
            ]
        )
    rows.append(["floor", "n/a", ms(median(floors)), ms(percentile(floors, 95)), "n/a", 1.0, ""])
    some = next(iter(runs.values()))
    n, asked = len(some), len(some[0]["ask_s"])
    text = (
        f"## Who-said about a prolific speaker ({chunks:,} chunks)\n\n"
        f'{asked} who-said questions quoting the most quoted person ("{name}" in the extraction, '
        f"~{count:,} quotes in this store), asked in order in each of {n} fresh processes "
        "after both models are loaded; with `Engine.load` (what `whosaid serve` and an "
        "interactive `whosaid chat` do at start: the vector indexes and the speakers' tables "
        "of the whole store, timed apart as load) and without (the first question builds "
        "them). Floor = embed the question + one search of the chunk index, after each "
        "question. Right = the first answer names that person (the extraction's name, or it "
        "completed by merging: a bare surname answered with the full name); found = its "
        "quote holds the question's words.\n\n"
        + table(
            [
                "",
                "load ms",
                "p50 ms",
                "p95 ms",
                "first question ms (median)",
                "p95 × floor p50",
                "right, found",
            ],
            rows,
        )
    )
    target = [
        f"who-said, {count:,}-quote speaker, fresh process, loaded: p95 ≤ 3× floor",
        f"{p95:.2f}×",
        p95 <= 3,
    ]
    return text, target


if __name__ == "__main__":
    args = sys.argv[1:]
    loaded = args[:1] == ["--load"]
    args = args[1:] if loaded else args
    print(json.dumps(measure(Path(args[0]), args[1:], loaded)))
