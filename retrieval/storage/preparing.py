"""A batch of articles made ready for the store: parsed, chunked and embedded.

`prepare` embeds every chunk, every quote and the sentence around every quote (the vectors
answering compares with) in one batch of distinct texts, so no question has to embed anything
but itself. At ingest it runs in this process, or whole on worker processes
(`start_worker` + `prepare_batch`, extraction.parallel), each parsing and embedding its batch
on one core: on a machine of a few cores that keeps every core busy without the embedder's
threads and the parsers fighting over them.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.ingest.chunking import chunk_text, estimate_tokens
from retrieval.storage.store import Prepared, content_hash
from retrieval.types import Article, Extraction

Embed = Callable[[list[str]], np.ndarray]


def token_counter(embedder: object) -> Callable[[str], int]:
    """Word pieces of a text by the embedder's own tokenizer (an estimate without one)."""
    tokenizer: Any = getattr(embedder, "tokenizer", None)
    if tokenizer is None:
        return estimate_tokens
    return lambda text: len(tokenizer(text, add_special_tokens=False)["input_ids"])


def prepare(
    articles: Sequence[Article],
    extractions: Sequence[Extraction],
    embed: Embed,
    count: Callable[[str], int],
) -> list[Prepared]:
    """Chunk and embed a batch of articles whose quotes are extracted."""
    chunk_lists = [chunk_text(a.text, count) for a in articles]
    wanted: dict[str, int] = {}  # distinct text -> its row in the batch

    def row(text: str) -> int:
        return wanted.setdefault(text, len(wanted))

    plans = []
    for article, chunks, ex in zip(articles, chunk_lists, extractions, strict=True):
        chunk_rows = [row(c.text) for c in chunks]
        quote_rows = [row(q.text) for q in ex.quotes]
        context_rows = {}
        for i, q in enumerate(ex.quotes):
            around = article.text[q.context_start : q.context_end]
            if around and around != q.text:
                context_rows[i] = row(around)
        plans.append((chunk_rows, quote_rows, context_rows))
    vecs = embed(list(wanted)) if wanted else np.zeros((0, 1), dtype=np.float32)
    out: list[Prepared] = []
    for article, chunks, ex, (chunk_rows, quote_rows, context_rows) in zip(
        articles, chunk_lists, extractions, plans, strict=True
    ):
        chash = content_hash(article.text)
        out.append(
            Prepared(
                article=article,
                article_id=chash[:12],
                content_hash=chash,
                extraction=ex,
                chunks=[(c.seq, c.start, c.end, c.text) for c in chunks],
                chunk_vecs=vecs[chunk_rows],
                quote_vecs=vecs[quote_rows],
                context_vecs={i: vecs[r] for i, r in context_rows.items()},
            )
        )
    return out


_worker: dict[str, Any] = {}  # a worker process's models, loaded once by start_worker


def start_worker(
    spacy_model: str, embedding_model: str | None, backend: str, cache_dir: str | None
) -> None:
    """Load both models in a worker process, the embedder on one thread (one core each)."""
    # Ctrl-C reaches the whole process group: the parent stops the pool, workers ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from retrieval.extraction.extractor import load_nlp
    from retrieval.storage import embedding

    embedding.BATCH_THREADS = 1
    if backend == "torch":
        import torch

        torch.set_num_threads(1)
    _worker["nlp"] = load_nlp(spacy_model)
    _worker["embedder"] = embedder = embedding.shared_embedder(
        embedding_model, backend, Path(cache_dir) if cache_dir else None
    )
    # The batch session is made on first use: make it now, with the worker's start-up.
    embedder.embed(["Warm up the embedder."] * (embedding.SINGLE_THREAD_MAX + 1))


def prepare_batch(articles: list[Article]) -> list[Prepared]:
    """`prepare` of a batch in a worker process started by `start_worker`."""
    from retrieval.extraction.extractor import extract_many

    embedder = _worker["embedder"]
    extractions = extract_many([a.text for a in articles], _worker["nlp"])
    return prepare(articles, extractions, embedder.embed, token_counter(embedder))
