"""A speaker's quotes for a story or a fact-check: every statement once, oldest first, with
its article, date and deep link; optionally only those about a topic or since a date."""

from __future__ import annotations

from datetime import date

from retrieval.answers.building import build_answers
from retrieval.answers.ranking import Scored
from retrieval.answers.search import Searcher, SearchIndex
from retrieval.language.wording import stems
from retrieval.types import ExportRow

__all__ = ["export_quotes"]


def export_quotes(
    index: SearchIndex, speaker: str, topic: str | None = None, since: date | None = None
) -> tuple[list[str], list[ExportRow]]:
    """(the speakers the name resolved to, their quotes as rows). A name that matches
    several people exports them all, each row naming its speaker."""
    s = Searcher(index)
    names = s.directory.resolve(speaker)
    if not names:
        return [], []
    if since is not None:
        day = since.isoformat()
        dates = s.published()
        s.within = frozenset(a for a, d in dates.items() if d is not None and d >= day)
    quotes = s.quotes_of(names)
    want = stems(topic) if topic else set()
    answers = build_answers(s, (Scored(q, 1.0) for q in quotes), limit=len(quotes) or 1)
    rows = []
    for a in answers:
        if want and not want <= stems(a.quote + " " + a.context):
            continue
        rows.append(
            ExportRow(
                speaker=a.speaker or "",
                role=a.role or "",
                quote=" … ".join(f.strip() for f in a.fragments) if a.fragments else a.quote,
                kind=a.kind,
                how=a.manner,
                article=a.article.title or a.article.id,
                link=a.article.link or a.article.url or "",
                published=a.article.published or "",
            )
        )
    rows.sort(key=lambda r: (r.published or "9999", r.article))
    return names, rows
