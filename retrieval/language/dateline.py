"""Datelines: 'HARWICH, Maine \u2013 One resident said ...', 'MERIDIA, May 3 (Newswire) -- ...'.
The place a story was filed from opens its first paragraph, set off by a dash; the parser
often takes it for the subject of the sentence after it. A dateline never speaks."""

from __future__ import annotations

import re

from spacy.tokens import Token

from retrieval.language.doctokens import doc_text

# The days of the week, which never speak ("Apple Inc. Wednesday announced") and never end
# a company's name
WEEKDAYS = frozenset(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])

# An all-caps place (several words allowed), then an optional state or country, an optional
# date and an optional agency in brackets, then a dash: at the start of a line.
_DATELINE = re.compile(
    r"[ \t]*[A-Z][A-Z.'\u2019-]*[A-Z.](?:[ \t]+[A-Z][A-Z.'\u2019-]*[A-Z.])*"
    r"(?:,[ \t]+[A-Z][A-Za-z.]*(?:[ \t]+[A-Z][A-Za-z.]*){0,2})?"
    r"(?:,?[ \t]+[A-Z][a-z]{2,4}\.?[ \t]+\d{1,2})?"
    r"(?:[ \t]*\([^()\n]{1,40}\))?"
    r"[ \t]*(?:--|[\u2013\u2014-])"
)


def dateline_end(t: Token) -> int | None:
    """The index of the dash closing the dateline `t` stands in, or None when `t` is in
    none: a dateline opens a line, so only a capitalised token near a line start can be."""
    if not t.text[:1].isupper():
        return None
    text = doc_text(t.doc)  # `Doc.text` joins every token again on each call
    start = text.rfind("\n", 0, t.idx) + 1
    if t.idx - start > 60:
        return None
    m = _DATELINE.match(text, start)
    if m is None or m.end() <= t.idx:
        return None
    for tok in t.doc[t.i :]:
        if tok.idx >= m.end():
            return None
        if tok.idx + len(tok.text) == m.end():
            return tok.i
    return None


def past_dateline(subj: Token, verb: Token) -> Token | None:
    """The subject of `verb` once a dateline taken for it is set aside: 'LAKEVILLE, Ohio \u2013
    One resident said' is the resident's; None when nothing after the dash can speak."""
    dash = dateline_end(subj)
    if dash is None:
        return subj
    later = [c for c in verb.children if c.dep_ == "nsubj" and dash < c.i < verb.i]
    if later:
        return later[0]
    appos = [c for c in subj.children if c.dep_ == "appos" and dash < c.i < verb.i]
    return appos[-1] if appos else None
