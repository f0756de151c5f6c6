"""Ingest throughput: the whole pipeline on the synthetic corpus against parse + embed alone.

The pipeline is `Engine.ingest` on a folder of `.txt` files with sidecars (load, clean, parse,
quotes, chunk, embed, SQLite, FAISS). The floor is the work that cannot be avoided, timed in
the same process on the same cleaned texts: one spaCy parse of every text, with the same
pipeline, and one embedding of every text the engine embeds (chunks and quotes). Stage timers
wrap the engine's collaborators to say where the time goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from benchmarks.common import Stopwatch
from benchmarks.corpus import SyntheticArticle, write_corpus
from retrieval.engine import Engine
from retrieval.storage.store import Prepared


@dataclass
class IngestResult:
    articles: int
    chunks: int
    quotes: int
    embedded_texts: int
    seconds: float
    floor_parse_s: float
    floor_embed_s: float
    stages: dict[str, float] = field(default_factory=dict)
    quotes_cpu_s: float = 0.0  # the quote rules' CPU time, parse excluded
    parse_cpu_s: float = 0.0  # the parse's CPU time inside extract_many

    @property
    def quotes_over_parse(self) -> float:
        """Issue 13's extraction cost: the quote rules' CPU time over the parse's."""
        return self.quotes_cpu_s / self.parse_cpu_s if self.parse_cpu_s else float("nan")

    @property
    def floor_s(self) -> float:
        return self.floor_parse_s + self.floor_embed_s

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_s


def _timed(watch: Stopwatch, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with watch.stage(name):
            return fn(*args, **kwargs)

    return wrapper


@contextmanager
def instrumented(engine: Engine, watch: Stopwatch, sink: list[Prepared]) -> Iterator[None]:
    """Time the engine's stages and keep every `Prepared` it writes (to build larger stores)."""
    import retrieval.extraction.extractor
    import retrieval.ingest.articles
    import retrieval.storage.preparing
    import retrieval.storage.vectors

    prepare = engine._prepare

    def keep(articles: Any, extractions: Any = None) -> list[Prepared]:
        out = prepare(articles, extractions)
        sink.extend(out)
        return out

    patches = [
        mock.patch.object(
            retrieval.ingest.articles,
            "load_source",
            _timed(watch, "load+clean", retrieval.ingest.articles.load_source),
        ),
        mock.patch.object(
            retrieval.extraction.extractor,
            "extract_many",
            _timed(watch, "parse+quotes", retrieval.extraction.extractor.extract_many),
        ),
        mock.patch.object(
            retrieval.extraction.extractor,
            "extract_doc",
            _timed(watch, "quotes", retrieval.extraction.extractor.extract_doc),
        ),
        mock.patch.object(
            retrieval.storage.preparing,
            "chunk_text",
            _timed(watch, "chunk", retrieval.storage.preparing.chunk_text),
        ),
        mock.patch.object(
            retrieval.storage.vectors.VectorIndex,
            "add",
            _timed(watch, "faiss add", retrieval.storage.vectors.VectorIndex.add),
        ),
        mock.patch.object(engine, "embed", _timed(watch, "embed", engine.embed)),
        mock.patch.object(engine, "_prepare", keep),
        mock.patch.object(engine, "_persist", _timed(watch, "faiss save", engine._persist)),
        mock.patch.object(
            engine.store, "put_article", _timed(watch, "sqlite write", engine.store.put_article)
        ),
        mock.patch.object(
            engine.store, "find_article", _timed(watch, "dedupe lookup", engine.store.find_article)
        ),
    ]
    with ExitStack() as stack:
        for p in patches:
            stack.enter_context(p)
        yield


def warm_up(engine: Engine, sample: str) -> None:
    """Load both models and run them once, so neither side of the ratio pays for loading."""
    list(engine.nlp.pipe([sample]))
    engine.embed([sample[:500], sample[500:1000] or "warm"])


def run_ingest(
    corpus: list[SyntheticArticle], workdir: Path, slices: int = 4
) -> tuple[IngestResult, list[Prepared], Engine]:
    """Ingest the corpus into a fresh store in slices, each followed by its floor.

    Interleaving makes both sides of the ratio see the same machine load, which drifts by 2x
    within minutes on this shared machine.
    """
    engine = Engine(workdir / "ingest-store", ingest_workers=1)  # one process: stages timed
    warm_up(engine, corpus[0].text)
    watch = Stopwatch()
    prepared: list[Prepared] = []
    seconds = floor_parse = floor_embed = 0.0
    embedded_texts = 0
    size = -(-len(corpus) // slices)
    for n, at in enumerate(range(0, len(corpus), size)):
        folder = workdir / f"corpus-{n}"
        write_corpus(corpus[at : at + size], folder)
        before = len(prepared)
        with instrumented(engine, watch, prepared):
            t0 = time.perf_counter()
            report = engine.ingest([str(folder)])
            seconds += time.perf_counter() - t0
        if report.failed:
            raise SystemExit(f"ingest failed for {len(report.failed)} files: {report.failed[:3]}")
        done = prepared[before:]
        texts = [p.article.text for p in done]
        embedded = [c[3] for p in done for c in p.chunks]
        embedded += [q.text for p in done for q in p.extraction.quotes]
        embedded += [
            p.article.text[q.context_start : q.context_end]
            for p in done
            for q in p.extraction.quotes
        ]
        embedded = list(dict.fromkeys(t for t in embedded if t))  # as the engine: once each
        embedded_texts += len(embedded)
        t0 = time.perf_counter()
        for _ in engine.nlp.pipe(texts, batch_size=16):
            pass
        floor_parse += time.perf_counter() - t0
        t0 = time.perf_counter()
        engine.embedder.embed(embedded)
        floor_embed += time.perf_counter() - t0

    stages = dict(watch.seconds)
    # extract_many's own time is the parse (nlp.pipe is lazy) plus the quote rules inside it.
    stages["parse"] = stages.pop("parse+quotes", 0.0) - stages.get("quotes", 0.0)
    stages["other"] = seconds - sum(stages.values())
    quotes_cpu = watch.cpu.get("quotes", 0.0)
    result = IngestResult(
        articles=len(prepared),
        chunks=sum(len(p.chunks) for p in prepared),
        quotes=sum(len(p.extraction.quotes) for p in prepared),
        embedded_texts=embedded_texts,
        seconds=seconds,
        floor_parse_s=floor_parse,
        floor_embed_s=floor_embed,
        stages=stages,
        quotes_cpu_s=quotes_cpu,
        parse_cpu_s=watch.cpu.get("parse+quotes", 0.0) - quotes_cpu,
    )
    return result, prepared, engine
