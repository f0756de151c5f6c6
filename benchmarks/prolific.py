"""Who-said about a prolific speaker, from a fresh process: the first questions pay for the
read side's tables (speakers, the speaker's quote stubs), not for any model work.

`python -m benchmarks.prolific DATA_DIR QUESTION...` loads both models, opens the store, then
asks each question once, timing each against its floor (embed the question + one search of
the chunk index) right after it. `run_prolific` does that in `processes` fresh processes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from benchmarks.common import REPO
from retrieval.storage.store import Prepared


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
        words = re.findall(r"[\w'’-]+", text)[:6]
        out.append(f'Who said "{" ".join(words)}"?')
    return name, out


def measure(data_dir: Path, questions: list[str]) -> dict[str, object]:
    from retrieval.engine import Engine
    from retrieval.extraction.extractor import load_nlp
    from retrieval.storage.embedding import shared_embedder

    embedder = shared_embedder()
    embedder.embed(["warm up the model"])
    list(load_nlp().pipe(["Warm up the parser, she said."]))
    engine = Engine(data_dir, embedder=embedder)
    asks, floors, named = [], [], []
    for q in questions:
        t0 = time.perf_counter()
        answer = engine.ask(q)
        asks.append(time.perf_counter() - t0)
        named.append(answer.answers[0].speaker if answer.answers else None)
        t0 = time.perf_counter()
        engine._sync()["chunk"].search(engine.embed([q])[0], 10)
        floors.append(time.perf_counter() - t0)
    return {"ask_s": asks, "floor_s": floors, "speakers": named}


def run_prolific(data_dir: Path, questions: list[str], processes: int) -> list[dict[str, object]]:
    out = []
    for _ in range(processes):
        res = subprocess.run(
            [sys.executable, "-m", "benchmarks.prolific", str(data_dir), *questions],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
        out.append(json.loads(res.stdout.strip().splitlines()[-1]))
    return out


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]), sys.argv[2:])))
