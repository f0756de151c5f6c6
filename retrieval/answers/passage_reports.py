"""Reported speech the extractor missed, read from passages at answer time.

"Who said decades of research show ...?" may be answered by a sentence such as "X, who studies
Y, said decades of research show ..." that extraction left out: a passage sentence that holds
nearly all the asked words, names a quoted speaker before a speech verb is shown as that
speaker's indirect quote (the words after the verb, verbatim). A fallback for "who said", kept
apart from the ranking of stored quotes in answers.py.
"""

from __future__ import annotations

import re

from retrieval.answers.search import Searcher
from retrieval.answers.sides import SENTENCE
from retrieval.language.wording import span_stems, stems
from retrieval.types import Answer

__all__ = ["reported_in_passages", "reported_words"]

# The manner between a speech verb and "that": "noted in a report Thursday that ...".
_MANNER = re.compile(
    r"(?:in|on|at|during|via|through|to)\b[^,.;:\"“”]{1,60}?\s+that\s+", re.IGNORECASE
)
_QUOTE_MARKS = re.compile(r"[\"“”]")


def reported_words(sent: str, verb_start: int, verb_end: int) -> tuple[int, str | None] | None:
    """Where the reported words start after the speech verb (past a manner such as "in a
    report Thursday that"), and that manner; None when the sentence's statement is the
    quoted words before the verb ('"...," Cole said in a statement'): what follows the verb
    is then its attribution, not something said."""
    if _QUOTE_MARKS.search(sent[:verb_start]):
        return None
    manner = _MANNER.match(sent, verb_end)
    if manner is None:
        return verb_end, None
    how = sent[verb_end : manner.end()].strip()
    return manner.end(), how.removesuffix("that").strip() or None


_REPORTED = re.compile(
    r"\b(?P<cue>said|says|told\s+\w+(?:\s+\w+)?|argued|warned|wrote|believes|insisted|"
    r"claimed|added|noted|stated)\b,?\s+(?:that\s+)?"
)


def reported_in_passages(s: Searcher, core: str, limit: int) -> list[Answer]:
    """Passages: a sentence that holds nearly all the words, names a quoted speaker and
    has a speech verb ("X, who studies Y, said decades of research show ...") is
    reported speech the extractor missed; the words after the verb are the answer."""
    want = stems(core)
    if len(want) < 2:
        return []
    vec = s.embed([core])[0]
    ids = s.lexical("chunks_fts", core, 8)
    ids += [ref for ref, _, _ in s.dense("chunk", vec, 8)]
    out: list[Answer] = []
    seen: set[tuple[str, int]] = set()
    for aid, start, end in s.chunks(ids).values():
        text = s.text(aid)
        for m in SENTENCE.finditer(text, start, end):
            sent = m.group()
            lex = len(want & span_stems(aid, text, m.start(), m.end())) / len(want)
            verb = _REPORTED.search(sent)
            if lex < 0.8 or verb is None or (aid, m.start()) in seen:
                continue
            said = reported_words(sent, verb.start(), verb.end())
            if said is None:
                continue
            names = [
                n
                for s0, e0, found in s.directory.scan(sent[: verb.start()])
                for n in found
                if s.speaker(n) and s.speaker(n).quoted_in  # type: ignore[union-attr]
            ]
            ref = s.ref(aid)
            if not names or ref is None:
                continue
            seen.add((aid, m.start()))
            q_start = m.start() + said[0]
            q_end = m.start() + len(sent.rstrip(" .\n"))
            out.append(
                Answer(
                    speaker=names[0],
                    role=s.role(names[0], aid),
                    quote=text[q_start:q_end],
                    fragments=[text[q_start:q_end]],
                    kind="indirect",
                    cue=verb.group("cue"),
                    how=said[1],
                    context=sent,
                    article=ref,
                    score=round(0.6 + 0.3 * lex, 4),
                )
            )
    out.sort(key=lambda a: -a.score)
    return out[:limit]
