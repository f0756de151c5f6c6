"""An organisation the tagger took for a person is no antecedent of "he" or "she"."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def _speaker(nlp, article: str, words: str) -> str | None:  # type: ignore[no-untyped-def]
    hits = [q for q in extract(article, nlp).quotes if words in q.text]
    assert hits, words
    return hits[0].speaker


def test_a_name_ending_in_an_organisation_word_is_not_he(nlp) -> None:  # type: ignore[no-untyped-def]
    # A guard: the pronoun rules on main already pass this one (no rule of its own here).
    article = (
        "Ron Tiller has led the volunteers for years. Maple Hollow Fire District sent four "
        'engines to the barn.\n\n"The roof went first," he said.'
    )
    assert _speaker(nlp, article, "The roof went first") == "Ron Tiller"


def test_a_name_that_sells_its_things_is_not_she(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "Nadia Perel runs the lab. Quorvex hired her in May. Quorvex sells its sensors in "
        'Asia.\n\n"We will grow," she said.'
    )
    assert _speaker(nlp, article, "We will grow") != "Quorvex"
