"""A wrong speaker is worse than no answer (issue 13): constructions that put words in the
wrong mouth, on the real spaCy model. Every sentence is written for the test."""

from __future__ import annotations

import pytest

from retrieval.extraction.extractor import extract, load_nlp
from tests.speakers.test_speakers import quote_with


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


COURTHOUSE = "Mourners gathered outside the Harlow County courthouse on Friday.\n\n"
FAMILY = (
    "Detectives said the new evidence was \u201cextremely important\u201d to the inquiry.\n\n"
    "The woman was taken to hospital on Sunday evening and remains in a stable condition.\n\n"
)

# (article, words of a statement, its speaker)
SPEAKERS = [
    (  # a quote signed after a dash with a possessive: the owner's relative signs it
        COURTHOUSE + "\u2014 \u201cNina was watching over all of us today.\u201d \u2014 "
        "Garcia's brother Tomas Ferrell speaking to reporters on the courthouse steps.\n\n"
        "\u2014 \u201cIt will never bring her back.\u201d \u2014 Garcia's neighbour Wilma "
        "Stroud, 61, outside the courtroom.",
        [("watching over all of us", "Tomas Ferrell"), ("never bring her back", "Wilma Stroud")],
    ),
    (  # ... and with a verb after the name
        COURTHOUSE + "\u201cNina was watching over all of us today,\u201d \u2014 Garcia's "
        "brother Tomas Ferrell said as he left.",
        [("watching over all of us", "Tomas Ferrell")],
    ),
    (  # a dateline is never the speaker: the subject after its dash is
        "LAKEVILLE, Ohio \u2013 One resident said the storm sounded \u201clike a freight "
        "train\u201d as it tore through the village overnight.\n\n"
        "Fire Chief Dana Whitcombe said crews searched every home.",
        [("the storm sounded", "One resident"), ("crews searched", "Dana Whitcombe")],
    ),
    (  # ... with an agency in brackets and two subjects the parser hangs on one verb
        "NEW YORK (Newswire) -- Brellix Motors continued its turnaround, and said it would "
        "hire 500 workers at its new plant.",
        [("hire 500 workers", "Brellix Motors")],
    ),
    (  # "they" is the plural subject just before, not a group named paragraphs earlier
        FAMILY + "Her family stayed by her bedside today. In a brief statement they said: "
        "\u201cWe are hoping and praying for a full recovery.\u201d",
        [("hoping and praying", "Her family")],
    ),
    (  # ... also when a relative clause sets the subject off
        FAMILY + "Her family, who are devout Baptists, stayed by her bedside today. In a "
        "brief statement sent to reporters they said: \u201cWe are hoping and praying "
        "for a full recovery.\u201d",
        [("hoping and praying", "Her family")],
    ),
    (  # a claim turned down by its owner's critic stays the owner's
        "The union rejected the company's claim that wages had risen faster than prices.",
        [("wages had risen faster", "company")],
    ),
    (  # a finding told in words is still one; only a verdict is not
        "The inspectors found that the firm was responsible for the spill at the harbor.",
        [("the firm was responsible", "inspectors")],
    ),
    (  # a negated view is a view: "does not think X"
        "Alderman Rufus Okafor does not think the lawsuit will succeed in court.",
        [("the lawsuit will succeed", "Rufus Okafor")],
    ),
    (  # an apposition with "of <court>" the parser made a conjunct of "the judge"
        "Arthur Penwell was sentenced on Tuesday to six years in prison.\n\n"
        "\u201cYou were trusted, respected,\u201d the judge, Ada R. Voss of Federal District "
        "Court, said just before handing down the penalty.",
        [("trusted, respected", "Ada R. Voss")],
    ),
    (  # a team's short name and a role the tagger took for a verb, after "said"
        "\u201cI think the defense played a great game,\u201d said HCU quarterback Eddie "
        "Marsh, who completed 16 of 35 passes but was picked off twice. \u201cWe need to "
        "tighten up.\u201d",
        [("the defense played", "Eddie Marsh"), ("tighten up", "Eddie Marsh")],
    ),
    (  # "he" in the next sentence is the subject named in apposition, not the person
        # the subject's claim is about
        "During the trial, Tran's lawyer, Peter Cobb, argued that Minh Tran was a calm man "
        "who did not mean to hurt anyone. He also said his client had been frightened by "
        "the \u201ctowering\u201d neighbor.",
        [("calm man", "Peter Cobb"), ("his client had been frightened", "Peter Cobb")],
    ),
    (  # "X and his wife": Mrs. X is the wife, not X, and Mr. X is X, a given name the
        # names list does not know
        "Corwin Haldane and his wife, owners of the laundromat, told the council that they "
        "could not pay the new fees.\n\n"
        "\u201cYou are raising them again and we have nothing saved,\u201d Mrs. Haldane "
        "said.\n\nHer husband agreed.\n\n"
        "\u201cOur shop is already on the late list,\u201d Mr. Haldane said.",
        [("nothing saved", "Haldane"), ("late list", "Corwin Haldane")],
    ),
    (  # a person known only as "a <town> mom" is the "she" after her, never the town (which
        # the tagger may take for a person)
        "Doctors urged parents to vaccinate.\n\n"
        "\u201cIt just did not add up for me,\u201d said one Crofton mom.\n\n"
        "In an interview, a Crofton mom explained why she kept her children home.\n\n"
        "\u201cI did not want them to get so many shots at one time,\u201d she said.",
        [("so many shots", "Crofton mom")],
    ),
    (  # the one a question was put to answers it; a question "prodded" is the asker's
        "Rhea Dunn testified on Monday.\n\n"
        "\u201cWere you there that night?\u201d defense attorney Omar Vale asked Dunn.\n\n"
        "\u201cNo,\u201d she said.\n\n"
        "\u201cDid you ever call him after that?\u201d Vale prodded.\n\n"
        "\u201cOnce,\u201d Dunn said.",
        [("No,", "Rhea Dunn"), ("Did you ever call him", "Omar Vale")],
    ),
    (  # a speech participle after a reported clause about a thing is the reporter's
        "Transit analysts said rising fares have helped the bus line, citing the new routes "
        "that opened in the spring.",
        [("the new routes", "Transit analysts")],
    ),
]


