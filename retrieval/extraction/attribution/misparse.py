"""Repairs for sentences the tagger or parser got wrong, so that a speech cue is still found
and reports the right clause: a speech verb tagged as a plural noun ("the aide maintains"),
a past tense hung as a participle on a sentence left without a main verb, a "that" clause
that a phrase detached from its verb or that lost its "that", a second speech verb put
inside the first one's clause. Each reads the parse as it is and says what the sentence
really has; none changes the parse.
"""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.language.people import ROLE_KEYS
from retrieval.language.verbs import (
    PEOPLE_NOUNS,
    SPEECH_VERBS,
    TELL_VERBS,
    XCOMP_VERBS,
    inflections,
)
from retrieval.speakers.mentions import HOW_NOUNS, ORG_HEADS

SPEAKER_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
# Past tenses of speech verbs, to the verb: a sentence left without a verb may have its
# "read" or "wrote" tagged as a noun ('"...," the message read.').
_PASTS = {form: v for v in SPEECH_VERBS for form in inflections([v], ("ed",))}
_CLOSING = frozenset({'"', "''", "\u201d", "\u2019", "'"})


def misread_verb(t: Token) -> str | None:
    """The speech verb a third-person form tagged as a plural noun really is ("the aide
    maintains", "Lopez claims that"), or None. Only when the parse leaves it the sentence's
    main word, so "his claims", "the charges" stay nouns."""
    if t.tag_ == "NN" and t.dep_ == "ROOT" and t.i > 0 and t.lower_ in _PASTS:
        return _PASTS[t.lower_]  # '"...," the letter read.'
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


def misread_subject(t: Token) -> Token | None:
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
    if s.pos_ == "NOUN" and lemma in HOW_NOUNS and t.tag_ == "NN":
        return s  # '"...," the letter read': a document speaks for its author
    return None


def misread_content(t: Token) -> list[Token]:
    """What a misread speech verb reports: the "that" clause after it, or the clause
    before ", the aide maintains." that ends the sentence with it."""
    if misread_subject(t) is None:
        return []
    doc = t.doc
    for c in t.children:
        if c.i > t.i and c.dep_ in ("acl", "relcl", "ccomp") and has_that(c):
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
    comma = lo - 1
    while comma > t.sent.start and doc[comma].text in _CLOSING:
        comma -= 1  # '"...," the letter read.': the comma inside the closing mark
    if lo <= t.sent.start + 2 or doc[comma].text != ",":
        return []
    return [doc[i] for i in range(t.sent.start, comma)]


def verbless_main(t: Token) -> bool:
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


def has_that(clause: Token) -> bool:
    return any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)


def detached_that_clause(cue: Token) -> list[Token]:
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
                and has_that(c)
                and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
                and not any(t.lower_ in ("so", "such") for t in cue.doc[cue.i : c.left_edge.i])
            ):
                return [c]
    return []


def unmarked_clause(cue: Token) -> tuple[int, int] | None:
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


def statement_clause(cue: Token) -> list[Token]:
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


def coordinated_cue(t: Token) -> Token | None:
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


def fronted_participle(cue: Token) -> tuple[Token, list[Token]] | None:
    """(speaker, statement) for a speech participle opening its sentence that the parser
    made the subject of the clause it reports: 'Claiming the vote was rigged, Lopez told
    reporters ...' (parsed as if "Claiming" were what "was rigged"). The clause runs to the
    comma before the main clause, whose subject speaks."""
    if cue.tag_ != "VBG" or cue.dep_ not in ("csubj", "csubjpass"):
        return None
    sent = cue.sent
    if cue.i != sent.start or cue.lemma_.lower() not in SPEECH_VERBS:
        return None
    subj = next((c for c in sent.root.children if c.dep_ == "nsubj" and c.i > cue.i), None)
    if subj is None or subj.tag_ in ("WP", "WDT", "EX"):
        return None
    comma = subj.left_edge.i - 1
    if comma <= cue.i + 2 or cue.doc[comma].text != ",":
        return None
    return subj, [cue.doc[i] for i in range(cue.i + 1, comma)]


def inverted_that_clause(cue: Token) -> tuple[int, int] | None:
    """(first, last) token of a "that" clause the parser made the sentence's main clause,
    hanging the speech verb under it: 'X continues to insist, most recently in an
    interview, that he wants Y' parsed with "wants" at the root. The clause runs from its
    "that" to its end."""
    if any(c.dep_ == "xcomp" and c.lemma_.lower() in SPEECH_VERBS for c in cue.children):
        return None  # "continues to insist ... that": the clause is the inner verb's
    owner = cue.head if cue.dep_ == "xcomp" else cue
    main = owner.head
    if owner.dep_ != "ccomp" or main.i <= cue.i or main.dep_ != "ROOT":
        return None
    that = next((c for c in main.children if c.dep_ == "mark" and c.lower_ == "that"), None)
    if that is None or that.i <= cue.i or cue.doc[that.i - 1].text != ",":
        return None
    if not any(c.dep_ in ("nsubj", "nsubjpass") and c.i > that.i for c in main.children):
        return None
    end = main.right_edge.i
    while end > that.i and cue.doc[end].is_punct:
        end -= 1
    return that.i, end


_CLAUSE_MARKS = frozenset({"while", "although", "though", "as", "after", "when", "because"})


def inverted_adverbial_clause(cue: Token) -> tuple[int, int] | None:
    """(first, last) token of what a speech verb in a fronted adverbial clause reports when
    the parser hung the verb under its own complement: 'While he acknowledged funding was
    the main reason, Ham noted ...' parsed with "acknowledged" under "was"."""
    head = cue.head
    if cue.dep_ != "advcl" or head.i <= cue.i or head.dep_ == "ROOT":
        return None
    marks = [c for c in cue.children if c.dep_ == "mark" and c.i < cue.i]
    if not marks or marks[0].lower_ not in _CLAUSE_MARKS:
        return None
    subj = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass") and cue.i < c.i < head.i]
    if not subj or any(c.i > cue.i for c in cue.children if c.dep_ != "punct"):
        return None  # the verb keeps a complement of its own: the parse may be right
    end = head.right_edge.i
    while end > cue.i and cue.doc[end].is_punct:
        end -= 1
    return cue.i + 1, end
