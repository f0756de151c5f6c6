"""Words a page scrape glued together are split for the parse, the text untouched."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp
from retrieval.extraction.glued import glued_split


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


@pytest.mark.parametrize(
    ("word", "cut"),
    [
        ("Gazettereported", 7),
        ("Gazettereport", 7),
        ("Heraldsays", 6),
        ("Newsletter", None),  # a real compound with no speech word in it
        ("Overstated", None),  # a prefix, not a glued name
        ("Gainsay", None),  # a bare stem is never split off
        ("Reported", None),
    ],
)
def test_glued_split(word: str, cut: int | None) -> None:
    assert glued_split(word) == cut


def test_a_glued_speech_verb_still_reports_and_names_its_outlet(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "The harbor board is in talks to sell the old ferry landing to a developer, the Harbor "
        "Gazettereported on Monday.\n\nThe newspaper said the sale could close in May."
    )
    ex = extract(article, nlp)
    got = [(q.text, q.speaker) for q in ex.quotes]
    assert (
        "The harbor board is in talks to sell the old ferry landing to a developer",
        "Harbor Gazette",
    ) in got, got
    assert ("the sale could close in May", "Harbor Gazette") in got, got
    assert all(q.text == article[q.start : q.end] for q in ex.quotes)
