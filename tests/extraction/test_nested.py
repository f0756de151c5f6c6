"""Quotes inside quotes (extraction.nested): words a quoted speaker quotes from someone else
are that person's. On the real spaCy model; sentences written for the test (invented names)."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


ARTICLE = (
    "Drummer Dana Park joined the band in 1999. Singer Tom Haley said he had wanted her from "
    "the start.\n\n"
    '"I phoned her and asked, \u2018Will you join us?\u2019 She said, \u2018I packed my sticks '
    'already.\u2019 That was it," Haley said.'
)


def test_a_quote_inside_a_quote_is_the_reported_persons(nlp) -> None:  # type: ignore[no-untyped-def]
    got = {(q.text, q.speaker) for q in extract(ARTICLE, nlp).quotes}
    assert ("I packed my sticks already.", "Dana Park") in got, got


def test_the_quoted_speakers_own_words_inside_stay_theirs(nlp) -> None:  # type: ignore[no-untyped-def]
    """'I asked, 'Will you join us?'' is the quoted speaker's own: no second quote."""
    got = [q for q in extract(ARTICLE, nlp).quotes if q.text.startswith("Will you join")]
    assert got == [], [(q.text, q.speaker) for q in got]


def test_a_quote_inside_a_hypothetical_is_nobodys_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    """'they thought Park saying, 'Go vote' would do it': nobody said it."""
    article = (
        "Drummer Dana Park toured the state in May.\n\n"
        '"They thought Park saying, \u2018Go vote for the levy\u2019 would do it. It did not," '
        "Tom Haley said."
    )
    got = [q.text for q in extract(article, nlp).quotes]
    assert not any(t.startswith("Go vote") for t in got), got
