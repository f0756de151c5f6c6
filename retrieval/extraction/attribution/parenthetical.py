"""Statements an attribution interrupts or trails rather than introduces: "according to X,
Y", "X, he said, Y", "As Lopez noted, X", "People like Scott, he said.", "To keep costs
down, she said, the state ...". The parse hangs such an attribution on the statement (or
the statement on it), so the words said are found around the cue, not below it.
"""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.extraction.attribution.statement_ends import colon_between, source_end
from retrieval.language.people import words
from retrieval.language.verbs import SPEECH_VERBS

# Verbs of an "as X noted" aside that attributes the clause it hangs on.
ASIDE_VERBS = words(
    "say note put point write report argue explain suggest observe remark claim insist "
    "predict warn acknowledge tell add state recall show reveal indicate testify tweet "
    "believe think expect know fear hope assume suspect reckon describe"
)


def according_content(cue: Token) -> list[Token]:
    """What "according to X" sources: the longest stretch of its sentence outside the
    attribution ("According to X, the move reeks of fear", "The move, according to X, is
    late")."""
    if _in_relative_clause(cue):
        return []  # "... a lecture - which it usually is, by X's account": no statement
    sent = cue.sent
    skip = {cue.i}
    for to in cue.children:
        if to.lower_ == "to":
            skip.update(range(to.left_edge.i, source_end(to) + 1))
    toks = [t for t in sent if t.i not in skip and not t.is_space]
    return _longest_run(toks, skip)


def interrupted_statement(cue: Token) -> list[Token] | None:
    """The statement an attribution set off by a comma or dash sits in: "X, he said, Y",
    "If talks fail, she argues, there are other tools", "X, she said." None when the cue
    is not such an attribution."""
    doc = cue.doc
    stranded = _stranded_subject(cue)
    if stranded:
        return stranded
    own_lo = _own_start(cue)
    before = doc[own_lo - 1] if own_lo > 0 else None
    clause_after_comma = doc[own_lo].text in (",", "\u2014") or (
        before is not None and before.text in (",", "\u2014", "--")
    )
    no_mark = not any(c.dep_ == "mark" for c in cue.children)
    if (
        cue.dep_ in ("parataxis", "ccomp")
        and clause_after_comma
        and no_mark
        and not (cue.head.i < cue.i and colon_between(cue.head, cue))
        # "..., some parents did not want cuts, Ana X said": the clause a later speech
        # verb reports is what it says, not an attribution set into it
        and not (
            cue.dep_ == "ccomp"
            and cue.head.i > cue.i
            and cue.head.lemma_.lower() in SPEECH_VERBS
            and any(c.dep_ == "nsubj" and c.i < cue.i for c in cue.children)
            and any(c.dep_ == "nsubj" and c.i > cue.i for c in cue.head.children)
        )
    ):
        head = cue.head
        if head.dep_ in ("nsubj", "nsubjpass") and head.head.i > cue.right_edge.i:
            # "The difference, he told me, is that ...": the cue hangs on the subject noun
            head = head.head
        head = _fronted_clause_host(head, cue)
        lo, hi = head.left_edge.i, head.right_edge.i
        # "If talks fail, she argues, there are other tools": the fronted clause the parser
        # hung on the cue belongs to the statement
        skip = set(range(own_lo, cue.right_edge.i + 1))
        toks = [doc[i] for i in range(lo, hi + 1) if i not in skip]
        after = doc[cue.right_edge.i + 1] if cue.right_edge.i + 1 < len(doc) else None
        closed = cue.right_edge.text in (",", "\u2014") or (
            after is not None and after.text in (",", "\u2014")
        )
        if head.i > cue.i and closed:
            return toks  # "X, he said, Y": the statement runs on both sides of the cue
        if head.i < cue.i:
            return _longest_run(toks, skip)
    return None


def _stranded_subject(cue: Token) -> list[Token]:
    """'These workers, Ruiz told the panel, were paid well': the parser may take the
    attribution for the main clause, leave the statement's subject hanging before it and
    make the predicate after it a conjunct with no subject of its own. The statement is
    the subject and that predicate."""
    doc = cue.doc
    subj = [c for c in cue.children if c.dep_ == "nsubj" and c.i < cue.i]
    if cue.dep_ != "ROOT" or not subj:
        return []
    lo = subj[-1].left_edge.i  # the speaker: the subject next to the cue
    front = [c for c in cue.children if c.i < lo and not c.is_punct]
    if (
        len(front) != 1
        or front[0].dep_ not in ("dep", "npadvmod", "nsubj")
        or front[0].pos_ not in ("NOUN", "PROPN")
        or front[0].left_edge.i != cue.sent.start
        or doc[lo - 1].text != ","
        or front[0].right_edge.i != lo - 2
    ):
        return []
    rest = [
        c
        for c in cue.children
        if c.dep_ == "conj"
        and c.pos_ in ("AUX", "VERB")
        and doc[c.left_edge.i - 1].text == ","
        and not any(g.dep_ in ("nsubj", "nsubjpass", "expl") for g in c.children)
    ]
    if len(rest) != 1:
        return []
    a, b = front[0].left_edge.i, front[0].right_edge.i
    head = [doc[i] for i in range(a, b + 1)]
    return head + [doc[i] for i in range(rest[0].left_edge.i, rest[0].right_edge.i + 1)]


