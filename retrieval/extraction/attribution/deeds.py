"""Cues that report no statement: what a cue verb says someone did, decided or asked, read
on the parse. Each test takes the cue and the content the attribution rules found for it.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from retrieval.extraction.attribution.disowned import disowned
from retrieval.language.deeds import (
    DEED_VERBS,
    FIGURE_NOUNS,
    FIGURE_VERBS,
    QUESTION_WORDS,
    SOURCE_NOUNS,
)
from retrieval.language.verbs import COGNITION_VERBS, SPEECH_VERBS

_LABEL = re.compile(r"^\s*\w+:\s*")

__all__ = ["no_statement"]


def no_statement(cue: Token, content: list[Token], by_object: bool) -> bool:
    """Whether `content` is not something the cue's subject said."""
    lemma = cue.lemma_.lower()
    return (
        _asked_within(cue, content)
        or _asked_of_you(cue)
        or (by_object and _accounts(lemma, content))
        or (by_object and _source_cited(lemma, content))
        or (by_object and lemma == "thank")
        or _background_deed(cue, lemma)
        or _medium_of_saying(cue)
        or disowned(cue, content)
    )


def _medium_of_saying(cue: Token) -> bool:
    """'"...," the author said according to the statement': an "according to" on a speech
    verb names where that saying was read, not a second source of the sentence."""
    verb = cue.head
    return (
        cue.lower_ == "according"
        and verb.pos_ == "VERB"
        and verb.lemma_.lower() in SPEECH_VERBS
        and verb.i < cue.i
        and all(t.is_punct or t.pos_ == "ADV" for t in cue.doc[verb.i + 1 : cue.i])
    )  # not "reports that X, according to Y": Y is the source of X


def _asked_within(cue: Token, content: list[Token]) -> bool:
    """'it is unclear what model the firm plans to unveil': a plan (not a speech
    verb: 'what she said was ...' reports) sits inside an indirect question, which the parser
    hangs on it; the question's word before the cue marks words nobody said."""
    first = content[0]
    return (
        first.i < cue.i < content[-1].i
        and first.lower_ in QUESTION_WORDS
        and cue.lemma_.lower() not in SPEECH_VERBS
    )


def _asked_of_you(cue: Token) -> bool:
    """'How would you describe the mood?': a question put to the reader or an interviewee
    reports nothing anyone said (unlike 'do you think ...?', which asks for a view)."""
    subj = [c for c in cue.children if c.dep_ == "nsubj"]
    if not subj or subj[0].lower_ != "you" or cue.lemma_.lower() in COGNITION_VERBS:
        return False  # checked first: building the sentence's text costs more
    words = _LABEL.sub("", cue.sent.text).split()  # "Q: How would you ...?"
    return bool(words) and words[0].lower() in QUESTION_WORDS and words[-1].endswith("?")


def _accounts(lemma: str, content: list[Token]) -> bool:
    """'reported a quarterly profit of $9 million', 'posted a loss': a company's published
    figures are its accounts, not a statement (a clause, 'reported that sales fell', is)."""
    if lemma not in FIGURE_VERBS:
        return False
    head = next((t for t in content if t.head.i not in {c.i for c in content}), content[0])
    return head.lemma_.lower() in FIGURE_NOUNS or any(
        t.ent_type_ in ("MONEY", "PERCENT") for t in content
    )


def _source_cited(lemma: str, content: list[Token]) -> bool:
    """'The paper, citing two officials, reported ...': the people cited
    are the source of the report, not what it says."""
    if lemma != "cite":
        return False
    head = next((t for t in content if t.head.i not in {c.i for c in content}), content[0])
    return head.lemma_.lower() in SOURCE_NOUNS or head.ent_type_ == "PERSON"


def _background_deed(cue: Token, lemma: str) -> bool:
    """'Marchers who had planned to walk the route said ...', 'the prosecutor, who had
    sought a longer sentence, told ...': a decision or aim told in a relative clause on
    someone whose statement the sentence reports is background to that statement."""
    who = cue.head
    return (
        lemma in DEED_VERBS
        and cue.dep_ == "relcl"
        and who.dep_ == "nsubj"
        and who.head.lemma_.lower() in SPEECH_VERBS
    )
