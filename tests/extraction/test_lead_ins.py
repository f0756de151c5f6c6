"""Who speaks when the cue is no plain verb before the words: a headline's lead-in ("Haley on
the levy: ..."), a speech participle opening the sentence that the parser misread, and a
work's name in quotes that nobody said. Real spaCy model, sentences written for the test."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from retrieval.extraction.attribution.content import content_tokens, cue_subject
from retrieval.extraction.extractor import extract, load_nlp
from tests.extraction.test_quotes import INTRO, find


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def test_a_headline_lead_in_names_the_speaker_not_the_topic(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        "Haley on the Ferry Levy: The Costs Are 'Staggering'\n\n"
        "Governor Tom Haley spoke in Harbor on Monday."
    )
    q = find(extract(article, nlp), "The Costs Are 'Staggering'")
    assert q.speaker == "Tom Haley"
    assert q.speaker_mention == "Haley"


def test_a_topic_line_is_no_lead_in(nlp) -> None:  # type: ignore[no-untyped-def]
    article = "Update on the storm: Roads closed in Harbor\n\nGovernor Tom Haley spoke on Monday."
    assert not [q for q in extract(article, nlp).quotes if "Roads closed" in q.text]


def test_a_fronted_speech_participle_read_as_a_subject(nlp) -> None:  # type: ignore[no-untyped-def]
    """The parse the model gives 'Claiming X is Y, Lopez told ...': "Claiming" the clausal
    subject of X's verb. It still reports X, by the main clause's subject."""
    words = ["Claiming", "the", "vote", "was", "rigged", ",", "Lopez", "told", "reporters", "."]
    doc = Doc(
        nlp.vocab,
        words=words,
        tags=["VBG", "DT", "NN", "VBD", "VBN", ",", "NNP", "VBD", "NNS", "."],
        pos=["VERB", "DET", "NOUN", "AUX", "VERB", "PUNCT", "PROPN", "VERB", "NOUN", "PUNCT"],
        deps=[
            "csubjpass",
            "det",
            "nsubjpass",
            "auxpass",
            "ccomp",
            "punct",
            "nsubj",
            "ROOT",
            "dobj",
            "punct",
        ],
        heads=[4, 2, 4, 4, 7, 7, 7, 7, 7, 7],
        lemmas=["claim", "the", "vote", "be", "rig", ",", "Lopez", "tell", "reporter", "."],
        sent_starts=[True] + [False] * 9,
    )
    claiming = doc[0]
    assert [t.text for t in content_tokens(claiming)] == words[1:5]
    subj = cue_subject(claiming)
    assert subj is not None and subj.text == "Lopez"


def test_a_works_name_after_a_comma_is_no_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + 'In her 2019 memoir, "Salt And Stone," Lopez suggested looking hard at what '
        "you spend each month."
    )
    ex = extract(article, nlp)
    assert not [q for q in ex.quotes if "Salt And Stone" in q.text]
    assert find(ex, "looking hard at what you spend each month").speaker == "Maria Lopez"


@pytest.mark.parametrize(
    ("article", "statement"),
    [
        (
            INTRO + "Footage shows that the driver had his arms raised, contradicting the "
            "sheriff's first account of the stop.",
            "the driver had his arms raised",
        ),
        (
            INTRO + "Lopez has often wondered whether the referees will be fair to her club, "
            "engaging in what pundits call the oldest trick in the book.",
            "whether the referees will be fair to her club",
        ),
    ],
)
def test_the_writers_comment_after_a_statement_is_not_part_of_it(  # type: ignore[no-untyped-def]
    nlp, article: str, statement: str
) -> None:
    find(extract(article, nlp), statement)


def test_what_is_said_of_everything_someone_says_is_not_their_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    article = INTRO + "The voters here have had enough. Everything Haley says is a lie to them."
    assert not [q for q in extract(article, nlp).quotes if q.cue == "says"]


def test_a_that_clause_the_parser_made_the_main_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    """The parse the model gives some 'X continues to insist, lately in ..., that Y': Y's
    verb at the root, "continues" its clausal complement. Y is still what X insists."""
    words = [
        "Lopez",
        "continues",
        "to",
        "insist",
        ",",
        "lately",
        "in",
        "interviews",
        ",",
        "that",
        "she",
        "wants",
        "a",
        "recount",
        ".",
    ]
    doc = Doc(
        nlp.vocab,
        words=words,
        tags=[
            "NNP",
            "VBZ",
            "TO",
            "VB",
            ",",
            "RB",
            "IN",
            "NNS",
            ",",
            "IN",
            "PRP",
            "VBZ",
            "DT",
            "NN",
            ".",
        ],
        pos=[
            "PROPN",
            "VERB",
            "PART",
            "VERB",
            "PUNCT",
            "ADV",
            "ADP",
            "NOUN",
            "PUNCT",
            "SCONJ",
            "PRON",
            "VERB",
            "DET",
            "NOUN",
            "PUNCT",
        ],
        deps=[
            "nsubj",
            "ccomp",
            "aux",
            "xcomp",
            "punct",
            "advmod",
            "prep",
            "pobj",
            "punct",
            "mark",
            "nsubj",
            "ROOT",
            "det",
            "dobj",
            "punct",
        ],
        heads=[1, 11, 3, 1, 3, 3, 3, 6, 11, 11, 11, 11, 13, 11, 11],
        lemmas=[
            "Lopez",
            "continue",
            "to",
            "insist",
            ",",
            "lately",
            "in",
            "interview",
            ",",
            "that",
            "she",
            "want",
            "a",
            "recount",
            ".",
        ],
    )
    assert [t.text for t in content_tokens(doc[3])] == words[9:14]
    assert content_tokens(doc[1]) == []  # "continues" leaves the clause to "insist"


def test_a_quoted_title_before_the_cue_is_not_what_was_said(nlp) -> None:  # type: ignore[no-untyped-def]
    article = (
        INTRO + 'In his 2010 book, "Raise Your Own Chickens," Governor Tom Haley suggested '
        "keeping a small flock in every backyard."
    )
    ex = extract(article, nlp)
    assert find(ex, "keeping a small flock in every backyard").speaker == "Tom Haley"
    assert not [q for q in ex.quotes if "book" in q.text]


def test_coordinated_gerunds_are_one_suggestion(nlp) -> None:  # type: ignore[no-untyped-def]
    article = INTRO + "Lopez suggested checking every bill twice and asking the bank about any fee."
    find(extract(article, nlp), "checking every bill twice and asking the bank about any fee")


def test_a_speech_verb_hung_under_its_own_complement(nlp) -> None:  # type: ignore[no-untyped-def]
    """The parse the model gives some 'While he conceded X was Y, Z noted ...': "conceded"
    an adverbial clause of X's verb. X's clause is still what he conceded."""
    words = ["While", "he", "conceded", "costs", "were", "high", ",", "Ruiz", "noted", "gains", "."]
    doc = Doc(
        nlp.vocab,
        words=words,
        tags=["IN", "PRP", "VBD", "NNS", "VBD", "JJ", ",", "NNP", "VBD", "NNS", "."],
        pos=[
            "SCONJ",
            "PRON",
            "VERB",
            "NOUN",
            "AUX",
            "ADJ",
            "PUNCT",
            "PROPN",
            "VERB",
            "NOUN",
            "PUNCT",
        ],
        deps=[
            "mark",
            "nsubj",
            "advcl",
            "nsubj",
            "ccomp",
            "acomp",
            "punct",
            "nsubj",
            "ROOT",
            "dobj",
            "punct",
        ],
        heads=[2, 2, 4, 4, 8, 4, 8, 8, 8, 8, 8],
        lemmas=["while", "he", "concede", "cost", "be", "high", ",", "Ruiz", "note", "gain", "."],
    )
    assert [t.text for t in content_tokens(doc[2])] == words[3:6]


@pytest.mark.parametrize(
    "lead",
    [
        "The judge rejected the defense's plea for mercy, reports the Harbor Gazette, because "
        "of the cruel nature of the attack:",
        "The judge rejected the defense's plea for mercy, the Harbor Gazette reported.",
    ],
)
def test_words_after_a_relayed_statement_are_the_relayed_persons(nlp, lead: str) -> None:  # type: ignore[no-untyped-def]
    """'X did Y, reports the paper:' then the words: the paper relays X, who said them."""
    article = (
        "Dorian Vasco was sentenced to life in prison on Monday.\n\n"
        f"{lead}\n\n"
        '"The evidence shows he planned this for weeks. He showed no remorse at any point."'
    )
    words = "The evidence shows he planned this for weeks. He showed no remorse at any point."
    assert find(extract(article, nlp), words).speaker == "judge"
