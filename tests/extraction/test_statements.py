"""Statement boundaries on the real spaCy model: each real statement is one quote, with the
right extent, and words that are not a statement are no quote. Sentences written for the test."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp
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
        INTRO + "Lopez mocked the excuse, saying any coach who blames the referees "
        "\u201cis not watching his own bench.\u201d",
        ["any coach who blames the referees \u201cis not watching his own bench.\u201d"],
        ["is not watching his own bench."],
    ),
    (  # a thing 'suggests' inside someone's statement: part of that statement, no second one
        INTRO + "Haley told the club that the slogan suggests a company has to look beyond its "
        "own staff to find ideas.",
        ["the slogan suggests a company has to look beyond its own staff to find ideas"],
        ["a company has to look beyond its own staff to find ideas"],
    ),
    (  # a person's statement inside another's stays, without the other's attribution
        INTRO + "Haley has said he has no plans to sell the ferry line, according to aides "
        "to Lopez.",
        [
            "Haley has said he has no plans to sell the ferry line",
            "he has no plans to sell the ferry line",
        ],
        ["he has no plans to sell the ferry line, according to aides to Lopez"],
    ),
    (  # 'according to' a source: its sentence keeps the quote it reports, whole
        INTRO + "According to the Daily Planet, Haley said on Friday that if the bill passed, "
        "\u201cthe state would sue.\u201d",
        [
            "Haley said on Friday that if the bill passed, \u201cthe state would sue.\u201d",
            "the state would sue.",
        ],
        ["Haley said on Friday that if the bill passed"],
    ),
    (  # no sentence break inside 'the 13th Precinct'; the trailing 'she said' restates the
        # attribution and adds no second statement; the next quote goes on with hers
        INTRO + "Lopez said she thought the 13th Precinct deserved a new station house because "
        "\u201cmost officers there still work out of trailers,\u201d she said. \u201cNobody can "
        "guard a city from a parking lot.\u201d\n\nHaley said nothing.",
        [
            "she thought the 13th Precinct deserved a new station house because \u201cmost "
            "officers there still work out of trailers,\u201d",
            "Nobody can guard a city from a parking lot.",
        ],
        [
            "she thought the 13th",
            "Lopez said she thought the 13th Precinct deserved a new station house because "
            "\u201cmost officers there still work out of trailers,\u201d",
        ],
    ),
    (  # a show title inside a statement does not end it (only a trailing 'on "Title"' does)
        INTRO + "As a host on \u201cMorning Patrol,\u201d Haley often mocked his guests, "
        "according to former staff members.",
        ["As a host on \u201cMorning Patrol,\u201d Haley often mocked his guests"],
        ["As a host"],
    ),
    (  # a bracket the statement does not close is the writer's aside, not part of it
        INTRO + "Farmers want more water, and city planners want rules that leave less water for "
        "crops in the dry months (they want fewer new wells and suggest that such limits would "
        "protect the aquifer and ultimately help the farms).",
        ["they want fewer new wells"],
        ["(they want fewer new wells"],
    ),
    (  # ', arguing X' after a statement is the speaker's second report, not part of the first
        INTRO + "Lopez told reporters she believes the state must raise the gas tax to fix its "
        "roads, arguing that the current fund is empty.",
        [
            "she believes the state must raise the gas tax to fix its roads",
            "the current fund is empty",
        ],
        [
            "she believes the state must raise the gas tax to fix its roads, arguing that the "
            "current fund is empty"
        ],
    ),
]


def test_a_quote_attributed_by_according_to_is_one_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(INTRO + "\u201cWe will win this race,\u201d according to Lopez.", nlp)
    assert [(q.text, q.kind, q.speaker) for q in ex.quotes] == [
        ("We will win this race,", "direct", "Maria Lopez")
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


def test_transcript_turns_opened_by_quote_marks_are_one_quote_each(nlp) -> None:  # type: ignore[no-untyped-def]
    """Each paragraph of a quoted transcript opens with a mark; the marks pair across turns,
    but every turn is still one statement by the speaker its label names."""
    article = (
        "Partial transcript as follows:\n\n"
        '"SMITH: Will you run for governor again next year?\n\n'
        '"JONES: I will not run again. My family comes first, and I have said so for months.\n\n'
        '"SMITH: Is that decision final?\n\n'
        '"JONES: It is final. I am done with campaigns.'
    )
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes]
    assert got == [
        ("Will you run for governor again next year?", "SMITH"),
        ("I will not run again. My family comes first, and I have said so for months.", "JONES"),
        ("Is that decision final?", "SMITH"),
        ("It is final. I am done with campaigns.", "JONES"),
    ]


@pytest.mark.parametrize(
    ("headline", "kept"),
    [
        ("Rovers agree to stay in Port Ellis through 2050 under new arena deal", False),
        ("Rovers plan to leave Port Ellis after the 2030 season", False),
        ("Mayor Ines Calloway vows to fight the arena deal in court", True),
    ],
)
def test_a_headline_deed_is_no_statement_but_a_vow_is(  # type: ignore[no-untyped-def]
    nlp, headline: str, kept: bool
) -> None:
    """A headline's 'agree to stay' says what someone does; 'vows to fight' is said."""
    article = headline + "\n\nThe Rovers will remain in the city, the club said on Friday."
    got = [q.text for q in extract(article, nlp).quotes if q.start < len(headline)]
    assert bool(got) == kept, got


