"""Which words the "Who said this?" shortcut looks up in a message."""

from __future__ import annotations

import pytest

from bot.shortcut import QUESTION_CHARS, questions_for, quoted_spans


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        (
            "The mayor called it “a giveaway we cannot afford” on Monday.",
            ["a giveaway we cannot afford"],
        ),
        ('She said "not yet" and then "maybe in June."', ["not yet", "maybe in June"]),
        ("« une promesse tenue » était le mot", ["une promesse tenue"]),
        ("Er sagte „wir bleiben“ dazu", ["wir bleiben"]),
        ("he called it ‘a done deal’ twice", ["a done deal"]),
        # apostrophes are not quotes
        ("the council’s vote and the mayor’s plan", []),
        ("rock ’n’ roll", []),
        # the same words quoted twice are looked up once; empty quotes are nothing
        ('“fair fares” they chanted, “Fair fares!” and ""', ["fair fares"]),
        ("no quotes at all", []),
    ],
)
def test_quoted_spans(text: str, spans: list[str]) -> None:
    assert quoted_spans(text)[0] == spans


def test_at_most_three_spans_and_a_note_says_so() -> None:
    text = "“one thing” and “two things” and “three things” and “four things”"
    assert quoted_spans(text) == (["one thing", "two things", "three things"], 4)
    questions, notes = questions_for(text)
    assert questions == [
        'who said "one thing"?',
        'who said "two things"?',
        'who said "three things"?',
    ]
    assert notes == ["The message quotes 4 passages; I looked up the first 3."]


def test_a_message_without_quotes_is_asked_whole_and_a_long_one_is_cut_at_a_word() -> None:
    assert questions_for("we will not raise fares this year") == (
        ['who said "we will not raise fares this year"?'],
        [],
    )
    [question], [note] = questions_for("fare " * 1000)
    assert len(question) <= QUESTION_CHARS and question.endswith('fare"?')
    assert note.startswith("The message is long: I looked up its first 1,9")
