"""Question parsing: intent, speakers and slots, table-driven over questions people ask."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from retrieval.language.stance import W_CUE, cue_stance, polarity, verb_stance
from retrieval.language.wording import stems
from retrieval.questions.parsing import (
    MAX_QUESTION_CHARS,
    chatter_reply,
    clean_question,
    parse_question,
)
from retrieval.speakers.directory import DirectoryEntry, SpeakerDirectory, role_parts
from retrieval.types import Context

E = DirectoryEntry
DIRECTORY = SpeakerDirectory(
    [
        E("Diane Okafor", aliases=("Mayor Diane Okafor", "Okafor"), roles=("Mayor",)),
        E("Ray Johnson", aliases=("Councilman Ray Johnson",), roles=("Councilman",)),
        E("Edith Johnson", aliases=("state Sen. Edith Johnson",), roles=("state Sen.",)),
        E("Sandra Johnson", roles=("a retired schoolteacher",)),
        E("Lena Park", roles=("the mayor's spokeswoman",)),
        E("Owen Reyes", roles=("His spokesman",)),
        E("Thomas Whitfield", aliases=("Gov. Thomas Whitfield",), roles=("Gov.",)),
        E("Tom Lindqvist"),
        E("Robert Kline", roles=("The hospital's chief executive",)),
        E("Harbor City Taxpayers League", kind="organization"),
        E("Harbor City Hall", kind="organization"),
        E("Ada Brown", roles=("Harbor City Hall press secretary",)),
        E("officials with the transit agency", kind="group"),
        E("Vincent Marino", roles=("team owner",)),
        E("Sal Marino", quoted=False),
        E("Frank Delaney", quoted=False, roles=("Former Mayor",)),
        E("Carl Price", roles=("farmer",)),
    ]
)

JOHNSONS = ["Edith Johnson", "Ray Johnson", "Sandra Johnson"]

# (question, intent, speakers, topic)
WHAT_DID = [
    ("what did Okafor say?", "what_did", ["Diane Okafor"], None),
    ("What did Okafor say about the levy?", "what_did", ["Diane Okafor"], "levy"),
    ("WHAT DID OKAFOR SAY ABOUT THE LEVY", "what_did", ["Diane Okafor"], "LEVY"),
    (
        "what did diane okafor say about the ferry terminal",
        "what_did",
        ["Diane Okafor"],
        "ferry terminal",
    ),
    ("What did Mayor Okafor say about the strike?", "what_did", ["Diane Okafor"], "strike"),
    (
        "What did Okafor say was her biggest worry as mayor of the city?",
        "what_did",
        ["Diane Okafor"],
        "biggest worry as mayor of the city",
    ),
    ("what did Okafr say?", "what_did", ["Diane Okafor"], None),
    ("What did Johnson say?", "what_did", JOHNSONS, None),
    ("What did Sen. Johnson say?", "what_did", ["Edith Johnson"], None),
    ("What did Senator Johnson say about water?", "what_did", ["Edith Johnson"], "water"),
    ("What did Councilman Johnson say?", "what_did", ["Ray Johnson"], None),
    ("what did Angela Johnson say?", "what_did", [], None),
    ("did Okafor say anything about the stadium?", "what_did", ["Diane Okafor"], "stadium"),
    ("Has Kline said anything about ratios?", "what_did", ["Robert Kline"], "ratios"),
    ("did Kline meet with the union?", "what_did", ["Robert Kline"], "meet with the union"),
    ("Okafor's comments on the stadium", "what_did", ["Diane Okafor"], "stadium"),
    ("Mayor Okafor's remarks about the ferry", "what_did", ["Diane Okafor"], "ferry"),
    ("show me Kline's statement on the strike", "what_did", ["Robert Kline"], "strike"),
    ("quotes from Lindqvist about the lake", "what_did", ["Tom Lindqvist"], "lake"),
    ("How did Kline respond to the union?", "what_did", ["Robert Kline"], "union"),
    ("tell me what Okafor said about buses", "what_did", ["Diane Okafor"], "buses"),
    ("Okafor", "what_did", ["Diane Okafor"], None),
    ("okafor", "what_did", ["Diane Okafor"], None),
    ("lindquist", "what_did", ["Tom Lindqvist"], None),
    ("Okafor on the stadium", "what_did", ["Diane Okafor"], "stadium"),
    ("What did the mayor's spokeswoman say?", "what_did", ["Lena Park"], None),
    ("what did the spokeswoman say?", "what_did", ["Lena Park"], None),
    ("What did the governor's spokesman say?", "what_did", ["Owen Reyes"], None),
    ("What did the hospital's chief executive say?", "what_did", ["Robert Kline"], None),
    ("What did the team owner say?", "what_did", ["Vincent Marino"], None),
    ("What did the Taxpayers League say?", "what_did", ["Harbor City Taxpayers League"], None),
    ("what did Harbor City Hall say?", "what_did", ["Harbor City Hall", "Ada Brown"], None),
    ("what did the officials say?", "what_did", ["officials with the transit agency"], None),
    ("What did Marino say?", "what_did", ["Vincent Marino"], None),
    ("What did Sal Marino say?", "what_did", ["Sal Marino"], None),
    ("what did Delaney say?", "what_did", ["Frank Delaney"], None),
    ("who is Diane Okafor?", "what_did", ["Diane Okafor"], None),
]


@pytest.mark.parametrize(("question", "intent", "speakers", "topic"), WHAT_DID)
def test_what_did(question: str, intent: str, speakers: list[str], topic: str | None) -> None:
    p = parse_question(question, DIRECTORY)
    assert p.intent == intent
    assert sorted(p.speakers) == sorted(speakers)
    assert p.topic == topic


# (question, words the phrase must hold, exact)
WHO_SAID = [
    ("who said the levy is a luxury?", "the levy is a luxury", False),
    ("Who said that the lake is drying up?", "the lake is drying up", False),
    ('who said "a blank check"?', "a blank check", True),
    ("who said 'buying pride'?", "buying pride", True),
    ("Who called the deal a giveaway?", "called the deal a giveaway", False),
    ("who thinks the stadium will pay for itself?", "thinks the stadium will pay", False),
    ("who wants a cap on water use?", "wants a cap on water use", False),
    ("which senator said the bill was stalled?", "the bill was stalled", False),
    ("who said Okafor's plan was reckless?", "Okafor's plan was reckless", False),
    ("who is pushing the referendum?", "pushing the referendum", False),
]


@pytest.mark.parametrize(("question", "phrase", "exact"), WHO_SAID)
def test_who_said(question: str, phrase: str, exact: bool) -> None:
    p = parse_question(question, DIRECTORY)
    assert p.intent == "who_said"
    assert p.phrase is not None and phrase in p.phrase
    assert p.exact is exact
    assert p.speakers == []  # a name inside the phrase is words to find, not the speaker


@pytest.mark.parametrize(
    ("question", "article", "topic"),
    [
        ("who was quoted in the stadium article?", "stadium", None),
        ("Who was quoted about the strike?", None, "strike"),
        ("who is quoted in the Okafor story about buses", "Okafor", "buses"),
        ("which people were quoted?", None, None),
        ("who's quoted in the levy story?", "levy", None),
        ("list the speakers", None, None),
        ("who commented?", None, None),
        ("who commented in the stadium story?", "stadium", None),
        ("what did everyone say?", None, None),
        ("who were the sources in the levy story?", "levy", None),
        ("who said what?", None, None),
        ("who said anything so far?", None, None),
    ],
)
def test_who_quoted(question: str, article: str | None, topic: str | None) -> None:
    p = parse_question(question, DIRECTORY)
    assert p.intent == "who_quoted"
    assert p.article_hint == article
    assert p.topic == topic


def test_how_many_times_counts_one_speaker() -> None:
    p = parse_question("How many times was Kline quoted?", DIRECTORY)
    assert (p.intent, p.speakers) == ("who_quoted", ["Robert Kline"])


@pytest.mark.parametrize(
    ("question", "medium"),
    [
        ("What did Whitfield tweet?", "tweet"),
        ("What did Okafor tell reporters?", "reporters"),
        ("what did Okafor tell the Harbor Ledger?", "Harbor Ledger"),
        ("What did Kline say in a statement?", "statement"),
        ("What did Okafor say on Channel Nine?", "Channel Nine"),
        ("what did Okafor say on twitter", "tweet"),
        ("Whitfield's tweets about jobs", "tweet"),
    ],
)
def test_medium(question: str, medium: str) -> None:
    p = parse_question(question, DIRECTORY)
    assert p.intent == "what_did"
    assert p.medium == medium


def test_comments_on_a_place_is_a_topic_not_a_medium() -> None:
    p = parse_question("Okafor's comments on Harbor City", DIRECTORY)
    assert (p.topic, p.medium) == ("Harbor City", None)


def test_commenting_on_something_is_its_topic() -> None:
    p = parse_question("Did Okafor comment on Harbor City?", DIRECTORY)
    assert (p.topic, p.medium) == ("Harbor City", None)
    p = parse_question("Did the Veloria Rangers comment on Okafor's levy?", DIRECTORY)
    assert (p.speakers, p.unresolved) == ([], "Veloria Rangers")


def test_a_person_after_on_is_the_topic_not_a_show() -> None:
    p = parse_question("What did Okafor say about the sanctions on Whitfield?", DIRECTORY)
    assert (p.topic, p.medium) == ("sanctions on Whitfield", None)


@pytest.mark.parametrize(
    ("question", "topic", "medium"),
    [
        ("What did Okafor say after the loss to Millbrook?", "loss to Millbrook", None),
        ("What did Okafor say about the tariff on Veloria?", "tariff on Veloria", None),
        ("What did Okafor say about the levy on MSNBC?", "levy", "MSNBC"),
        ("What did Okafor say on Channel Nine about the levy?", "levy", "Channel Nine"),
    ],
)
def test_a_name_after_the_topic_is_the_topic_unless_a_broadcaster(
    question: str, topic: str, medium: str | None
) -> None:
    p = parse_question(question, DIRECTORY)
    assert (p.topic, p.medium) == (topic, medium)


@pytest.mark.parametrize(
    ("question", "speakers", "topic"),
    [
        ("what else did he say?", ["Robert Kline"], None),
        ("What else did she say about the strike?", ["Robert Kline"], "strike"),
        ("anything else?", ["Robert Kline"], None),
        ("what did he say about ratios?", ["Robert Kline"], "ratios"),
        ("tell me more", ["Robert Kline"], None),
        ("what else did Okafor say?", ["Diane Okafor"], None),
    ],
)
def test_follow_up_uses_context(question: str, speakers: list[str], topic: str | None) -> None:
    p = parse_question(question, DIRECTORY, Context(speakers=["Robert Kline"], topic="union"))
    assert p.follow_up
    assert p.intent == "what_did"
    assert p.speakers == speakers
    assert p.topic == topic


@pytest.mark.parametrize(
    ("question", "speakers"),
    [
        ("what else did he say?", ["Ray Johnson"]),
        ("what did she say about the ferry?", ["Ray Johnson"]),
        ("what else did they say?", ["Ray Johnson", "Edith Johnson", "Sandra Johnson"]),
        ("anything else?", ["Ray Johnson", "Edith Johnson", "Sandra Johnson"]),
    ],
)
def test_one_person_pronoun_continues_with_the_thread_focus(
    question: str, speakers: list[str]
) -> None:
    """After an answer that showed several Johnsons, 'he' is the one the thread is about
    (kept first in Context.speakers); 'they' or no pronoun keeps them all."""
    ctx = Context(speakers=["Ray Johnson", "Edith Johnson", "Sandra Johnson"])
    assert parse_question(question, DIRECTORY, ctx).speakers == speakers


def test_follow_up_without_context_has_no_speaker() -> None:
    p = parse_question("what else did he say?", DIRECTORY)
    assert p.follow_up and p.speakers == [] and p.unresolved is None


@pytest.mark.parametrize(
    ("question", "unresolved"),
    [
        ("What did Angela Merkel say?", "Angela Merkel"),
        ("what did Elon Musk say about the lake?", "Elon Musk"),
        ("Merkel's comments on Russia", "Merkel"),
        ("Angela Merkel", "Angela Merkel"),
        ("what did the governor of Texas say?", "governor of Texas"),
    ],
)
def test_unknown_names_are_kept_for_the_abstention(question: str, unresolved: str) -> None:
    p = parse_question(question, DIRECTORY)
    assert p.speakers == []
    assert p.unresolved == unresolved


@pytest.mark.parametrize(
    "question",
    [
        "what is the price of oil",  # "price" is not Carl Price
        "ferry terminal budget overruns",
        "¿Qué dijo el alcalde sobre el ferry?",
        "Что сказал мэр?",
    ],
)
def test_free_text_is_a_search(question: str) -> None:
    p = parse_question(question, DIRECTORY)
    assert p.intent == "search"
    assert p.speakers == []
    assert p.topic


def test_capitalised_one_word_name_is_found_in_free_text() -> None:
    p = parse_question("the Price farm and the drought", DIRECTORY)
    assert p.speakers == ["Carl Price"]


ODD = [
    "",
    " ",
    "?",
    "?!?!...",
    '"',
    "'",
    "*",
    "NEAR",
    "--",
    "-- DROP TABLE quotes; --",
    'who said "*" NEAR "--"?',
    'what did " say',
    "what did the say?",
    "\x00\x07\x1b[2J\u200b",
    "a" * 5000,
    "who said " + "word " * 1000,
    "what did " * 700 + "Okafor say?",
    "x's comments " * 400,
    "'s",
    "何を言った？",
    "🙂🙂🙂",
    "\ud800",  # a lone surrogate
]


@pytest.mark.parametrize("question", ODD, ids=range(len(ODD)))
def test_any_input_is_safe(question: str) -> None:
    p = parse_question(question, DIRECTORY)
    assert p.intent in {"what_did", "who_said", "who_quoted", "search"}
    assert len(p.text) <= MAX_QUESTION_CHARS
    assert not any(ord(c) < 32 for c in p.text)
    if p.unresolved is not None:
        assert p.unresolved.strip()


def test_non_string_input_is_safe() -> None:
    assert parse_question(None, DIRECTORY).intent == "search"
    assert parse_question(42, DIRECTORY).text == "42"


def test_empty_directory_still_reads_the_question() -> None:
    p = parse_question("What did Okafor say about the levy?", SpeakerDirectory([]))
    assert (p.intent, p.unresolved, p.topic) == ("what_did", "Okafor", "levy")


def test_clean_question_folds_quotes_and_whitespace() -> None:
    assert clean_question("who  said \u201cno\u201d\n?") == 'who said "no" ?'


def test_a_surname_most_articles_use_for_one_person_is_that_person() -> None:
    d = SpeakerDirectory(
        [
            E("Diane Okafor", aliases=("Okafor",), reach=40),
            E("Sam Okafor", aliases=("Okafor",), reach=2),
            E("Okafor's supporters", kind="group", reach=5),
            E("Ray Johnson", aliases=("Johnson",), reach=3),
            E("Edith Johnson", aliases=("Johnson",), reach=2),
            E("Lena Park", roles=("spokeswoman",), reach=40),
            E("Ana Ruiz", roles=("spokeswoman",), reach=2),
        ]
    )
    # a role several hold is not a surname: both spokeswomen stay
    assert sorted(d.resolve("the spokeswoman")) == ["Ana Ruiz", "Lena Park"]
    assert d.resolve("Okafor") == ["Diane Okafor"]
    assert d.resolve("Sam Okafor") == ["Sam Okafor"]  # by full name, still found
    assert sorted(d.resolve("Johnson")) == ["Edith Johnson", "Ray Johnson"]  # nobody dominates
    assert d.resolve("Okafor's supporters") == ["Okafor's supporters"]


def test_directory_from_rows_merges_duplicates() -> None:
    d = SpeakerDirectory.from_rows(
        [
            {"name": "Grace Tanaka", "aliases": ["Tanaka"], "roles": ["union president"]},
            {"name": "Grace Tanaka", "roles": ["nurse"], "quoted": False},
            {"name": "", "aliases": ["nobody"]},
            {"name": "Harbor Nurses Union", "kind": "organization"},
            {"name": "Odd Kind", "kind": "robot"},
        ]
    )
    assert len(d) == 3
    assert d.entries["Grace Tanaka"].quoted
    assert d.entries["Odd Kind"].kind == "unknown"
    assert d.resolve("the union president") == ["Grace Tanaka"]
    assert d.resolve("Nurses Union") == ["Harbor Nurses Union"]


def test_short_words_are_not_guessed_at() -> None:
    d = SpeakerDirectory([E("Al Gore")])
    assert d.resolve("Gore") == ["Al Gore"]
    assert d.resolve("Bore") == []


def test_a_role_finds_everyone_with_it_even_when_one_has_it_as_alias() -> None:
    d = SpeakerDirectory(
        [
            E("Lena Park", aliases=("Lena Park", "Park", "mayor's spokeswoman")),
            E("Ida Moss", roles=("Spokeswoman",)),
            E("Ann Lee", aliases=("spokeswoman",)),
        ]
    )
    assert sorted(d.resolve("the spokeswoman")) == ["Ann Lee", "Ida Moss", "Lena Park"]
    assert d.resolve("the mayor's spokeswoman") == ["Lena Park"]
    assert d.resolve("Park") == ["Lena Park"]


# (question, topic): nobody in particular is named, so the topic is asked of every speaker.
TOPIC_OVER_EVERYONE = [
    ("did anyone mention the ferry?", "ferry"),
    ("did anybody talk about the levy?", "levy"),
    ("has someone said anything about the strike?", "strike"),
    ("what did people say about the stadium?", "stadium"),
    ("what did everyone say about the lake", "lake"),
    ("what are they saying about the levy?", "levy"),
    ("what does the article say about the ferry terminal?", "ferry terminal"),
    ("what did the story say about water rights?", "water rights"),
    ("what did critics say about the stadium deal?", "stadium deal"),
    ("what did local business owners say about the levy?", "levy"),
    ("anyone talk about jobs?", "jobs"),
    ("who said what about the levy?", "levy"),
    ("who said something about a press conference?", "press conference"),
    ("who said anything about the ferry stop", "ferry stop"),
    ("who talked about recusal?", "recusal"),
    ("who spoke about staffing ratios", "staffing ratios"),
    ("who commented on the data center?", "data center"),
    ("who weighed in on the stadium?", "stadium"),
    ("who mentioned layoffs?", "layoffs"),
    ("who brought up the ferry?", "ferry"),
    ("what did the nurses say?", "nurses"),
    ("quotes about the strike", "strike"),
    ("show me all comments on the levy", "levy"),
    ("what was said about the aquifer?", "aquifer"),
    ("reactions to the stadium deal", "stadium deal"),
    ("everyone's reaction to the vote", "vote"),
]


@pytest.mark.parametrize(("question", "topic"), TOPIC_OVER_EVERYONE)
def test_generic_subjects_ask_every_speaker(question: str, topic: str) -> None:
    p = parse_question(question, PEOPLE_DIRECTORY)
    assert p.intent == "search"
    assert p.anyone or p.verb
    assert (p.speakers, p.unresolved, p.follow_up) == ([], None, False)
    assert p.topic == topic


# A group the articles quote as a speaker is still that speaker.
PEOPLE_DIRECTORY = SpeakerDirectory(
    [
        *DIRECTORY.entries.values(),
        E("People familiar with the talks", kind="group"),
        E("Progressives", kind="group"),
    ]
)


@pytest.mark.parametrize(
    ("question", "speakers"),
    [
        ("what did Progressives say?", ["Progressives"]),
        ("what did the officials say about fares?", ["officials with the transit agency"]),
        ("what did people familiar with the talks say?", ["People familiar with the talks"]),
    ],
)
def test_group_speakers_are_still_speakers(question: str, speakers: list[str]) -> None:
    p = parse_question(question, PEOPLE_DIRECTORY)
    assert (p.intent, p.speakers, p.anyone) == ("what_did", speakers, False)


def test_they_with_a_thread_is_a_follow_up() -> None:
    p = parse_question(
        "what are they saying about the levy?", DIRECTORY, Context(speakers=["Diane Okafor"])
    )
    assert (p.intent, p.speakers, p.anyone, p.topic) == (
        "what_did",
        ["Diane Okafor"],
        False,
        "levy",
    )


@pytest.mark.parametrize(
    "question",
    [
        "Do you know who said the levy was a luxury?",
        "does anyone remember who said the levy was a luxury",
        "any idea who said the levy was a luxury?",
        "who's the one who said the levy was a luxury?",
        "Who was it that said the levy was a luxury?",
    ],
)
def test_who_said_asked_round_about(question: str) -> None:
    p = parse_question(question, DIRECTORY)
    assert (p.intent, p.phrase) == ("who_said", "the levy was a luxury")


@pytest.mark.parametrize(
    ("question", "speakers", "unresolved", "topic"),
    [
        # the speaker is before "on"; a name in the topic is not the speaker
        ("Kline on Okafor's levy", ["Robert Kline"], None, "Okafor's levy"),
        ("the Veloria ambassador on Okafor's levy", [], "Veloria ambassador", "Okafor's levy"),
        ("What were Veloria's comments on Okafor's levy?", [], "Veloria", "Okafor's levy"),
        # "comments" after a possessive is the noun, and "on X" its topic, not a show
        (
            "What were Whitfield's comments on Harbor City?",
            ["Thomas Whitfield"],
            None,
            "Harbor City",
        ),
        # the whole phrase before the noun is the speaker, a role with its possessive too
        (
            "What was the hospital's chief executive's take on the strike?",
            ["Robert Kline"],
            None,
            "strike",
        ),
        (
            "What were the mayor's spokeswoman's comments on the budget?",
            ["Lena Park"],
            None,
            "budget",
        ),
        ("What were the state mediator's comments on the talks?", [], "state mediator", "talks"),
    ],
)
def test_the_speaker_of_a_possessive_or_on_question(
    question: str, speakers: list[str], unresolved: str | None, topic: str
) -> None:
    p = parse_question(question, DIRECTORY)
    assert (p.intent, p.speakers, p.unresolved, p.topic, p.medium) == (
        "what_did",
        speakers,
        unresolved,
        topic,
        None,
    )


# (question, speakers, topic): chatter, politeness, typos and several names around a question.
NATURAL = [
    ("hey bot, what did Okafor say about the levy?", ["Diane Okafor"], "levy"),
    ("hi whosaid - what did Kline say?", ["Robert Kline"], None),
    ("can you tell me what Okafor said about buses please", ["Diane Okafor"], "buses"),
    ("please show me Kline's statement on the strike", ["Robert Kline"], "strike"),
    (
        "I was reading the ferry piece this morning and I was wondering what exactly the "
        "mayor's spokeswoman said about the budget and the timeline",
        ["Lena Park"],
        "budget and the timeline",
    ),
    ("I'd like to know whether Kline commented on the mandate", ["Robert Kline"], "mandate"),
    ("wat did okafor say abuot the stadium", ["Diane Okafor"], "stadium"),
    ("whats okafors position on the stadium", ["Diane Okafor"], "stadium"),
    ("what was klines reaction to the proposal?", ["Robert Kline"], "proposal"),
    ("what did Okafor and Kline say?", ["Diane Okafor", "Robert Kline"], None),
    ("what did Okafor & Lindqvist say about the lake?", ["Diane Okafor", "Tom Lindqvist"], "lake"),
    ("did Kline comment on the mandate", ["Robert Kline"], "mandate"),
    ("did Okafor discuss the budget?", ["Diane Okafor"], "budget"),
    ("what did the senator say about water?", ["Edith Johnson"], "water"),
    ("how did Kline respond to the union's demands?", ["Robert Kline"], "union's demands"),
    ("lindqvist on the lake level", ["Tom Lindqvist"], "lake level"),
    (
        "What was the Taxpayers League's position on the vote?",
        ["Harbor City Taxpayers League"],
        "vote",
    ),
    ("can you show me every quote from Okafor?", ["Diane Okafor"], None),
    (
        "Is it true that Okafor called the levy a promise?",
        ["Diane Okafor"],
        "called the levy a promise",
    ),
    ("okafor quotes", ["Diane Okafor"], None),
    ("summarize what Kline said", ["Robert Kline"], None),
    ("give me kline's best quote", ["Robert Kline"], None),
    ("What did Johnson from the Fifth Ward say?", JOHNSONS, None),
    (
        "has anyone from the Taxpayers League commented on the stadium?",
        ["Harbor City Taxpayers League"],
        "stadium",
    ),
]


@pytest.mark.parametrize(("question", "speakers", "topic"), NATURAL)
def test_natural_questions(question: str, speakers: list[str], topic: str | None) -> None:
    p = parse_question(question, DIRECTORY)
    assert p.intent == "what_did"
    assert p.speakers == speakers
    assert p.topic == topic


@pytest.mark.parametrize(
    "question",
    [
        "thanks!",
        "Thank you so much",
        "hi",
        "hello there",
        "ok",
        "cool, thx",
        "bye",
        "thanks, that's helpful",
    ],
)
def test_chatter_is_not_a_search(question: str) -> None:
    p = parse_question(question, DIRECTORY)
    assert p.chatter and p.intent == "search" and not p.speakers


def test_a_chatty_question_is_still_a_question() -> None:
    p = parse_question("hi! what did Okafor say?", DIRECTORY)
    assert (p.chatter, p.speakers) == (False, ["Diane Okafor"])


@pytest.mark.parametrize(
    ("question", "intent", "excluded", "topic"),
    [
        ("who disagreed with Okafor?", "who_said", ["Diane Okafor"], None),
        ("who disagreed with Kline about staffing?", "search", ["Robert Kline"], "staffing"),
        ("who criticized Okafor?", "who_said", ["Diane Okafor"], "Okafor"),
        (
            "who responded to Lindqvist on the lake level?",
            "search",
            ["Tom Lindqvist"],
            "lake level",
        ),
        ("who criticized the stadium deal?", "who_said", [], "stadium deal"),
    ],
)
def test_who_took_a_side_leaves_out_the_person_named(
    question: str, intent: str, excluded: list[str], topic: str | None
) -> None:
    p = parse_question(question, DIRECTORY)
    assert (p.intent, p.exclude, p.topic) == (intent, excluded, topic)


@pytest.mark.parametrize(
    ("question", "stance", "topic"),
    [
        ("who defended the levy?", 1, "levy"),
        ("who criticised the levy?", -1, "levy"),
        ("Who backed the stadium deal?", 1, "stadium deal"),
        ("who praised the plan in a statement?", 1, "plan"),
        ("who argued against the ferry terminal?", -1, "ferry terminal"),
        ("who argued for the ferry terminal?", 1, "ferry terminal"),
        ("who spoke out against the levy?", -1, "levy"),
        ("who pushed back on the stadium deal?", -1, "stadium deal"),
        ("who is against the levy?", -1, "levy"),
        ("who was in favour of the levy?", 1, "levy"),
        ("which lawmakers opposed the bill?", -1, "bill"),
        ("who has welcomed the data center?", 1, "data center"),
        ("who condemned the layoffs last week?", -1, "layoffs"),
        ("who warned against the merger?", -1, "merger"),
        ("who complained about the noise?", -1, "noise"),
        ("who is backing the stadium deal?", 1, "stadium deal"),
        ("who has been criticizing the plan?", -1, "plan"),
    ],
)
def test_who_took_a_side_asks_for_that_side(question: str, stance: int, topic: str) -> None:
    p = parse_question(question, DIRECTORY)
    assert (p.intent, p.stance, p.topic) == ("who_said", stance, topic)


@pytest.mark.parametrize(
    ("phrase", "parts"),
    [
        ("the owner of the Herons", ("owner", "Herons", True)),
        ("the Herons' owner", ("owner", "Herons", False)),
        ("Herons owner", ("owner", "Herons", False)),
        ("the spokesman for the governor", ("spokesman", "governor", True)),
        ("Northwind's chief executive", ("chief executive", "Northwind", False)),
        ("the head of the agency", ("head", "agency", True)),
        ("NewsNet's correspondent in Lagos", ("correspondent", "NewsNet Lagos", False)),
        ("Johnson", None),
    ],
)
def test_a_role_and_its_qualifier_however_worded(
    phrase: str, parts: tuple[str, str, bool] | None
) -> None:
    assert role_parts(phrase) == parts


# Which speakers' articles hold which words: how answers.py answers `mentions`.
ARTICLE_WORDS = {
    "Vincent Marino": "the herons stadium deal",
    "Rosa Villanueva": "the pelicans arena lease",
    "Owen Reyes": "the governor and the water bill",
    "Lena Park": "the mayor and the levy",
}


def _mentions(names: Sequence[str], words: str, *, acts: bool = False) -> list[str]:
    want = words.lower().split()
    return [n for n in names if all(w in ARTICLE_WORDS.get(n, "").split() for w in want)]


ROLE_DIRECTORY = SpeakerDirectory(
    [
        E("Vincent Marino", roles=("team owner",)),
        E("Rosa Villanueva", roles=("Pelicans team owner",)),
        E("Owen Reyes", roles=("His spokesman",)),
        E("Lena Park", roles=("the mayor's spokeswoman",)),
        E("Diane Okafor", roles=("Mayor",)),
        E("Thomas Whitfield", roles=("Gov.",)),
        E("Herons", kind="group"),
    ]
)


@pytest.mark.parametrize(
    ("question", "speakers"),
    [
        ("what did the owner of the Herons say?", ["Vincent Marino"]),
        ("what did the Herons' owner say?", ["Vincent Marino"]),
        ("what did the owner of the Pelicans say?", ["Rosa Villanueva"]),
        ("what did the spokesman for the governor say?", ["Owen Reyes"]),
        ("what did the spokeswoman for the mayor say?", ["Lena Park"]),  # not the mayor
        ("what did the owner of the Lakers say?", []),
        ("what did the governor of Texas say?", []),
        ("what did the team owner say?", ["Rosa Villanueva", "Vincent Marino"]),
        ("what did the Herons say?", ["Herons"]),  # a known name is not a role
    ],
)
def test_a_role_is_qualified_by_the_articles_of_its_holders(
    question: str, speakers: list[str]
) -> None:
    p = parse_question(question, ROLE_DIRECTORY, mentions=_mentions)
    assert p.speakers == speakers


def test_words_before_a_role_must_fit_its_holder_too() -> None:
    """'Veloria's supreme leader' is no 'House Minority Leader'; 'the head coach' is the coach."""
    nobody = lambda names, words, *, acts=False: []  # noqa: E731 - no article ties anyone
    d = SpeakerDirectory(
        [E("Nora Vance", roles=("House Minority Leader",)), E("Sam Pellino", roles=("coach",))]
    )
    p = parse_question("what did Veloria's supreme leader say?", d, mentions=nobody)
    assert (p.speakers, p.unresolved) == ([], "Veloria's supreme leader")
    p = parse_question("what did the assistant coach say?", d, mentions=nobody)
    assert p.speakers == []
    assert parse_question("what did the head coach say?", d, mentions=nobody).speakers == [
        "Sam Pellino"
    ]


