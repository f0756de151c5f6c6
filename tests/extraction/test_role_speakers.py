"""Speakers written as a role or a kind of organisation get the name the article gives them,
and the role stays a role. On the real spaCy model; sentences written for the test (invented
names)."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp
from retrieval.types import Extraction


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def said(ex: Extraction, words: str) -> tuple[str | None, str | None]:
    """(speaker, mention) of the quote holding `words`."""
    q = next(q for q in ex.quotes if words in q.text)
    return q.speaker, q.speaker_mention


def roles(ex: Extraction, name: str) -> list[str]:
    return next(s.roles for s in ex.speakers if s.name == name)


@pytest.mark.parametrize(
    ("article", "words", "speaker"),
    [
        (  # a nurses' association is the union a later "the union" means
            "Nurses at Lakeview Hospital will strike on Monday, the Harbor Nurses Association "
            "said. Pickets will start at dawn, the union said.",
            "Pickets will start at dawn",
            "Harbor Nurses Association",
        ),
        (  # a news service is the outlet a later "the news outlet" means
            "A report from Harbor Wire News said the ferry line was for sale. The news outlet "
            "noted that two bidders had come forward.",
            "two bidders had come forward",
            "Harbor Wire News",
        ),
        (  # "the premier" is the prime minister
            "President Ana Ruiz met prime minister Tom Haley on Monday. The premier said the "
            "budget would pass by June.",
            "the budget would pass by June",
            "Tom Haley",
        ),
        (  # an epithet no one was given is the person just named
            '"I saw the gap and ran," said Ford, who also caught two passes.\n\n'
            "Coach Tim Harper said the team was ready.\n\n"
            "Ford credited the defense for the win.\n\n"
            '"It was a huge stop," the junior said.',
            "It was a huge stop",
            "Ford",
        ),
        (  # a role with a place the holder was never given is someone else
            "President Tom Haley spoke on Monday. The president of Freedonia said the talks "
            "had failed.",
            "the talks had failed",
            "president of Freedonia",
        ),
        (  # ... and the holder when the place was given with the name
            "President Tom Haley of Freedonia spoke on Monday. Later the president of "
            "Freedonia said the talks had failed.",
            "the talks had failed",
            "Tom Haley",
        ),
    ],
)
def test_a_role_speaker_is_the_one_the_article_names(
    nlp, article: str, words: str, speaker: str
) -> None:  # type: ignore[no-untyped-def]
    assert said(extract(article, nlp), words)[0] == speaker


def test_an_epithet_becomes_the_persons_role(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(
        "Dev Patel credited the defense for the win.\n\n"
        '"It was a huge stop," the junior said. "We knew it."',
        nlp,
    )
    assert "junior" in roles(ex, "Dev Patel")


def test_a_title_the_tagger_reads_as_a_name_is_a_role(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract('"We will reopen the wing soon," hospital CEO Dana Park said.', nlp)
    assert roles(ex, "Dana Park") == ["hospital CEO"]


def test_a_transcript_label_gives_the_job_after_the_name(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(
        "DANA PARK, HARBOR TV ANCHOR: Good morning. Our guest is the mayor.\n\n"
        "TOM HALEY (D), OHIO: Thank you for having me.\n\n"
        "PARK: Let us start with the budget.\n",
        nlp,
    )
    park = next(s for s in ex.speakers if s.name.lower() == "dana park")
    haley = next(s for s in ex.speakers if s.name.lower() == "tom haley")
    assert park.roles == ["harbor TV anchor"]
    assert haley.roles == []
