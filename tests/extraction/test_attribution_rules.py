"""Attribution rules on the real spaCy model: which cue reports what, and who speaks through
it. One row per rule, sentences written for the test (invented names)."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from retrieval.extraction.attribution.content import (
    content_tokens,
    cue_subject,
    is_cue,
    object_content,
)
from retrieval.extraction.extractor import extract, load_nlp
from retrieval.types import Extraction

INTRO = "Senator Maria Lopez and Governor Tom Haley met on Monday. Dana Park came too.\n\n"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def statements(ex: Extraction) -> set[tuple[str, str | None, str | None]]:
    return {(q.text, q.speaker, q.cue) for q in ex.quotes}


# (sentence, statements that must be extracted as (text, speaker, cue), texts that must not)
RULES = [
    (  # "told"/"exhorted X to ...": the request starts at whom it asks, like "urged"
        "Lopez told her aides to draft a bill. Haley exhorted voters to turn out early.",
        [
            ("her aides to draft a bill", "Maria Lopez", "told"),
            ("voters to turn out early", "Tom Haley", "exhorted"),
        ],
        [],
    ),
    (  # a speech verb joined to a reported clause about a thing goes with the outer speaker
        "Ms. Park said the bill ignored renters and urged lawmakers to vote no.",
        [
            ("the bill ignored renters", "Dana Park", "said"),
            ("lawmakers to vote no", "Dana Park", "urged"),
        ],
        [],
    ),
    (  # the same with a plural thing and a clause
        "Lopez said the new tolls were unfair and warned that commuters would pay twice.",
        [
            ("the new tolls were unfair", "Maria Lopez", "said"),
            ("commuters would pay twice", "Maria Lopez", "warned"),
        ],
        [],
    ),
    (  # an aside on the object does not end it when the charge comes after the aside
        "Haley repeatedly accused Lopez, who was born in Texas, of lying about the budget.",
        [("Lopez, who was born in Texas, of lying about the budget", "Tom Haley", "accused")],
        ["Lopez"],
    ),
    (  # the writer's appositive on the object is not what was endorsed
        "Councilor Ruiz is endorsing the Okafor slate, the latest twist in a long feud between "
        "the two women that has moved from loud praise to public scorn to, at last, a cool calm.",
        [("the Okafor slate", "Councilor Ruiz", "endorsing")],
        [],
    ),
    (  # ... but still ends an object it only comments on
        "Lopez praised the new state budget, which passed in May after a long fight.",
        [("the new state budget", "Maria Lopez", "praised")],
        ["the new state budget, which passed in May after a long fight"],
    ),
    (  # a time phrase between the verb and its clause: the clause is still what was said
        "Haley said after the meeting he would not support the new budget.",
        [("he would not support the new budget", "Tom Haley", "said")],
        ["the new budget"],
    ),
    (  # a real adverbial clause (with its conjunction) is not what was said
        "Lopez spoke for an hour before the council voted on the budget.",
        [],
        ["the council voted on the budget"],
    ),
    (  # a contrast about the speaker in the third person is the writer's, not the speaker's
        "Lopez said the bridge would open in May, though she admitted that costs had doubled.",
        [("the bridge would open in May", "Maria Lopez", "said")],
        ["the bridge would open in May, though she admitted that costs had doubled"],
    ),
    (  # ... also when the parser hung the contrast inside the reported clause
        "Haley claimed closing the rural clinics was prudent, although he once more refused to "
        "share the cost figures.",
        [
            ("closing the rural clinics was prudent", "Tom Haley", "claimed"),
            ("to share the cost figures", "Tom Haley", "refused"),
        ],
        [],
    ),
    (  # an "even as" aside after a prepositional object is the writer's
        "Harbor officials weighed in Tuesday about whether the dock logs should be made public, "
        "even as photos from a deckhand spread quickly across local radio sites, making the "
        "images the best known account of the spill.",
        [("whether the dock logs should be made public", "Harbor officials", "weighed")],
        [],
    ),
    (  # ... a reason the speaker gives still belongs to the statement
        "Lopez said the bridge would open late because the steel had not arrived.",
        [("the bridge would open late because the steel had not arrived", "Maria Lopez", "said")],
        [],
    ),
    (  # a "that" clause the parser hung on the verb as on a noun is still what was said
        "Lopez charges that firms that stand to gain from the merger gave millions to the fund.",
        [
            (
                "firms that stand to gain from the merger gave millions to the fund",
                "Maria Lopez",
                "charges",
            )
        ],
        [],
    ),
    (  # a speech verb the tagger read as a plural noun, ending the sentence after a comma
        "Delay is normal when it comes to the ferry repairs, the port director's former aide "
        "maintains.",
        [("Delay is normal when it comes to the ferry repairs", "aide", "maintains")],
        [],
    ),
    (  # a plural noun that is a noun reports nothing
        "The union's claims were rejected by the judge in May after a long hearing.",
        [],
        ["The union's", "the judge in May after a long hearing"],
    ),
    (  # an object's complements end before a comma-set adjunct of the verb
        "The union's lead negotiator bitterly attacked the mill owner as a liar and a tax dodger "
        "during the second town hall forum Tuesday evening, with lines that went straight to the "
        "heart of his hiring pledge.",
        [("the mill owner as a liar and a tax dodger", "union's lead negotiator", "attacked")],
        [],
    ),
    (  # ... a short adjunct inside them does not end them
        "Haley praised Okafor on Facebook for defending the library budget.",
        [("Okafor on Facebook for defending the library budget", "Tom Haley", "praised")],
        [],
    ),
    (  # a gerund the parser joined to the verb is the object's second half
        "Lopez has mentioned retraining mill workers and forcing landlords to cut their rents.",
        [
            (
                "retraining mill workers and forcing landlords to cut their rents",
                "Maria Lopez",
                "mentioned",
            )
        ],
        [],
    ),
    (  # ... and so is a "how" clause joined to a prepositional object
        "Lopez talked about the new budget and how the cuts would hit the schools.",
        [
            (
                "the new budget and how the cuts would hit the schools",
                "Maria Lopez",
                "talked",
            )
        ],
        ["the new budget and"],
    ),
    (  # a pronoun object counts with what is said of it
        "Haley accused her of lying about the budget.",
        [("her of lying about the budget", "Tom Haley", "accused")],
        [],
    ),
    (
        "Lopez compared him favorably to her first boss.",
        [("him favorably to her first boss", "Maria Lopez", "compared")],
        [],
    ),
    (  # ... not with a time or a destination
        "Lopez praised him for hours at the dinner, then released it to the press.",
        [],
        ["him for hours at the dinner", "it to the press"],
    ),
    (  # a pronoun in a clause put before the main one points forward to its named subject
        "While she acknowledged the noise was a big reason she moved away, Lopez also named "
        "other grievances with the new airport.",
        [("the noise was a big reason she moved away", "Maria Lopez", "acknowledged")],
        [],
    ),
    (  # a "that" clause after a phrase, hung on the verb the speech verb depends on
        "Park continues to insist, most lately in a podcast with a harbor pilot, that she "
        "truly wants to rebuild the pier.",
        [("she truly wants to rebuild the pier", "Dana Park", "insist")],
        ["to rebuild the pier"],
    ),
    (  # a verb inside a "that" clause reports nothing before it (the parse inverted)
        "The mayor still swears, on a podcast taped last weekend among others, that she really, "
        "really wants to keep the pool open but can't because the pumps are broken.",
        [],
        ["The mayor still swears"],
    ),
    (  # a result clause is not a statement
        "Lopez spoke so long that half the crowd left the hall.",
        [],
        ["half the crowd left the hall"],
    ),
    (  # a source frame opening a clause makes the rest of the clause its owner's statement
        "By Haley's own admission, the harbor budget he drafted last spring was far too thin.",
        [
            (
                "the harbor budget he drafted last spring was far too thin",
                "Tom Haley",
                "admission",
            )
        ],
        [],
    ),
    (
        "In Lopez's view, the bridge is a waste of money.",
        [("the bridge is a waste of money", "Maria Lopez", "view")],
        [],
    ),
    (  # ... not a frame inside the clause, nor a thing's
        "The bridge is, in its view, a waste of money, and the court agreed in Lopez's view "
        "of the case.",
        [],
        ["a waste of money"],
    ),
    (  # a clause a semicolon closes stands alone; a verb after the semicolon does not report it
        "She spoke about her early work in county clinics while at the Nurses Guild Convention "
        "in Fargo, North Dakota; she called into a late-night talk show when she was home ill "
        "with a fever; and, earlier this month, she addressed the Harbor Pilots League.",
        [("her early work in county clinics", "Dana Park", "spoke")],
        [
            "She spoke about her early work in county clinics while at the Nurses Guild "
            "Convention in Fargo, North Dakota"
        ],
    ),
    (  # ... and a reported clause ends at a semicolon followed by a clause of its own
        "Coaches said the release of the stadium plan was not rushed; they first heard on "
        "Tuesday of the talks with the builders and promptly alerted the league.",
        [("the release of the stadium plan was not rushed", "Coaches", "said")],
        [],
    ),
    (  # "according to" inside a relative clause sources only that clause: no statement
        "Among the items in the new filing: he is short and owns three boats, which makes him "
        "wealthy according to his banker's ledger.",
        [],
        [
            "Among the items in the new filing: he is short and owns three boats, which makes "
            "him wealthy"
        ],
    ),
    (  # ... a main clause it follows is still the source's statement
        "The mayor spoke for an hour, according to Haley.",
        [("The mayor spoke for an hour", "Tom Haley", "according to")],
        [],
    ),
    (  # a verb on the speaker's own medium speaks with the clause's subject
        "Haley spoke at a news conference announcing that the state was suing the company "
        "over its hiring rules.",
        [
            (
                "the state was suing the company over its hiring rules",
                "Tom Haley",
                "announcing",
            )
        ],
        [],
    ),
    (  # ... not on someone else's
        "Haley responded to a tweet attacking his handling of the county's roads.",
        [],
        ["his handling of the county's roads"],
    ),
    (  # "target" is an action, not a statement about its object
        "The new rules target coal mine runoff in the valley.",
        [],
        ["coal mine runoff in the valley"],
    ),
    (  # a request starts at whom it asks
        "Haley urged his aides to find a way around the legislature.",
        [("his aides to find a way around the legislature", "Tom Haley", "urged")],
        ["to find a way around the legislature"],
    ),
    (  # a request ends before a past event told as its background
        "The bureau warned school districts to tighten their payroll controls after thieves "
        "drained pension funds in three counties.",
        [("school districts to tighten their payroll controls", "bureau", "warned")],
        [],
    ),
    (  # ... but keeps its own time
        "Lopez vowed to resign from the board after the vote.",
        [("to resign from the board after the vote", "Maria Lopez", "vowed")],
        [],
    ),
    (  # a request runs to its infinitive even when the parser takes it for a purpose clause
        "Haley on Monday called on Park to resign from the board over the audit.",
        [("Park to resign from the board over the audit", "Tom Haley", "called")],
        [],
    ),
    (  # a clause a colon closes announces what follows; a verb after the colon is not its cue
        "The concerns are sharpened by the odd duty faced by anyone tapped to succeed the "
        "sheriff: that person would assume office in July, run in a recall vote in October, and "
        "then seek a second full term the year after.",
        [],
        [
            "The concerns are sharpened by the odd duty faced by anyone tapped to succeed the "
            "sheriff"
        ],
    ),
]


@pytest.mark.parametrize(("sentence", "present", "absent"), RULES)
def test_rule(
    nlp,  # type: ignore[no-untyped-def]
    sentence: str,
    present: list[tuple[str, str, str]],
    absent: list[str],
) -> None:
    ex = extract(INTRO + sentence, nlp)
    got = statements(ex)
    for want in present:
        assert want in got, f"{want} not in {sorted(got, key=str)}"
    texts = {q.text for q in ex.quotes}
    for text in absent:
        assert text not in texts, f"{text!r} extracted: {sorted(got, key=str)}"
    for q in ex.quotes:
        assert (INTRO + sentence)[q.start : q.end] == q.text


def test_a_person_in_the_reported_clause_keeps_the_joined_verb(nlp) -> None:  # type: ignore[no-untyped-def]
    """'said Haley ignored renters and urged ...' may mean Haley urged: the parse stands."""
    ex = extract(INTRO + "Lopez said Haley ignored renters and urged lawmakers to vote no.", nlp)
    urged = [q for q in ex.quotes if q.cue == "urged"]
    assert [q.speaker for q in urged] == ["Tom Haley"]


def test_a_past_tense_tagged_as_participle_still_reports(nlp) -> None:  # type: ignore[no-untyped-def]
    """The tagger reads "called" after "Name on Wednesday" at an article's start as a
    participle; with its own subject it is the past tense and speaks."""
    article = (
        "Ruiz calls on Park to resign over the ferry audit.\n\n"
        "Dan Ruiz on Wednesday called on Dana Park to resign from the ferry board for hiding "
        "the repair costs."
    )
    doc = nlp(article)
    assert [t.tag_ for t in doc if t.text == "called"] == ["VBN"]  # the tagger's reading
    got = statements(extract(article, nlp))
    assert (
        "Dana Park to resign from the ferry board for hiding the repair costs",
        "Dan Ruiz",
        "called",
    ) in got


def test_a_verb_read_as_a_plural_noun_reports_its_that_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    """The parse the tagger gives some "X claims that ..." sentences: "claims" a plural noun
    at the root with the name compounded on it. It still reports the clause, by X."""
    words = ["But", "Ruiz", "claims", "that", "he", "should", "be", "exempt", "."]
    doc = Doc(
        nlp.vocab,
        words=words,
        tags=["CC", "NNP", "NNS", "IN", "PRP", "MD", "VB", "JJ", "."],
        pos=["CCONJ", "PROPN", "NOUN", "SCONJ", "PRON", "AUX", "AUX", "ADJ", "PUNCT"],
        deps=["cc", "compound", "ROOT", "mark", "nsubj", "aux", "acl", "acomp", "punct"],
        heads=[2, 2, 2, 6, 6, 6, 2, 6, 2],
        lemmas=["but", "Ruiz", "claim", "that", "he", "should", "be", "exempt", "."],
    )
    claims = doc[2]
    assert is_cue(claims, [-1] * len(doc))
    assert [t.text for t in content_tokens(claims)] == ["that", "he", "should", "be", "exempt"]
    subj = cue_subject(claims)
    assert subj is not None and subj.text == "Ruiz"
    thing = Doc(
        nlp.vocab,
        words=["But", "insurance", *words[2:]],
        tags=["CC", "NN", "NNS", "IN", "PRP", "MD", "VB", "JJ", "."],
        pos=["CCONJ", "NOUN", "NOUN", "SCONJ", "PRON", "AUX", "AUX", "ADJ", "PUNCT"],
        deps=["cc", "compound", "ROOT", "mark", "nsubj", "aux", "acl", "acomp", "punct"],
        heads=[2, 2, 2, 6, 6, 6, 2, 6, 2],
    )
    assert not is_cue(thing[2], [-1] * len(thing))  # "insurance claims" cannot speak
    his_claims = Doc(
        nlp.vocab,
        words=["His", "claims", "were", "false", "."],
        tags=["PRP$", "NNS", "VBD", "JJ", "."],
        pos=["PRON", "NOUN", "AUX", "ADJ", "PUNCT"],
        deps=["poss", "nsubj", "ROOT", "acomp", "punct"],
        heads=[1, 2, 2, 2, 2],
    )
    assert not is_cue(his_claims[1], [-1] * 5)


def test_a_headline_vow_read_as_a_noun_reports_its_infinitive(nlp) -> None:  # type: ignore[no-untyped-def]
    """A title-case headline: the tagger reads "Vows" as a proper noun with the name
    compounded on it; the infinitive after it is the vow, the name the speaker."""
    doc = nlp("Budget Chief Lopez Vows To Cut Fees Paid By Small Farmers.")
    vows = next(t for t in doc if t.text == "Vows")
    assert vows.pos_ == "PROPN"  # the tagger's reading
    assert is_cue(vows, [-1] * len(doc))
    got = " ".join(t.text for t in content_tokens(vows))
    assert got == "To Cut Fees Paid By Small Farmers"
    subj = cue_subject(vows)
    assert subj is not None and subj.text == "Lopez"


def test_a_main_verb_parsed_as_a_participle_on_the_subject_speaks(nlp) -> None:  # type: ignore[no-untyped-def]
    """The parse of some "Name, the head of X, compared Y to Z" sentences: no main verb,
    the name at the root and "compared" a participle hung on it. It is the main verb."""
    rows = [  # word, tag, pos, dep, head, lemma
        ("Ann", "NNP", "PROPN", "compound", 1, "Ann"),
        ("Reyes", "NNP", "PROPN", "ROOT", 1, "Reyes"),
        (",", ",", "PUNCT", "punct", 1, ","),
        ("the", "DT", "DET", "det", 4, "the"),
        ("head", "NN", "NOUN", "appos", 1, "head"),
        ("of", "IN", "ADP", "prep", 4, "of"),
        ("the", "DT", "DET", "det", 7, "the"),
        ("union", "NN", "NOUN", "pobj", 5, "union"),
        (",", ",", "PUNCT", "punct", 1, ","),
        ("compared", "VBN", "VERB", "acl", 1, "compare"),
        ("Haley", "NNP", "PROPN", "dobj", 9, "Haley"),
        ("to", "IN", "ADP", "prep", 9, "to"),
        ("a", "DT", "DET", "det", 13, "a"),
        ("magician", "NN", "NOUN", "pobj", 11, "magician"),
        (".", ".", "PUNCT", "punct", 1, "."),
    ]
    doc = Doc(
        nlp.vocab,
        words=[r[0] for r in rows],
        tags=[r[1] for r in rows],
        pos=[r[2] for r in rows],
        deps=[r[3] for r in rows],
        heads=[r[4] for r in rows],
        lemmas=[r[5] for r in rows],
    )
    compared = doc[9]
    assert is_cue(compared, [-1] * len(doc))
    subj = cue_subject(compared)
    assert subj is not None and subj.text == "Reyes"
    assert " ".join(t.text for t in object_content(compared)) == "Haley to a magician"
    # a participle on a noun of a sentence with a main verb stays a participle
    plain = nlp("The plan, compared to last year's, was cheaper.")
    assert not is_cue(next(t for t in plain if t.text == "compared"), [-1] * len(plain))


def test_a_trailing_attribution_joined_to_the_first_clause_reports_the_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    """'Crews reached her, but she was swept away, Ortiz said': the parser may make the
    attribution a conjunct of the first clause and hang only the last clause on it; the
    statement is the whole sentence before the attribution."""
    words = [
        "Crews",
        "reached",
        "her",
        ",",
        "but",
        "she",
        "was",
        "swept",
        "away",
        ",",
        "Ortiz",
        "said",
        ".",
    ]
    doc = Doc(
        nlp.vocab,
        words=words,
        tags=["NNS", "VBD", "PRP", ",", "CC", "PRP", "VBD", "VBN", "RP", ",", "NNP", "VBD", "."],
        pos=[
            "NOUN",
            "VERB",
            "PRON",
            "PUNCT",
            "CCONJ",
            "PRON",
            "AUX",
            "VERB",
            "ADP",
            "PUNCT",
            "PROPN",
            "VERB",
            "PUNCT",
        ],
        deps=[
            "nsubj",
            "ROOT",
            "dobj",
            "punct",
            "cc",
            "nsubjpass",
            "auxpass",
            "ccomp",
            "prt",
            "punct",
            "nsubj",
            "conj",
            "punct",
        ],
        heads=[1, 1, 1, 1, 1, 7, 7, 11, 7, 11, 11, 1, 11],
        lemmas=[
            "crew",
            "reach",
            "she",
            ",",
            "but",
            "she",
            "be",
            "sweep",
            "away",
            ",",
            "Ortiz",
            "say",
            ".",
        ],
    )
    said = doc[11]
    assert is_cue(said, [-1] * len(doc))
    assert [t.text for t in content_tokens(said)][:3] == ["Crews", "reached", "her"]
