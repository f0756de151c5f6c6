"""Speech cues on the parse: which verbs report speech, and what a cue reports (its clausal
complement or its object). The rest of attribution lives by concept: who speaks
(cue_speaker), where a statement ends (statement_ends), misparsed sentences (misparse),
statements an attribution interrupts or trails (parenthetical), cues that are nouns or
adjectives (nominal_cues). The names importers use are re-exported here.
"""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.extraction.attribution.cue_speaker import cue_subject
from retrieval.extraction.attribution.evidence import record_object
from retrieval.extraction.attribution.misparse import (
    detached_that_clause,
    fronted_participle,
    has_that,
    inverted_adverbial_clause,
    inverted_that_clause,
    misread_content,
    misread_verb,
    statement_clause,
    unmarked_clause,
    verbless_main,
)
from retrieval.extraction.attribution.nominal_cues import adjective_content, noun_content
from retrieval.extraction.attribution.parenthetical import (
    according_content,
    as_aside,
    fronted,
    fronted_statement,
    interrupted_statement,
    runs_of,
)
from retrieval.extraction.attribution.relative_naming import relative_naming
from retrieval.extraction.attribution.split_clause import (
    after_dash,
    before_dash_remark,
    split_complement_end,
)
from retrieval.extraction.attribution.statement_ends import (
    OBJECT_PREPS,
    before_aside,
    before_background,
    before_second_cue,
    before_semicolon,
    before_writer_comment,
    before_writer_contrast,
    colon_between,
    complements_end,
    gerund_conjunct,
    other_speaker,
    writer_contrast,
)
from retrieval.language.doctokens import doc_tokens
from retrieval.language.people import words
from retrieval.language.verbs import (
    AS_VERBS,
    COGNITION_VERBS,
    NAMING_VERBS,
    OBJECT_VERBS,
    PREP_CONTENT,
    PREP_VERBS,
    SPEECH_VERBS,
    XCOMP_VERBS,
)

__all__ = [
    "ANY_CUE",
    "adjective_content",
    "content_tokens",
    "cue_subject",
    "is_cue",
    "noun_content",
    "object_content",
    "passive_content",
    "reports_clause",
    "runs_of",
    "says_of",
]

REASON_MARKS = words("because since although though while unless if")
# Verbs of asking someone to act, whose object is the one asked: "urged lawmakers to ...".
REQUEST_VERBS = words(
    "urge ask encourage implore persuade press push remind advise instruct order caution "
    "challenge convince warn beg invite call tell exhort"
)
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
        return verb is not None and verb in lexicon and bool(misread_content(t))
    if t.pos_ not in ("VERB", "AUX") or t.lemma_.lower() not in lexicon:
        return False
    if t.dep_ in ("amod", "compound", "auxpass", "aux"):
        return False
    if t.tag_ == "VBN" and verbless_main(t):
        return True  # "One of the doctors who signed the letter called him a quack."
    if t.tag_ == "VBN" and not any(c.dep_ in ("aux", "nsubj") for c in t.children):
        # "When asked about ...": a participle, nobody speaks through it (with a subject it
        # is a past tense the tagger took for one: "Ruiz on Friday called on ...")
        return False
    return not any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children)


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


def _subtree_range(t: Token) -> tuple[int, int]:
    return t.left_edge.i, t.right_edge.i


