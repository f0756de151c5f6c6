"""Pieces of one statement the attribution splits: a short quoted sentence after a quote and
its attribution, a clause before a cue whose quote follows a colon. On the real spaCy model;
sentences written for the test (invented names)."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def test_a_short_quoted_sentence_after_the_attribution_goes_on(nlp) -> None:  # type: ignore[no-untyped-def]
    """'"Tickets go on sale soon," the coach wrote. "Saturday, June 6."': too short for a
    clause, still the coach's."""
    article = (
        "\u201cTickets go on sale next week,\u201d coach Dana Park wrote on the club site "
        "Monday (May 4). \u201cSaturday, June 6.\u201d"
    )
    got = [(q.text, q.speaker, q.group) for q in extract(article, nlp).quotes]
    assert got == [
        ("Tickets go on sale next week,", "Dana Park", got[0][2]),
        ("Saturday, June 6.", "Dana Park", got[0][2]),
    ], got


def test_a_short_quoted_title_is_no_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    article = "The film opens Friday, Dana Park said. \u201cNobody Wins\u201d is its title."
    got = [q.text for q in extract(article, nlp).quotes]
    assert got == ["The film opens Friday"], got


def test_a_clause_before_a_cue_and_its_colon_quote_are_one_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    """'The pier is key, she said: "We cannot wait."': two pieces, one statement."""
    article = (
        "Harbor master Ana Ruiz toured the pier on Monday.\n\n"
        'Fixing the pier comes first, she said: "We cannot wait another winter for repairs."'
    )
    got = [(q.text, q.speaker, q.group) for q in extract(article, nlp).quotes]
    assert [(t, s) for t, s, _ in got] == [
        ("Fixing the pier comes first", "Ana Ruiz"),
        ("We cannot wait another winter for repairs.", "Ana Ruiz"),
    ], got
    assert got[0][2] == got[1][2]


def test_a_title_abbreviation_ends_no_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    """'"...," Ald. Park said. "..."': the tokenizer splits "Ald." and the sentence break
    after its full stop would leave both quotes without their cue."""
    article = (
        "Ald. Dana Park has served the ward for ten years.\n\n"
        '"She never missed a council vote," Ald. Park said. "Not once in ten years."'
    )
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes]
    assert got == [
        ("She never missed a council vote,", "Dana Park"),
        ("Not once in ten years.", "Dana Park"),
    ], got