def _fronted_clause_host(head: Token, cue: Token) -> Token:
    """'Though the old bridge held, she said, a new one would cost less': the parser may hang
    the attribution on the fronted clause ("held") instead of the clause it leads into; the
    statement is that main clause, the fronted one included."""
    if head.i < cue.i and head.dep_ == "advcl" and head.head.i > cue.right_edge.i:
        return head.head
    return head


def _in_relative_clause(t: Token) -> bool:
    """Whether `t` sits inside a relative clause: an "according to" there sources only the
    clause ("which it often is", "which makes him overweight"), which says nothing alone."""
    h = t
    while h.head.i != h.i:
        if h.dep_ == "relcl":
            return True
        h = h.head
    return False


def as_aside(cue: Token) -> list[Token]:
    """'As Lopez noted, X', 'X, as she put it', 'The budget, as he pointed out, is Y': the
    clause the "as" aside comments on, without the aside."""
    if cue.dep_ != "advcl" or not any(
        m.dep_ == "mark" and m.lower_ == "as" and m.i < cue.i for m in cue.children
    ):
        return []
    if cue.lemma_.lower() not in ASIDE_VERBS:
        return []  # "as he welcomed the guests" tells a time, not a source
    put_it = cue.lemma_.lower() == "put"
    if put_it != any(c.dep_ == "dobj" and c.lower_ == "it" for c in cue.children):
        return []
    for c in cue.children:  # a bare attribution: "as he welcomed the guests" is a time
        if c.dep_ in ("ccomp", "xcomp", "oprd", "attr", "acomp", "dative", "agent"):
            return []
        # "as she noted in a memo", "as he pointed out with a chart": a medium or manner
        if (c.dep_ == "dobj" and not put_it) or (
            c.dep_ == "prep" and c.lower_ not in ("in", "with")
        ):
            return []
    head = cue.head
    if head.dep_ in ("nsubj", "nsubjpass") and head.head.i > cue.i:
        head = head.head  # the aside hangs on the subject noun
    lo, hi = head.left_edge.i, head.right_edge.i
    a, b = cue.left_edge.i, cue.right_edge.i
    return [cue.doc[i] for i in range(lo, hi + 1) if not a <= i <= b]


def _own_start(cue: Token) -> int:
    """Where the attribution itself starts: its subject, not a fronted clause hung on it."""
    subj = [c for c in cue.children if c.dep_ == "nsubj" and c.i < cue.i]
    if not subj:
        return cue.left_edge.i
    lo = subj[0].left_edge.i
    fronted = [c for c in cue.children if c.i < lo and c.dep_ in ("advcl", "prep", "ccomp")]
    if fronted and cue.doc[lo - 1].text == "," and lo - 1 > fronted[-1].right_edge.i - 1:
        return lo
    return cue.left_edge.i


def fronted_statement(cue: Token) -> list[Token]:
    """'People like Scott, he said.': a fronted phrase the parser left without a clause
    label, when the attribution ends the sentence."""
    doc = cue.doc
    subj = [c for c in cue.children if c.dep_ == "nsubj" and c.i < cue.i]
    if not subj:
        return []
    lo = subj[0].left_edge.i
    if lo < 2 or doc[lo - 1].text != ",":
        return []
    front = [c for c in cue.children if c.i < lo - 1]
    if len(front) != 1 or front[0].dep_ not in ("dep", "attr", "dobj", "intj", "npadvmod"):
        return []
    after = [c for c in cue.children if c.i > cue.i and not c.is_punct]
    if any(c.dep_ not in ("npadvmod", "advmod", "prep") for c in after):
        return []
    a, b = front[0].left_edge.i, front[0].right_edge.i
    if a != cue.sent.start or b != lo - 2:
        return []
    return [doc[i] for i in range(a, b + 1)]


def fronted(cue: Token, content_start: int) -> list[Token]:
    """'To keep costs down, she said, the state ...': the fronted part belongs to the statement."""
    doc = cue.doc
    nxt = doc[cue.i + 1] if cue.i + 1 < len(doc) else None
    if content_start <= cue.i or nxt is None or nxt.text != ",":
        return []
    subj = [c for c in cue.children if c.dep_ == "nsubj" and c.i < cue.i]
    if not subj:
        return []
    lead = [
        c
        for c in cue.children
        if c.i < subj[0].left_edge.i and c.dep_ in ("advcl", "prep", "advmod", "npadvmod")
    ]
    if not lead:
        return []
    lo = min(c.left_edge.i for c in lead)
    hi = max(c.right_edge.i for c in lead)
    if hi - lo < 1 or doc[hi + 1].text != ",":
        return []
    return [doc[i] for i in range(lo, hi + 1)]


def runs_of(toks: list[Token]) -> list[list[Token]]:
    """Split tokens into runs of neighbours."""
    runs: list[list[Token]] = []
    for t in toks:
        if runs and runs[-1][-1].i == t.i - 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    return runs


def _longest_run(toks: list[Token], skip: set[int]) -> list[Token]:
    runs = runs_of(toks)
    return max(runs, key=len) if runs else []
