"""Larger stores without re-embedding: ingested articles written again as new editions.

Embedding 100k real chunks takes about half an hour here, so the 10k and 100k stores reuse the
ingest's parsed, extracted and embedded articles: each copy gets a new source key and a one-line
edition note appended (a new content hash; every stored offset stays valid), and its vectors
get a little Gaussian noise (cosine ~0.99 to the original) so copies do not tie exactly. Rows go
through the store's own insert (`Store._insert`), a few hundred articles per transaction.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from retrieval.storage.store import Prepared, Store, content_hash

NOISE = 0.1  # norm of the noise added to a unit vector before renormalising


@dataclass
class StoreInfo:
    path: Path
    articles: int
    chunks: int
    quotes: int
    copies: int  # how many times the ingested articles were written (1 = no reuse)


def _noisy(vecs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if len(vecs) == 0:
        return vecs
    noise = rng.standard_normal(vecs.shape).astype(np.float32)
    noise *= NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
    out = vecs + noise
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def edition(prep: Prepared, copy: int, rng: np.random.Generator) -> Prepared:
    """The same article as a new edition: new key and hash, same offsets, nearby vectors."""
    if copy == 0:
        return prep
    text = prep.article.text.rstrip("\n") + f"\n\nEdition {copy + 1}.\n"
    chash = content_hash(text)
    article = replace(
        prep.article, text=text, source_key=f"{prep.article.source_key}#edition-{copy}", spans=None
    )
    return replace(
        prep,
        article=article,
        article_id=chash[:12],
        content_hash=chash,
        chunk_vecs=_noisy(prep.chunk_vecs, rng),
        quote_vecs=_noisy(prep.quote_vecs, rng),
        context_vecs=_noisy_each(prep.context_vecs, rng),
    )


def _noisy_each(vecs: dict[int, np.ndarray], rng: np.random.Generator) -> dict[int, np.ndarray]:
    if not vecs:
        return {}
    keys = list(vecs)
    return dict(zip(keys, _noisy(np.stack([vecs[k] for k in keys]), rng), strict=True))


def _write(store: Store, batch: list[Prepared]) -> None:
    """Several new editions in one transaction, through the store's own insert (a transaction
    per article made building the 100k store take minutes)."""
    with store.write() as conn:
        for prep in batch:
            store._insert(conn, prep)
        store._bump(conn)


def grow_stores(
    prepared: list[Prepared], path: Path, targets: list[int], model_name: str, seed: int = 11
) -> Iterator[StoreInfo]:
    """One store at `path` grown to each target's chunks in turn, yielded (closed) at each."""
    if not prepared or not any(p.chunks for p in prepared):
        raise SystemExit("nothing was ingested: cannot build a store")
    rng = np.random.default_rng(seed)
    store = Store(path)
    store.put_meta("embedding_model", model_name)
    articles = chunks = quotes = copy = at = 0
    for target in sorted(targets):
        batch: list[Prepared] = []
        while chunks < target:
            if at == len(prepared):
                copy, at = copy + 1, 0
            prep = prepared[at]
            at += 1
            batch.append(edition(prep, copy, rng))
            articles += 1
            chunks += len(prep.chunks)
            quotes += len(prep.extraction.quotes)
            if len(batch) == 200:
                _write(store, batch)
                batch = []
        if batch:
            _write(store, batch)
        store.close()  # checkpoints the WAL into the file
        yield StoreInfo(path, articles, chunks, quotes, copy + 1)
        store = Store(path)
    store.close()


def build_stores(
    prepared: list[Prepared], work: Path, targets: list[int], model_name: str, seed: int = 11
) -> dict[int, StoreInfo]:
    """Stores of at least each target's chunks, `work/store-<target>`: one growing store copied
    at each size (the same stores as building each from scratch: each is a prefix of the
    next)."""
    growing = work / "store-growing"
    out: dict[int, StoreInfo] = {}
    for target, info in zip(
        sorted(targets), grow_stores(prepared, growing, targets, model_name, seed), strict=True
    ):
        path = work / f"store-{target}"
        shutil.rmtree(path, ignore_errors=True)
        shutil.copytree(growing, path)
        out[target] = replace(info, path=path)
    shutil.rmtree(growing, ignore_errors=True)
    return out


def build_store(
    prepared: list[Prepared], path: Path, target_chunks: int, model_name: str, seed: int = 11
) -> StoreInfo:
    """A store with at least `target_chunks` chunks (fewer articles than ingested if enough)."""
    shutil.rmtree(path, ignore_errors=True)
    return list(grow_stores(prepared, path, [target_chunks], model_name, seed))[-1]