@pytest.mark.parametrize(("article", "expected"), SPEAKERS)
def test_the_right_speaker(nlp, article: str, expected: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    ex = extract(article, nlp)
    for words, speaker in expected:
        assert quote_with(ex, words).speaker == speaker, words


# (article, words no statement of anyone may hold)
NOT_STATEMENTS = [
    (  # "his position" beside the mayor is the mayor's, as the writer puts it, not a
        # statement of the alderman who scorns it
        "Councilman Rufus Okafor backed the idea. He had only scorn for Mayor Dale Brint "
        "and his stance not to back the appeal.",
        ["not to back the appeal"],
    ),
    (  # a speech act the sentence denies
        "Brellix Motors posted its fifth straight quarterly profit, but did not announce a "
        "return of the bonus that workers had been hoping for.\n\n"
        "Brellix also did not yet announce any decision on the new plant.",
        ["a return of the bonus", "any decision on the new plant"],
    ),
    (  # a claim someone dismisses is not their statement, nor one of the claim's subject
        "MERIDIA, May 3 (Newswire) -- The Trade Ministry has dismissed the claims that "
        "Veloria has made a request to reopen talks with the northern alliance.",
        ["Veloria has made a request", "to reopen talks"],
    ),
    (  # the judge's name the parser left in the quote's clause is not a statement
        "Arthur Penwell was sentenced on Tuesday to six years in prison.\n\n"
        "\u201cYou were trusted, respected,\u201d the judge, Ada R. Voss of Federal District "
        "Court, said just before handing down the penalty.",
        ["Federal District Court"],
    ),
    (  # the attribution after a reported clause is no statement of the clause's subject
        "In addition to complaints over class sizes, some parents simply did not want any "
        "cuts, Principal Ada Moss said.",
        ["Ada Moss said"],
    ),
    (  # a clock time's full stop ends the sentence before a capitalised function word:
        # what crews did is not what the officials said after it
        "Police arrived at 9:40 p.m. By midnight, officials described the scene as calm.",
        ["Police arrived"],
    ),
    (
        "Crews answered the alarm at about 4:15 p.m. By 6 p.m., officials termed most of the "
        "blaze as controlled, but warned they would stay for hours.",
        ["officials termed"],
    ),
    (  # pushing back against a claim is no making of it, however the clause is parsed
        "A friend of the victim pushed back against the defense's claims that she had "
        "changed her account.",
        ["she had changed her account"],
    ),
    (
        "The hearing in the trial of Leon Marsh grew heated on Friday when a friend of the "
        "victim, Dale Orr, pushed back against defense claims she had changed her account "
        "to help the prosecution.",
        ["she had changed her account"],
    ),
    (  # a verdict is nobody's statement
        "HARWICH \u2014 The father of 9-year-old Leo Park didn't need to say anything once "
        "a federal jury found Dorian Vasco guilty of killing his son and two other people.",
        ["Dorian Vasco guilty"],
    ),
]


@pytest.mark.parametrize(("article", "absent"), NOT_STATEMENTS)
def test_no_statement(nlp, article: str, absent: list[str]) -> None:  # type: ignore[no-untyped-def]
    ex = extract(article, nlp)
    for words in absent:
        assert not [q for q in ex.quotes if words in q.text], words


def test_a_verdict_leaves_the_statement_beside_it(nlp) -> None:  # type: ignore[no-untyped-def]
    ex = extract(
        "A federal jury found Dorian Vasco guilty on all 12 counts on Tuesday, and prosecutor "
        "Helen Marsh said she was \u201csatisfied\u201d with the verdict.",
        nlp,
    )
    assert [q.speaker for q in ex.quotes] == ["Helen Marsh"]


def test_a_participle_with_no_comma_after_a_clause_about_a_thing(nlp) -> None:  # type: ignore[no-untyped-def]
    """Things add nothing: whatever holds the words after "adding", it is the reporter's."""
    ex = extract(
        "Port Director Lina Ostrova said the city's ferry cuts were \u201creckless\u201d adding "
        "that her staff would meet the governor on Monday.",
        nlp,
    )
    holding = [q.speaker for q in ex.quotes if "her staff would meet" in q.text]
    assert holding and set(holding) == {"Lina Ostrova"}
