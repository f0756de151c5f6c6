"""Where a reported statement ends. The subtree the parse gives a cue's clause or object
often runs past what was said: into the writer's aside on the object, a contrast about the
speaker, a past event told as background, a sentence after a semicolon, a second speech
verb. These rules move the end of a span the cue already chose (back, or on over a second
object the parser split off); what a cue reports is decided in attribution.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from retrieval.extraction.attribution.cue_speaker import cue_subject
from retrieval.extraction.attribution.misparse import coordinated_cue
from retrieval.language.people import words
from retrieval.language.verbs import COMMENT_PARTICIPLES, SPEECH_VERBS

CONTRAST_MARKS = words("although though while whereas")
# Prepositions after a cue's object that complete what was said about it.
OBJECT_PREPS = words("as for of to with against over about")


def gerund_conjunct(cue: Token, obj: Token, hi: int) -> int:
    """'mentioned refinancing loans and forcing lenders to cut rates', 'spoke of the old mill
    and how the town rebuilt after the fire': a gerund or a "how" clause the parser
    joined to the verb (no subject of its own, or a question word first) is a second
    object, not a second thing the speaker did."""
    gerund = obj.tag_ == "VBG" or any(c.tag_ == "VBG" and c.dep_ == "amod" for c in obj.children)
    for c in cue.children:
        if c.dep_ != "conj" or c.left_edge.i <= hi:
            continue
        gap = cue.doc[hi + 1 : c.left_edge.i]
        if not (gap or cue.doc[hi].dep_ == "cc"):
            continue  # the conjunction may sit at the end of the object's own subtree
        if not all(t.dep_ == "cc" or t.text == "," for t in gap):
            continue
        has_subject = any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        wh = cue.doc[c.left_edge.i].lower_ in ("how", "why", "what", "whether")
        if (gerund and c.tag_ == "VBG" and cue.tag_ != "VBG" and not has_subject) or wh:
            return c.right_edge.i
    return hi


def complements_end(cue: Token, comps: list[Token]) -> int:
    """Where an object and its complements end: a prepositional complement after an adjunct
    of the verb set off by a comma is not one ('attacked her opponent as a fraud during the
    debate Monday night, with jabs at ...' ends at 'fraud'; 'thanked him on Twitter for
    backing the bill' runs on)."""
    comps = sorted(comps, key=lambda c: c.i)
    hi = comps[0].right_edge.i
    for c in comps[1:]:
        gap = cue.doc[hi + 1 : c.left_edge.i]
        adjunct = any(t.head.i == cue.i and t.dep_ in ("prep", "npadvmod") for t in gap)
        if c.dep_ == "prep" and adjunct and any(t.text in (",", ";", "\u2014") for t in gap):
            break
        hi = max(hi, c.right_edge.i)
    return hi


def before_aside(doc: Doc, lo: int, hi: int, cue: Token | None = None) -> int:
    """End an object before the writer's aside on it: "praised the bill, which passed in
    May" reports the bill, not the vote; "endorsed her campaign, a surprise after years of
    feuding" the campaign. A clause (not an object) keeps its asides."""
    for i in range(lo + 1, hi + 1):
        t = doc[i]
        if t.dep_ == "relcl" and doc[t.left_edge.i - 1].text == "," and t.left_edge.i - 1 > lo:
            first = doc[t.left_edge.i]
            if first.lower_ in ("which", "who", "whom", "whose") or first.dep_ == "prep":
                if _object_goes_on(t, hi):
                    continue  # "accused the mayor, who ..., of lying": the charge follows
                return t.left_edge.i - 2
        if (
            t.dep_ == "appos"
            and cue is not None
            and t.head.dep_ == "dobj"
            and t.head.head.i == cue.i
            and doc[t.left_edge.i - 1].text == ","
            and t.left_edge.i - 1 > lo
            and doc[t.left_edge.i].lower_ in ("the", "a", "an")
            and not _object_goes_on(t, hi)
        ):
            return t.left_edge.i - 2  # "endorsed her campaign, the latest chapter in ..."
    return hi


def _object_goes_on(relcl: Token, hi: int) -> bool:
    """Whether the object an aside hangs on goes on after it with what was said of it:
    "accused the mayor, who ..., of lying", "likened the plan, which ..., to a tax"."""
    nxt = relcl.right_edge.i + 1
    while nxt <= hi and relcl.doc[nxt].text == ",":
        nxt += 1
    if nxt > hi:
        return False
    t = relcl.doc[nxt]
    return (
        t.dep_ == "prep"
        and t.lower_ in OBJECT_PREPS
        and t.head.i in (relcl.head.i, relcl.head.head.i)
    )


def writer_contrast(clause: Token, cue: Token) -> bool:
    """'claimed the tax was fair, although he again refused to ...': a contrast about the
    speaker in the third person is the writer's remark, not part of what was said."""
    if not any(m.dep_ == "mark" and m.lower_ in CONTRAST_MARKS for m in clause.children):
        return False
    subj = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj:
        return False
    speaker = cue_subject(cue)
    return subj[0].lower_ in ("he", "she", "they") or (
        speaker is not None and subj[0].lower_ == speaker.lower_
    )


def before_writer_contrast(clause: Token, cue: Token, hi: int) -> int:
    """The reported clause ends before a comma-set contrast the parser hung inside it that
    is about the speaker ('claimed the fee was fair, although she again declined to ...'), or
    before an 'even as' aside ('..., even as the video spread online')."""
    doc = cue.doc
    for c in clause.children:
        if c.dep_ != "advcl" or c.i < clause.i or c.left_edge.i - 1 <= clause.i:
            continue
        if doc[c.left_edge.i - 1].text != "," or c.left_edge.i > hi:
            continue
        marks = [m for m in c.children if m.dep_ == "mark"]
        even_as = bool(marks) and marks[0].lower_ == "as" and doc[marks[0].i - 1].lower_ == "even"
        if even_as or writer_contrast(c, cue):
            return c.left_edge.i - 2
    return hi


def before_writer_comment(comp: Token, hi: int) -> int:
    """'Video shows that she had her hands up, contradicting the sheriff's account': a
    participle set off at the end of the reported clause, with no subject of its own, that
    weighs the statement or tells its effect is the writer's, not part of what was said."""
    doc = comp.doc
    for c in comp.children:
        if (
            c.dep_ == "advcl"
            and c.i > comp.i
            and c.lower_ in COMMENT_PARTICIPLES
            and c.left_edge.i == c.i
            and doc[c.i - 1].text == ","
            and c.right_edge.i >= hi - 1
            and not any(g.dep_ in ("nsubj", "mark") for g in c.children)
        ):
            return c.i - 2
    return hi


def before_background(comp: Token, hi: int) -> int:
    """'warned officials to boost their security after hackers targeted two states': a
    request or promise ends before a past event told as its background (its own subject, a
    past tense); 'vowed to resign after the vote' keeps its time."""
    if comp.dep_ != "xcomp":
        return hi
    for c in comp.children:
        if c.dep_ != "advcl" or c.i < comp.i or c.left_edge.i > hi:
            continue
        marks = [m for m in c.children if m.dep_ == "mark" and m.lower_ in ("after", "since")]
        subj = any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        if marks and subj and c.tag_ == "VBD" and marks[0].i == c.left_edge.i:
            return c.left_edge.i - 1
    return hi


def before_semicolon(clause: Token, hi: int) -> int:
    """'said the delay was an accident; the crew heard of it on Friday': a clause
    after a semicolon, with its own subject, is a sentence of its own (the writer's, or a
    second statement with its own attribution), not more of this one."""
    for t in clause.children:
        if t.text == ";" and clause.left_edge.i < t.i <= hi:
            after = [c for c in [clause, *clause.children] if c.i > t.i]
            if any(any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children) for c in after):
                return t.i - 1
    return hi


