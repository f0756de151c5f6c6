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
            "The Harbor Nurses Association said its members would walk out on Monday. Pickets "
            "will start at dawn, the union said.",
            "Pickets will start at dawn",
            "Harbor Nurses Association",
        ),
        (  # a news service is the outlet a later "the news outlet" means
            "Harbor Wire News said the ferry line was for sale. The news outlet added that two "
            "bidders had come forward.",
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
            '"We kept the ball moving," said Dev Patel, who also scored twice.\n\n'
            "Coach Tim Harper said the team was ready.\n\n"
            "Patel thanked the linemen after the game.\n\n"
            '"We earned every yard," the junior said.',
            "We earned every yard",
            "Dev Patel",
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


def test_an_epithet_is_nobody_with_another_role(nlp) -> None:  # type: ignore[no-untyped-def]
    """'Coach X said ... "...," the junior said': the coach is no junior."""
    ex = extract(
        'Coach Tim Harper said the team was ready.\n\n"We earned every yard," the junior said.',
        nlp,
    )
    assert said(ex, "We earned every yard")[0] != "Tim Harper"


def test_an_epithet_becomes_the_persons_role(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(
        "Dev Patel thanked the linemen after the game.\n\n"
        '"We earned every yard," the junior said. "We knew it."',
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


def test_a_passive_subject_speaks_through_a_joined_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(
        "Tom Evans was kept away from the farm but said he lost photos from his wedding.",
        nlp,
    )
    assert said(ex, "he lost photos") == ("Tom Evans", "Tom Evans")


def test_you_in_an_interview_turn_is_the_one_who_answers(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "DANA PARK: Your memoir is a sad book. Early on, you say you never stopped doubting "
        "the decision. Why?\n\n"
        "TOM HALEY: Because anyone in that job looks back.\n\n"
        "PARK: So, you say that the plan -- you know, the one from the spring -- failed?\n\n"
        "HALEY: Yes.\n"
    )
    ex = extract(article, nlp)
    reported = [(q.text, q.speaker) for q in ex.quotes if q.kind != "direct"]
    assert reported == [("you never stopped doubting the decision", "Tom Haley")], reported


def test_a_name_known_only_from_capital_labels_is_written_as_a_name(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "Guests: Rep. Ian McDowell and a reporter.\n\n"
        "DANA O'NEIL, HARBOR TV HOST: Welcome back.\n\n"
        "IAN MCDOWELL: Thank you for having me.\n\n"
        "O'NEIL: Let us start with the budget.\n"
    )
    names = {s.name for s in extract(article, nlp).speakers if s.quoted}
    assert names == {"Dana O'Neil", "Ian McDowell"}, names


def test_a_verb_hung_loosely_on_the_one_before_keeps_its_subject(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(
        "After the club hired Dana Park as its coach, she sent a message from her phone, then "
        'deleted it and insisted her phone had been "stolen."',
        nlp,
    )
    assert said(ex, "her phone had been")[0] == "Dana Park"


@pytest.mark.parametrize("occasion", ["during the sentencing hearing", "after the verdict"])
def test_when_someone_spoke_is_no_part_of_who_they_are(nlp, occasion: str) -> None:  # type: ignore[no-untyped-def]
    ex = extract(
        "Dorian Vasco was sentenced to life in prison on Monday.\n\n"
        '"You took everything from us and you smiled in court," said the grieving father '
        f"{occasion}.",
        nlp,
    )
    assert said(ex, "smiled in court") == ("grieving father", "the grieving father")


@pytest.mark.parametrize(
    ("signed", "speaker"),
    [
        ("said Prosecutor Dana Whitlock in court Thursday", "Dana Whitlock"),
        ("said Leo Park's Grandmother Ines Varga", "Ines Varga"),
        ("said Painter Oona Brisk", "Oona Brisk"),
        ("said Selectman Cindy Marr", "Cindy Marr"),
    ],
)
def test_a_job_or_kin_written_in_capitals_before_a_name_is_no_part_of_it(  # type: ignore[no-untyped-def]
    nlp, signed: str, speaker: str
) -> None:
    ex = extract(f'"He never gave up on his family," {signed}.', nlp)
    assert said(ex, "never gave up")[0] == speaker


def test_a_body_named_in_a_title_ends_at_its_noun(nlp) -> None:  # type: ignore[no-untyped-def]
    """'the fire department' after 'Marlow Fire Department Battalion Chief Ida Kern' is the
    Marlow Fire Department, also when the tagger runs the rank into the organisation's
    name (set here as it does on some real pages)."""
    from spacy.tokens import Span

    from retrieval.extraction.extractor import extract_doc

    doc = nlp(
        'The heat kept crews outside. It was "far too hot to go in," said Marlow Fire '
        "Department Battalion Chief Ida Kern.\n\n"
        "The fire department said the family was away from home."
    )
    at = next(t.i for t in doc if t.text == "Marlow")
    doc.ents = [Span(doc, at, at + 4, "ORG"), Span(doc, at + 5, at + 7, "PERSON")]
    ex = extract_doc(doc)
    assert said(ex, "the family was away")[0] == "Marlow Fire Department"