def test_a_speaker_described_by_what_they_did() -> None:
    """'the owner who pushed the deal through': a relative clause makes a long speaker slot,
    and the articles decide which holder of the role it describes, or that none is quoted."""
    asked: list[tuple[str, bool]] = []

    def mentions(names: Sequence[str], words: str, *, acts: bool = False) -> list[str]:
        asked.append((words, acts))
        return [n for n in names if n == "Vincent Marino" and "stadium" in words]

    q = "what did the team owner who pushed the stadium deal through council say about the vote?"
    p = parse_question(q, ROLE_DIRECTORY, mentions=mentions)
    assert (p.intent, p.speakers, p.topic) == ("what_did", ["Vincent Marino"], "vote")
    assert asked[-1] == ("pushed the stadium deal through council", True)
    q = "what did the scientists who led the sleep study at the harbor clinic say about it?"
    p = parse_question(q, ROLE_DIRECTORY, mentions=mentions)
    assert (p.intent, p.speakers) == ("what_did", [])
    assert p.unresolved == "scientists who led the sleep study at the harbor clinic"
    q = "what did the pastor of the chapel the flood washed away in the valley say?"
    p = parse_question(q, ROLE_DIRECTORY, mentions=mentions)
    assert p.intent == "what_did"
    assert p.unresolved == "pastor of the chapel the flood washed away in the valley"


