"""An "as X noted" aside with its medium or manner still attributes the clause it hangs on
(real spaCy model, sentences written for the test)."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp
from tests.extraction.test_quotes import INTRO, find


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


@pytest.mark.parametrize(
    ("article", "text", "speaker", "cue"),
    [
        (
            INTRO + "As Lopez noted with a smile, the bridge is finally open to traffic.",
            "the bridge is finally open to traffic",
            "Maria Lopez",
            "noted",
        ),
        (
            INTRO + "As Haley pointed out in a memo, the county has no money for repairs.",
            "the county has no money for repairs",
            "Tom Haley",
            "pointed",
        ),
    ],
)
def test_an_as_aside_with_its_manner_attributes_the_clause(  # type: ignore[no-untyped-def]
    nlp, article: str, text: str, speaker: str, cue: str
) -> None:
    q = find(extract(article, nlp), text)
    assert (q.speaker, q.cue, q.kind) == (speaker, cue, "indirect")