def test_doubled_apostrophe_quotes_after_a_full_stop_are_direct(nlp) -> None:  # type: ignore[no-untyped-def]
    """Some papers quote with doubled apostrophes; a quote opening after a full stop starts a
    sentence, so it is a direct quote, and never twice."""
    article = (
        INTRO + "''The ferry schedule has gotten much worse,'' said Haley, a trustee of the "
        "harbor board. ''We should file as many complaints with the port as we can,'' Ms. Lopez "
        "said."
    )
    got = [(q.text, q.kind, q.speaker) for q in extract(article, nlp).quotes]
    assert got == [
        ("The ferry schedule has gotten much worse,", "direct", "Tom Haley"),
        ("We should file as many complaints with the port as we can,", "direct", "Maria Lopez"),
    ]


def test_a_quoted_fragment_after_a_comma_goes_on_with_the_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    """'X is "bold," she wrote in a letter to Y, and "short on Z."': the second fragment is
    more of what she wrote, with its marks, not the letter's addressee."""
    article = (
        INTRO + "The plan is \u201cbold as brass,\u201d Lopez wrote in a letter to the harbor "
        "board, and \u201cshort on cash.\u201d"
    )
    ex = extract(article, nlp)
    got = [q.text for q in ex.quotes]
    assert "\u201cshort on cash.\u201d" in got, got
    assert not any("letter" in t for t in got), got
    assert len({q.group for q in ex.quotes}) == 1


def test_a_reported_verb_that_only_introduces_a_quote_joins_it(nlp) -> None:  # type: ignore[no-untyped-def]
    """'Lopez said she recalled thinking, "..."' is one statement, not 'she recalled thinking'
    on its own beside the quote."""
    article = INTRO + 'Lopez said she recalled thinking, "Nobody in this room can see me at all."'
    ex = extract(article, nlp)
    assert {q.text for q in ex.quotes} == {
        "she recalled thinking",
        "Nobody in this room can see me at all.",
    }
    assert len({q.group for q in ex.quotes}) == 1
    assert {q.speaker for q in ex.quotes} == {"Maria Lopez"}


def test_a_thought_running_past_the_statement_that_reports_it_is_merged(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + "Haley said he suspected the fire was started on purpose \u2014 something a "
        "neighbor also told a reporter before the crews arrived."
    )
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes]
    assert got == [
        (
            "he suspected the fire was started on purpose \u2014 something a neighbor also told "
            "a reporter before the crews arrived",
            "Tom Haley",
        )
    ]


def test_another_speaker_set_against_a_statement_is_not_part_of_it(nlp) -> None:  # type: ignore[no-untyped-def]
    """'X said A, while critics say B': B is the critics' statement, not more of X's."""
    article = "The mayor said the budget is balanced, while critics say it hides a deficit."
    got = [(q.speaker, q.text) for q in extract(article, nlp).quotes]
    assert ("mayor", "the budget is balanced") in got, got
    assert ("critics", "it hides a deficit") in got, got


