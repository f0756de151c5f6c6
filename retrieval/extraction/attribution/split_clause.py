"""A reported clause the parser cut in two: 'found that attempts to enter the system were
made by a gang' may come out as two complements of 'found' ("attempts ..." and "were made
..."); the statement runs through the second."""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.language.verbs import SPEECH_VERBS


def split_complement_end(cue: Token, comp: Token, hi: int) -> int:
    """Where a 'that' clause ends when the parser split it: the end of a second complement
    of the cue that starts right after the first one ends (a speech verb there starts a
    statement of its own: 'said it would act and said ...')."""
    doc = cue.doc
    if comp.i < cue.i or not any(m.dep_ == "mark" and m.lower_ == "that" for m in comp.children):
        return hi
    for c in cue.children:
        if c.dep_ != "ccomp" or c.i <= hi or c.lemma_.lower() in SPEECH_VERBS:
            continue
        gap = doc[hi + 1 : c.left_edge.i]
        if len(gap) <= 2 and all(t.is_punct or t.dep_ == "cc" for t in gap):
            return c.right_edge.i
    return hi