def test_a_side_is_read_from_verbs_and_words() -> None:
    levy = stems("the levy")
    assert verb_stance("defended") == 1 and verb_stance("criticised") == -1
    assert verb_stance("said") == 0 and cue_stance("warned") == -1
    # a "not" turns a word round, but not the object of a verb it negates
    assert polarity("This is not a giveaway", "", "", "said", levy) > 0
    assert polarity("I won't vote for a blank check", "", "", "said", levy) < 0
    # an aimed phrase in the attribution; a short sentence before introduces a side
    who = "Councilwoman Ada Vrba, who voted for the levy, said the buses matter."
    assert polarity("the buses matter", who, "", "said", levy) >= 2
    assert polarity("the fares are high", "", "Not everyone was persuaded.", "said", levy) < 0
    # a verb aimed at something else says little about the topic
    aimed = polarity("the plan", "", "", "criticized", stems("the plan"))
    off = polarity("lawmakers of stalling", "", "", "accused", levy)
    assert aimed <= -1.5 < off < 0
    # a side on someone's decision, or on an event they are in, is not a side on them
    vrba = stems("Vrba")
    assert polarity("x", "Kim Oduya backed Vrba's decision to resign.", "", "said", vrba) == 0
    assert polarity("Vrba stepping down", "", "", "supports", vrba) < W_CUE
    assert polarity("Vrba", "", "", "supports", vrba) == W_CUE
    # what comes before a "but" counts half
    assert polarity("They are good people, but it is a mistake", "", "", "said", levy) < 0


