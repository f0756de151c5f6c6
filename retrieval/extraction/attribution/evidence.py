"""Records as sources: a poll, a study, documents or a video report findings the way a
person reports a statement. "The poll indicates a tightening race", "a study found 31
cases of fraud", "video of the arrest shows him with his hands raised"; "In the latest
poll, the mayor leads by five points"; a headline "Poll: Voters sour on the stadium plan".
"""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.language.verbs import EVIDENCE_VERBS, POLL_NOUNS, RECORD_NOUNS

# What ends a finding after its object: a clause of its own, or the sentence going on.
_NOT_FINDING = ("punct", "cc", "conj", "advcl", "parataxis", "mark")
_HEADLINE_WORDS = 20
_TIME_MARKS = ("before", "after", "when", "until", "since")


def record_subject(cue: Token) -> Token | None:
    """The record a verb of finding reports for: "the survey", "leaked documents from his
    returns", "video of the arrest" (a person's "found" is a cognition verb's business)."""
    if cue.lemma_.lower() not in EVIDENCE_VERBS:
        return None
    for c in cue.children:
        if c.dep_ == "nsubj" and c.i < cue.i and c.lemma_.lower() in RECORD_NOUNS:
            return c
    return None


def record_object(cue: Token) -> list[Token]:
    """'The poll indicates a tightening race', 'the average shows the mayor ahead by three
    points': a record's object, with what the record says of it, is its finding (a
    person's "showed the guests around" is no finding)."""
    if record_subject(cue) is None:
        return []
    objs = [c for c in cue.children if c.dep_ == "dobj" and c.i > cue.i]
    if not objs or objs[0].lower_ == "way":
        return []  # "the memo found its way to the press"
    doc = cue.doc
    after = [
        c
        for c in cue.children
        if c.i > objs[0].i
        and (c.dep_ not in _NOT_FINDING or (c.dep_ == "advcl" and _time_clause(c)))
        and "," not in [w.text for w in doc[objs[0].right_edge.i : c.left_edge.i]]
    ]  # "shows her ... in the seconds before she fell" (not "..., with X doing Y")
    hi = max([objs[0].right_edge.i] + [c.right_edge.i for c in after])
    while hi > objs[0].i and doc[hi].is_punct:
        hi -= 1
    return [doc[i] for i in range(objs[0].left_edge.i, hi + 1)]


def _time_clause(c: Token) -> bool:
    return any(m.dep_ == "mark" and m.lower_ in _TIME_MARKS for m in c.children)


def poll_frame(t: Token, in_quote: list[int]) -> tuple[Token, list[Token]] | None:
    """(poll, finding) for a clause a poll frames: "In the latest poll, the mayor leads by
    five points", "the mayor gained ground in two new surveys". The clause must say
    something of its own (a speech verb's statement is its speaker's, not the poll's)."""
    if in_quote[t.i] >= 0 or t.lemma_.lower() not in POLL_NOUNS or t.pos_ != "NOUN":
        return None
    poll = t
    if t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.lower_ == "one":
        t = t.head.head  # "in one of the first polls"
    prep = t.head
    if t.dep_ != "pobj" or prep.lower_ != "in" or prep.dep_ != "prep":
        return None
    verb = prep.head
    if verb.pos_ not in ("VERB", "AUX") or verb.dep_ not in ("ROOT", "conj"):
        return None
    if not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return None
    if any(c.dep_ in ("ccomp", "xcomp") for c in verb.children):
        return None  # "60 percent said in the poll that ...": the respondents' statement
    doc = t.doc
    lo, hi = verb.left_edge.i, verb.right_edge.i
    if prep.i < verb.i:
        # the frame opens the clause: "In this poll, X"
        comma = prep.right_edge.i + 1
        if prep.left_edge.i != lo or comma >= verb.i or doc[comma].text != ",":
            return None
        lo = comma + 1
    elif _closes(prep, hi):
        hi = prep.left_edge.i - 1  # the frame closes it: "X in one of the first polls."
        subj = next(c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass"))
        if subj.left_edge.i > lo and doc[subj.left_edge.i - 1].text == ",":
            lo = subj.left_edge.i  # "Despite the buzz, she got no bump in ...": the writer's
    else:
        return None
    while hi > lo and (doc[hi].is_punct or doc[hi].dep_ == "cc"):
        hi -= 1
    if hi - lo < 2:
        return None
    return poll, [doc[i] for i in range(lo, hi + 1)]


def _closes(prep: Token, hi: int) -> bool:
    """The frame ends its clause, but for the poll's own description the parser may hang on
    the verb ("in one of the first polls to emerge"): no comma, no new subject."""
    tail = prep.doc[prep.right_edge.i + 1 : hi + 1]
    return not any(w.text in (",", ";") or w.dep_ in ("nsubj", "nsubjpass") for w in tail)


def record_headline(t: Token, in_quote: list[int]) -> tuple[Token, list[Token]] | None:
    """(record, claim) for a headline led by a record: "Poll: Voters sour on the stadium
    plan", "Report: Plant to close by spring". The rest of the line is the finding."""
    doc = t.doc
    if in_quote[t.i] >= 0 or t.lemma_.lower() not in RECORD_NOUNS or not t.text[:1].isupper():
        return None
    if t.i + 2 >= len(doc) or doc[t.i + 1].text != ":":
        return None
    if t.i > 0 and "\n" not in doc[t.i - 1].text + doc[t.i - 1].whitespace_:
        return None  # the record must open its line
    out = []
    for w in doc[t.i + 2 :]:
        if "\n" in w.text:
            break
        out.append(w)
        if "\n" in w.whitespace_:
            break
    if out and out[-1].text == ".":
        out.pop()  # some sites end a headline with a full stop
    if not 3 <= len(out) <= _HEADLINE_WORDS or any(w.text in (".", "?", "!") for w in out):
        return None  # a paragraph, not a headline
    return t, out
