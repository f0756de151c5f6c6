"""Speech cues on the parse: which verbs report speech, who speaks through them, and what
they report (a clausal complement, an object, the clause an attribution comments on).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from retrieval.cues import (
    AS_VERBS,
    COGNITION_VERBS,
    FRAME_NOUNS,
    LIGHT_VERBS,
    NAMING_VERBS,
    OBJECT_VERBS,
    PEOPLE_NOUNS,
    PREP_CONTENT,
    PREP_VERBS,
    REPORT_NOUNS,
    SPEECH_VERBS,
    STANCE_ADJECTIVES,
    STATEMENT_NOUNS,
    STATEMENT_OF_NOUNS,
    TELL_VERBS,
    XCOMP_VERBS,
)
from retrieval.names import ROLE_KEYS, words
from retrieval.speakers import HOW_NOUNS, ORG_HEADS

REASON_MARKS = words("because since although though while unless if")
CONTRAST_MARKS = words("although though while whereas")
# Verbs of asking someone to act, whose object is the one asked: "urged lawmakers to ...".
REQUEST_VERBS = words(
    "urge ask encourage implore persuade press push remind advise instruct order caution "
    "challenge convince warn beg invite call tell exhort"
)
# Prepositions whose gerund shares the subject of the verb they hang on: "began by saying".
MEANS_PREPS = words("by of about after before while without upon in")
SPEAKER_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
DUMMY_SUBJECTS = words("it there this that what which")
# Verbs of an "as X noted" aside that attributes the clause it hangs on.
ASIDE_VERBS = words(
    "say note put point write report argue explain suggest observe remark claim insist "
    "predict warn acknowledge tell add state recall show reveal indicate testify tweet "
    "believe think expect know fear hope assume suspect reckon describe"
)
# Prepositions after a cue's object that complete what was said about it.
OBJECT_PREPS = words("as for of to with against over about")
# "put" reports only in an aside: "as she put it".
ANY_CUE = SPEECH_VERBS | OBJECT_VERBS | XCOMP_VERBS | PREP_VERBS | AS_VERBS | words("put")


def is_cue(t: Token, in_quote: list[int], lexicon: frozenset[str] = SPEECH_VERBS) -> bool:
    """A speech verb outside quotes, active voice (or "according to")."""
    if in_quote[t.i] >= 0:
        return False
    if t.lower_ == "according":
        return any(c.lower_ == "to" for c in t.children)
    if t.pos_ in ("NOUN", "PROPN"):
        verb = misread_verb(t)
        return verb is not None and verb in lexicon and bool(_misread_content(t))
    if t.pos_ not in ("VERB", "AUX") or t.lemma_.lower() not in lexicon:
        return False
    if t.dep_ in ("amod", "compound", "auxpass", "aux"):
        return False
    if t.tag_ == "VBN" and _verbless_main(t):
        return True  # "One of the doctors who signed the letter called him a quack."
    if t.tag_ == "VBN" and not any(c.dep_ in ("aux", "nsubj") for c in t.children):
        # "When asked about ...": a participle, nobody speaks through it (with a subject it
        # is a past tense the tagger took for one: "Ruiz on Friday called on ...")
        return False
    return not any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children)


def misread_verb(t: Token) -> str | None:
    """The speech verb a third-person form tagged as a plural noun really is ("the aide
    maintains", "Lopez claims that"), or None. Only when the parse leaves it the sentence's
    main word, so "his claims", "the charges" stay nouns."""
    if t.tag_ not in ("NNS", "NNPS", "NNP") or not t.lower_.endswith("s") or t.i == 0:
        return None
    if t.dep_ not in ("ROOT", "attr", "conj", "dep") or any(
        c.dep_ == "det" and c.lower_ in ("a", "an") for c in t.children
    ):
        return None
    if t.dep_ != "ROOT" and t.head.pos_ in ("VERB", "AUX") and t.dep_ != "attr":
        return None
    w = t.lower_
    for cut, add in (("ies", "y"), ("es", ""), ("s", "")):
        verb = w[: -len(cut)] + add
        if w.endswith(cut) and verb in SPEECH_VERBS | XCOMP_VERBS:
            return verb
    return None


def _misread_subject(t: Token) -> Token | None:
    """The noun phrase a misread verb swallowed as its modifiers: "the aide" in "the
    governor's former aide maintains". Only one that can speak (a name, a person, a group):
    "the insurance claims" stays a noun."""
    before = [c for c in t.children if c.i < t.i and c.dep_ in ("compound", "nsubj", "nmod")]
    if not before or before[-1].i != t.i - 1:
        return None
    s = before[-1]
    lemma = s.lemma_.lower()
    if s.pos_ == "PROPN" or s.ent_type_ in SPEAKER_ENTS or s.is_title:
        return s  # a name, even one tagged as a common noun
    if s.pos_ == "NOUN" and (lemma in ROLE_KEYS or lemma in ORG_HEADS | PEOPLE_NOUNS):
        return s
    return None


def _misread_content(t: Token) -> list[Token]:
    """What a misread speech verb reports: the "that" clause after it, or the clause
    before ", the aide maintains." that ends the sentence with it."""
    if _misread_subject(t) is None:
        return []
    doc = t.doc
    for c in t.children:
        if c.i > t.i and c.dep_ in ("acl", "relcl", "ccomp") and _has_that(c):
            return [doc[i] for i in range(c.left_edge.i, c.right_edge.i + 1)]
        infinitive = c.left_edge.i == t.i + 1 and doc[t.i + 1].lower_ == "to"
        if infinitive and c.pos_ == "VERB" and misread_verb(t) in XCOMP_VERBS:
            # a headline's "Mayor Vows To Cut Fees"
            return [doc[i] for i in range(c.left_edge.i, c.right_edge.i + 1)]
    nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
    if nxt is None or nxt.text not in (".", "!"):
        return []
    lo = t.i
    while lo > t.sent.start and doc[lo - 1].pos_ in ("DET", "ADJ", "NOUN", "PROPN", "PART"):
        lo -= 1
    if lo <= t.sent.start + 2 or doc[lo - 1].text != ",":
        return []
    return [doc[i] for i in range(t.sent.start, lo - 1)]


def _verbless_main(t: Token) -> bool:
    """A past tense the parser hung as a participle on the subject of a sentence it left
    with no main verb: "Ann Reyes, the head of the union, compared the plan to ..." (root
    "Reyes"); not one deeper in it, whose subject the parse does not show."""
    root = t.sent.root
    on_root = t.head.i == root.i or (
        t.head.dep_ in ("appos", "pobj") and root.i in (t.head.head.i, t.head.head.head.i)
    )
    return (
        t.dep_ == "acl"
        and on_root
        and root.pos_ in ("NOUN", "PROPN", "NUM", "PRON")
        and root.i < t.i
        and not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in t.children)
        and not any(c.dep_ == "agent" for c in t.children)
    )


def reports_clause(t: Token, in_quote: list[int]) -> bool:
    """Any active verb with a subject and a "that" clause reports a statement or stance:
    "the senator conceded that ...", "the memo shows that ...". Not a copula or modal."""
    if in_quote[t.i] >= 0 or t.pos_ != "VERB" or t.dep_ in ("amod", "compound", "aux"):
        return False
    if not any(c.dep_ == "nsubj" and c.lower_ not in ("it", "this", "that") for c in t.children):
        return False
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children):
        return False
    return any(
        c.dep_ == "ccomp"
        and c.i > t.i
        and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        for c in t.children
    )


def passive_content(t: Token, in_quote: list[int]) -> list[Token]:
    """'The story was first reported by the Post': a passive cue with a 'by' agent reports
    its subject (the agent is the source); nothing without an agent."""
    if in_quote[t.i] >= 0 or t.pos_ != "VERB" or t.lemma_.lower() not in ANY_CUE:
        return []
    if t.dep_ in ("amod", "compound") or not any(
        c.dep_ == "agent" and any(g.dep_ == "pobj" for g in c.children) for c in t.children
    ):
        return []
    subj = [c for c in t.children if c.dep_ == "nsubjpass" and c.i < t.i]
    if not subj or subj[0].tag_ in ("PRP", "WP", "WDT", "DT", "EX"):
        return []
    lo, hi = _subtree_range(subj[0])
    return [t.doc[i] for i in range(lo, hi + 1)]


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
            if c.dep_ == "ccomp" and c.i > t.head.i and _has_that(c):
                lo, hi = _subtree_range(c)
                return who, [t.doc[i] for i in range(lo, hi + 1)]
    for c in t.children:
        if c.i < t.i:
            continue
        that = c.dep_ in ("acl", "ccomp", "relcl") and _has_that(c)
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
            lo, hi = _subtree_range(c)
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


def _has_that(clause: Token) -> bool:
    return any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)


def _noun_source(t: Token, in_quote: list[int]) -> Token | None:
    """Who a statement noun belongs to: a possessive, a name compounded on it ("a Daily
    Planet report"), or a "from"/"by" phrase after it ("warnings from her lawyer")."""
    poss = [c for c in t.children if c.dep_ == "poss" and c.i < t.i]
    if poss:
        if poss[0].lower_ in ("its", "my", "our", "your") or in_quote[poss[0].i] >= 0:
            return None
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
    lo, hi = _subtree_range(clause[0])
    return subj[0], [t.doc[i] for i in range(lo, hi + 1)]


def cue_subject(cue: Token, depth: int = 0) -> Token | None:
    """Who speaks through `cue`: its subject, inherited along "said ..., adding"."""
    if cue.lower_ == "according":
        for to in cue.children:
            if to.lower_ == "to":
                objs = [c for c in to.children if c.dep_ == "pobj"]
                return objs[0] if objs else None
        return None
    if cue.pos_ in ("NOUN", "PROPN"):
        return _misread_subject(cue) if misread_verb(cue) else None
    if cue.tag_ == "VBN" and _verbless_main(cue):
        return cue.sent.root
    for c in cue.children:
        if c.dep_ == "nsubj" or (c.dep_ == "agent"):
            if c.dep_ == "agent":
                objs = [g for g in c.children if g.dep_ == "pobj"]
                return objs[0] if objs else None
            return _cataphora(c, cue) or c
    if depth < 3 and cue.head.i != cue.i:
        outer = _coordinated_cue(cue)
        if outer is not None:
            return cue_subject(outer, depth + 1)
        if cue.dep_ == "xcomp" and not any(c.dep_ == "agent" for c in cue.head.children):
            # "she was heard yelling that ...", "he was quoted as saying": the passive's
            # subject speaks
            passive = [c for c in cue.head.children if c.dep_ == "nsubjpass"]
            if passive and passive[0].lower_ not in DUMMY_SUBJECTS:
                return passive[0]
        if cue.dep_ in ("conj", "advcl", "xcomp"):
            return cue_subject(cue.head, depth + 1)
        if cue.dep_ == "acomp":
            # "was able to brag": the subject of the adjective's copula speaks
            subj = cue_subject(cue.head, depth + 1)
            return None if subj is None or subj.lower_ in DUMMY_SUBJECTS else subj
        if cue.dep_ == "acl" and _own_medium(cue.head):
            # "In a statement announcing the pick, the union said ...": the medium is the
            # subject's own, and so is what it announces
            verb = cue.head.head.head
            subj = cue_subject(verb, depth + 1) if verb.pos_ in ("VERB", "AUX") else None
            return None if subj is None or subj.lower_ in DUMMY_SUBJECTS else subj
        if cue.dep_ == "acl" and cue.head.head.i != cue.head.i:
            return cue_subject(cue.head.head, depth + 1)
        verb = cue.head.head
        if verb.dep_ in ("advmod", "acomp") and verb.pos_ in ("ADV", "ADJ"):
            verb = verb.head  # "stopped short of calling"
        if (
            cue.dep_ == "pcomp"
            and cue.head.lower_ in MEANS_PREPS
            and cue.head.dep_ == "prep"
            and verb.pos_ in ("VERB", "AUX")
        ):
            # "stopped short of calling", "pitched himself by telling them" (not "blamed
            # him for saying": there the object spoke; not "it is worth noting")
            subj = cue_subject(verb, depth + 1)
            return None if subj is None or subj.lower_ in DUMMY_SUBJECTS else subj
    if cue.dep_ in ("ROOT", "ccomp", "parataxis") and depth == 0:
        return _name_before(cue)
    return None


def _cataphora(subj: Token, cue: Token) -> Token | None:
    """'While she acknowledged X, Lopez noted Y': a pronoun in a clause put before the main
    one points forward to the main clause's named subject."""
    if subj.lower_ not in ("he", "she", "they") or cue.dep_ != "advcl" or cue.i > cue.head.i:
        return None
    if cue.right_edge.i + 1 >= len(cue.doc) or cue.doc[cue.right_edge.i + 1].text != ",":
        return None
    main = [c for c in cue.head.children if c.dep_ == "nsubj" and c.i > cue.right_edge.i]
    if main and main[0].tag_ in ("NNP", "NNPS") and main[0].i < cue.head.i:
        return main[0]
    return None


def _own_medium(noun: Token) -> bool:
    """Whether `noun` is a medium the clause's subject speaks through: "in a statement",
    "at a news conference", "during a speech" (not "responded to a tweet")."""
    return (
        noun.dep_ == "pobj"
        and noun.lemma_.lower() in HOW_NOUNS | words("conference")
        and noun.head.lower_ in ("in", "at", "during", "with", "through")
        and noun.head.dep_ == "prep"
    )


def _name_before(cue: Token) -> Token | None:
    """A misparsed subject: "... of the Daily Planet Okafor said" -> Okafor."""
    i = cue.i - 1
    while i >= cue.sent.start and cue.doc[i].pos_ in ("ADV", "AUX", "PART"):
        i -= 1
    if i < cue.sent.start:
        return None
    t = cue.doc[i]
    if t.tag_ in ("NNP", "NNPS") or (t.tag_ == "PRP" and t.lower_ in ("he", "she", "they")):
        return t
    return None


def _subtree_range(t: Token) -> tuple[int, int]:
    return t.left_edge.i, t.right_edge.i


def object_content(cue: Token) -> list[Token]:
    """What a cue's object or prepositional object says: "cited X", "called for X"."""
    doc = cue.doc
    lemma = cue.lemma_.lower()
    after = [c for c in cue.children if c.i > cue.i]
    as_view = any(
        (c.dep_ == "oprd" and lemma != "see") or (c.dep_ == "prep" and c.lower_ == "as")
        for c in after
    )  # "portrayed himself as a victim": a reflexive object counts with its "as"
    if lemma in OBJECT_VERBS or (as_view and lemma in AS_VERBS):
        # a pronoun object counts with what is said of it: "accused her of lying",
        # "compared him to a child", "blamed them for losing" (not "praised him for hours",
        # "released it to the press")
        said_of = any(
            c.dep_ == "prep"
            and (
                c.lower_ in ("of", "as")
                or (c.lower_ == "to" and lemma in NAMING_VERBS)
                or (c.lower_ == "for" and any(g.dep_ == "pcomp" for g in c.children))
            )
            and c.n_rights
            for c in after
        )
        objs = [
            c
            for c in after
            if c.dep_ == "dobj"
            and (
                c.tag_ not in ("PRP", "WP", "WDT")
                or (c.lower_.endswith("self") and as_view)
                or (c.tag_ == "PRP" and said_of)
            )
        ]
        if objs:
            comps = [c for c in after if c.dep_ in ("dobj", "oprd", "ccomp", "xcomp", "acomp")]
            # "accused the mayor of lying", "likened the plan to a tax", "blamed X for Y"
            comps += [
                c
                for c in after
                if c.dep_ == "prep" and c.lower_ in OBJECT_PREPS and c.i > objs[0].i
            ]
            lo = objs[0].left_edge.i
            hi = _complements_end(cue, comps)
            hi = _gerund_conjunct(cue, objs[0], hi)
            return [doc[i] for i in range(lo, _before_aside(doc, lo, hi, cue) + 1)]
    for prep in after:
        verbs = PREP_CONTENT.get(prep.lower_, frozenset())
        if prep.dep_ != "prep" or (verbs is not None and lemma not in verbs):
            continue
        if verbs is None and lemma not in SPEECH_VERBS | PREP_VERBS:
            continue
        objs = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
        if objs and objs[0].dep_ == "pcomp" and objs[0].lemma_.lower() in SPEECH_VERBS:
            continue  # "responded by saying X": the inner cue reports X
        if objs:
            lo, hi = _subtree_range(objs[0])
            # "called on the administration to act": the request runs to the infinitive's end
            hi = max([hi] + [c.right_edge.i for c in after if _request(c, prep) and c.i > hi])
            hi = _gerund_conjunct(cue, objs[0], hi)
            hi = _before_writer_contrast(objs[0], cue, hi)
            hi = _before_aside(doc, lo, hi)
            while hi > lo and (doc[hi].dep_ == "cc" or doc[hi].text in (",", ";")):
                hi -= 1  # "talked about the budget and": a conjunction left dangling
            return [doc[i] for i in range(lo, hi + 1)]
    return []


def _gerund_conjunct(cue: Token, obj: Token, hi: int) -> int:
    """'mentioned refinancing loans and forcing lenders to cut rates', 'spoke of the legacy
    of racism and how the fight for justice went on': a gerund or a "how" clause the parser
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


def _complements_end(cue: Token, comps: list[Token]) -> int:
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


def _request(c: Token, prep: Token) -> bool:
    """What a request asks of its addressee: "called on the mayor to resign" (the parser
    may take the infinitive for a purpose clause after "on"/"for" a person)."""
    if c.dep_ == "xcomp":
        return True
    return (
        c.dep_ == "advcl"
        and prep.lower_ in ("on", "for")
        and any(m.dep_ == "aux" and m.lower_ == "to" and m.i < c.i for m in c.children)
        and not any(m.dep_ in ("mark", "nsubj") for m in c.children)
        and c.left_edge.i == prep.right_edge.i + 1
    )


def _before_aside(doc: Doc, lo: int, hi: int, cue: Token | None = None) -> int:
    """End an object before the writer's aside on it: "praised the bill, which passed in
    May" reports the bill, not the vote; "endorsed her campaign, the latest chapter in a
    long feud" the campaign. A clause (not an object) keeps its asides."""
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


def content_tokens(cue: Token) -> list[Token]:
    """The clause a cue reports: its clausal complement, or the clause it comments on."""
    doc = cue.doc
    lemma = cue.lemma_.lower()
    if cue.lower_ == "according":
        if _in_relative_clause(cue):
            return []  # "... a treatise - which it often is, according to X": no statement
        sent = cue.sent
        skip = {cue.i}
        for to in cue.children:
            if to.lower_ == "to":
                skip.update(range(to.left_edge.i, _source_end(to) + 1))
        toks = [t for t in sent if t.i not in skip and not t.is_space]
        return _longest_run(toks, skip)
    if cue.pos_ in ("NOUN", "PROPN"):
        return _misread_content(cue) if misread_verb(cue) else []
    if lemma in AS_VERBS and lemma not in SPEECH_VERBS:
        return []  # "saw the remark as a dig" only, through the object
    if lemma == "put":
        return _as_aside(cue)  # "as she put it" and nothing else
    comps = [c for c in cue.children if c.dep_ == "ccomp" and _reported_clause(c, cue)]
    comps.sort(key=lambda c: c.i < cue.i)  # the complement after the verb first
    if not comps:
        # "charges that firms that stand to gain gave millions": a long subject makes the
        # parser hang the "that" clause on the verb as if it were a noun's
        comps = [
            c
            for c in cue.children
            if c.dep_ in ("acl", "relcl")
            and c.i > cue.i
            and _has_that(c)
            and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        ]
    if not comps:
        comps = _statement_clause(cue)
    if not comps and lemma in XCOMP_VERBS:
        comps = [c for c in cue.children if c.dep_ == "xcomp"]
    if not comps and lemma in SPEECH_VERBS:
        comps = _detached_that_clause(cue)
    if not comps:
        late = _unmarked_clause(cue)
        if late is not None:
            return [doc[i] for i in range(late[0], late[1] + 1)]
    if not comps and lemma in OBJECT_VERBS and lemma != "call":
        # "proposed dropping carried interest", "admitted using the tax code"
        comps = [c for c in cue.children if c.dep_ == "xcomp" and c.tag_ == "VBG" and c.i > cue.i]
    if comps:
        lo, hi = _subtree_range(comps[0])
        hi = _before_second_cue(cue, comps[0], hi)
        hi = _before_semicolon(comps[0], hi)
        hi = _before_writer_contrast(comps[0], cue, hi)
        hi = _before_background(comps[0], hi)
        lo = _addressee_start(cue, comps[0], lo)
        front = _fronted(cue, lo)
        if front:
            return front + [doc[i] for i in range(lo, hi + 1)]
        if comps[0].i > cue.i:
            # "said that X, because Y": the reason given belongs to the statement
            for c in cue.children:
                if (
                    c.dep_ == "advcl"
                    and c.i > hi
                    and any(m.dep_ == "mark" and m.lower_ in REASON_MARKS for m in c.children)
                    and not _writer_contrast(c, cue)
                ):
                    hi = max(hi, c.right_edge.i)
        return [doc[i] for i in range(lo, hi + 1)]
    aside = _as_aside(cue)
    if aside:
        return aside
    if lemma in COGNITION_VERBS or lemma in NAMING_VERBS:
        return []
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
        and not (cue.head.i < cue.i and _colon_between(cue.head, cue))
    ):
        head = cue.head
        if head.dep_ in ("nsubj", "nsubjpass") and head.head.i > cue.right_edge.i:
            # "The difference, he told me, is that ...": the cue hangs on the subject noun
            head = head.head
        lo, hi = _subtree_range(head)
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
    if cue.dep_ == "ROOT" and lemma in SPEECH_VERBS:
        return _fronted_statement(cue) or _colon_paragraph(cue)
    return []


def _writer_contrast(clause: Token, cue: Token) -> bool:
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


def _before_writer_contrast(clause: Token, cue: Token, hi: int) -> int:
    """The reported clause ends before a comma-set contrast the parser hung inside it that
    is about the speaker ('claimed paying no taxes was smart, although he again refused to
    ...'), or before an 'even as' aside ('..., even as footage circulated widely')."""
    doc = cue.doc
    for c in clause.children:
        if c.dep_ != "advcl" or c.i < clause.i or c.left_edge.i - 1 <= clause.i:
            continue
        if doc[c.left_edge.i - 1].text != "," or c.left_edge.i > hi:
            continue
        marks = [m for m in c.children if m.dep_ == "mark"]
        even_as = bool(marks) and marks[0].lower_ == "as" and doc[marks[0].i - 1].lower_ == "even"
        if even_as or _writer_contrast(c, cue):
            return c.left_edge.i - 2
    return hi


def _before_background(comp: Token, hi: int) -> int:
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


def _before_semicolon(clause: Token, hi: int) -> int:
    """'said the timing was not intentional; they only learned of it on Friday': a clause
    after a semicolon, with its own subject, is a sentence of its own (the writer's, or a
    second statement with its own attribution), not more of this one."""
    for t in clause.children:
        if t.text == ";" and clause.left_edge.i < t.i <= hi:
            after = [c for c in [clause, *clause.children] if c.i > t.i]
            if any(any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children) for c in after):
                return t.i - 1
    return hi


