"""Side ranking: which stored quotes take the side a question asks ("who defended the levy?").

stance.py reads the lean of one piece of text. This module reads it for quotes in the store:
from the quote's own sentence and the sentence that introduces it (cached by span), summed over
a speaker's quotes in one article (a speaker takes one side in one article), and it orders the
candidate quotes on the asked side first, those taking no side next, the other side last.
answers.py words the answer; kept apart so the side rules can be read without the rest of it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from functools import partial

from retrieval.answers.ranking import Scored, one_per_wording
from retrieval.answers.search import QuoteRow, Searcher
from retrieval.language.stance import Lean, lean
from retrieval.language.wording import span_stems

__all__ = [
    "NO_SIDE",
    "ON_SIDE",
    "OTHER_SIDE",
    "SENTENCE",
    "SIDE_MIN",
    "by_side",
    "lean_on",
    "near_stems",
]

# A quote takes a side (retrieval/stance.py) when its lean reaches this: one speech verb
# ("praised"), one aimed phrase or a transition ("Others welcomed the project.") does.
SIDE_MIN = 1.0
# ... read in at most this many articles about the topic (see _also_speaking).
SIDE_ARTICLES = 5
TITLED_BONUS = 0.1
SIDE_READ = 40
# The rank by_side gives a quote: on the asked side, taking none, on the other side.
ON_SIDE, NO_SIDE, OTHER_SIDE = 0, 1, 2

_ABBREV = "".join(
    f"(?<!\\b{a})" for a in ("Dr", "Mr", "Ms", "Mrs", "St", "Jr", "Sr", "Sen", "Rep", "Gov", "Gen")
)
# A sentence of article text; a title's abbreviation ("Sen.") does not end one.
SENTENCE = re.compile(rf"[^\s].*?(?:{_ABBREV}[.!?][\"'”’]?(?=\s)|$)", re.S | re.M)

# A quote's side before the topic is known, by (article id, start, end): an article id is its
# content hash, so an entry never goes stale. Shared by the threads of a Slack server.
_LEANS: dict[tuple[str, int, int], Lean] = {}
_LEANS_MAX = 20000
_LEANS_LOCK = threading.Lock()


def near_stems(s: Searcher, q: QuoteRow) -> frozenset[str]:
    """Stems of a quote and its sentence (the article's text is read only when not cached)."""
    text = partial(s.text, q.article_id)
    return span_stems(q.article_id, text, q.start, q.end) | span_stems(
        q.article_id, text, q.ctx_start, q.ctx_end
    )


def quote_polarity(s: Searcher, q: QuoteRow, topic: set[str]) -> float:
    """How far one quote is for (> 0) or against (< 0) the topic (retrieval/stance.py)."""
    key = (q.article_id, q.start, q.end)
    found = _LEANS.get(key)
    if found is None:
        text = s.text(q.article_id)
        # Only the sentences that hold the quote: a context that reaches back into the
        # sentence before may be someone else's side.
        own = [
            m.span()
            for m in SENTENCE.finditer(text, q.ctx_start, q.ctx_end)
            if m.start() < q.end and q.start < m.end()
        ]
        start, end = (own[0][0], own[-1][1]) if own else (q.ctx_start, q.ctx_end)
        lead = SENTENCE.findall(text, max(0, start - 400), start)
        found = lean(q.text, text[start:end], lead[-1] if lead else "", q.cue)
        with _LEANS_LOCK:
            if len(_LEANS) >= _LEANS_MAX:
                _LEANS.clear()
            _LEANS[key] = found
    return found.on(topic)


def lean_on(s: Searcher, read: Iterable[Scored], want: set[str], titled: set[str]) -> float:
    """'Did Okafor defend the levy?': the summed lean of the quotes read that are on the topic
    (in an article titled with it, or holding every word of it, as in by_side)."""
    total = 0.0
    for x in read:
        q = x.quote
        if q.article_id in titled or want <= near_stems(s, q):
            total += quote_polarity(s, q, want)
    return total


def by_side(
    s: Searcher,
    good: list[Scored],
    want: set[str],
    titled: set[str],
    side: int,
    *,
    exclude: Sequence[str],
    floor: float,
) -> list[tuple[int, Scored]]:
    """The quotes on the topic (stems `want`) ranked ON_SIDE, NO_SIDE or OTHER_SIDE for the
    asked side, best first within a rank; everyone else quoted in the articles titled with the
    topic joins at relevance `floor`. A speaker takes one side in one article, so their
    quotes there are read together."""
    good = good + _also_speaking(s, good, titled, exclude, floor)
    own = {x.quote.id: quote_polarity(s, x.quote, want) for x in good}
    # A speaker's other quotes in the article are read for the best-scored only (a large
    # archive can put many articles among the candidates).
    best = sorted(good, key=lambda x: -x.score)[:SIDE_READ]
    by_speaker = _speaker_leans(s, {(x.quote.speaker, x.quote.article_id) for x in best}, want)
    sided: list[tuple[int, Scored]] = []
    for x in good:
        mine = own[x.quote.id]
        total = by_speaker.get((x.quote.speaker, x.quote.article_id), mine)
        leaning = mine + 0.5 * (total - mine)
        agree = side * leaning
        rank = ON_SIDE if agree >= SIDE_MIN else OTHER_SIDE if agree <= -SIDE_MIN else NO_SIDE
        # A side counts for the topic in an article titled with it, or where the quote
        # and its sentence hold every word of it ("a fair deal for the team" takes no
        # side on "the stadium deal").
        q = x.quote
        in_titled = q.article_id in titled
        if not in_titled and not want <= near_stems(s, q):
            rank = NO_SIDE
        lift = (TITLED_BONUS if in_titled else 0.0) + 0.1 * max(-2.0, min(2.0, agree))
        sided.append((rank, Scored(x.quote, x.score + lift)))
    sided.sort(key=lambda t: (t[0], -t[1].score))
    return sided


def _also_speaking(
    s: Searcher, good: list[Scored], titled: set[str], exclude: Sequence[str], floor: float
) -> list[Scored]:
    """Everyone quoted in the articles titled with the topic where someone spoke to it:
    'Others welcomed the project' sides with it without repeating its name. At the lowest
    relevance that answers (`floor`), so the quotes that name the topic stay ahead."""
    best: dict[str, float] = {}
    for x in good:
        best[x.quote.article_id] = max(best.get(x.quote.article_id, 0.0), x.score)
    # Titled with the topic: its evaluative words are about the topic, not about another
    # story that mentions it once.
    arts = sorted((a for a in best if a in titled), key=lambda a: -best[a])[:SIDE_ARTICLES]
    have = {x.quote.id for x in good}
    out = []
    for aid in arts:
        for q in s.quotes_in(aid, 0, len(s.text(aid))):
            usable = q.speaker and q.speaker_kind in {"person", "organization"}
            if usable and q.id not in have and q.speaker not in exclude:
                out.append(Scored(q, floor))
    return one_per_wording(out)


def _speaker_leans(
    s: Searcher, pairs: set[tuple[str | None, str]], topic: set[str]
) -> dict[tuple[str | None, str], float]:
    """Each (speaker, article): the summed lean of all the speaker's quotes there."""
    out: dict[tuple[str | None, str], float] = {pair: 0.0 for pair in pairs}
    for aid in {aid for _, aid in pairs}:
        for q in s.quotes_in(aid, 0, len(s.text(aid))):
            if (q.speaker, aid) in out:
                out[(q.speaker, aid)] += quote_polarity(s, q, topic)
    return out