@pytest.mark.parametrize(
    ("question", "stance", "topic"),
    [
        ("what did critics say about the levy?", -1, "levy"),
        ("what did the levy's critics say?", -1, "levy"),
        ("what did opponents of the bill say?", -1, "bill"),
        ("what are supporters saying about the stadium deal?", 1, "stadium deal"),
        ("what did the plan's backers say?", 1, "plan"),
    ],
)
def test_a_side_named_as_a_group_asks_for_that_side(question: str, stance: int, topic: str) -> None:
    """Critics or supporters of something are nobody in particular: that side of it."""
    p = parse_question(question, DIRECTORY)
    assert (p.intent, p.stance, p.topic, p.speakers, p.unresolved) == (
        "search",
        stance,
        topic,
        [],
        None,
    )


@pytest.mark.parametrize(
    ("question", "speakers", "stance", "topic"),
    [
        ("did Okafor defend the levy?", ["Diane Okafor"], 1, "levy"),
        ("did Okafor support the levy?", ["Diane Okafor"], 1, "levy"),
        ("did Councilman Johnson criticize the ferry?", ["Ray Johnson"], -1, "ferry"),
        ("did Kline praise the nurses in a video?", ["Robert Kline"], 1, "nurses"),
        ("did Kline meet with the union?", ["Robert Kline"], 0, "meet with the union"),
    ],
)
def test_a_named_speakers_side_is_asked_for(
    question: str, speakers: list[str], stance: int, topic: str
) -> None:
    p = parse_question(question, DIRECTORY)
    assert (p.intent, p.speakers, p.stance, p.topic) == ("what_did", speakers, stance, topic)


