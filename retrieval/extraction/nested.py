"""Quotes inside quotes: in '"I phoned her and she said, 'I packed my sticks already.'"' the
inner words are the reported person's, not the quoted speaker's own."""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.extraction.attribution.content import cue_subject
from retrieval.language.verbs import COGNITION_VERBS, SPEECH_VERBS
from retrieval.speakers.book import SpeakerBook

PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}


def inner_cue(tokens: list[Token], start: int) -> Token | None:
    """The speech verb that introduces an inner quote starting at offset `start`: a finite
    one ('He said, ...', 'she told me is, ...'), with a subject, at most a few words before
    the mark in its sentence (not 'thought him saying ...', 'make her defend ...')."""
    before = [t for t in tokens if t.idx < start and t.sent == _sent_at(tokens, start)]
    for t in reversed(before[-5:]):
        if (
            t.pos_ == "VERB"
            and t.tag_ in ("VBD", "VBZ", "VBP")
            and t.lemma_.lower() in SPEECH_VERBS - COGNITION_VERBS
            and any(c.dep_ == "nsubj" for c in t.children)
        ):
            return t
    return None


def _sent_at(tokens: list[Token], start: int) -> object:
    after = [t for t in tokens if t.idx >= start]
    return after[0].sent if after else None


def reported_voice(cue: Token, book: SpeakerBook, outer: str | None, before: int) -> int | None:
    """Who speaks through a cue inside someone's quote: a name the book knows, or 'he'/'she'
    as the person last mentioned before the quote who is not the quoted speaker ('I' and
    'we' are the quoted speaker, whose words these already are)."""
    subj = cue_subject(cue)
    if subj is None:
        return None
    gender = PRONOUN_GENDER.get(subj.lower_)
    if gender is None:
        if subj.pos_ != "PROPN":
            return None
        idx = book.surname(subj.text)
        return idx if idx is not None and book.entities[idx].name != outer else None
    for m in reversed(book.mentions):
        e = book.entities[m.entity]
        if m.token >= before or e.kind != "person" or e.name == outer:
            continue
        return m.entity if e.gender in (None, gender) else None
    return None
