"""Naming verbs in a relative clause: 'the report, which Ruiz called "a pile of lies"', 'what
critics describe as a giveaway'. The clause's object is the relative word, so the words the
speaker chose are the predicate after the verb, not its object."""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.language.verbs import NAMING_VERBS

_RELATIVE_TAGS = frozenset({"WP", "WDT"})


def relative_naming(cue: Token) -> list[Token]:
    """The name a speaker gives in a relative clause: the predicate of 'which X called Y' or
    the object of 'as' in 'what X described as Y'; nothing for any other cue."""
    if cue.lemma_.lower() not in NAMING_VERBS:
        return []
    if not any(c.dep_ == "nsubj" and c.i < cue.i for c in cue.children):
        return []
    if not any(c.dep_ == "dobj" and c.tag_ in _RELATIVE_TAGS and c.i < cue.i for c in cue.children):
        return []
    for c in cue.children:
        if c.i < cue.i:
            continue
        if c.dep_ in ("oprd", "attr", "dobj"):  # a second object after the verb is the name
            # "called it a disaster for farmers": a phrase hung on the verb goes on naming
            tail = [g for g in cue.children if g.dep_ == "prep" and g.i > c.i]
            return _span(c, tail[-1] if tail else c)
        if c.dep_ == "prep" and c.lower_ == "as":
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs:
                return _span(c, objs[0])[1:]  # without the "as"
    return []


def _span(top: Token, inner: Token) -> list[Token]:
    doc = top.doc
    lo, hi = top.left_edge.i, max(top.right_edge.i, inner.right_edge.i)
    while hi > lo and doc[hi].is_punct and not doc[hi].is_quote:
        hi -= 1  # a sentence's full stop or a comma after the name
    if lo > 0 and doc[lo - 1].is_quote and not doc[hi].is_quote:
        # the name in quote marks, which the parser hangs elsewhere: '"a pile of lies."'
        close = [t for t in doc[hi + 1 : hi + 3] if t.is_quote]
        if close and all(t.is_punct for t in doc[hi + 1 : close[0].i]):
            lo, hi = lo - 1, close[0].i
    return [doc[i] for i in range(lo, hi + 1)]
