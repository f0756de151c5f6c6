"""An organisation the tagger took for a person is no antecedent of "he" or "she"."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def _speaker(nlp, article: str, words: str) -> str | None:  # type: ignore[no-untyped-def]
    hits = [q for q in extract(article, nlp).quotes if words in q.text]
    assert hits, words
    return hits[0].speaker


def test_a_name_ending_in_an_organisation_word_is_not_he(nlp) -> None:  # type: ignore[no-untyped-def]
    # A guard: the pronoun rules on main already pass this one (no rule of its own here).
    article = (
        "Ron Tiller has led the volunteers for years. Maple Hollow Fire District sent four "
        'engines to the barn.\n\n"The roof went first," he said.'
    )
    assert _speaker(nlp, article, "The roof went first") == "Ron Tiller"


def test_a_name_that_sells_its_things_is_not_she(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "Nadia Perel runs the lab. Quorvex hired her in May. Quorvex sells its sensors in "
        'Asia.\n\n"We will grow," she said.'
    )
    assert _speaker(nlp, article, "We will grow") != "Quorvex"


BREACH = (
    "The appliance and tablet maker Quellbank announced Friday that records of some customers "
    "were copied by an outside party in June.\n\n"
    '"We found the intrusion on June 9 and closed it the same day," the company\'s statement '
    "said.\n\n"
    "The company said it had written to every customer whose records were copied.\n\n"
    "It said that customers do not need to change their passwords, but they should watch for "
    "strange emails.\n\n"
    "Shops in the region reported a quiet week, and the weather stayed mild, with rain on "
    "Tuesday and sun for the rest of the week across the valley and the coast.\n\n"
    '"We are sorry for the worry this causes," the statement said.'
)


@pytest.mark.parametrize(
    "words",
    [
        "We found the intrusion",  # the company's statement: the maker described before
        "written to every customer",  # "the company": the maker
        "change their passwords",  # "It said": the organisation the last sentence's subject is
        "sorry for the worry",  # "the statement" issued by the company, sentences earlier
    ],
)
def test_the_company_it_and_its_statement_are_the_business_named_before(nlp, words: str) -> None:  # type: ignore[no-untyped-def]
    assert _speaker(nlp, BREACH, words) == "Quellbank"


@pytest.mark.parametrize(
    "before",
    [
        "The Dunmore Herald published the recording on Monday.",  # a thing is its object
        "The footage shows a van on Pier Road, the Dunmore Police said.",  # a thing fronted
        "The Dunmore Herald said in a post that the tape is real. The tape runs two minutes.",
    ],
)
def test_it_is_nobody_when_a_thing_may_be_meant(nlp, before: str) -> None:  # type: ignore[no-untyped-def]
    article = before + " It shows the driver leaving the van and walking to the ferry."
    hits = [q for q in extract(article, nlp).quotes if "driver leaving" in q.text]
    assert all(q.speaker is None for q in hits), [(q.text, q.speaker) for q in hits]


def test_it_is_worth_noting_is_nobody_speaking(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "The Harbor Trust said the pier needs work. It is worth noting that the pier opened "
        "in 1911, and the Trust wants to restore it before the summer."
    )
    hits = [q for q in extract(article, nlp).quotes if "opened in 1911" in q.text]
    assert all(q.speaker != "Harbor Trust" for q in hits), [(q.text, q.speaker) for q in hits]


def test_a_one_word_name_with_her_own_thing_is_a_person_whatever_the_tagger_said(nlp) -> None:  # type: ignore[no-untyped-def]
    """The tagger takes this surname for an organisation; 'took her first job' says she is a
    person, so a later 'she said' can be her."""
    article = (
        "Turner took her first job in a bakery in 1962.\n\n"
        "When she reached the age when most people stop, Turner kept on baking.\n\n"
        '"Sometimes I get a whole Sunday off," Turner said.\n\n'
        '"It\'s the customers. You get to know their children and then their grandchildren," '
        "she said."
    )
    assert _speaker(nlp, article, "You get to know their children") == "Turner"


def test_a_company_with_her_in_its_clause_stays_a_company(nlp) -> None:  # type: ignore[no-untyped-def]
    # guard: 'her' there belongs to the woman the company paid, not to the company
    article = (
        "Dana Kell sued Turner Holdings in May. Turner Holdings paid her legal costs in June.\n\n"
        '"We are glad it is over," she said.'
    )
    assert _speaker(nlp, article, "We are glad it is over") == "Dana Kell"


@pytest.mark.parametrize(
    ("first", "speaker"),
    [
        ("Ardent Foods posted its fifth straight quarterly loss on Tuesday.", "Ardent Foods"),
        # a union is never 'the company'
        ("Ardent Workers Union rejected the offer on Tuesday.", None),
    ],
)
def test_the_business_noun_after_a_named_business_is_it(nlp, first: str, speaker) -> None:  # type: ignore[no-untyped-def]
    article = first + " The Ohio food maker said that it expects sales to recover by spring."
    hits = [q for q in extract(article, nlp).quotes if "expects sales to recover" in q.text]
    assert hits and all(
        q.speaker == speaker or (speaker is None and q.speaker != "Ardent Workers Union")
        for q in hits
    ), [(q.text, q.speaker) for q in hits]
