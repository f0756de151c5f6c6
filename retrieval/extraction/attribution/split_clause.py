"""Reported clauses the parser cut or joined wrongly: 'found that attempts to enter the
system were made by a gang' may come out as two complements of 'found' ("attempts ..." and
"were made ..."), the statement running through the second; and a writer's remark after a
dash may come out as the complement of the verb before it."""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.language.verbs import SPEECH_VERBS

_DASHES = frozenset({"\u2014", "\u2015", "\u2013", "--"})


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


def after_dash(clause: Token, cue: Token) -> bool:
    """'promising to cut fees and open land to building - hardly what the council had in
    mind': a clause after a dash that follows the cue's own infinitive is the writer's
    remark on it, not a second thing promised."""
    doc = cue.doc
    if clause.i < cue.i or not any(c.dep_ == "xcomp" and c.i < clause.i for c in cue.children):
        return False
    return any(t.text in _DASHES for t in doc[cue.i + 1 : clause.left_edge.i])


def before_dash_remark(cue: Token, comp: Token, hi: int) -> int:
    """Where a statement ends when a writer's remark follows it after a dash (see
    after_dash): before the dash, even when the parser hangs words of the remark inside it."""
    doc = cue.doc
    for c in cue.children:
        if c.dep_ == "ccomp" and c.i > comp.i and after_dash(c, cue):
            dashes = [t.i for t in doc[comp.i : c.left_edge.i] if t.text in _DASHES]
            if dashes and dashes[0] - 1 < hi:
                hi = dashes[0] - 1
    return hi
