"""Statements carried by a noun or an adjective rather than a speech verb: "her claim that
X", "the senator's plan to X", "by his own admission, X", "she was sure X". Each names who
holds the statement and its words, as a verb cue's subject and content would.
"""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.extraction.attribution.cue_speaker import DUMMY_SUBJECTS, cue_subject
from retrieval.extraction.attribution.misparse import has_that
from retrieval.language.verbs import (
    FRAME_NOUNS,
    LIGHT_VERBS,
    REPORT_NOUNS,
    STANCE_ADJECTIVES,
    STATEMENT_NOUNS,
    STATEMENT_OF_NOUNS,
)


def noun_content(t: Token, in_quote: list[int]) -> tuple[Token, list[Token]] | None:
    """(speaker, content) for a statement noun with its source: "his claim that X", "the
    senator's plan to X", "her announcement of X", "a Daily Planet report that X",
    "warnings from her lawyer that X", "the senator's view is that X". None otherwise."""
    if in_quote[t.i] < 0 and t.pos_ == "NOUN" and t.lemma_.lower() in FRAME_NOUNS:
        framed = _framed_clause(t, in_quote)
        if framed is not None:
            return framed
    if in_quote[t.i] >= 0 or t.pos_ != "NOUN" or t.lemma_.lower() not in STATEMENT_NOUNS:
        return None
    who = _noun_source(t, in_quote)
    if who is None:
        return None
    if t.dep_ == "nsubj" and t.head.lemma_ == "be" and t.head.i > t.i:
        # "Her view is that X": the clause is the copula's complement
        for c in t.head.children:
            if c.dep_ == "ccomp" and c.i > t.head.i and has_that(c):
                lo, hi = c.left_edge.i, c.right_edge.i
                return who, [t.doc[i] for i in range(lo, hi + 1)]
    for c in t.children:
        if c.i < t.i:
            continue
        that = c.dep_ in ("acl", "ccomp", "relcl") and has_that(c)
        that = that and any(g.dep_ in ("nsubj", "nsubjpass", "expl") for g in c.children)
        to = c.dep_ in ("acl", "xcomp") and any(
            m.dep_ == "aux" and m.lower_ == "to" and m.i < c.i for m in c.children
        )
        of = (
            c.dep_ == "prep"
            and c.lower_ == "of"
            and t.lemma_.lower() in STATEMENT_OF_NOUNS
            and any(g.dep_ == "pobj" for g in c.children)
        )
        if that or to or of:
            lo, hi = c.left_edge.i, c.right_edge.i
            if of:
                lo += 1
            return who, [t.doc[i] for i in range(lo, hi + 1)]
    return None


def _framed_clause(t: Token, in_quote: list[int]) -> tuple[Token, list[Token]] | None:
    """'By his own admission, X', 'In her view, X': a source frame opening a clause makes
    the rest of the clause the owner's statement."""
    prep = t.head
    if t.dep_ != "pobj" or prep.lower_ not in ("by", "in", "to") or prep.dep_ != "prep":
        return None
    verb = prep.head
    poss = [c for c in t.children if c.dep_ == "poss" and c.i < t.i]
    if not poss or poss[0].lower_ in ("its", "my", "our", "your") or in_quote[poss[0].i] >= 0:
        return None
    comma = prep.right_edge.i + 1
    if verb.pos_ not in ("VERB", "AUX") or verb.i <= comma or verb.doc[comma].text != ",":
        return None
    if prep.left_edge.i != verb.left_edge.i:
        return None  # the frame must open the clause it frames
    doc = t.doc
    return poss[0], [doc[i] for i in range(comma + 1, verb.right_edge.i + 1)]


def _noun_source(t: Token, in_quote: list[int]) -> Token | None:
    """Who a statement noun belongs to: a possessive, a name compounded on it ("a Daily
    Planet report"), or a "from"/"by" phrase after it ("warnings from her lawyer")."""
    poss = [c for c in t.children if c.dep_ == "poss" and c.i < t.i]
    if poss:
        if poss[0].lower_ in ("its", "my", "our", "your") or in_quote[poss[0].i] >= 0:
            return None
        if poss[0].tag_ == "PRP$" and t.dep_ == "conj" and t.head.pos_ in ("NOUN", "PROPN"):
            return None  # "scorn for Mayor Y and his position to X": Y's, as the writer puts it
        return poss[0]
    if t.dep_ == "dobj" and t.head.lemma_.lower() in LIGHT_VERBS:
        subj = cue_subject(t.head)  # "she made the case that ..."
        if subj is not None and subj.lower_ not in DUMMY_SUBJECTS and in_quote[subj.i] < 0:
            return subj
    names = [c for c in t.children if c.dep_ == "compound" and c.i < t.i and c.pos_ == "PROPN"]
    if names and in_quote[names[-1].i] < 0 and t.lemma_.lower() in REPORT_NOUNS:
        return names[-1]
    for prep in t.children:
        if prep.dep_ == "prep" and prep.i > t.i and prep.lower_ in ("from", "by"):
            objs = [o for o in prep.children if o.dep_ == "pobj" and in_quote[o.i] < 0]
            if objs and objs[0].tag_ not in ("PRP", "WP", "WDT", "DT"):
                return objs[0]
    return None


def adjective_content(t: Token, in_quote: list[int]) -> tuple[Token, list[Token]] | None:
    """(holder, content) for a stance adjective with a clause: "Democrats are afraid that
    X", "she was sure X", "he made it clear X". None otherwise."""
    if in_quote[t.i] >= 0 or t.pos_ != "ADJ" or t.lower_ not in STANCE_ADJECTIVES:
        return None
    clause = [
        c
        for c in t.children
        if c.i > t.i
        and (
            c.dep_ == "ccomp"
            or (c.dep_ == "advcl" and not any(m.dep_ == "mark" for m in c.children))
        )
        and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
    ]
    if not clause:
        return None
    head = t.head
    if t.dep_ == "acomp" and head.lemma_ in ("be", "feel", "seem", "remain", "sound"):
        subj = [c for c in head.children if c.dep_ == "nsubj" and c.i < t.i]
    elif t.lower_ == "clear" and t.dep_ in ("ccomp", "oprd") and head.lemma_ == "make":
        subj = [c for c in head.children if c.dep_ == "nsubj" and c.i < head.i]  # made it clear
    else:
        return None
    if not subj or subj[0].lower_ in DUMMY_SUBJECTS or in_quote[subj[0].i] >= 0:
        return None
    lo, hi = clause[0].left_edge.i, clause[0].right_edge.i
    return subj[0], [t.doc[i] for i in range(lo, hi + 1)]