def test_a_side_group_without_a_topic_is_left_as_it_was() -> None:
    p = parse_question("what did the critics say?", DIRECTORY)
    assert p.stance == 0


@pytest.mark.parametrize(
    "question",
    [
        "who said the levy is good?",
        "who spoke for the hospital?",  # on its behalf, not a side
        "who called it a giveaway?",
        'who "defended" the levy?',  # quoted words are words to find
        "who talked about the levy?",
        "who warned that the bridge could fail?",  # words said, not a side
    ],
)
def test_questions_that_take_no_side(question: str) -> None:
    assert parse_question(question, DIRECTORY).stance == 0


@pytest.mark.parametrize(
    ("role", "names"),
    [
        ("the senator", ["Edith Johnson"]),  # the role is written "state Sen."
        ("the councilman", ["Ray Johnson"]),
        ("the union president", ["Grace Tanaka"]),  # "president of the Harbor Nurses Union"
    ],
)
def test_roles_are_matched_as_written_in_full_or_short(role: str, names: list[str]) -> None:
    d = SpeakerDirectory(
        [
            *DIRECTORY.entries.values(),
            E("Grace Tanaka", roles=("president of the Harbor Nurses Union",)),
            E("Walter Simms", roles=("Council President",)),
            E("Maria Delgado", roles=("Councilwoman",)),
        ]
    )
    assert d.resolve(role) == names


