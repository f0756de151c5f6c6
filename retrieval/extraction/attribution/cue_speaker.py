"""Who speaks through a speech cue: its subject, or, when the parse gives the cue none of
its own, the one it inherits ("said ..., adding", "was quoted as saying", "in a statement
announcing X, the union said"). Kept apart from what a cue reports because where a
statement ends depends on it too (a contrast about the speaker is the writer's remark).
"""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.extraction.attribution.misparse import (
    coordinated_cue,
    fronted_participle,
    misread_subject,
    misread_verb,
    verbless_main,
)
from retrieval.language.dateline import dateline_end, past_dateline
from retrieval.language.people import (
    COLLECTIVE_NOUNS,
    NAME_SUFFIXES,
    ORG_HEADS,
    PERSON_NOUNS,
    ROLE_KEYS,
    TITLES,
    words,
)
from retrieval.language.verbs import OBJECT_VERBS, SPEECH_VERBS
from retrieval.speakers.mentions import HOW_NOUNS, stated_age

DUMMY_SUBJECTS = words("it there this that what which")
# Prepositions whose gerund shares the subject of the verb they hang on: "began by saying".
MEANS_PREPS = words("by of about after before while without upon in despite")
# Verbs whose object speaks through "as saying": "quoted him as saying", "cited her as".
QUOTING = words("quote cite")


def _person_in_subject(subj: Token, cue: Token) -> Token | None:
    """'Harbor running back Mal X said': when the parser takes the team for the subject
    and hangs the player's name inside it, the person named right before the verb speaks."""
    prev = cue.doc[cue.i - 1] if cue.i > 0 else None
    if (
        prev is None
        or subj.ent_type_ == "PERSON"
        or prev.ent_type_ != "PERSON"
        or not subj.i < prev.i
        or prev.i > subj.right_edge.i
    ):
        return None
    t = prev
    while t.i != subj.i and t.head.i != t.i:
        if t.dep_ in ("pobj", "poss", "appos", "conj"):
            return None  # "a spokeswoman for Ana X said": Ana X does not speak
        t = t.head
    return prev


def _unsuffixed(subj: Token) -> Token:
    """'Judge Alan B. Porter, Sr. called ...': a name's suffix set off by a comma, which the
    parser may make a second subject, stands for the name before it; and 'Mr O’Leary said'
    parsed as two subjects is the name, not the title."""
    doc = subj.doc
    after = doc[subj.i + 1] if subj.i + 1 < len(doc) else None
    if (
        subj.lower_ in TITLES
        and after is not None
        and after.dep_ == subj.dep_
        and after.head.i == subj.head.i
        and after.text[:1].isupper()
    ):
        return after
    if (
        subj.lower_ in NAME_SUFFIXES
        and subj.i >= 2
        and doc[subj.i - 1].text == ","
        and doc[subj.i - 2].pos_ == "PROPN"
    ):
        return doc[subj.i - 2]
    return subj


def _set_off(subj: Token) -> bool:
    """A subject that follows a comma: the attribution set into a sentence ("X, the mayor
    said, ..."), not the statement's own subject before it."""
    lo = subj.left_edge.i
    return lo > 0 and subj.doc[lo - 1].text in (",", "\u2014")


def _reason_sayer(verb: Token) -> Token | None:
    """Who said what 'for saying X' gives as a reason: the one blamed or thanked ('criticized
    Ruiz for saying X', 'was fined for saying X'), else the subject ('apologized for saying
    X'); never a thing ('won praise for saying' is the subject's)."""
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    for c in verb.children:
        if c.dep_ == "dobj" and (c.tag_ == "PRP" or c.pos_ == "PROPN"):
            return None if c.lower_ in DUMMY_SUBJECTS else c
    # only a subject of the verb's own: 'urged Ruiz to apologize for saying X' is Ruiz's
    own = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    subj = _passive_doer(verb, agent_ok=True) or own
    return None if subj is None or subj.lower_ in DUMMY_SUBJECTS else subj


def _passive_doer(verb: Token, agent_ok: bool = False) -> Token | None:
    """'After saying her foot was swollen, she was taken to hospital': the passive's subject
    did what the gerund tells (with an agent the sentence may be about the agent's act)."""
    if not agent_ok and any(c.dep_ == "agent" for c in verb.children):
        return None
    return next((c for c in verb.children if c.dep_ == "nsubjpass"), None)


