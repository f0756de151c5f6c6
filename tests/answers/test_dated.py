"""Dated questions end to end on invented articles across several years (tests/qa/dated/):
the time narrows the articles, the newest come first, a time with no match abstains with the
closest quotes apart, undated articles are never taken for a match, and links open the quote."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from retrieval.engine import Engine
from tests.answers.test_answers import passes

DATED = Path(__file__).resolve().parents[1] / "qa" / "dated"
GOLD = [json.loads(line) for line in (DATED / "questions.jsonl").read_text().splitlines() if line]
TODAY = date(2022, 1, 10)


@pytest.fixture(scope="module")
def dated_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = Engine(tmp_path_factory.mktemp("dated"), today=TODAY)
    report = engine.ingest([str(DATED)])
    assert report.failed == [] and len(report.added) == 4
    yield engine
    engine.close()


@pytest.mark.parametrize("gold", GOLD, ids=[g["id"] for g in GOLD])
def test_dated_question(dated_engine: Engine, gold: dict) -> None:
    got = dated_engine.ask(gold["question"], today=date.fromisoformat(gold["today"]))
    assert passes(gold, got), (got.message, [(a.speaker, a.quote) for a in got.answers])


def test_the_range_understood_is_in_the_json(dated_engine: Engine) -> None:
    got = dated_engine.ask("what did Marchetti say in 2015?").to_json()
    assert got["time"] == {"from": "2015-01-01", "to": "2015-12-31"}
    assert {a["article"]["published"] for a in got["answers"]} == {"2015-03-11"}
    assert dated_engine.ask("what did Marchetti say?").to_json()["time"] is None


def test_no_match_in_time_abstains_and_names_the_closest(dated_engine: Engine) -> None:
    got = dated_engine.ask("what did Marchetti say in 2016?")
    assert got.abstained and got.answers == []
    assert got.message.startswith("Nothing from 2016; the closest is from March 2015.")
    assert got.nearest and got.nearest[0].article.published == "2015-03-11"
    assert "1 undated article left out" in got.message


def test_latest_puts_the_newest_first(dated_engine: Engine) -> None:
    got = dated_engine.ask("what's the latest from Marchetti?", limit=3)
    dates = [a.article.published for a in got.answers]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2021-11-18"
    assert None not in dates


def test_an_answer_links_to_its_words(dated_engine: Engine) -> None:
    got = dated_engine.ask("what did Varga say?")
    link = got.answers[0].article.link
    assert got.answers[0].article.url == "https://courier.example.org/2018/terminal#top"
    assert link is not None and link.startswith(
        "https://courier.example.org/2018/terminal#top:~:text="
    )
    undated = dated_engine.ask("what did Dunne say?")
    assert undated.answers[0].article.link is None  # a file-only article has no address
