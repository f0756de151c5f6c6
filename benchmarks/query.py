"""Query latency: `Engine.ask`, warm, against embedding the question once + one FAISS search.

The questions are derived from the ingested corpus at run time (its most quoted speakers, a
few words of its quotes) plus generic free-text topics, so the set is fixed for a given corpus
seed and every kind of question (what-did, who-said, free text) is timed. Each round asks every
question and times its floor right after it, so both see the same machine load.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import percentile
from retrieval.engine import Engine
from retrieval.storage.store import Prepared

TOPICS = ("health care", "the economy", "immigration", "taxes")


@dataclass
class Question:
    kind: str  # "what_did" | "who_said" | "search"
    text: str


@dataclass
class QueryResult:
    label: str
    chunks: int
    vectors: int
    note: str
    ask_s: list[float] = field(default_factory=list)
    floor_s: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    abstained: int = 0
    asked: int = 0

    @property
    def p50(self) -> float:
        return percentile(self.ask_s, 50)

    @property
    def p95(self) -> float:
        return percentile(self.ask_s, 95)

    @property
    def floor_p50(self) -> float:
        return percentile(self.floor_s, 50)

    @property
    def floor_p95(self) -> float:
        return percentile(self.floor_s, 95)

    def target_rows(self, where: str = "") -> list[list[object]]:
        """The summary's two latency targets for this run: p50 <= 2x and p95 <= 3x the floor's
        p50 (`where` names the store and backend in front, when there are several)."""
        rows: list[list[object]] = []
        for name, value, limit in (("p50", self.p50, 2), ("p95", self.p95, 3)):
            ratio = value / self.floor_p50
            rows.append(
                [
                    f"{where}query {name} ≤ {limit}× floor at {self.chunks:,} chunks",
                    f"{ratio:.2f}×",
                    ratio <= limit,
                ]
            )
        return rows


def questions_for(prepared: list[Prepared], per_kind: int = 4) -> list[Question]:
    """What-did for the most quoted people, who-said for a few quotes, free text on topics."""
    people = Counter(
        q.speaker
        for p in prepared
        for q in p.extraction.quotes
        if q.speaker and q.speaker_kind == "person" and " " in q.speaker
    )
    out = [Question("what_did", f"What did {name} say?") for name, _ in people.most_common(2)]
    out += [
        Question("what_did", f"What did {name.split()[-1]} say about {topic}?")
        for (name, _), topic in zip(people.most_common(4)[2:], TOPICS, strict=False)
    ]
    direct = [
        q.text
        for p in prepared
        for q in p.extraction.quotes
        if q.kind == "direct" and len(q.text.split()) >= 8
    ]
    step = max(1, len(direct) // per_kind)
    for text in direct[::step][:per_kind]:
        words = re.findall(r"[\w'’-]+", text)[:6]
        out.append(Question("who_said", f'Who said "{" ".join(words)}"?'))
    out += [Question("search", f"What was said about {topic}?") for topic in TOPICS[:per_kind]]
    return out


def run_queries(
    path: Path,
    questions: list[Question],
    *,
    label: str,
    note: str,
    rounds: int,
    embedder: object | None = None,
) -> QueryResult:
    """Open the store, warm it (FAISS loaded, each question asked once), then time rounds."""
    engine = Engine(path, embedder=embedder)
    counts = engine.store.counts()
    index = engine._sync()["chunk"]
    result = QueryResult(label, counts["chunks"], counts["vectors"], note)
    for q in questions:  # warm: caches, FAISS files, lazy imports
        engine.ask(q.text)
    for _ in range(rounds):
        for q in questions:
            t0 = time.perf_counter()
            answer = engine.ask(q.text)
            dt = time.perf_counter() - t0
            result.ask_s.append(dt)
            result.by_kind.setdefault(q.kind, []).append(dt)
            result.asked += 1
            result.abstained += int(answer.abstained)
            t0 = time.perf_counter()
            vec = engine.embed([q.text])[0]
            index.search(vec, 10)
            result.floor_s.append(time.perf_counter() - t0)
    engine.close()
    return result
