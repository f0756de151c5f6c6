"""A prolific speaker's quotes, ordered without reading them all.

"What did X say about Y?" ranks X's quotes by Y. Someone quoted thousands of times (a
president across an archive, or one wire story in a hundred outlets) would make every
question read, embed and score thousands of quotes. Here they are `QuoteStub`s (ids, kind,
length, which ones share their words) cached per store generation; only the candidates, the
wordings nearest to the topic by meaning (FAISS, among the speaker's quotes only) and those
holding its words (FTS5), are scored in full by answers.py. The rest follow in prior order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from retrieval.answers.search import QuoteStub, Searcher

# Direct words first: a quote's kind as a prior when there is no topic to rank by.
KIND_PRIOR = {"direct": 1.0, "mixed": 0.9, "indirect": 0.75}

# A speaker with more quotes than this is ranked on candidates; fewer are all scored.
RANK_ALL_MAX = 300
# Candidate wordings taken by meaning, and at most as many again by words.
CANDIDATES = 100


def prior(kind: str, length: int) -> float:
    """Without a topic: direct words first, then substance (length up to 200 characters)."""
    return KIND_PRIOR.get(kind, 0.7) * (0.6 + 0.4 * min(length, 200) / 200)


def by_prior(stubs: Iterable[QuoteStub]) -> list[QuoteStub]:
    """The order answers.py gives a speaker's quotes without a topic (ties in text order)."""
    return sorted(stubs, key=lambda st: (-prior(st.kind, st.length), st.article_id, st.start))


def wordings(stubs: Iterable[QuoteStub]) -> dict[int, list[QuoteStub]]:
    """Quotes grouped by their words, each group in text order (its first stands for it)."""
    out: dict[int, list[QuoteStub]] = {}
    for st in stubs:
        out.setdefault(st.same, []).append(st)
    return out


def ordered(
    s: Searcher, names: Sequence[str], stubs: list[QuoteStub]
) -> tuple[dict[int, list[QuoteStub]], list[QuoteStub]]:
    """`wordings` of the speakers' quotes and their first quotes `by_prior`, computed once
    per store generation (both walk every quote of the speakers)."""
    key = tuple(names)
    found = s.snapshot.speaker_order.get(key)
    if found is None:
        groups = wordings(stubs)
        found = s.snapshot.speaker_order[key] = (groups, by_prior(g[0] for g in groups.values()))
    return found


def candidates(
    s: Searcher, groups: dict[int, list[QuoteStub]], topic: str, n: int = CANDIDATES
) -> list[QuoteStub]:
    """One quote per wording: the n nearest to the topic, then up to n that hold its words."""
    firsts = {g[0].vid: g[0] for g in groups.values() if g[0].vid is not None}
    vec = s.embed([topic])[0]
    near = s.dense_among(vec, list(firsts), n)
    picked = {firsts[vid].same: firsts[vid] for vid in near}
    by_id = {st.id: st for g in groups.values() for st in g}
    added = 0
    for qid in s.lexical("quotes_fts", topic, 20 * n):
        st = by_id.get(qid)
        if st is None or st.same in picked:
            continue
        picked[st.same] = groups[st.same][0]
        added += 1
        if added >= n:
            break
    return sorted(picked.values(), key=lambda st: (st.article_id, st.start))
