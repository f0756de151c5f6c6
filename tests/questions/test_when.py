"""Time in questions: what range each form means, and what is left for the question."""

from __future__ import annotations

from datetime import date

import pytest

from retrieval.questions.when import read_time

TODAY = date(2026, 12, 2)  # a Wednesday


@pytest.mark.parametrize(
    "question,rest,start,end",
    [
        ("what did Lopez say in 2015?", "what did Lopez say?", "2015-01-01", "2015-12-31"),
        ("what did Lopez say in March 2017?", "what did Lopez say?", "2017-03-01", "2017-03-31"),
        (
            "What did Lopez say in March 2017 about the port?",
            "What did Lopez say about the port?",
            "2017-03-01",
            "2017-03-31",
        ),
        ("what did Lopez say on March 2?", "what did Lopez say?", "2026-03-02", "2026-03-02"),
        ("what did Lopez say on 2 March 2017?", "what did Lopez say?", "2017-03-02", "2017-03-02"),
        ("what did Lopez say on 2017-03-02?", "what did Lopez say?", "2017-03-02", "2017-03-02"),
        ("what did Lopez say last week?", "what did Lopez say?", "2026-11-23", "2026-11-29"),
        ("what did Lopez say this month?", "what did Lopez say?", "2026-12-01", "2026-12-02"),
        ("what did Lopez say yesterday?", "what did Lopez say?", "2026-12-01", "2026-12-01"),
        ("what did Lopez say last year?", "what did Lopez say?", "2025-01-01", "2025-12-31"),
        ("what did Lopez say since January?", "what did Lopez say?", "2026-01-01", "2026-12-02"),
        ("what did Lopez say before 2016?", "what did Lopez say?", None, "2015-12-31"),
        ("what did Lopez say after June 2019?", "what did Lopez say?", "2019-07-01", "2026-12-02"),
        (
            "what did Lopez say between June and August?",
            "what did Lopez say?",
            "2026-06-01",
            "2026-08-31",
        ),
        (
            "what did Lopez say between March 2016 and May 2017?",
            "what did Lopez say?",
            "2016-03-01",
            "2017-05-31",
        ),
        ("what did Lopez say in December?", "what did Lopez say?", "2026-12-01", "2026-12-31"),
        ("what did Lopez say in May?", "what did Lopez say?", "2026-05-01", "2026-05-31"),
        ("what did Lopez say recently?", "what did Lopez say?", "2026-11-02", "2026-12-02"),
        (
            "what did Lopez say in the last 3 months?",
            "what did Lopez say?",
            "2026-09-03",
            "2026-12-02",
        ),
        (
            "who said in 2015 that the levy failed?",
            "who said that the levy failed?",
            "2015-01-01",
            "2015-12-31",
        ),
        (
            "In 2015, who warned about the levy?",
            "who warned about the levy?",
            "2015-01-01",
            "2015-12-31",
        ),
    ],
)
def test_a_time_becomes_a_range_and_leaves_the_question(question, rest, start, end):
    when = read_time(question, TODAY)
    assert when.rest == rest
    assert (when.start.isoformat() if when.start else None) == start
    assert (when.end.isoformat() if when.end else None) == end
    assert when.to_json() == {"from": start, "to": end}


@pytest.mark.parametrize(
    "question,rest",
    [
        ("what's the latest from Lopez?", "what did Lopez say?"),
        ("what did Lopez say most recently?", "what did Lopez say?"),
        ("newest quotes about the ferry", "quotes about the ferry"),
    ],
)
def test_latest_asks_for_the_newest_first_without_a_range(question, rest):
    when = read_time(question, TODAY)
    assert when.latest and not when.bounded
    assert when.rest == rest


@pytest.mark.parametrize(
    "question",
    [
        "who said the plant closes in 2030?",  # a time inside what was said
        "who said the budget was due in March?",
        "who said 'in 2015 we will win'?",  # quoted words are what was said
        "what did Okafor say about the May Day parade?",
        "what did Okafor say about the levy?",
        "what did Okafor say in 2031?",  # the future is never when something was said
    ],
)
def test_words_that_are_not_a_time_of_speaking_are_left_alone(question):
    when = read_time(question, TODAY)
    assert not when.bounded and not when.latest
    assert when.rest == question


def test_an_undated_article_never_matches_a_time():
    when = read_time("what did Lopez say in 2015?", TODAY)
    assert when.holds("2015-06-01") and not when.holds("2016-01-01") and not when.holds(None)
    assert when.distance("2016-01-31") == 31 and when.distance(None) > 10_000
