"""Articles about a topic: by the stems of their titles (an index built once per store
generation) or by their passages, for "who was quoted about the strike?", "in the stadium
story" and a free-text topic's speakers. Apart from answers.py, which only asks which articles.
"""

from __future__ import annotations

from retrieval.answers.search import Searcher
from retrieval.language.wording import span_stems, stems

__all__ = [
    "SEARCH_MIN",
    "articles_about",
    "articles_for",
    "chunk_stems",
    "title_index",
    "titled_articles",
]

# Free-text search needs a passage at least this similar to the question.
SEARCH_MIN = 0.35


def title_index(s: Searcher) -> dict[str, list[str]]:
    """Stem -> ids of the articles whose title has it, newest first (once per generation)."""
    index = s.snapshot.title_stems
    if index is None:
        index = {}
        seen: dict[str, frozenset[str]] = {}
        for aid, title in reversed(s.articles()):
            words = seen.get(title)
            if words is None:
                words = seen[title] = frozenset(stems(title))
            for w in words:
                index.setdefault(w, []).append(aid)
        s.snapshot.title_stems = index
    return index


def titled_articles(s: Searcher, want: set[str]) -> list[str]:
    """Articles whose title holds every stem of `want`, newest first, from an index of
    title stems built once per store generation (not a scan of every title per question)."""
    index = title_index(s)
    if not want:
        return [aid for aid, _ in reversed(s.articles())]
    lists = sorted((index.get(w, []) for w in want), key=len)
    common = set(lists[0]).intersection(*lists[1:])
    return [aid for aid in lists[0] if aid in common]


def chunk_stems(s: Searcher, chunk: tuple[str, int, int]) -> frozenset[str]:
    aid, start, end = chunk
    return span_stems(aid, s.text(aid), start, end)


def articles_about(s: Searcher, topic: str) -> set[str]:
    """Articles whose best passage is close to the topic (near the best article's)."""
    vec = s.embed([topic])[0]
    best: dict[str, float] = {}
    for _, aid, score in s.dense("chunk", vec, 30):
        best[aid] = max(best.get(aid, 0.0), score)
    # As in free-text search (answers.py): a passage with every word of a short topic is about it.
    want = stems(topic)
    chunks = s.chunks(s.lexical("chunks_fts", topic, 30)).values()
    covered = {c[0] for c in chunks if want and want <= chunk_stems(s, c)}
    if not best:
        return covered
    top = max(best.values())
    if top < SEARCH_MIN:
        return covered
    return covered | {aid for aid, v in best.items() if v >= max(SEARCH_MIN, 0.85 * top)}


def articles_for(s: Searcher, hint: str) -> set[str]:
    """Articles whose title (else text) best matches a hint like 'the stadium'."""
    want = stems(hint)
    if not want:
        return set()
    index = title_index(s)
    hits: dict[str, int] = {}
    for w in want:
        for aid in index.get(w, ()):
            hits[aid] = hits.get(aid, 0) + 1
    best = {aid: n / len(want) + 1 for aid, n in hits.items()}
    if not best:
        for aid, _ in s.articles():
            body = stems(s.text(aid))
            t = len(want & body) / len(want)
            if t:
                best[aid] = t
    if not best:
        return set()
    top = max(best.values())
    return {aid for aid, v in best.items() if v == top}
