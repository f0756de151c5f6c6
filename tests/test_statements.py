"""Statement boundaries on the real spaCy model: each real statement is one quote, with the
right extent, and words that are not a statement are no quote. Sentences written for the test."""

from __future__ import annotations

import pytest

from retrieval.quotes import extract, load_nlp
from retrieval.types import Extraction

INTRO = "Senator Maria Lopez and Governor Tom Haley met on Monday.\n\n"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def texts(ex: Extraction) -> list[str]:
    return [q.text for q in ex.quotes]


# (article, statements that must be extracted whole, texts that must not be a quote)
BOUNDARIES = [
    (  # a quoted predicate of a subject written outside the marks is part of the statement
        INTRO + "Lopez mocked the remark, saying anyone who complains about the weather "
        "\u201cis not having a good week.\u201d",
        ["anyone who complains about the weather \u201cis not having a good week.\u201d"],
        ["is not having a good week."],
    ),
]


@pytest.mark.parametrize(("article", "present", "absent"), BOUNDARIES)
def test_statement_boundaries(  # type: ignore[no-untyped-def]
    nlp, article: str, present: list[str], absent: list[str]
) -> None:
    got = texts(extract(article, nlp))
    for text in present:
        assert text in got, f"{text!r} not in {got}"
    for text in absent:
        assert text not in got, f"{text!r} should not be a quote: {got}"
