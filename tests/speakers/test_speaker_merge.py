"""One speaker across articles written two ways (real spaCy, model, SQLite and FAISS)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from retrieval.engine import Engine

ARTICLES = {
    "a.txt": (
        "Port fees to rise in spring\n\n"
        'Harbor commissioner Dana J. Whitlow defended the plan on Monday. "The docks have '
        'not been repaired since 1990, and somebody has to pay for it," Whitlow said.\n\n'
        "The Whitlow campaign said the fees would fund new cranes.\n"
    ),
    "b.txt": (
        "Shippers push back on port fees\n\n"
        "Dana Whitlow, the harbor commissioner, met shippers on Tuesday. "
        '"Nobody likes a fee, but everybody likes a working crane," Whitlow said.\n\n'
        "Whitlow's campaign said the commissioner would not back down.\n"
    ),
    "c.txt": (
        "Two governors named Marsh\n\n"
        '"We will balance the budget," Gov. Alan P. Marsh said in 1998. His son, Gov. Alan '
        'R. Marsh, said in 2020: "We will cut the sales tax."\n'
    ),
    "d.txt": (
        "Marsh visits the coast\n\n"
        'Alan Marsh toured the coast on Friday. "The beaches are open," Alan Marsh said.\n'
    ),
    "e.txt": (
        "Harbor budget passes\n\n"
        'Mayor Priya Castellanos signed the budget. "It is balanced," Castellanos said.\n'
    ),
    "f.txt": (
        "Budget reaction\n\n"
        '"We will hold the line on fees," Castellanos said on Friday at the harbor.\n'
    ),
    "g.txt": (
        'Ferry schedule\n\nCaptain Owen James runs the ferry. "We sail at six," James said.\n'
    ),
    "h.txt": 'Ferry riders\n\n"The boat is always late," James said, and his sister agreed.\n',
    "i.txt": (
        "Governor opens session\n\n"
        'Governor Okafor opened the session. "We start with the levy," Governor Okafor '
        'said.\n\n"The levy stays," Mr. Okafor said. Mr. Okafor later left for the capital.'
        "\n\nHis wife, Diane Okafor, stayed behind.\n"
    ),
    "j.txt": (
        "Governor tours the port\n\n"
        'Governor Samuel Okafor toured the port. "The cranes are old," Samuel Okafor said.\n'
    ),
    "k.txt": (
        "Senate vote\n\n"
        'Sen. Walter P. Crane Jr. voted no. "It costs too much," Walter P. Crane Jr. said.\n'
    ),
    "l.txt": (
        'Senate reaction\n\n"Tell that to the people paying for it," Crane said after the vote.\n'
    ),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    src = tmp_path_factory.mktemp("merge_src")
    for name, text in ARTICLES.items():
        (src / name).write_text(text, encoding="utf-8")
    eng = Engine(tmp_path_factory.mktemp("merge_data"))
    report = eng.ingest([str(src)])
    assert report.failed == [] and len(report.added) == len(ARTICLES)
    yield eng
    eng.close()


def test_a_middle_initial_is_the_same_person_across_articles(engine: Engine) -> None:
    result = engine.ask("what did Dana Whitlow say?", limit=5)
    assert result.speakers == ["Dana Whitlow"]
    quotes = " ".join(a.quote for a in result.answers)
    assert "since 1990" in quotes and "working crane" in quotes
    # The initialled form still finds the person.
    assert engine.ask("what did Dana J. Whitlow say?").speakers == ["Dana Whitlow"]


def test_two_initialled_forms_stay_apart(engine: Engine) -> None:
    result = engine.ask("what did Alan R. Marsh say?", limit=5)
    assert result.speakers == ["Alan R. Marsh"]
    assert all("sales tax" in a.quote for a in result.answers)


def test_an_organisation_with_and_without_a_possessive_is_one(engine: Engine) -> None:
    result = engine.ask("what did the Whitlow campaign say?", limit=5)
    assert len(result.speakers) == 1, result.speakers
    said = " ".join(a.quote for a in result.answers)
    assert "new cranes" in said and "back down" in said


def test_a_bare_surname_is_the_one_person_with_it(engine: Engine) -> None:
    result = engine.ask("what did Priya Castellanos say?", limit=5)
    assert result.speakers == ["Priya Castellanos"]
    assert "hold the line" in " ".join(a.quote for a in result.answers)


def test_a_bare_word_that_is_also_a_first_name_stays_apart(engine: Engine) -> None:
    result = engine.ask("what did Owen James say?", limit=5)
    assert result.speakers == ["Owen James"]
    assert all("always late" not in a.quote for a in result.answers)


def test_a_titled_surname_kept_apart_from_his_wife_joins_the_governor(engine: Engine) -> None:
    governor = engine.ask("what did Samuel Okafor say?", limit=10)
    assert governor.speakers == ["Samuel Okafor"]
    said = " ".join(a.quote for a in governor.answers)
    assert "levy stays" in said and "cranes are old" in said
    wife = engine.ask("what did Diane Okafor say?")
    assert all("levy" not in a.quote for a in wife.answers)


def test_a_bare_surname_finds_a_name_with_a_suffix(engine: Engine) -> None:
    result = engine.ask("what did Walter P. Crane Jr. say?", limit=5)
    assert result.speakers == ["Walter P. Crane Jr."]
    assert "paying for it" in " ".join(a.quote for a in result.answers)
