"""Statements the sentence says its subject did not make: news said not to be made public
("did not announce X"), a claim the subject turns down ("dismissed the claims that X") and
a verdict ("the jury found X guilty"). Wrongly kept, each puts words in the subject's mouth
that it denied or never said, which is worse than no statement at all.
"""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.extraction.attribution.cue_speaker import cue_subject
from retrieval.language.deeds import (
    CLAIM_NOUNS,
    NOT_ONLY,
    PUBLISHING_VERBS,
    REJECTION_VERBS,
    VERDICT_WORDS,
)

__all__ = ["disowned", "in_rejected_claim"]


def disowned(cue: Token, content: list[Token]) -> bool:
    """Whether `content` is no statement of the cue's subject: see the module docstring."""
    lemma = cue.lemma_.lower()
    return (
        _negated(cue, lemma)
        or _rejected_claim(lemma, content)
        or _claim_clause_misread(cue, content)
        or in_rejected_claim(cue)
        or _verdict(cue, content)
        or _speaker_inside(cue, content)
    )


def _speaker_inside(cue: Token, content: list[Token]) -> bool:
    """'"...," the judge, Ada R. Voss, said': what a misparse leaves of the quote's clause
    outside the marks may be the speaker's own phrase; a speaker is never their own words."""
    subj = cue_subject(cue)
    if subj is None or subj.head.i == cue.i:
        return False  # "beats, which she said were ...": the subject sits in the span only
    inside = {t.i for t in content}
    return subj.i in inside and subj.head.i in inside


def _negated(cue: Token, lemma: str) -> bool:
    """'Brellix did not announce the return of the bonus': news the sentence says was not
    made public is nobody's statement (a view under a negation is still one: 'she does not
    think X'; so is a speech act PARC-style annotation counts: 'did not recommend charges')."""
    if lemma not in PUBLISHING_VERBS:
        return False
    doc = cue.doc
    for c in cue.children:
        if c.dep_ == "neg" and c.i < cue.i:
            after = doc[c.i + 1] if c.i + 1 < len(doc) else None
            if after is None or after.lower_ not in NOT_ONLY:
                return True
    return False


def _rejected_claim(lemma: str, content: list[Token]) -> bool:
    """'The ministry dismissed the claims that Veloria asked for talks': what follows
    "claims that" is what others claimed, not the ministry's words. So with any verb
    against a claim: 'pushed back against suggestions that she changed her story'."""
    if not content:
        return False
    inside = {t.i for t in content}
    head = next((t for t in content if t.head.i not in inside), content[0])
    if lemma not in REJECTION_VERBS:
        claim = head if head.lemma_.lower() in CLAIM_NOUNS else head.head
        return (
            claim.lemma_.lower() in CLAIM_NOUNS
            and claim.dep_ == "pobj"
            and claim.head.lower_ == "against"
            and any(c.dep_ in ("acl", "ccomp", "relcl") for c in claim.children)
        )
    return head.lemma_.lower() in CLAIM_NOUNS and any(
        c.dep_ in ("acl", "ccomp", "relcl") and c.i > head.i for c in head.children
    )


def _claim_clause_misread(cue: Token, content: list[Token]) -> bool:
    """'pushed back against the defense's suggestion she changed her account': the parser may
    hang the claim's clause on the verb; a clause right after "against <claim>" is the
    claim's, not the subject's words."""
    if not content:
        return False
    for prep in cue.children:
        if prep.dep_ != "prep" or prep.lower_ != "against":
            continue
        for claim in prep.children:
            if (
                claim.dep_ == "pobj"
                and claim.lemma_.lower() in CLAIM_NOUNS
                and 0 < content[0].i - claim.right_edge.i <= 2
            ):
                return True
    return False


def in_rejected_claim(cue: Token) -> bool:
    """'dismissed the claims that Veloria asked to reopen talks' ('... made a request to'):
    a speech act told inside a claim someone turns down is the claim's, not a statement of
    its subject."""
    t = cue
    while t.dep_ in ("conj", "xcomp", "dobj") and t.head.i != t.i:
        t = t.head
    noun = t.head
    return (
        t.dep_ in ("acl", "relcl", "ccomp")
        and noun.lemma_.lower() in CLAIM_NOUNS
        and noun.head.lemma_.lower() in REJECTION_VERBS
    )


def _verdict(cue: Token, content: list[Token]) -> bool:
    """'A federal jury found Vasco guilty on all counts': a finding of a court, no one's
    statement ('found that X' still reports a finding in words)."""
    if cue.lemma_.lower() != "find":
        return False
    # the verdict word hangs on "found" itself, or on its object the parser made it modify;
    # "found that the firm was responsible" tells what a finding says
    return any(
        t.lower_ in VERDICT_WORDS
        and (
            (t.head.i == cue.i and t.dep_ in ("oprd", "ccomp", "xcomp", "acomp"))
            or (t.dep_ == "amod" and t.i > t.head.i and t.head.head.i == cue.i)
        )
        for t in content
    )
