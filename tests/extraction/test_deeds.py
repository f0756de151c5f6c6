"""What a cue verb says someone did rather than said is no statement (attribution.deeds), on
the real spaCy model. Sentences written for the test (invented names); each row also keeps a
real statement of the same article, so a rule that drops everything fails."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


# (article, a statement that must stay, words that must be no quote)
DEEDS = [
    (  # a company's published figures are its accounts
        "Harbor Telecom reported net income of $41 million, or 6 cents per share, for the "
        "quarter. Chief executive Ana Ruiz said the turnaround was ahead of schedule.",
        "the turnaround was ahead of schedule",
        "net income of $41 million",
    ),
    (  # ... and so are its results, money or not
        "LONDON (AP) \u2014 Harbor Telecom surprised investors by posting quarterly results "
        "that beat forecasts. Ana Ruiz said the turnaround was ahead of schedule.",
        "the turnaround was ahead of schedule",
        "quarterly results that beat forecasts",
    ),
    (  # the people a report cites are its source
        "Citing people close to the talks, the Harbor Gazette reported that the two ferry "
        "lines would merge by spring.",
        "the two ferry lines would merge by spring",
        "people close to the talks",
    ),
    (  # thanking someone says nothing
        "Mayor Ana Ruiz thanked the volunteers for their patience and said the bridge would "
        "reopen on Monday.",
        "the bridge would reopen on Monday",
        "the volunteers for their patience",
    ),
    (  # a plan told in a relative clause on the speaker is background to what they say
        "Parents who had planned to march on the bridge said on Monday that the police had "
        "turned them away.",
        "the police had turned them away",
        "to march on the bridge",
    ),
    (  # the same with an aim and an object
        "Prosecutor Tom Haley, who had sought a longer sentence, said the judge had been fair.",
        "the judge had been fair",
        "a longer sentence",
    ),
    (  # a question put to the reader or the interviewee
        "Ana Ruiz said the patrol had changed her.\n\nQ: How would you describe the bond "
        "between these sailors and the officers they served under, and how successful were "
        "they in the end?\n\nA: It was complicated.",
        "the patrol had changed her",
        "the bond between these sailors",
    ),
    (  # the cue inside an indirect question reports nothing
        "While it is not known what model the company plans to unveil, Ana Ruiz said a launch "
        "was close.",
        "a launch was close",
        "what model the company plans to unveil",
    ),
]


@pytest.mark.parametrize(("article", "kept", "dropped"), DEEDS)
def test_a_deed_is_no_statement(nlp, article: str, kept: str, dropped: str) -> None:  # type: ignore[no-untyped-def]
    got = [q.text for q in extract(article, nlp).quotes]
    assert kept in got, got
    assert not any(dropped in t for t in got), got


@pytest.mark.parametrize(
    ("article", "text"),
    [
        (  # a report inside a relative clause still reports
            "Ana Ruiz was known for her fast beats, which she once said were shaped by old "
            "records.",
            "were shaped by old records",
        ),
        (  # a clause a company reports is a statement
            "Harbor Telecom reported that sales had fallen for a third quarter.",
            "sales had fallen for a third quarter",
        ),
        (  # what someone said, as the subject of a sentence, is what they said
            "What the mayor said was a plain threat to the council, Ana Ruiz said.",
            "What the mayor said was a plain threat to the council",
        ),
        (  # a question about what someone thinks asks for a view
            "Ana Ruiz asked: Do you think the council should resign?",
            "the council should resign",
        ),
        (  # a decision the speaker announces in a main clause stays
            "Ana Ruiz said on Monday that she plans to run for mayor next year.",
            "she plans to run for mayor next year",
        ),
    ],
)
def test_a_statement_near_a_deed_stays(nlp, article: str, text: str) -> None:  # type: ignore[no-untyped-def]
    got = [q.text for q in extract(article, nlp).quotes]
    assert any(text in t for t in got), got
