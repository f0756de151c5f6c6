"""How close stored quotes are in meaning to a question: the better of the cosine to the
quote's own vector and (a little less) to its sentence's. Both vectors are computed at ingest
and stored, so a question embeds only its own text. A quote without a sentence vector (its
sentence is the quote itself, or the store was written before they were stored and not
reindexed since) is compared by its own vector alone.
"""

from __future__ import annotations

from functools import partial

from retrieval.answers.search import QuoteRow, Searcher
from retrieval.storage.interfaces import store_reads

__all__ = ["dense_scores"]


def dense_scores(s: Searcher, text: str, quotes: list[QuoteRow]) -> dict[int, float]:
    """max(cosine to the quote, 0.9 x cosine to its sentence) for each quote."""
    qv = s.embed([text])[0]
    ids = [q.id for q in quotes]
    # both kinds read side by side from a server
    qvecs, cvecs = store_reads(
        s.store, partial(s.quote_vectors, ids), partial(s.quote_vectors, ids, "context")
    )
    out = {}
    for q in quotes:
        a = float(qvecs[q.id] @ qv) if q.id in qvecs else 0.0
        ctx = cvecs.get(q.id, qvecs.get(q.id))
        b = float(ctx @ qv) if ctx is not None else 0.0
        out[q.id] = max(a, 0.9 * b)
    return out