def other_speaker(t: Token) -> bool:
    """A 'while'/'whereas' clause whose own named subject reports something."""
    return (
        t.dep_ == "advcl"
        and t.pos_ == "VERB"
        and t.lemma_.lower() in SPEECH_VERBS
        and any(m.dep_ == "mark" and m.lower_ in ("while", "whereas") for m in t.children)
        and any(c.dep_ == "nsubj" and c.pos_ in ("PROPN", "NOUN") for c in t.children)
    )


def before_second_cue(cue: Token, comp: Token, hi: int) -> int:
    """'said she would order a review and warned against cuts': the parser put the second
    speech verb inside the first one's clause; the statement ends before it (and a
    dangling 'and' is dropped)."""
    doc = cue.doc
    for t in doc[comp.i + 1 : hi + 1]:
        outer = coordinated_cue(t)
        if outer is not None and outer.i == cue.i:
            ccs = [c for c in t.head.children if c.dep_ == "cc" and c.i < t.i]
            hi = min(hi, (ccs[-1].i if ccs else t.left_edge.i) - 1)
            break
        if other_speaker(t):
            # 'Ruiz says the plan is sound, while councillor Ana Lee says it is not':
            # another speaker's statement set against this one is not part of it
            hi = min(hi, t.left_edge.i - 1)
            break
    while hi > comp.i and (doc[hi].dep_ == "cc" or doc[hi].text in (",", ";", "-", "--", "\u2014")):
        hi -= 1
    return hi


def source_end(to: Token) -> int:
    """The end of the source after "according to": its noun phrase, not a clause the parser
    hung on it after a comma ("according to X, the move reeks of fear")."""
    objs = [c for c in to.children if c.dep_ == "pobj"]
    if not objs:
        return to.right_edge.i
    hi = objs[0].i
    for c in objs[0].children:
        if c.i > objs[0].i:
            if to.doc[c.left_edge.i - 1].text == "," and c.dep_ in ("appos", "relcl", "acl"):
                if c.dep_ == "appos" and not any(g.dep_ in ("prep", "amod") for g in c.children):
                    hi = c.right_edge.i  # "according to Mr. Ruiz, the mayor,": a title
                    continue
                break
            hi = c.right_edge.i
    return hi


def colon_between(clause: Token, cue: Token) -> bool:
    """'They recount the night of the flood: the pair heard of a warning ...': a clause that
    a colon closes announces what follows it, and one a semicolon closes stands alone ('she
    spoke at X; she called into Y; and she addressed Z'); a verb after either does not
    report it."""
    if clause.i > cue.i:
        return False
    return any(
        t.text in (":", ";") and t.head.i in (clause.i, cue.i) for t in cue.doc[clause.i : cue.i]
    )