def cue_subject(cue: Token, depth: int = 0) -> Token | None:
    """Who speaks through `cue`: its subject, inherited along "said ..., adding"."""
    if cue.lower_ == "according":
        for to in cue.children:
            if to.lower_ == "to":
                objs = [c for c in to.children if c.dep_ == "pobj"]
                return objs[0] if objs else None
        return None
    if cue.pos_ in ("NOUN", "PROPN"):
        return misread_subject(cue) if misread_verb(cue) else None
    if cue.tag_ == "VBN" and verbless_main(cue):
        return cue.sent.root
    fronted = fronted_participle(cue)
    if fronted is not None:
        return fronted[0]  # "Claiming the vote was rigged, Lopez told ..."
    subjects = list(dict.fromkeys(_unsuffixed(c) for c in cue.children if c.dep_ == "nsubj"))
    if depth == 0 and not any(c.i < cue.i for c in subjects):
        named = _name_after_role(cue)
        if named is not None:
            return named
    if len(subjects) > 1 and subjects[0].tag_ in ("WP", "WDT"):
        return subjects[1]  # "the mayor, who prosecutors say took bribes": prosecutors
    if len(subjects) > 1 and subjects[-1].ent_type_ == "PERSON" and subjects[-1].i < cue.i:
        # '"...," Harbor running back Mal X said': the parser may split the subject in
        # two; the person's name right before the verb is who speaks
        return subjects[-1]
    if len(subjects) > 1 and subjects[-1].i < cue.i and _set_off(subjects[-1]):
        return subjects[-1]  # "The new rules, the mayor said, ...": the rules say nothing
    for c in cue.children:
        if c.dep_ == "nsubj" or (c.dep_ == "agent"):
            if c.dep_ == "agent":
                objs = [g for g in c.children if g.dep_ == "pobj"]
                return objs[0] if objs else None
            c = _unsuffixed(c)
            if dateline_end(c) is not None:
                return past_dateline(c, cue)  # "LAKEVILLE, Ohio - One resident said"
            return _cataphora(c, cue) or _person_in_subject(c, cue) or c
    for c in cue.children:
        if c.dep_ == "amod" and c.i < cue.i and stated_age(c) is not None:
            return c  # '"...," the 31-year-old said': the parser hangs the age on the verb
    if (
        cue.dep_ == "pcomp"
        and cue.head.lower_ == "for"
        and cue.head.dep_ == "prep"
        and cue.lemma_.lower() in SPEECH_VERBS
    ):
        return _reason_sayer(cue.head.head)  # not a deed: 'fined for promoting X
    if depth < 3 and cue.head.i != cue.i:
        outer = coordinated_cue(cue)
        if outer is not None:
            return cue_subject(outer, depth + 1)
        if cue.dep_ == "xcomp" and not any(c.dep_ == "agent" for c in cue.head.children):
            # "she was heard yelling that ...", "he was quoted as saying": the passive's
            # subject speaks
            passive = [c for c in cue.head.children if c.dep_ == "nsubjpass"]
            if passive and passive[0].lower_ not in DUMMY_SUBJECTS:
                return passive[0]
        # "she sent a note, then deleted it and claimed ...": the parser may hang a verb of
        # the same tense loosely on the one before it, whose subject goes on acting
        loose = cue.dep_ == "dep" and cue.tag_ == cue.head.tag_ and cue.head.pos_ == "VERB"
        if cue.dep_ in ("conj", "advcl", "xcomp") or loose:
            reporter = _reporting_participle(cue)
            if reporter is not None:
                return cue_subject(reporter, depth + 1)
            subj = cue_subject(cue.head, depth + 1)
            if subj is None and cue.dep_ == "conj":
                # "Ruiz was kept off the farm but said she lost ...": the passive's
                # subject is the one who goes on to speak
                passive = [c for c in cue.head.children if c.dep_ == "nsubjpass"]
                if passive and passive[0].lower_ not in DUMMY_SUBJECTS:
                    return passive[0]
            return subj
        if cue.dep_ == "acomp":
            # "was able to brag": the subject of the adjective's copula speaks
            subj = cue_subject(cue.head, depth + 1)
            return None if subj is None or subj.lower_ in DUMMY_SUBJECTS else subj
        if cue.dep_ == "acl" and _own_medium(cue.head):
            # "In a note announcing the merger, the union said ...": the medium is the
            # subject's own, and so is what it announces
            verb = cue.head.head.head
            subj = cue_subject(verb, depth + 1) if verb.pos_ in ("VERB", "AUX") else None
            return None if subj is None or subj.lower_ in DUMMY_SUBJECTS else subj
        if cue.dep_ == "acl" and cue.head.head.i != cue.head.i:
            return cue_subject(cue.head.head, depth + 1)
        verb = cue.head.head
        if cue.dep_ == "pcomp" and cue.head.lower_ == "as" and verb.lemma_.lower() in QUOTING:
            # "the Gazette quoted him as saying": the one quoted speaks
            objs = [c for c in verb.children if c.dep_ == "dobj"]
            return objs[0] if objs else None
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
            subj = cue_subject(verb, depth + 1) or _passive_doer(verb)
            return None if subj is None or subj.lower_ in DUMMY_SUBJECTS else subj
    if cue.dep_ in ("ROOT", "ccomp", "parataxis") and depth == 0:
        return _name_before(cue) or _phrase_after_quote(cue)
    return None


