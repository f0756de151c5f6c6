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

__all__ = ["reported_in_passages"]

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
            q_start = m.start() + verb.end()
            q_end = m.start() + len(sent.rstrip(" .\n"))
            out.append(
                Answer(
                    speaker=names[0],
                    role=s.role(names[0], aid),
                    quote=text[q_start:q_end],
                    fragments=[text[q_start:q_end]],
                    kind="indirect",
                    cue=verb.group("cue"),
                    how=None,
                    context=sent,
                    article=ref,
                    score=round(0.6 + 0.3 * lex, 4),
                )
            )
    out.sort(key=lambda a: -a.score)
    return out[:limit]
