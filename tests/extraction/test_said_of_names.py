"""What a cue says of a name is a statement, though the object alone would be only a name:
"accused Ruiz of being a plant", "likened the league to the old union". Real spaCy model,
sentences written for the test."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp
from tests.extraction.test_quotes import INTRO


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


# (article, statement, speaker, cue)
SAID_OF = [
    (
        INTRO + "Angry about the ruling, Lopez accused Haley of being a Democrat, though "
        "records show otherwise.",
        "Haley of being a Democrat",
        "Maria Lopez",
        "accused",
    ),
    (
        INTRO + "A fierce critic of the merger, Haley likened Norvex to the Harbor Trust in an "
        "interview last week.",
        "Norvex to the Harbor Trust",
        "Tom Haley",
        "likened",
    ),
    (
        INTRO + "Lopez has used the phrase often, and criticized Haley for not doing so.",
        "Haley for not doing so",
        "Maria Lopez",
        "criticized",
    ),
    (  # "rated" read as the lemma "rat"
        INTRO + "The watchdog site rated 40% of the mayor's claims as false, compared to 9% "
        "of his rival's.",
        "40% of the mayor's claims as false",
        "watchdog site",
        "rated",
    ),
]


@pytest.mark.parametrize(("article", "text", "speaker", "cue"), SAID_OF)
def test_what_is_said_of_a_name_is_a_statement(  # type: ignore[no-untyped-def]
    nlp, article: str, text: str, speaker: str, cue: str
) -> None:
    got = {(q.text, q.cue) for q in extract(article, nlp).quotes}
    assert (text, cue) in got, got
    q = next(q for q in extract(article, nlp).quotes if q.text == text)
    assert speaker in (q.speaker or "")


@pytest.mark.parametrize(
    "article",
    [
        INTRO + "Lopez praised Haley for hours.",  # a time, not what was said of him
        INTRO + "Haley thanked Lopez for backing the bill.",  # thanks are no statement
    ],
)
def test_a_name_alone_is_no_statement(nlp, article: str) -> None:  # type: ignore[no-untyped-def]
    assert not [q for q in extract(article, nlp).quotes if q.cue in ("praised", "thanked")]