def _reporting_participle(cue: Token) -> Token | None:
    """'X said the port could help, calling its chief "a capable man"': a speech participle
    after a comma cannot belong to a reported clause that only says what may or will be
    (its modal), so it goes with the verb that reports the clause; that verb, or None.
    Nor, comma or not, to a clause whose subject is a thing: 'X said the actions were
    "wrong" adding that ...' is X adding."""
    clause = cue.head
    if not (
        cue.dep_ == "advcl"
        and cue.tag_ == "VBG"
        and cue.lemma_.lower() in SPEECH_VERBS | OBJECT_VERBS
        and cue.i > clause.i
        and clause.dep_ == "ccomp"
        and clause.head.lemma_.lower() in SPEECH_VERBS
    ):
        return None
    modal = any(c.dep_ == "aux" and c.tag_ == "MD" for c in clause.children)
    if (modal and cue.doc[cue.i - 1].text == ",") or _thing_subject(clause):
        return clause.head
    return None


def _thing_subject(clause: Token) -> bool:
    """The clause's subject is a common noun for a thing, not a person or a body of people
    ("the actions", "the plan"; not "officials", "the company", "the family")."""
    subjects = [c for c in clause.children if c.dep_ == "nsubj"]
    if len(subjects) != 1:
        return False
    t = subjects[0]
    low = t.lemma_.lower()
    return (
        t.pos_ == "NOUN"
        and t.ent_type_ == ""
        and low not in PERSON_NOUNS
        and low not in ROLE_KEYS
        and low not in ORG_HEADS
        and low not in COLLECTIVE_NOUNS
        and t.lower_ not in PERSON_NOUNS
        and t.lower_ not in ROLE_KEYS
    )


def _phrase_after_quote(cue: Token) -> Token | None:
    """'"...," the judge, Ada R. Voss of Circuit Court, said': the parser may hang the noun
    phrase between a closing quote mark and the verb on the quote; that phrase speaks."""
    doc = cue.doc
    i = cue.i - 1
    while i >= cue.sent.start and cue.i - i <= 12 and doc[i].tag_ != "''":
        if doc[i].pos_ in ("VERB", "AUX") or doc[i].is_space:
            return None
        i -= 1
    if i < cue.sent.start or doc[i].tag_ != "''":
        return None
    phrase = range(i + 1, cue.i)
    roots = [doc[j] for j in phrase if doc[j].head.i not in phrase and not doc[j].is_punct]
    if len(roots) != 1 or roots[0].pos_ not in ("NOUN", "PROPN"):
        return None
    return roots[0]


def _name_after_role(cue: Token) -> Token | None:
    """'..., said HCU quarterback Eddie Marsh, who ...': after the verb, a team's short
    name and a role word the tagger may take for a verb ("quarterback" as a past tense), then
    the person's name, who speaks whatever the parser hung where."""
    doc = cue.doc
    i = cue.i + 1
    while (
        i < len(doc) and i - cue.i <= 3 and doc[i].pos_ == "PROPN" and doc[i].ent_type_ != "PERSON"
    ):
        i += 1
    if i >= len(doc) or i == cue.i + 1 or doc[i].pos_ == "NOUN":
        return None  # a role tagged as a noun is parsed well enough: the usual path finds it
    if doc[i].lower_ not in PERSON_NOUNS and doc[i].lower_ not in ROLE_KEYS:
        return None
    name = None
    i += 1
    while i < len(doc) and doc[i].pos_ == "PROPN" and doc[i].ent_type_ == "PERSON":
        name = doc[i]
        i += 1
    return name


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
