"""Hard-wrapped text: line breaks at a fixed width are no sentence or name boundaries."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp
from retrieval.extraction.wraps import unwrap

WRAPPED = (
    "The harbor board met for six hours on Tuesday and voted to close the\n"
    "old ferry landing at the end of the summer season, ending a dispute\n"
    "that had divided the waterfront for most of the last three years.\n"
    "Speaking to reporters after the vote, board treasurer Marisol\n"
    "Quintero said the landing had cost the county far more than it\n"
    "earned in fares and would need a new pier within a decade.\n"
    "Residents who had fought the closure said they would take the\n"
    "board to court before the landing closes in the fall.\n"
)


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def test_unwrap_keeps_length_and_paragraph_ends() -> None:
    flat = unwrap(WRAPPED)
    assert len(flat) == len(WRAPPED)
    assert "Marisol Quintero" in flat
    assert "years.\nSpeaking" in flat  # a line that ends a sentence keeps its break


def test_unwrap_leaves_a_text_of_paragraphs_alone() -> None:
    text = "A headline\n\n" + "Each line is a paragraph that ends its sentence, at one width.\n" * 8
    assert unwrap(text) is text


def test_a_statement_and_a_name_broken_across_lines_are_whole(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(WRAPPED, nlp)
    said = [q for q in ex.quotes if q.text.startswith("the landing")]
    assert said, [q.text for q in ex.quotes]
    q = said[0]
    assert q.speaker == "Marisol Quintero"
    assert q.text == WRAPPED[q.start : q.end] and "\n" in q.text  # verbatim, breaks kept
    assert q.text.endswith("within a decade")
