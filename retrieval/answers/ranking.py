"""Orderings of scored quotes: fusion of rankings, one answer per wording, fair turns for
several speakers, the pieces of one statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from retrieval.answers.search import QuoteRow
from retrieval.language.wording import norm

__all__ = [
    "RRF_K",
    "Scored",
    "chain",
    "interleave",
    "one_per_wording",
    "rrf",
    "spread",
    "wording",
]

RRF_K = 10  # small candidate lists: a smaller k keeps rank differences visible


@lru_cache(maxsize=8192)
def wording(text: str) -> str:
    """`norm` of a quote's text, kept for the texts seen last: a question compares and
    groups the same candidates several times, and one story's copies share their words."""
    return norm(text)


@dataclass
class Scored:
    quote: QuoteRow
    score: float
    copies: tuple[str, ...] = ()  # other articles with these words (see answers._rank_speaker)


def chain(q: QuoteRow, pieces: list[QuoteRow]) -> list[QuoteRow]:
    """The pieces of q's statement: same speaker, quoted, each close to the next."""
    same = [x for x in pieces if x.speaker == q.speaker and x.kind in {"direct", "mixed"}]
    same.sort(key=lambda x: x.start)
    if q not in same:
        return [q]
    i = same.index(q)
    lo = hi = i
    while lo > 0 and 0 <= same[lo].start - same[lo - 1].end <= 300:
        lo -= 1
    while hi < len(same) - 1 and 0 <= same[hi + 1].start - same[hi].end <= 300:
        hi += 1
    return same[lo : hi + 1]


def one_per_wording(ranked: list[Scored]) -> list[Scored]:
    """The best-scored of a speaker's word-for-word copies stands for all, carrying the other
    articles: one story in many outlets is one answer, built once."""
    out: list[Scored] = []
    first: dict[tuple[str | None, str], Scored] = {}
    for x in ranked:
        key = (x.quote.speaker, wording(x.quote.text)[:200])
        best = first.get(key)
        if best is None:
            first[key] = x
            out.append(x)
        elif x.quote.article_id != best.quote.article_id:
            best.copies = (*best.copies, x.quote.article_id)
        else:
            out.append(x)  # the same words twice in one article are two statements
    return out


def rrf(scores: list[dict[int, float]]) -> dict[int, float]:
    """Reciprocal-rank fusion; items scoring 0 on a list share its last rank."""
    out: dict[int, float] = {}
    for s in scores:
        order = sorted(s, key=lambda k: -s[k])
        last = len(order)
        for rank, key in enumerate(order):
            r = rank if s[key] > 0 else last
            out[key] = out.get(key, 0.0) + 1.0 / (RRF_K + r)
    return out


def spread(ranked: list[Scored], cap: int = 2) -> list[Scored]:
    """A topic asked of everyone: no speaker takes more than `cap` places before the rest."""
    counts: dict[str | None, int] = {}
    first: list[Scored] = []
    later: list[Scored] = []
    for x in ranked:
        n = counts.get(x.quote.speaker, 0)
        counts[x.quote.speaker] = n + 1
        (first if n < cap else later).append(x)
    return first + later


def interleave(ranked: Iterable[Scored], speakers: list[str]) -> Iterator[Scored]:
    """For an ambiguous name, each speaker's best quote first, then the rest in order.

    Lazy: the ranking is read only until every speaker's first quote is found."""
    it = iter(ranked)
    if len(speakers) < 2:
        yield from it
        return
    seen: list[Scored] = []
    first: dict[str, Scored] = {}
    for x in it:
        seen.append(x)
        name = x.quote.speaker or ""
        if name in speakers and name not in first:
            first[name] = x
            if len(first) == len(speakers):
                break
    firsts = sorted((first[n] for n in speakers if n in first), key=lambda x: -x.score)
    ids = {x.quote.id for x in firsts}
    yield from firsts
    yield from (x for x in seen if x.quote.id not in ids)
    yield from (x for x in it if x.quote.id not in ids)
