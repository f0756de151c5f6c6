"""Ranked quotes become answers: cut verbatim out of the stored text by offsets, the pieces
of a statement split around its attribution joined, and one wording shown once with the other
articles that carry it named ("also in"). Kept apart from answers.py, which decides what to
rank; this decides what of a ranking is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from retrieval.answers.links import quote_link
from retrieval.answers.ranking import Scored, chain, wording
from retrieval.answers.search import QuoteRow, Searcher
from retrieval.types import Answer

__all__ = ["build_answers"]


def build_answers(
    s: Searcher, ranked: Iterable[Scored], limit: int, keep_all: bool = False
) -> list[Answer]:
    """Turn ranked quotes into answers: split statements joined, duplicates grouped."""
    out: list[Answer] = []
    seen_spans: dict[str, list[tuple[int, int]]] = {}
    by_words: dict[str, Answer] = {}
    also: dict[str, set[str]] = {}  # words -> ids of the articles the answer names
    for x in ranked:
        if len(out) >= limit:
            break
        q = x.quote
        if not s.allows(q.article_id):
            continue
        if not keep_all and _is_copy(s, q, by_words, seen_spans, also, x.copies):
            continue
        built = _answer(s, q, x.score)
        if built is None:
            continue
        ans, start, end = built
        spans = seen_spans.setdefault(q.article_id, [])
        if not keep_all and any(a < end and start < b for a, b in spans):
            continue
        key = wording(ans.quote)[:200]
        if not keep_all and key in by_words:
            _also_in(s, by_words[key], also[key], (ans.article.id, *x.copies))
            continue
        spans.append((start, end))
        by_words[key] = ans
        also.setdefault(key, {ans.article.id})
        _also_in(s, ans, also[key], x.copies)
        out.append(ans)
    return out


def _also_in(s: Searcher, ans: Answer, named: set[str], article_ids: Sequence[str]) -> None:
    """Note other articles with the answer's words (each once, never its own)."""
    new = [aid for aid in dict.fromkeys(article_ids) if aid not in named]
    if len(new) > 1:
        s.read_refs(new)
    for aid in new:
        ref = s.ref(aid)
        if ref is not None:
            named.add(aid)
            ans.also_in.append(ref)


def _is_copy(
    s: Searcher,
    q: QuoteRow,
    by_words: dict[str, Answer],
    seen_spans: dict[str, list[tuple[int, int]]],
    also: dict[str, set[str]],
    copies: Sequence[str] = (),
) -> bool:
    """A one-piece quote with the words of an answer already built is only noted as
    'also in' that article, without building it (one story in many editions)."""
    if q.group is not None and q.kind in {"direct", "mixed"}:
        return False  # its answer joins the statement's pieces: build it to know the words
    key = wording(q.text)[:200]
    first = by_words.get(key)
    if first is None:
        return False
    if not any(a < q.end and q.start < b for a, b in seen_spans.get(q.article_id, [])):
        _also_in(s, first, also[key], (q.article_id, *copies))
    return True


def _answer(s: Searcher, q: QuoteRow, score: float) -> tuple[Answer, int, int] | None:
    text = s.text(q.article_id)
    ref = s.ref(q.article_id)
    if ref is None or text[q.start : q.end] != q.text:
        return None
    pieces = [q]
    if q.group is not None and q.kind in {"direct", "mixed"}:
        pieces = chain(q, s.group_pieces(q))
    start, end = pieces[0].start, pieces[-1].end
    ctx_start = min([start] + [x.ctx_start for x in pieces])
    ctx_end = max([end] + [x.ctx_end for x in pieces])
    answer = Answer(
        speaker=q.speaker,
        role=s.role(q.speaker, q.article_id),
        quote=text[start:end],
        fragments=[text[x.start : x.end] for x in pieces],
        kind=q.kind,  # type: ignore[arg-type]
        cue=q.cue,
        how=q.how,
        context=text[ctx_start:ctx_end],
        article=replace(ref, link=quote_link(ref.url, text[start:end])),
        score=round(max(0.0, min(1.0, score)), 4),
    )
    return answer, start, end