def test_which_role_keeps_the_verb() -> None:
    p = parse_question("which councilman opposed the levy?", DIRECTORY)
    assert (p.intent, p.verb, p.phrase) == ("who_said", "opposed", "opposed the levy")


def test_ceo_is_a_chief_executive() -> None:
    assert DIRECTORY.resolve("the CEO") == ["Robert Kline"]


def test_people_about_a_speaker_are_other_people() -> None:
    p = parse_question("what did people say about Okafor?", DIRECTORY)
    assert (p.intent, p.topic, p.exclude) == ("search", "Okafor", ["Diane Okafor"])
    p = parse_question("did anyone mention the Okafor plan?", DIRECTORY)
    assert (p.topic, p.exclude) == ("Okafor plan", [])


def test_anyone_else_leaves_out_who_was_just_shown() -> None:
    ctx = Context(speakers=["Diane Okafor"])
    p = parse_question("did anyone else talk about the levy?", DIRECTORY, ctx)
    assert (p.intent, p.topic, p.exclude, p.speakers) == ("search", "levy", ["Diane Okafor"], [])


@pytest.mark.parametrize(
    ("question", "intent", "topic", "exclude"),
    [
        ("did anyone else mention it?", "search", "the levy", ["Diane Okafor"]),
        ("what did Tanaka say about that?", "what_did", "the levy", []),
        ("who else talked about this?", "search", "the levy", ["Diane Okafor"]),
        ("did anybody bring up the issue?", "search", "the levy", []),
        ("who defended it?", "who_said", "the levy", []),
        ("who else was against it?", "who_said", "the levy", ["Diane Okafor"]),
    ],
)
def test_it_and_that_take_the_topic_the_conversation_named(
    question: str, intent: str, topic: str, exclude: list[str]
) -> None:
    ctx = Context(speakers=["Diane Okafor"], topic="the levy")
    p = parse_question(question, DIRECTORY, ctx)
    assert (p.intent, p.topic, p.exclude) == (intent, topic.removeprefix("the "), exclude)


