"""How close stored quotes are in meaning to a question: the better of the cosine to the
quote's own vector and (a little less) to its sentence's, whose vectors are embedded on first
use and cached. Kept apart from answers.py so that the cache and its lock sit with their one use.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np

from retrieval.answers.search import QuoteRow, Searcher

__all__ = ["dense_scores"]

# Sentence vectors by (article id, start, end); an article id is its content hash, so a
# cached vector never goes stale. Shared by the threads of a Slack server.
_CTX_CACHE: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()
_CTX_CACHE_MAX = 20000
_CTX_LOCK = threading.Lock()


def _context_vectors(s: Searcher, quotes: Iterable[QuoteRow]) -> dict[int, np.ndarray]:
    out: dict[int, np.ndarray] = {}
    todo: list[tuple[tuple[str, int, int], QuoteRow]] = []
    with _CTX_LOCK:
        for q in quotes:
            key = (q.article_id, q.ctx_start, q.ctx_end)
            vec = _CTX_CACHE.get(key)
            if vec is None:
                todo.append((key, q))
            else:
                out[q.id] = vec
    if todo:
        texts = [s.text(q.article_id)[q.ctx_start : q.ctx_end] or q.text for _, q in todo]
        vecs = s.embed(texts)
        with _CTX_LOCK:
            for (key, q), vec in zip(todo, vecs, strict=True):
                _CTX_CACHE[key] = vec
                out[q.id] = vec
            while len(_CTX_CACHE) > _CTX_CACHE_MAX:
                _CTX_CACHE.popitem(last=False)
    return out


def dense_scores(s: Searcher, text: str, quotes: list[QuoteRow]) -> dict[int, float]:
    """max(cosine to the quote, 0.9 x cosine to its sentence) for each quote."""
    qv = s.embed([text])[0]
    qvecs = s.quote_vectors(q.id for q in quotes)
    cvecs = _context_vectors(s, quotes)
    out = {}
    for q in quotes:
        a = float(qvecs[q.id] @ qv) if q.id in qvecs else 0.0
        b = float(cvecs[q.id] @ qv) if q.id in cvecs else 0.0
        out[q.id] = max(a, 0.9 * b)
    return out