def test_a_document_that_reads_speaks_for_the_author_its_clause_names(nlp) -> None:  # type: ignore[no-untyped-def]
    """'a letter was posted in which X claimed to ...' then '"...," the letter read': the
    parser may take "read" for a noun; the words are the letter's author's, and "claimed to"
    reports a statement."""
    article = (
        "The mill closed on Monday.\n\nLater a letter was posted in which the strikers claimed "
        'to have shut the mill for good.\n\n"We will not go back until the pay is fair," the '
        'letter read. "We have waited long enough."'
    )
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes]
    assert ("to have shut the mill for good", "strikers") in got, got
    assert ("We will not go back until the pay is fair,", "strikers") in got, got
    assert ("We have waited long enough.", "strikers") in got, got


def test_a_colon_lead_in_with_a_relative_clause_is_its_antecedents(nlp) -> None:  # type: ignore[no-untyped-def]
    """'Added X, who never lifted Y: "..."': the last name before the colon is inside the
    clause; the one the clause describes speaks."""
    article = (
        "The Rams won on Friday.\n\nAdded cornerback Dale Voss, who did not take part in "
        'lifting up Marino: "He is a heavy guy. It was a big party."'
    )
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes]
    assert got == [("He is a heavy guy. It was a big party.", "Dale Voss")]


def test_a_name_described_by_who_is_a_person_for_a_later_pronoun(nlp) -> None:  # type: ignore[no-untyped-def]
    """The tagger may call a lone surname an organisation; 'X, who also had three catches'
    says it is a person, so a later "he added" is theirs."""
    article = (
        'The Rams won on Friday.\n\n"We ran the ball well," said Brandt, who also had three '
        'catches. "When the gap opened, I ran through it," he added.\n'
    )
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes]
    assert ("When the gap opened, I ran through it,", "Brandt") in got, got


def test_a_pull_quote_under_a_headline_takes_the_speaker_of_its_echo(nlp) -> None:  # type: ignore[no-untyped-def]
    """A headline's subject is not who said the pull quote under it; the story quotes the
    same words again with their speaker."""
    article = (
        "Players and their coach describe the locker room party\n\n"
        '"We just walked in there and they lifted me up."\n\n'
        "Senator Maria Lopez watched the Rams beat a ranked rival at the harbor stadium.\n\n"
        '"We just walked in there and they lifted me up," Lopez said after the game.'
    )
    got = {(q.text, q.speaker) for q in extract(article, nlp).quotes if q.kind == "direct"}
    assert got == {
        ("We just walked in there and they lifted me up.", "Maria Lopez"),
        ("We just walked in there and they lifted me up,", "Maria Lopez"),
    }, got


# Statements that run on past where the parse ends them: (article, statement, speaker).
RUNS_ON = [
    (  # the reason given is part of what was said
        "Judge Ivo Brandt called the parole of Dana Kell a hard choice that took him a month, "
        "in part because nobody could say if the blaze had been deliberate.",
        "the parole of Dana Kell a hard choice that took him a month, in part because nobody "
        "could say if the blaze had been deliberate",
        "Ivo Brandt",
    ),
    (  # what is put in place of a denied claim, and a group named by its participle
        "Lawyers defending her maintained that Kell had not set the fire, but rather it "
        "started when a power line fell.",
        "Kell had not set the fire, but rather it started when a power line fell",
        "Lawyers defending her",
    ),
    (  # a participle after a portrait goes on describing it
        "During the trial, prosecutors portrayed Kell as a landlord on the make, collecting "
        "rents for rooms that had no heat.",
        "Kell as a landlord on the make, collecting rents for rooms that had no heat",
        "prosecutors",
    ),
    (  # a speech verb beside a relative pronoun reports the clause's predicate
        "Kell, who prosecutors say collected rents worth over $50,000, did not speak.",
        "collected rents worth over $50,000",
        "prosecutors",
    ),
]


@pytest.mark.parametrize(("article", "text", "speaker"), RUNS_ON)
def test_a_statement_runs_on_past_the_parse(nlp, article: str, text: str, speaker: str) -> None:  # type: ignore[no-untyped-def]
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes]
    assert (text, speaker) in got, got


def test_a_participle_that_is_the_speakers_own_deed_is_no_portrait(nlp) -> None:  # type: ignore[no-untyped-def]
    article = "The chief portrayed the plan as a gamble, urging the board to wait."
    got = [q.text for q in extract(article, nlp).quotes]
    assert "the plan as a gamble" in got, got