def _reported_clause(clause: Token, cue: Token) -> bool:
    """Whether a clausal complement the parser gave `cue` can be what it reports: not one
    a colon or semicolon closes, and not one before a cue that is itself reported ("X
    continues to insist, ..., that he wants Y": "wants" reports nothing before it)."""
    if _colon_between(clause, cue):
        return False
    return not (clause.i < cue.i and _has_that(cue))


def _colon_between(clause: Token, cue: Token) -> bool:
    """'They tell the story of the summit: the two learned of a meeting ...': a clause that
    a colon closes announces what follows it, and one a semicolon closes stands alone ('she
    spoke at X; she called into Y; and she addressed Z'); a verb after either does not
    report it."""
    if clause.i > cue.i:
        return False
    return any(
        t.text in (":", ";") and t.head.i in (clause.i, cue.i) for t in cue.doc[clause.i : cue.i]
    )


def _detached_that_clause(cue: Token) -> list[Token]:
    """'continues to insist, most recently in an interview, that X': a phrase between the
    verb and its "that" clause makes the parser hang the clause on the verb as an adverbial
    one, or on the verb "insist" depends on ("continues")."""
    if any(c.dep_ == "xcomp" and c.lemma_.lower() in SPEECH_VERBS for c in cue.children):
        return []  # "continues to insist ... that": the clause is the inner verb's
    owners = [cue]
    if cue.dep_ == "xcomp":
        owners.append(cue.head)
    for owner in owners:
        for c in owner.children:
            if (
                c.dep_ in ("advcl", "ccomp")
                and c.i > cue.i
                and _has_that(c)
                and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
                and not any(t.lower_ in ("so", "such") for t in cue.doc[cue.i : c.left_edge.i])
            ):
                return [c]
    return []


