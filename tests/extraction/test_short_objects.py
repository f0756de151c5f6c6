"""Two-word objects of a speech verb are statements; other short objects are not (real
spaCy model, sentences written for the test)."""

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
            INTRO + "Lopez denounced the annexation on Tuesday.",
            "the annexation",
            "Maria Lopez",
            "denounced",
        ),
        (INTRO + "Haley promised a veto within hours.", "a veto", "Tom Haley", "promised"),
        (
            INTRO + "The council met late, with Lopez lambasting Haley's budget.",
            "Haley's budget",
            "Maria Lopez",
            "lambasting",
        ),
    ],
)
def test_a_speech_verbs_two_word_object_is_a_statement(  # type: ignore[no-untyped-def]
    nlp, article: str, text: str, speaker: str, cue: str
) -> None:
    q = find(extract(article, nlp), text)
    assert q.speaker == speaker and q.cue == cue and q.kind == "indirect"


@pytest.mark.parametrize(
    ("article", "text"),
    [
        (  # a verb of hearing or knowing: "the appeal was heard by" a judge
            INTRO + "The appeal was heard by Judge Ana Ruiz.",
            "The appeal",
        ),
        (INTRO + "Haley released the returns on Friday.", "the returns"),  # a deed
        (  # a purpose, not a statement of the marchers'
            INTRO + "Hundreds of nurses marched downtown to protest staff cuts.",
            "staff cuts",
        ),
        (  # nobody known says it
            INTRO + "One of the patients, who asked not to be named, wrote about his illness.",
            "his illness",
        ),
        (INTRO + "Lopez denounced it.", "it"),  # one word says nothing
    ],
)
def test_other_short_objects_are_no_statement(  # type: ignore[no-untyped-def]
    nlp, article: str, text: str
) -> None:
    ex = extract(article, nlp)
    assert not any(q.text == text for q in ex.quotes), [q.text for q in ex.quotes]