def test_the_minister_is_the_minister_named_before(nlp) -> None:  # type: ignore[no-untyped-def]
    """'the minister' finds the person the text called a minister, even when a photo
    caption wrote the name with a double space after it."""
    article = (
        "Foreign Minister Ana Ruiz  Photo/Staff\n\n"
        "Foreign Minister Ana Ruiz said on Monday that the talks had failed. "
        'The minister stressed that "no border will stay closed forever."'
    )
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes]
    assert ("no border will stay closed forever.", "Ana Ruiz") in got, got


def test_quoted_as_saying_is_the_one_quoted(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "Mayor Ivo Brandt spoke on Monday.\n\n"
        '"The fees are a failure," the Harbor Gazette quotes him as saying.'
    )
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes]
    assert got == [("The fees are a failure,", "Ivo Brandt")], got


def test_a_name_followed_by_a_double_space_is_one_person(nlp) -> None:  # type: ignore[no-untyped-def]
    """A caption's double space may end up inside the tagger's name; it is no part of it."""
    article = (
        "Harbor Mayor Ana Maria Ruiz  AP Photo/Ivo Brandt\nHarbor Mayor Ana Maria Ruiz\n\n"
        "Mayor Ana Maria Ruiz said on Monday that the talks had failed."
    )
    names = [s.name for s in extract(article, nlp).speakers]
    assert names.count("Maria Ruiz") == 1, names


def test_a_statement_relayed_by_an_outlet_according_to_a_source_is_one(nlp) -> None:  # type: ignore[no-untyped-def]
    """'The paper also said X, according to two people briefed on it': one statement,
    the source's, not a second one by the paper over the same words."""
    article = (
        "The Harbor Gazette reported the talks on Monday. The paper also said the mayor had met "
        "the developer twice, according to two people briefed on the talks."
    )
    got = [(q.text, q.speaker) for q in extract(article, nlp).quotes if "twice" in q.text]
    assert len(got) == 1 and got[0][1] == "two people", got


@pytest.mark.parametrize(
    "article",
    [
        "The mayor declined to comment as she left the courthouse on Friday.",
        "The board met on Monday.\n___\nOnline:\nHarbor Medical Journal: http://www.harbor.example.org/\n",
        "HARBOR BOARD OFFERS HUGE DISCOUNTS FOR EVERY PARENT\n\nThe board met on Monday.",
        "Full Transcript: Ana Ruiz and Tom Haley\n\nThe two met on Monday.",
    ],
)
def test_what_says_nothing_is_no_statement(nlp, article: str) -> None:  # type: ignore[no-untyped-def]
    """A refusal to comment, a web address, a headline in capitals or a furniture label
    ('Full Transcript: ...') is nothing anyone said."""
    assert extract(article, nlp).quotes == [], [q.text for q in extract(article, nlp).quotes]


def test_a_passive_hung_on_the_speech_verb_goes_on_with_the_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    """'X said they came in peace, but were met by police': the parse hangs the passive on
    "said"; it is more of what they said."""
    article = (
        "Marchers said they arrived to rally quietly, but were blocked by mounted officers. "
        "The march was called off."
    )
    got = [q.text for q in extract(article, nlp).quotes]
    assert got == ["they arrived to rally quietly, but were blocked by mounted officers"], got


def test_a_headline_object_names_a_topic_not_a_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "Foreign Minister Ana Ruiz hails trips to the islands\n\n"
        "Foreign Minister Ana Ruiz said on Monday that the trips had gone well."
    )
    got = [q.text for q in extract(article, nlp).quotes]
    assert got == ["the trips had gone well"], got


def test_a_pull_quote_with_no_cue_takes_the_speaker_of_its_echo(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "A night to remember at the harbor stadium\n\n"
        '"We just walked in there and they lifted me up."\n\n'
        "Senator Maria Lopez watched the Rams beat a ranked rival at the harbor stadium.\n\n"
        '"We just walked in there and they lifted me up," Lopez said after the game.'
    )
    got = {(q.text, q.speaker) for q in extract(article, nlp).quotes if q.kind == "direct"}
    assert ("We just walked in there and they lifted me up.", "Maria Lopez") in got, got