def _unmarked_clause(cue: Token) -> tuple[int, int] | None:
    """'said after the meeting he would veto the bill': a phrase between the verb and its
    clause makes the parser take the clause for an adverbial one; a finite clause with its
    own subject and no conjunction right after a speech verb is what was said. The range
    starts at the clause's subject (the phrase before it tells when, not what)."""
    if cue.lemma_.lower() not in SPEECH_VERBS or any(c.dep_ == "dobj" for c in cue.children):
        return None
    for c in cue.children:
        if c.dep_ != "advcl" or c.i < cue.i or c.pos_ not in ("VERB", "AUX"):
            continue
        if any(g.dep_ == "mark" or g.tag_ in ("WRB", "WDT", "WP") for g in c.children):
            continue
        subj = [g for g in c.children if g.dep_ in ("nsubj", "nsubjpass") and g.i < c.i]
        finite = c.tag_ in ("VBD", "VBZ", "VBP") or any(
            g.dep_ in ("aux", "auxpass") and g.tag_ in ("MD", "VBD", "VBZ", "VBP")
            for g in c.children
        )
        if not subj or not finite:
            continue
        return subj[0].left_edge.i, c.right_edge.i
    return None


def _in_relative_clause(t: Token) -> bool:
    """Whether `t` sits inside a relative clause: an "according to" there sources only the
    clause ("which it often is", "which makes him overweight"), which says nothing alone."""
    h = t
    while h.head.i != h.i:
        if h.dep_ == "relcl":
            return True
        h = h.head
    return False


