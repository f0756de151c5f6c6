"""Records as sources (attribution.evidence): what a poll, a study, documents or a video
report, on the real spaCy model. Sentences written for the test."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from retrieval.extraction.attribution.content import content_tokens, object_content
from retrieval.extraction.extractor import extract, load_nlp
from tests.extraction.test_quotes import INTRO, find


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


# (article, the finding, a word of its source)
FINDINGS = [
    (  # a record's object is its finding
        INTRO + "The county survey indicates a widening gap between the two districts.",
        "a widening gap between the two districts",
        "survey",
    ),
    (  # with what the record says of the object
        INTRO + "The statewide average shows the senator narrowly ahead by 2.5 percentage points.",
        "the senator narrowly ahead by 2.5 percentage points",
        "average",
    ),
    (  # a participle after the object describes it, not a clause of its own
        INTRO + "A 2019 study by a state auditor found 14 errors in more than a million "
        "forms filed.",
        "14 errors in more than a million forms filed",
        "study",
    ),
    (  # a time clause of the finding stays with it
        INTRO + "Footage of the stop shows him with his arms raised in the seconds before "
        "he was tackled.",
        "him with his arms raised in the seconds before he was tackled",
        "Footage",
    ),
    (  # an absolute phrase after a comma is the writer's addition
        INTRO + "Recent surveys show the governor with a slim lead, with one tracker "
        "putting him ahead by four.",
        "the governor with a slim lead",
        "surveys",
    ),
    (  # a poll's frame opening the clause
        INTRO + "In this poll, the senator gained two points since the forum while the "
        "governor lost one.",
        "the senator gained two points since the forum while the governor lost one",
        "poll",
    ),
    (  # a poll's frame closing it; the fronted phrase is the writer's
        INTRO + "Despite a strong debate, the governor saw no gain in one of the first "
        "surveys to come out.",
        "the governor saw no gain",
        "surveys",
    ),
    (  # a headline led by a record
        "Poll: Harbor voters split on the ferry levy\n\nThe levy goes to a vote in May.",
        "Harbor voters split on the ferry levy",
        "Poll",
    ),
]


@pytest.mark.parametrize(("article", "text", "source"), FINDINGS)
def test_what_a_record_finds_is_its_statement(nlp, article: str, text: str, source: str) -> None:  # type: ignore[no-untyped-def]
    q = find(extract(article, nlp), text)
    assert source.lower() in f"{q.speaker} {q.speaker_mention}".lower()


@pytest.mark.parametrize(
    "article",
    [
        # a person who finds something reports no finding through the object
        INTRO + "Haley found a quiet table at the back of the diner.",
        # a record that goes somewhere finds nothing
        INTRO + "The audit found its way to the governor's desk by Friday.",
        # a frame that is no poll
        INTRO + "In the second half, the home side scored three goals in ten minutes.",
        # a poll frame on a statement: the respondents speak, not the poll
        INTRO + "In the poll, most residents said they wanted the ferry back.",
        # a headline led by some other word, and a record's sentence that is no headline
        "Harbor: Voters split on the ferry levy\n\nThe levy goes to a vote in May.",
        "Report: the ferry ran late. Voters were angry. The levy failed.\n\nMore soon.",
    ],
)
def test_no_finding_without_a_record(nlp, article: str) -> None:  # type: ignore[no-untyped-def]
    ex = extract(article, nlp)
    assert not [q for q in ex.quotes if q.cue in ("showed", "found", "poll", "Harbor", "Report")]


def test_a_participle_after_the_object_is_no_reported_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    """The parse the model gives some "found N cases ... among X cast" sentences: the
    participle hung on "found" as a clause. It describes the object, which is the finding."""
    words = ["The", "study", "found", "nine", "cases", "among", "ballots", "cast", "."]
    doc = Doc(
        nlp.vocab,
        words=words,
        tags=["DT", "NN", "VBD", "CD", "NNS", "IN", "NNS", "VBN", "."],
        pos=["DET", "NOUN", "VERB", "NUM", "NOUN", "ADP", "NOUN", "VERB", "PUNCT"],
        deps=["det", "nsubj", "ROOT", "nummod", "dobj", "prep", "pobj", "ccomp", "punct"],
        heads=[1, 2, 2, 4, 2, 4, 5, 2, 2],
        lemmas=["the", "study", "find", "nine", "case", "among", "ballot", "cast", "."],
    )
    found = doc[2]
    assert content_tokens(found) == []
    assert [t.text for t in object_content(found)] == words[3:8]