def test_it_without_an_earlier_topic_is_left_alone() -> None:
    p = parse_question("what did Tanaka say about it?", DIRECTORY, Context(speakers=[]))
    assert p.topic != "it" or p.intent == "what_did"
    assert "levy" not in (p.topic or "")


@pytest.mark.parametrize(
    ("text", "lead"),
    [("thanks!", "You're welcome!"), ("hi", "Hi!"), ("bye", "Bye!"), ("ok", "Ask me")],
)
def test_chatter_gets_a_fitting_reply(text: str, lead: str) -> None:
    assert chatter_reply(text).startswith(lead)


def test_quoted_saying_is_a_who_said() -> None:
    p = parse_question("who's quoted saying the levy is a luxury?", DIRECTORY)
    assert (p.intent, p.phrase) == ("who_said", "the levy is a luxury")


def test_an_office_is_not_a_titled_person() -> None:
    d = SpeakerDirectory([E("mayor's office", kind="organization"), E("Ana Ruiz", roles=("Gov.",))])
    assert d.resolve("the governor's office") == []
    assert d.resolve("the mayor's office") == ["mayor's office"]


def test_search_loses_its_lead_in() -> None:
    assert parse_question("tell me about the ferry budget", DIRECTORY).topic == "ferry budget"


@pytest.mark.parametrize(
    ("question", "speakers", "unresolved"),
    [
        ("what did the senator from the Ninth District say?", ["Edith Johnson"], None),
        ("what did the senator from Texas say?", [], "senator from Texas"),
        ("what did Johnson from the Ninth District say?", ["Edith Johnson"], None),
    ],
)
def test_a_qualifier_chooses_among_people(
    question: str, speakers: list[str], unresolved: str | None
) -> None:
    d = SpeakerDirectory(
        [
            *DIRECTORY.entries.values(),
            E("Edith Johnson", roles=("a Democrat from the Ninth District",)),
            E("Hal Marsh", roles=("Sen.",)),
        ]
    )
    p = parse_question(question, d)
    assert (p.speakers, p.unresolved) == (speakers, unresolved)


@pytest.mark.parametrize(
    ("question", "topic", "medium", "hint"),
    [
        ("What did Okafor say on Wednesday?", None, None, None),
        ("what did Okafor say last week about the levy", "levy", None, None),
        ("what did Okafor say yesterday", None, None, None),
        ("what did Okafor say in 2023 about buses", "buses", None, None),
        ("What did Okafor say on Monday about the strike?", "strike", None, None),
        ("What did Okafor say on Channel Nine?", None, "Channel Nine", None),
        ("What did Okafor say in the stadium article?", "stadium", None, "stadium"),
        ("what did Okafor say in the story about the strike", "strike", None, "strike"),
        ("what did Okafor say during the march?", "march", None, None),
    ],
)
def test_when_and_where_it_was_written_are_not_the_topic(
    question: str, topic: str | None, medium: str | None, hint: str | None
) -> None:
    p = parse_question(question, DIRECTORY)
    assert (p.intent, p.speakers) == ("what_did", ["Diane Okafor"])
    assert (p.topic, p.medium, p.article_hint) == (topic, medium, hint)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Why did Kline oppose the ratios?", "oppose the ratios"),
        ("what's the deal with the levy?", "levy"),
    ],
)
def test_why_and_whats_the_deal(question: str, topic: str) -> None:
    assert parse_question(question, DIRECTORY).topic == topic


def test_a_name_in_free_text_prefers_the_placed_speaker() -> None:
    d = SpeakerDirectory(
        [
            *DIRECTORY.entries.values(),
            E("hospital's chief executive", kind="unknown"),
        ]
    )
    p = parse_question("the hospital's chief executive and the strike", d)
    assert p.speakers == ["Robert Kline"]


# -- questions a newsroom asks (issue 13) ------------------------------------------------------

NEWSROOM = SpeakerDirectory(
    [
        *DIRECTORY.entries.values(),
        E("Dana Kell", aliases=("Kell",), roles=("coach",)),
        E("Dev Okoro", aliases=("Okoro",), roles=("quarterback",)),
        E("Ray Odum", aliases=("Odum",), roles=("Fire Chief",)),
        E("Nell Avery", roles=("Police Chief",)),
        E("Ines Tamm", roles=("spokeswoman for the Siskin County Sheriff's Department",)),
        E("Colin Garr", roles=("an analyst at Brightline Partners",)),
        E("Shel Sato", roles=("Fenwick Securities analyst",)),
        E("Paula Lind", roles=("President and CEO of United Harbor Fund",)),
        E("Lakeside Police Department", kind="organization"),
    ]
)


@pytest.mark.parametrize(
    ("question", "speakers"),
    [
        # a role is its head: 'spokeswoman for the ... Department' is no department
        ("what did the Lakeside county department say?", []),
        ("what did the Brightline Partners analyst say?", ["Colin Garr"]),
        ("what did the Fenwick Securities analyst say?", ["Shel Sato"]),
        ("what did the United Harbor Fund CEO say?", ["Paula Lind"]),  # 'CEO' not written out
        # the name decides, the job confirms
        ("what did Riverton coach Dana Kell say?", ["Dana Kell"]),
        ("what did Millbrook quarterback Dev Okoro say about the drive?", ["Dev Okoro"]),
        ("what did Kell, the coach, say?", ["Dana Kell"]),
        ("what did Riverton coach Kell say?", ["Dana Kell"]),
        ("what did the Lakeside Police say?", ["Lakeside Police Department"]),
    ],
)
def test_newsroom_roles_and_names_with_jobs(question: str, speakers: list[str]) -> None:
    assert parse_question(question, NEWSROOM).speakers == speakers