def _addressee_start(cue: Token, comp: Token, lo: int) -> int:
    """'urged lawmakers to vote no': a request starts at whom it asks ("lawmakers to vote
    no"), which the bare infinitive ("to vote no") leaves out."""
    if comp.dep_ != "xcomp" or cue.lemma_.lower() not in REQUEST_VERBS:
        return lo
    objs = [c for c in cue.children if c.dep_ == "dobj" and cue.i < c.i < comp.i]
    if not objs or objs[0].right_edge.i + 1 != lo:
        return lo
    return objs[0].left_edge.i


def _colon_paragraph(cue: Token) -> list[Token]:
    """'The governor added:' ending a paragraph: the next paragraph is what was said, even
    without quote marks (a block quote)."""
    doc = cue.doc
    end = cue.sent.end
    last = doc[end - 1]
    while last.is_space and last.i > cue.i:
        last = doc[last.i - 1]
    if last.text != ":" or end >= len(doc) or "\n" not in last.whitespace_ + doc[last.i + 1].text:
        return []
    if any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in cue.children):
        return []
    i = last.i + 1
    while i < len(doc) and doc[i].is_space:
        i += 1
    out = []
    while i < len(doc) and not (doc[i].is_space and "\n" in doc[i].text):
        out.append(doc[i])
        if "\n" in doc[i].whitespace_:
            break
        i += 1
    return out


