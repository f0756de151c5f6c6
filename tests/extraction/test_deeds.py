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
        "Harbor Telecom reported a quarterly profit of $41 million on Tuesday. Chief executive "
        "Ana Ruiz said the turnaround was ahead of schedule.",
        "the turnaround was ahead of schedule",
        "a quarterly profit of $41 million",
    ),
    (  # ... and so are its results, money or not
        "Shares of Harbor Telecom rose after it posted quarterly results above forecasts. Ana "
        "Ruiz said the turnaround was ahead of schedule.",
        "the turnaround was ahead of schedule",
        "quarterly results above forecasts",
    ),
    (  # ... and its profit or loss, with no sum named
        "Ardent Foods posted its fifth straight quarterly loss on Tuesday. Ana Ruiz said the "
        "turnaround was ahead of schedule.",
        "the turnaround was ahead of schedule",
        "its fifth straight quarterly loss",
    ),
    (  # the people a report cites are its source
        "The Harbor Gazette, citing two port officials, reported that the two ferry lines "
        "would merge by spring.",
        "the two ferry lines would merge by spring",
        "two port officials",
    ),
    (  # thanking someone says nothing
        "Mayor Ana Ruiz thanked the volunteers for their patience and said the bridge would "
        "reopen on Monday.",
        "the bridge would reopen on Monday",
        "the volunteers for their patience",
    ),
    (  # a plan told in a relative clause on the speaker is background to what they say
        "Parents who had planned to picket the school board offices said on Monday that the "
        "police had turned them away.",
        "the police had turned them away",
        "to picket the school board offices",
    ),
    (  # the same with an aim and an object
        "Prosecutor Tom Haley, who had sought a ten-year term, said the judge had been fair.",
        "the judge had been fair",
        "a ten-year term",
    ),
    (  # a question put to the reader or the interviewee
        "Ana Ruiz said the patrol had changed her.\n\nQ: How would you describe the ties "
        "between the crews and the captains they sailed with, and how well did they work "
        "together?\n\nA: It was hard.",
        "the patrol had changed her",
        "the ties between the crews",
    ),
    (  # the cue inside an indirect question reports nothing
        "It is unclear what model the firm plans to unveil this fall, but Ana Ruiz said a "
        "launch was close.",
        "a launch was close",
        "what model the firm plans to unveil",
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
