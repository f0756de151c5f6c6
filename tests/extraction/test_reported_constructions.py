"""Reported statements the parser splits or hangs oddly, on the real spaCy model: one row per
construction, sentences written for the test."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp
from tests.extraction.test_quotes import INTRO, find


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


# (article, the pieces of one statement, speaker)
INTERRUPTED = [
    (  # the attribution hangs on a fronted "though" clause, not on the main clause
        INTRO + "Though the old bridge held up well, she said, building a new one would cost "
        "far less and could open next spring.",
        [
            "Though the old bridge held up well",
            "building a new one would cost far less and could open next spring",
        ],
        "Maria Lopez",
    ),
    (  # the statement's subject left hanging before the attribution, its verb a conjunct
        INTRO + 'These teachers, Lopez explained earlier in the meeting, were "badly '
        'overworked," covering double shifts.',
        ["These teachers", 'were "badly overworked,"'],
        "Maria Lopez",
    ),
    (  # two subjects before the verb: the one after the comma speaks
        INTRO + "The new rules, the governor told reporters, are a burden on small shops.",
        ["The new rules", "are a burden on small shops"],
        "governor",
    ),
]


@pytest.mark.parametrize(("article", "pieces", "speaker"), INTERRUPTED)
def test_an_interrupted_statement_keeps_both_sides(  # type: ignore[no-untyped-def]
    nlp, article: str, pieces: list[str], speaker: str
) -> None:
    ex = extract(article, nlp)
    found = [find(ex, p) for p in pieces]
    assert len({q.group for q in found}) == 1
    assert all(speaker in (q.speaker or "") or speaker in (q.speaker_mention or "") for q in found)


@pytest.mark.parametrize(
    ("article", "text", "speaker", "cue"),
    [
        (  # a colon's verb introduces the quote; the participle after it adds a second point
            INTRO + 'Haley said: "We will fix every road in the county," adding that crews '
            "would start in the spring.",
            "We will fix every road in the county,",
            "Tom Haley",
            "said",
        ),
        (  # the same with words between the verb and the colon
            INTRO + 'Lopez told reporters on Friday: "The bridge will open in May," saying the '
            "long delay was finally over.",
            "The bridge will open in May,",
            "Maria Lopez",
            "told",
        ),
        (  # a verb in a relative clause before the colon introduces nothing
            INTRO + "The letter also noted the cost it said the new rules would have on renters "
            'across the county: "We cannot pay this and we will not move," the Harbor Tenants '
            "Union wrote.",
            "We cannot pay this and we will not move,",
            "Harbor Tenants Union",
            "wrote",
        ),
    ],
)
def test_a_quote_after_a_colon_takes_the_verb_before_it(  # type: ignore[no-untyped-def]
    nlp, article: str, text: str, speaker: str, cue: str
) -> None:
    q = find(extract(article, nlp), text)
    assert (q.speaker, q.kind, q.cue) == (speaker, "direct", cue)


@pytest.mark.parametrize(
    ("article", "text", "speaker", "cue"),
    [
        (  # the relative word is the object: the words chosen follow "as"
            INTRO + 'The fire was what Lopez described as "an act of malice."',
            '"an act of malice."',
            "Maria Lopez",
            "described",
        ),
        (  # the name given is the predicate after the verb
            INTRO + 'Haley dismissed the audit, which Lopez called "a pile of lies."',
            '"a pile of lies."',
            "Maria Lopez",
            "called",
        ),
        (  # the same without quote marks
            INTRO + "The tax is what Haley called a disaster for farmers.",
            "a disaster for farmers",
            "Tom Haley",
            "called",
        ),
    ],
)
def test_a_name_given_in_a_relative_clause(  # type: ignore[no-untyped-def]
    nlp, article: str, text: str, speaker: str, cue: str
) -> None:
    q = find(extract(article, nlp), text)
    assert (q.speaker, q.cue) == (speaker, cue)


def test_a_that_clause_the_parser_cut_in_two_is_one_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + "State auditors have also discovered that attempts to enter the payroll system "
        "were made by people with ties to a criminal gang."
    )
    q = find(
        extract(article, nlp),
        "attempts to enter the payroll system were made by people with ties to a criminal gang",
    )
    assert q.cue == "discovered"


def test_a_gerund_after_despite_shares_the_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + "Haley, despite admitting that the plan had serious flaws, said the state "
        "could not wait any longer."
    )
    q = find(extract(article, nlp), "the plan had serious flaws")
    assert (q.speaker, q.cue) == ("Tom Haley", "admitting")


@pytest.mark.parametrize(
    ("article", "text", "speaker"),
    [
        (  # a weekday the parser takes for the object is the time of the call
            INTRO + "Haley called Saturday for freezing the bus fares.",
            "freezing the bus fares",
            "Tom Haley",
        ),
        (  # a pronoun object with what the speaker called it
            INTRO + "Haley called it a common hazard of long races.",
            "it a common hazard of long races",
            "Tom Haley",
        ),
    ],
)
def test_what_a_call_says(nlp, article: str, text: str, speaker: str) -> None:  # type: ignore[no-untyped-def]
    q = find(extract(article, nlp), text)
    assert (q.speaker, q.cue) == (speaker, "called")


def test_a_remark_after_a_dash_is_not_what_was_promised(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + "On Thursday, however, Lopez spoke to a gathering of home builders, promising to "
        "cut permit fees and open more public land to building \u2015 probably not exactly what "
        "Haley had in mind."
    )
    q = find(extract(article, nlp), "to cut permit fees and open more public land to building")
    assert (q.speaker, q.cue) == ("Maria Lopez", "promising")


@pytest.mark.parametrize(
    ("article", "cue"),
    [
        (
            INTRO + 'After telling aides her back was "too stiff to sit through the vote," Lopez '
            "was driven home.",
            "telling",
        ),
        (
            INTRO + "Lopez was driven home after telling aides her back was too stiff to sit "
            "through the vote.",
            "telling",
        ),
    ],
)
def test_a_gerund_on_a_passive_is_the_passive_subjects(nlp, article: str, cue: str) -> None:  # type: ignore[no-untyped-def]
    ex = extract(article, nlp)
    q = [q for q in ex.quotes if q.text.startswith("her back was")]
    assert q and (q[0].speaker, q[0].cue) == ("Maria Lopez", cue)


@pytest.mark.parametrize(
    ("article", "text"),
    [
        (  # the one criticized for it said it
            INTRO + "Haley criticized Lopez for saying that the new tax would not hurt farmers.",
            "the new tax would not hurt farmers",
        ),
        (  # the one who apologized said it
            INTRO + "Lopez apologized on Tuesday for saying that the old mill workers were lazy.",
            "the old mill workers were lazy",
        ),
        (  # the one fined said it, not the league
            INTRO + "Lopez was fined by the league for saying that the referees had been bought.",
            "the referees had been bought",
        ),
    ],
)
def test_what_someone_said_for_saying_it(nlp, article: str, text: str) -> None:  # type: ignore[no-untyped-def]
    q = find(extract(article, nlp), text)
    assert (q.speaker, q.cue) == ("Maria Lopez", "saying")


@pytest.mark.parametrize(
    ("article", "text"),
    [
        (  # the one urged to apologize has no subject of his own here: no guess
            INTRO + "Haley urged Lopez to apologize for suggesting that the mayor took bribes.",
            "the mayor took bribes",
        ),
        (  # a deed given as the reason is no statement
            INTRO + "Lopez was investigated by the state for promoting fake cures for cancer.",
            "fake cures for cancer",
        ),
    ],
)
def test_for_doing_something_names_no_wrong_speaker(nlp, article: str, text: str) -> None:  # type: ignore[no-untyped-def]
    ex = extract(article, nlp)
    assert not [q for q in ex.quotes if q.text == text and q.speaker is not None]