def _before_second_cue(cue: Token, comp: Token, hi: int) -> int:
    """'said she would order a review and warned against cuts': the parser put the second
    speech verb inside the first one's clause; the statement ends before it (and a
    dangling 'and' is dropped)."""
    doc = cue.doc
    for t in doc[comp.i + 1 : hi + 1]:
        outer = _coordinated_cue(t)
        if outer is not None and outer.i == cue.i:
            ccs = [c for c in t.head.children if c.dep_ == "cc" and c.i < t.i]
            hi = min(hi, (ccs[-1].i if ccs else t.left_edge.i) - 1)
            break
    while hi > comp.i and (doc[hi].dep_ == "cc" or doc[hi].text in (",", ";", "-", "--", "\u2014")):
        hi -= 1
    return hi


def _coordinated_cue(t: Token) -> Token | None:
    """The outer speech verb a conjoined speech verb really goes with: in 'said she would
    order X and warned Y', "warned" (past, no subject) pairs with "said", not "order"."""
    if t.dep_ != "conj" or t.lemma_.lower() not in SPEECH_VERBS or t.tag_ not in ("VBD", "VBZ"):
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children):
        return None
    if t.head.tag_ == t.tag_ and _inner_speaker(t.head):
        return None  # "said the mayor ignored renters and urged ...": the mayor may urge
    h = t.head
    for _ in range(4):
        if h.dep_ == "ccomp" and h.head.tag_ == t.tag_ and h.head.lemma_.lower() in SPEECH_VERBS:
            return h.head
        if h.head.i == h.i:
            return None
        h = h.head
    return None