def object_content(cue: Token) -> list[Token]:
    """What a cue's object or prepositional object says: "cited X", "called for X"."""
    named = relative_naming(cue) or record_object(cue)
    if named:
        return named
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
        said_of = says_of(cue)
        # "called him a fraud": a naming verb's predicate says it of the pronoun
        predicate = lemma in NAMING_VERBS and any(c.dep_ == "oprd" for c in after)
        objs = [
            c
            for c in after
            if c.dep_ == "dobj"
            and c.ent_type_ not in ("DATE", "TIME")  # "called Friday for ...": a time
            and (
                c.tag_ not in ("PRP", "WP", "WDT")
                or (c.lower_.endswith("self") and as_view)
                or (c.tag_ == "PRP" and (said_of or predicate))
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
            hi = complements_end(cue, comps)
            hi = gerund_conjunct(cue, objs[0], hi)
            hi = before_aside(doc, lo, hi, cue)
            hi = _reason_end(cue, hi)
            if any(c.dep_ == "prep" and c.lower_ == "as" for c in after):
                hi = _portrait_end(cue, hi)
            return [doc[i] for i in range(lo, hi + 1)]
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
            hi = gerund_conjunct(cue, objs[0], hi)
            hi = before_writer_contrast(objs[0], cue, hi)
            hi = before_aside(doc, lo, hi)
            while hi > lo and (doc[hi].dep_ == "cc" or doc[hi].text in (",", ";")):
                hi -= 1  # "talked about the budget and": a conjunction left dangling
            return [doc[i] for i in range(lo, hi + 1)]
    return []


def says_of(cue: Token) -> bool:
    """The cue says something of its object: "accused her of lying", "likened the plan to a
    tax", "blamed them for losing", "portrayed him as a victim" (not "praised him for
    hours", "released it to the press"). Then even a name with it is a statement."""
    lemma = cue.lemma_.lower()
    return any(
        c.dep_ == "prep"
        and c.i > cue.i
        and (
            c.lower_ in ("of", "as")
            or (c.lower_ == "to" and lemma in NAMING_VERBS)
            or (c.lower_ == "for" and any(g.dep_ == "pcomp" for g in c.children))
        )
        and c.n_rights
        for c in cue.children
    )


# Words that may stand between a statement and the reason it gives: "..., in part because".
_REASON_LEADS = words(", in part partly largely mainly mostly only simply")


def _reason_end(cue: Token, hi: int) -> int:
    """'called the ruling a hard call, in part because nobody could say if the blaze was
    deliberate': the reason given is part of what was said (not a 'when' or an 'after',
    which tell the occasion)."""
    for c in cue.children:
        if c.dep_ != "advcl" or c.left_edge.i <= hi:
            continue
        marks = [m for m in c.children if m.dep_ == "mark" and m.lower_ == "because"]
        gap = cue.doc[hi + 1 : c.left_edge.i]
        if marks and gap and all(t.lower_ in _REASON_LEADS for t in gap):
            return c.right_edge.i
    return hi


def _portrait_end(cue: Token, hi: int) -> int:
    """'portrayed the mayor as a man on the take, granting favors for bribes': a participle
    after the portrait, with no subject of its own and no speech verb, goes on describing
    it."""
    doc = cue.doc
    for c in cue.children:
        if (
            c.dep_ == "advcl"
            and c.tag_ == "VBG"
            and c.left_edge.i == hi + 2
            and doc[hi + 1].text == ","
            and c.lemma_.lower() not in ANY_CUE
            and not any(g.dep_ in ("nsubj", "nsubjpass", "mark") for g in c.children)
        ):
            return c.right_edge.i
    return hi


def _relative_report(cue: Token) -> list[Token]:
    """'the mayor, who prosecutors say took bribes, ...': a speech verb inside a relative
    clause, beside the relative pronoun, reports the clause's predicate."""
    subjects = [c for c in cue.children if c.dep_ == "nsubj"]
    if len(subjects) < 2 or subjects[0].tag_ not in ("WP", "WDT"):
        return []
    return [c for c in cue.children if c.dep_ in ("xcomp", "ccomp") and c.i > cue.i][:1]


def _correction_end(cue: Token, comp: Token, hi: int) -> int:
    """'maintained that she had not set the fire, but rather it started when ...': what the
    speaker puts in place of what they deny goes on with the statement."""
    negated = any(t.dep_ == "neg" for t in cue.doc[comp.left_edge.i : hi + 1])
    for c in cue.children:
        if (
            negated
            and c.dep_ == "conj"
            and c.i > hi
            and any(a.dep_ == "advmod" and a.lower_ in ("rather", "instead") for a in c.children)
        ):
            return c.right_edge.i
    return hi


def _passive_goes_on(cue: Token, comp: Token, hi: int) -> int:
    """'Organizers said they came in peace, but were met with police': the parser hangs a
    passive without a subject on the speech verb; with the reported clause's own subject a
    pronoun in the past ("they came"), it goes on with what they said (a deed of the
    speaker's own would be active: "said X and left")."""
    subj = [c for c in comp.children if c.dep_ == "nsubj"]
    if not subj or subj[0].lower_ not in ("he", "she", "they", "we") or comp.tag_ != "VBD":
        return hi
    for c in cue.children:
        if (
            c.dep_ == "conj"
            and c.i > hi
            and c.tag_ == "VBN"
            and any(a.dep_ == "auxpass" and a.lower_ in ("was", "were") for a in c.children)
            and not any(a.dep_ in ("nsubj", "nsubjpass") for a in c.children)
        ):
            return c.right_edge.i
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


def content_tokens(cue: Token) -> list[Token]:
    """The clause a cue reports: its clausal complement, or the clause it comments on."""
    doc = cue.doc
    lemma = cue.lemma_.lower()
    if cue.lower_ == "according":
        return according_content(cue)
    if cue.pos_ in ("NOUN", "PROPN"):
        return misread_content(cue) if misread_verb(cue) else []
    if lemma in AS_VERBS and lemma not in SPEECH_VERBS:
        return []  # "saw the remark as a dig" only, through the object
    if lemma == "put":
        return as_aside(cue)  # "as she put it" and nothing else
    fronted_said = fronted_participle(cue)
    if fronted_said is not None:
        return fronted_said[1]
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
            and has_that(c)
            and any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        ]
    if not comps:
        comps = statement_clause(cue)
    if not comps:
        comps = _relative_report(cue)
    if not comps and lemma in XCOMP_VERBS:
        comps = [c for c in cue.children if c.dep_ == "xcomp"]
    if not comps and lemma in SPEECH_VERBS:
        comps = detached_that_clause(cue)
    if not comps:
        late = unmarked_clause(cue)
        if late is None and lemma in SPEECH_VERBS:
            late = inverted_that_clause(cue) or inverted_adverbial_clause(cue)
        if late is not None:
            return [doc[i] for i in range(late[0], late[1] + 1)]
    if not comps and lemma in OBJECT_VERBS and lemma != "call":
        # "proposed dropping carried interest", "admitted using the tax code"
        comps = [c for c in cue.children if c.dep_ == "xcomp" and c.tag_ == "VBG" and c.i > cue.i]
    if comps:
        lo, hi = _subtree_range(comps[0])
        hi = split_complement_end(cue, comps[0], hi)
        hi = before_dash_remark(cue, comps[0], hi)
        hi = before_second_cue(cue, comps[0], hi)
        hi = before_semicolon(comps[0], hi)
        hi = before_writer_contrast(comps[0], cue, hi)
        hi = before_background(comps[0], hi)
        hi = before_writer_comment(comps[0], hi)
        hi = _correction_end(cue, comps[0], hi)
        hi = _passive_goes_on(cue, comps[0], hi)
        lo = _addressee_start(cue, comps[0], lo)
        lo = _joined_front(cue, comps[0], lo)
        front = fronted(cue, lo)
        if front:
            return front + [doc[i] for i in range(lo, hi + 1)]
        if comps[0].i > cue.i:
            # "said that X, because Y": the reason given belongs to the statement
            for c in cue.children:
                if (
                    c.dep_ == "advcl"
                    and c.i > hi
                    and any(m.dep_ == "mark" and m.lower_ in REASON_MARKS for m in c.children)
                    and not writer_contrast(c, cue)
                    and not other_speaker(c)
                ):
                    hi = max(hi, c.right_edge.i)
        return doc_tokens(doc)[lo : hi + 1]
    aside = as_aside(cue)
    if aside:
        return aside
    if lemma in COGNITION_VERBS or lemma in NAMING_VERBS:
        return []
    around = interrupted_statement(cue)
    if around is not None:
        return around
    if cue.dep_ == "ROOT" and lemma in SPEECH_VERBS:
        return fronted_statement(cue) or _colon_paragraph(cue)
    return []


def _reported_clause(clause: Token, cue: Token) -> bool:
    """Whether a clausal complement the parser gave `cue` can be what it reports: not one
    a colon or semicolon closes, and not one before a cue that is itself reported ("X
    continues to insist, ..., that he wants Y": "wants" reports nothing before it)."""
    if colon_between(clause, cue) or after_dash(clause, cue):
        return False
    if _object_participle(clause, cue) or _predicate_of_what_was_said(clause, cue):
        return False
    if clause.i < cue.i and clause.ent_type_ == "WORK_OF_ART":
        return False  # 'In his book, "Make Your Kid Rich," he suggested ...': a title
    return not (clause.i < cue.i and has_that(cue))


# Words that make "X says" a relative clause on them: "everything she says is ...".
_WHAT_WAS_SAID = words("everything anything nothing something whatever all what")


def _predicate_of_what_was_said(clause: Token, cue: Token) -> bool:
    """'Everything the mayor says is a lie': the parser may read the sentence's predicate
    as what the mayor says; with no subject of its own after a subject led by "everything",
    it is said of his words, not by him."""
    subj = next((c for c in cue.children if c.dep_ == "nsubj" and c.i < cue.i), None)
    if subj is None or cue.doc[subj.left_edge.i].lower_ not in _WHAT_WAS_SAID:
        return False
    return clause.i > cue.i and not any(
        c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in clause.children
    )


def _object_participle(clause: Token, cue: Token) -> bool:
    """'found 31 cases of fraud out of a billion ballots cast': a bare participle after the
    cue's object, with no subject of its own, describes the object (the parser may hang it
    on the verb as a clause)."""
    if clause.tag_ != "VBN" or any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "mark") for c in clause.children
    ):
        return False
    return any(c.dep_ == "dobj" and cue.i < c.i < clause.i for c in cue.children)


def _joined_front(cue: Token, comp: Token, lo: int) -> int:
    """'Divers reached the ferry at noon, but it had already sunk, the captain said': the parser may
    make the trailing attribution a conjunct of the sentence's first clause and give it only
    the last one; what it reports starts with the sentence."""
    root = cue.head
    if cue.dep_ != "conj" or root.dep_ != "ROOT" or not root.i < comp.i < cue.i:
        return lo
    if cue.doc[lo - 1].lower_ not in ("but", "and", ",") or is_cue_word(root):
        return lo
    return root.left_edge.i


def is_cue_word(t: Token) -> bool:
    return t.lemma_.lower() in SPEECH_VERBS


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