def test_a_name_with_its_job_typed_in_lower_case() -> None:
    """The known name the words end with decides; a role alone names nobody by it."""
    p = parse_question("what did riverton coach dana kell say about the keeper?", NEWSROOM)
    assert (p.speakers, p.topic) == (["Dana Kell"], "keeper")
    p = parse_question("what did riverton coach kell say?", NEWSROOM)
    assert p.speakers == ["Dana Kell"]


def test_the_police_chief_is_not_the_fire_chief() -> None:
    """With the articles to ask (`mentions`), a role's qualifier must fit its holder."""
    nobody = lambda names, words: []  # noqa: E731 - no article ties anyone to the words
    d = SpeakerDirectory([E("Ray Odum", roles=("Fire Chief",))])
    assert parse_question("what did the police chief say?", d, mentions=nobody).speakers == []
    fire = parse_question("what did the fire chief say?", d, mentions=nobody)
    assert fire.speakers == ["Ray Odum"]
    p = parse_question("what did the Millbrook coach say?", NEWSROOM, mentions=nobody)
    assert (p.speakers, p.unresolved) == ([], "Millbrook coach")


@pytest.mark.parametrize(
    ("question", "speakers", "topic"),
    [
        ("why did Okafor say the levy matters?", ["Diane Okafor"], "levy matters"),
        ("when did Okafor say the buses would run?", ["Diane Okafor"], "buses would run"),
        (
            "\U0001f525\U0001f525 what did Okafor say about the levy?? \U0001f64f",
            ["Diane Okafor"],
            "levy",
        ),
        (
            "hey, quick one, I read the paper over coffee and got curious, what did Okafor "
            "say about the levy?",
            ["Diane Okafor"],
            "levy",
        ),
        ("in the stadium stories, what did Okafor say?", ["Diane Okafor"], "stadium"),
    ],
)
def test_noise_around_a_question_changes_nothing(
    question: str, speakers: list[str], topic: str
) -> None:
    p = parse_question(question, DIRECTORY)
    assert (p.intent, p.speakers, p.topic) == ("what_did", speakers, topic)


def test_a_scope_said_first_narrows_to_those_articles() -> None:
    p = parse_question("in the stadium stories, what did Okafor say?", DIRECTORY)
    assert p.article_hint == "stadium"
    q = parse_question("who was quoted the most in the stadium stories?", DIRECTORY)
    assert (q.intent, q.article_hint) == ("who_quoted", "stadium")


def test_and_about_keeps_the_speaker() -> None:
    ctx = Context(speakers=["Diane Okafor"], topic="levy")
    p = parse_question("and about the buses?", DIRECTORY, ctx)
    assert (p.intent, p.speakers, p.topic) == ("what_did", ["Diane Okafor"], "buses")
    q = parse_question("what about Kline?", DIRECTORY, ctx)  # another speaker, same topic
    assert (q.intent, q.speakers, q.topic) == ("what_did", ["Robert Kline"], "levy")
    assert parse_question("and about the buses?", DIRECTORY).intent == "search"  # no thread


def test_what_else_did_the_chief_say_continues_the_chief_of_the_thread() -> None:
    ctx = Context(speakers=["Nell Avery"])
    p = parse_question("what else did the chief say?", NEWSROOM, ctx)
    assert p.speakers == ["Nell Avery"]
    assert set(parse_question("what did the chief say?", NEWSROOM).speakers) == {
        "Nell Avery",
        "Ray Odum",
    }


GROUPS = SpeakerDirectory(
    [
        E("Lawyers defending Nadia Kersh", kind="group", aliases=("Lawyers defending her",)),
        E("Lawyers for the county", kind="group"),
        E("Nadia Kersh", aliases=("Kersh",)),
        E("Milo Faraday", aliases=("Faraday",)),
    ]
)


@pytest.mark.parametrize(
    ("question", "speakers"),
    [
        ("What did Nadia Kersh's lawyers argue?", ["Lawyers defending Nadia Kersh"]),
        ("What did Kersh's lawyers say?", ["Lawyers defending Nadia Kersh"]),
        ("What did the lawyers for Nadia Kersh say?", ["Lawyers defending Nadia Kersh"]),
        ("What did Faraday's lawyers say?", []),
    ],
)
def test_a_group_is_found_by_whom_its_name_says_it_is_for(
    question: str, speakers: list[str]
) -> None:
    """A group holds no role, but its name says what it is and for whom: "Kersh's lawyers"
    are the "Lawyers defending Nadia Kersh", and nobody is Faraday's."""
    assert parse_question(question, GROUPS).speakers == speakers


def test_a_body_never_quoted_by_name_answers_through_its_spokesperson() -> None:
    """'What did the Harbor Port Authority say?' when only its spokeswoman was quoted; a
    body quoted by name answers as itself (and its speakers), and another role of the body
    ('chief engineer') does not speak for it."""
    d = SpeakerDirectory(
        [
            E("Mia Tran", roles=("Harbor Port Authority spokeswoman",)),
            E("Leo Brandt", roles=("Harbor Port Authority chief engineer",)),
            E("Ada Brown", roles=("Harbor City Hall press secretary",)),
            E("Harbor City Hall", kind="organization"),
        ]
    )
    assert d.resolve("the Harbor Port Authority") == ["Mia Tran"]
    assert d.resolve("Harbor City Hall")[0] == "Harbor City Hall"
    assert "Ada Brown" in d.resolve("Harbor City Hall")
    assert d.resolve("the Lakeside Port Authority") != ["Mia Tran"]


def test_the_kind_of_body_finds_the_bodies_named_so() -> None:
    """'What did the union say?' finds the unions quoted by name, and no other body."""
    d = SpeakerDirectory(
        [
            E("Harbor Nurses Union", kind="organization"),
            E("Rail and Maritime Union", kind="organization"),
            E("Harbor Port Authority", kind="organization"),
        ]
    )
    assert d.resolve("the union") == ["Harbor Nurses Union", "Rail and Maritime Union"]
    assert "Harbor Port Authority" not in d.resolve("the union")