def _inner_speaker(verb: Token) -> bool:
    """Whether a reported clause's subject could itself speak: a person, a group, a name or
    a personal pronoun ("the mayor", "they"), not a thing ("the bill", "costs")."""
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj:
        return False
    s = subj[0]
    if s.tag_ == "PRP" or s.tag_ in ("NNP", "NNPS") or s.ent_type_ in SPEAKER_ENTS:
        return s.lower_ not in ("it", "this", "that")
    return s.lemma_.lower() in ROLE_KEYS or s.lemma_.lower() in ORG_HEADS | PEOPLE_NOUNS


def _as_aside(cue: Token) -> list[Token]:
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
        if (c.dep_ == "dobj" and not put_it) or (c.dep_ == "prep" and c.lower_ != "in"):
            return []
    head = cue.head
    if head.dep_ in ("nsubj", "nsubjpass") and head.head.i > cue.i:
        head = head.head  # the aside hangs on the subject noun
    lo, hi = _subtree_range(head)
    a, b = _subtree_range(cue)
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


def _fronted_statement(cue: Token) -> list[Token]:
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
    a, b = _subtree_range(front[0])
    if a != cue.sent.start or b != lo - 2:
        return []
    return [doc[i] for i in range(a, b + 1)]


def _source_end(to: Token) -> int:
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


def _statement_clause(cue: Token) -> list[Token]:
    """'said in a statement that it would sue', 'told a meeting of mayors that the state
    would pay': the clause hangs on a noun after the cue."""
    objs = []
    for c in cue.children:
        if c.dep_ == "prep" and c.i > cue.i:
            objs += [o for o in c.children if o.dep_ == "pobj"]
        elif c.dep_ == "dobj" and c.i > cue.i and cue.lemma_.lower() in TELL_VERBS:
            objs.append(c)
            for p in c.children:  # "a meeting of mayors that ..."
                if p.dep_ == "prep":
                    objs += [o for o in p.children if o.dep_ == "pobj"]
    for obj in objs:
        for acl in obj.children:
            marks = [m for m in acl.children if m.dep_ == "mark" and m.lower_ == "that"]
            subj = [c for c in acl.children if c.dep_ in ("nsubj", "nsubjpass")]
            if acl.dep_ in ("acl", "ccomp", "relcl") and marks and subj:
                return [acl]
    return []


def _fronted(cue: Token, content_start: int) -> list[Token]:
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
