"""Answers through the real engine: our own question set, the seed, verbatim text, abstentions.

Real spaCy, real embedding model, real SQLite and FAISS. The question set and its articles
(tests/qa/) were written for whosaid; the seed questions are read from ../shared when present.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from retrieval.engine import Engine
from retrieval.storage.store import CHUNKS
from retrieval.types import Answer, ArticleRef, AskResult, Context
from tests.conftest import SHARED

QA = Path(__file__).resolve().parents[1] / "qa"
N_ARTICLES = len(list((QA / "articles").glob("*.txt")))
GOLD = [json.loads(line) for line in (QA / "questions.jsonl").read_text().splitlines() if line]
SEED_GOLD = SHARED / "eval" / "seed_questions.jsonl"
MIN_SHARE = 0.95

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def _norm(s: str | None) -> str:
    s = (s or "").translate(_FOLD).lower().strip()
    return re.sub(r"\s+", " ", re.sub(r"^the\s+", "", s))


def passes(gold: dict[str, Any], got: AskResult, top: int = 3) -> bool:
    """The rule of shared/tools/score_answers.py: right speaker and words in the top 3."""
    if gold.get("abstain"):
        return got.abstained
    if got.abstained:
        return False
    want = {_norm(s) for s in gold["speakers"]}
    frags = [_norm(f) for f in gold["quote_contains_any"]]
    for a in got.answers[:top]:
        hay = _norm(a.quote) + " " + _norm(a.context)
        if _norm(a.speaker) in want and any(f in hay for f in frags):
            return True
    return False


@pytest.fixture(scope="module")
def qa_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = Engine(tmp_path_factory.mktemp("qa"))
    report = engine.ingest([str(QA / "articles")])
    assert report.failed == [] and len(report.added) == N_ARTICLES
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def qa_results(qa_engine: Engine) -> list[AskResult]:
    return [qa_engine.ask(g["question"]) for g in GOLD]


def test_question_set_is_big_and_varied() -> None:
    assert len(GOLD) >= 60
    assert sum(1 for g in GOLD if g.get("abstain")) >= 5
    assert len(list((QA / "articles").glob("*.txt"))) >= 5


def test_own_question_set_score(qa_results: list[AskResult]) -> None:
    failed = [g["id"] for g, r in zip(GOLD, qa_results, strict=True) if not passes(g, r)]
    share = 1 - len(failed) / len(GOLD)
    assert share >= MIN_SHARE, f"{share:.3f} < {MIN_SHARE}; failed: {failed}"


def _assert_verbatim(engine: Engine, result: AskResult) -> None:
    for a in result.answers:
        text = engine.store.article_text(a.article.id)
        assert text is not None
        assert a.quote and a.quote in text
        assert a.context and a.context in text
        assert a.quote in a.context
        for frag in a.fragments:
            assert frag in a.quote
        assert 0.0 <= a.score <= 1.0


def test_every_answer_is_verbatim(qa_engine: Engine, qa_results: list[AskResult]) -> None:
    assert sum(len(r.answers) for r in qa_results) > 100
    for r in qa_results:
        _assert_verbatim(qa_engine, r)


def test_unknown_person_abstains_with_the_name(qa_engine: Engine) -> None:
    r = qa_engine.ask("What did Angela Merkel say about the ferry?")
    assert r.abstained and r.answers == []
    assert r.message == (
        f"I found no quotes from Angela Merkel in the {N_ARTICLES} indexed articles."
    )


def test_person_only_mentioned_abstains(qa_engine: Engine) -> None:
    r = qa_engine.ask("what did Frank Delaney say?")
    assert r.abstained
    assert r.message == "Frank Delaney is mentioned in 1 article but not quoted."


def test_nobody_said_it(qa_engine: Engine) -> None:
    r = qa_engine.ask("who said the moon is made of cheese?")
    assert r.abstained and r.intent == "who_said"
    assert f"Nobody in the {N_ARTICLES} indexed articles" in r.message


def test_ambiguous_surname_answers_for_each_labelled(qa_engine: Engine) -> None:
    r = qa_engine.ask("What did Johnson say?", limit=3)
    assert not r.abstained
    assert {"Ray Johnson", "Edith Johnson", "Sandra Johnson"} <= set(r.speakers)
    assert len({a.speaker for a in r.answers}) == 3  # one answer each before any second
    assert "matches 3 speakers" in r.message


def test_title_picks_one_johnson(qa_engine: Engine) -> None:
    r = qa_engine.ask("What did Sen. Johnson say?")
    assert r.speakers == ["Edith Johnson"]
    assert all(a.speaker == "Edith Johnson" for a in r.answers)


def test_speaker_quoted_in_several_articles(qa_engine: Engine) -> None:
    r = qa_engine.ask("What did Okafor say?", limit=10)
    assert len({a.article.id for a in r.answers}) == 3
    assert "in 3 articles" in r.message


def test_what_else_keeps_moving_on_until_everything_was_shown(qa_engine: Engine) -> None:
    first = qa_engine.ask("What did Okafor say?", limit=2)
    ctx = Context().after(first)
    seen = [(a.article.id, a.quote) for a in first.answers]
    for _ in range(20):
        more = qa_engine.ask("what else did she say?", context=ctx, limit=2)
        if more.abstained:
            assert "all shown already" in more.message
            break
        page = [(a.article.id, a.quote) for a in more.answers]
        assert page and not set(page) & set(seen), "a later page never repeats an earlier one"
        seen += page
        ctx = ctx.after(more)
    else:
        pytest.fail("the pages never ran out")
    assert len(seen) >= 6, "Okafor is quoted across three articles"


def test_what_else_after_several_speakers_names_them(qa_engine: Engine) -> None:
    first = qa_engine.ask("what did Johnson say?", limit=2)
    assert len(first.speakers) > 1, first.speakers
    more = qa_engine.ask("what else?", context=Context().after(first), limit=2)
    assert more.answers and "None" not in more.message
    assert more.message.startswith("More from ") and all(n in more.message for n in more.speakers)


def test_a_follow_up_about_it_keeps_the_topic_and_leaves_out_who_was_shown(
    qa_engine: Engine,
) -> None:
    first = qa_engine.ask("What did Okafor say about the levy?")
    ctx = Context().after(first)
    assert ctx.topic == "levy"
    others = qa_engine.ask("did anyone else mention it?", context=ctx)
    assert others.answers and "levy" in others.message
    assert all(a.speaker != "Diane Okafor" for a in others.answers)
    who_else = qa_engine.ask("who else talked about it?", context=ctx)
    assert [a.speaker for a in who_else.answers] == [a.speaker for a in others.answers]
    against = qa_engine.ask("who criticised it?", context=ctx)
    assert against.answers[0].speaker == "Ray Johnson" and "against “levy”" in against.message


def _asked(speakers: list[str], shown: list[str]) -> AskResult:
    ref = ArticleRef("a1", None, None, None, None)
    answers = [
        Answer(n, None, f"{n} spoke.", [f"{n} spoke."], "direct", "said", None, "", ref, 1.0)
        for n in shown
    ]
    return AskResult("q", "what_did", speakers, False, "", answers)


def test_context_keeps_the_speaker_the_thread_is_about_first() -> None:
    """The last one named alone stays first through answers naming several; else the first
    shown; a thread stored as a list of names (Slack) keeps it by keeping the order."""
    johnsons = ["Edith Johnson", "Ray Johnson", "Sandra Johnson"]
    ctx = Context().after(_asked(["Ray Johnson"], ["Ray Johnson"]))
    ctx = ctx.after(_asked(johnsons, ["Edith Johnson", "Ray Johnson"]))
    assert ctx.focus == "Ray Johnson" and sorted(ctx.speakers) == johnsons
    ctx = ctx.after(_asked(johnsons, ["Sandra Johnson"]))
    assert ctx.focus == "Ray Johnson"
    fresh = Context().after(_asked(johnsons, ["Sandra Johnson", "Edith Johnson"]))
    assert fresh.focus == "Sandra Johnson"


def test_a_stored_slack_thread_keeps_its_focus(tmp_path: Path) -> None:
    from bot.state import BotState

    johnsons = ["Edith Johnson", "Ray Johnson", "Sandra Johnson"]
    ctx = Context().after(_asked(["Ray Johnson"], ["Ray Johnson"]))
    ctx = ctx.after(_asked(johnsons, ["Edith Johnson"]))
    state = BotState(tmp_path / "slack.db")
    try:
        state.remember_thread("C1", "1.0", ctx)
        again = state.thread_context("C1", "1.0")
        assert again is not None and again.focus == "Ray Johnson"
    finally:
        state.close()


def test_context_after_an_answer_without_speakers_keeps_the_thread() -> None:
    ctx = Context(speakers=["Mara Quill"], topic="the levy", shown=[("a1", "We won.")])
    nothing = AskResult("thanks", "search", [], True, "You're welcome!", [])
    assert ctx.after(nothing) == ctx


def test_follow_up_continues_with_the_previous_speaker(qa_engine: Engine) -> None:
    first = qa_engine.ask("What did Tanaka say?")
    ctx = Context(speakers=first.speakers)
    more = qa_engine.ask("what else did she say?", context=ctx)
    assert more.speakers == ["Grace Tanaka"]
    assert more.answers and all(a.speaker == "Grace Tanaka" for a in more.answers)
    shown = {a.quote for a in first.answers}
    assert any(a.quote not in shown for a in more.answers)
    alone = qa_engine.ask("what else did she say?")
    assert alone.abstained


def test_what_else_after_a_shared_surname_continues_with_the_thread_focus(
    qa_engine: Engine,
) -> None:
    """'What did Johnson say?' shows three Johnsons; 'what else did he say?' then goes on with
    the Johnson the thread was about (the last one named alone, else the first shown)."""
    ray = qa_engine.ask("What did Councilman Johnson say?")
    assert ray.speakers == ["Ray Johnson"]
    ctx = Context().after(ray)
    every = qa_engine.ask("What did Johnson say about the ferry?", context=ctx)
    assert len(every.speakers) == 3
    ctx = ctx.after(every)
    assert ctx.focus == "Ray Johnson" and set(ctx.speakers) == set(every.speakers)
    more = qa_engine.ask("what else did he say?", context=ctx)
    assert more.speakers == ["Ray Johnson"]
    assert more.answers and all(a.speaker == "Ray Johnson" for a in more.answers)
    before = {q for _, q in ctx.shown}
    assert not {a.quote for a in more.answers} & before, "nothing shown before comes again"
    ctx = ctx.after(more)
    assert ctx.speakers == ["Ray Johnson"]
    assert before <= {q for _, q in ctx.shown}, "what the Johnsons were shown is kept"

    fresh = qa_engine.ask("What did Johnson say?")
    first_shown = fresh.answers[0].speaker
    assert len(fresh.speakers) == 3 and first_shown in fresh.speakers
    alone = qa_engine.ask("what else did she say?", context=Context().after(fresh))
    assert alone.speakers == [first_shown]
    everyone = qa_engine.ask("what else did they say?", context=Context().after(fresh))
    assert set(everyone.speakers) == set(fresh.speakers)


@pytest.mark.parametrize(
    ("question", "taking", "other_side"),
    [
        (
            "who defended the levy?",
            {"Maria Delgado", "Riders First", "Diane Okafor"},
            "Ray Johnson",
        ),
        ("who criticised the levy?", {"Ray Johnson", "downtown merchants' association"}, None),
        ("who spoke out against the parking plan?", {"Beatrix Nakamura", "Harriet Solberg"}, None),
    ],
)
def test_who_took_a_side_answers_that_side_first(
    qa_engine: Engine, question: str, taking: set[str], other_side: str | None
) -> None:
    """The side asked for comes first; the other side is named, never shown as an answer."""
    r = qa_engine.ask(question)
    assert not r.abstained and r.intent == "who_said"
    first = [a.speaker for a in r.answers[: len(taking)]]
    assert set(first) <= taking and len(set(first)) == len(first), first
    if other_side:
        assert other_side not in {a.speaker for a in r.answers}
        assert other_side in r.message.split("Speaking against it:")[1]


@pytest.mark.parametrize(
    ("question", "reading"),
    [
        ("did Okafor defend the levy?", "Diane Okafor's words read as speaking for “levy”."),
        ("did Delgado oppose the levy?", "speaking for “levy”, not against it."),
        ("did Councilman Johnson support the levy?", "speaking against “levy”, not for it."),
    ],
)
def test_a_named_speakers_side_is_read_from_their_words(
    qa_engine: Engine, question: str, reading: str
) -> None:
    r = qa_engine.ask(question)
    assert not r.abstained and len(r.speakers) == 1
    assert r.message.endswith(reading)


def test_nobody_on_that_side_is_said_plainly(qa_engine: Engine) -> None:
    r = qa_engine.ask("who criticised the library renovation?")
    assert r.abstained and r.answers == []
    assert r.message.startswith(
        f"I found no one in the {N_ARTICLES} indexed articles clearly speaking against"
    )
    assert "Noor Haddad" in r.message.split("Speaking for it:")[1]
    praised = qa_engine.ask("who praised the library renovation?")
    assert praised.answers[0].speaker == "Noor Haddad"


def test_who_else_took_that_side_leaves_out_those_shown(qa_engine: Engine) -> None:
    first = qa_engine.ask("who defended the levy?")
    more = qa_engine.ask("who else defended it?", context=Context().after(first))
    assert not {a.speaker for a in more.answers} & set(first.speakers)
    if more.abstained:
        assert more.message.startswith("I found no one else in the")


def test_a_role_qualified_by_the_story_finds_its_holder(qa_engine: Engine) -> None:
    """'team owner' is written without the team; the article it is written in names it."""
    for question in (
        "what did the owner of the Herons say?",
        "what did the Herons' owner say?",
        "what did the Herons owner say?",
    ):
        assert qa_engine.ask(question).speakers == ["Vincent Marino"], question
    both = qa_engine.ask("what did the team owner say?")
    assert set(both.speakers) == {"Vincent Marino", "Rosa Villanueva"}
    assert qa_engine.ask("what did the head of the venues agency say?").speakers == ["Curtis Mbeki"]
    assert qa_engine.ask("what did the agency head say?").speakers == [
        "Curtis Mbeki",
        "Tobias Lindgren",
    ]
    lakers = qa_engine.ask("what did the owner of the Lakers say?")
    assert lakers.abstained and "owner of the Lakers" in lakers.message


def test_who_quoted_counts_per_speaker(qa_engine: Engine) -> None:
    r = qa_engine.ask("who was quoted in the stadium article?")
    assert r.intent == "who_quoted" and not r.abstained
    assert "Vincent Marino" in r.speakers or "Sal Marino" in r.speakers
    assert all(a.count and a.count >= 1 for a in r.answers)
    titles = {a.article.title for a in r.answers}
    assert len(titles) == 1 and "stadium" in next(iter(titles or {""}))


def test_split_statement_has_fragments(qa_engine: Engine) -> None:
    r = qa_engine.ask("What did Simms say?")
    split = [a for a in r.answers if len(a.fragments) == 2]
    assert split, [a.fragments for a in r.answers]
    a = split[0]
    assert a.quote.startswith(a.fragments[0]) and a.quote.endswith(a.fragments[1])
    assert "Simms said" in a.quote  # the attribution sits between the pieces


def test_indirect_speech_is_kept_as_indirect(qa_engine: Engine) -> None:
    r = qa_engine.ask("what did Grace Tanaka say about the strike fund?")
    top = r.answers[0]
    assert top.kind == "indirect" and "half their usual wages" in top.quote


def test_medium_prefers_the_tweet(qa_engine: Engine) -> None:
    r = qa_engine.ask("What did Delgado tweet?")
    assert "depend on buses" in r.answers[0].quote


def test_same_words_in_two_articles_are_grouped(tmp_path: Path) -> None:
    line = '"Nobody reads the fine print until the bill arrives," Councilwoman Ines Varga said.'
    one = f"Budget hearing runs late\n\nThe council met on Monday.\n\n{line}\n"
    two = f"Council roundup\n\nIn other business, the ferry schedule was approved.\n\n{line}\n"
    (tmp_path / "one.txt").write_text(one)
    (tmp_path / "two.txt").write_text(two)
    engine = Engine(tmp_path / "data")
    try:
        report = engine.ingest([str(tmp_path / "one.txt"), str(tmp_path / "two.txt")])
        assert len(report.added) == 2
        r = engine.ask("What did Varga say?")
        assert len(r.answers) == 1
        assert len(r.answers[0].also_in) == 1
        assert r.to_json()["answers"][0]["quote"].startswith("Nobody reads")
    finally:
        engine.close()


HOSTILE = [
    "",
    "   ",
    "?!?",
    '"',
    "*",
    "NEAR",
    "-- DROP TABLE quotes; --",
    'who said "*" NEAR "--"?',
    'what did "Okafor" say about "ferry" OR * NEAR(a b)?',
    "x" * 5000,
    "who said " + "ferry " * 900,
    "¿Qué dijo la alcaldesa sobre el ferry?",
    "\x00\x1b[2J\u200b",
    "🙂",
]


@pytest.mark.parametrize("question", HOSTILE, ids=range(len(HOSTILE)))
def test_any_question_gets_an_answer(qa_engine: Engine, question: str) -> None:
    r = qa_engine.ask(question)
    assert isinstance(r.message, str) and r.message
    assert r.abstained == (not r.answers)
    json.dumps(r.to_json())
    _assert_verbatim(qa_engine, r)


def test_empty_index_abstains(tmp_path: Path) -> None:
    engine = Engine(tmp_path / "empty")
    try:
        r = engine.ask("What did Okafor say?")
        assert r.abstained and "No articles" in r.message
    finally:
        engine.close()


@pytest.mark.skipif(not SEED_GOLD.exists(), reason="../shared is not present")
def test_seed_questions_all_pass(seeded_engine: Engine) -> None:
    gold = [json.loads(x) for x in SEED_GOLD.read_text().splitlines() if x.strip()]
    failed = [g["id"] for g in gold if not passes(g, seeded_engine.ask(g["question"]))]
    assert failed == []


@pytest.mark.skipif(not SEED_GOLD.exists(), reason="../shared is not present")
def test_seed_answers_are_verbatim(seeded_engine: Engine) -> None:
    gold = [json.loads(x) for x in SEED_GOLD.read_text().splitlines() if x.strip()]
    for g in gold:
        _assert_verbatim(seeded_engine, seeded_engine.ask(g["question"]))


# -- a prolific speaker: ranked on candidates, not on every quote -----------------------------

WHAT_DID = [
    ("What did Okafor say?", None),
    ("what did Okafor say about the levy?", None),
    ("what did Grace Tanaka say about the strike fund?", None),
    ("What did Delgado tweet?", None),
    ("What did Johnson say about the ferry?", None),
    ("what else did she say?", ["Grace Tanaka"]),
]


def _shown(r: AskResult) -> list[tuple[str | None, str, str]]:
    return [(a.speaker, a.quote, a.article.id) for a in r.answers]


@pytest.mark.parametrize(("question", "speakers"), WHAT_DID)
def test_candidate_ranking_gives_the_full_ranking_answers(
    qa_engine: Engine, monkeypatch: pytest.MonkeyPatch, question: str, speakers: list[str] | None
) -> None:
    """Every speaker here has fewer quotes than the candidates taken, so ranking on
    candidates (the path for someone quoted thousands of times) must answer as scoring all."""
    ctx = Context(speakers=speakers) if speakers else None
    full = qa_engine.ask(question, context=ctx)
    monkeypatch.setattr("retrieval.answers.respond.RANK_ALL_MAX", 0)
    fast = qa_engine.ask(question, context=ctx)
    assert not full.abstained
    assert _shown(fast) == _shown(full)
    assert fast.message == full.message


def test_word_for_word_copies_are_one_answer_on_every_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = '"The harbor bridge will open in May, not a day later," Commissioner Tomas Reyes said.'
    other = '"We counted every bolt twice," Reyes said of the inspection.'
    for n, head in enumerate(["Bridge date set", "Roundup", "Harbor notes"]):
        body = f"{head}\n\nOfficials met on Tuesday.\n\n{line}\n\n{other if n == 2 else ''}\n"
        (tmp_path / f"a{n}.txt").write_text(body)
    monkeypatch.setattr("retrieval.answers.respond.RANK_ALL_MAX", 0)  # the prolific-speaker path
    engine = Engine(tmp_path / "data")
    try:
        assert len(engine.ingest([str(tmp_path / f"a{n}.txt") for n in range(3)]).added) == 3
        for question in ("What did Reyes say?", "What did Reyes say about the bridge?"):
            r = engine.ask(question)
            top = [a for a in r.answers if a.quote.startswith("The harbor bridge")]
            assert len(top) == 1 and len(top[0].also_in) == 2, question
            assert any("every bolt" in a.quote for a in r.answers), question
            assert "3 quotes" in r.message or "4 quotes" in r.message, r.message
        r = engine.ask("Who said the harbor bridge will open in May?")
        assert len(r.answers) == 1 and r.answers[0].speaker == "Tomas Reyes"
        assert len(r.answers[0].also_in) == 2
    finally:
        engine.close()


def test_lexical_search_leaves_common_words_to_rarer_ones(
    qa_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word in more rows than COMMON_ROWS is dropped when a rarer word is asked with it,
    and a question of common words only needs them all."""
    from retrieval.answers.search import Searcher

    def text(chunk_id: int) -> str:
        sql = f"SELECT text FROM {CHUNKS} WHERE id=?"
        return str(qa_engine.store.conn.execute(sql, (chunk_id,)).fetchone()[0]).lower()

    full = Searcher(qa_engine).lexical("chunks_fts", "ferry waitress", 10)
    monkeypatch.setattr("retrieval.storage.store.COMMON_ROWS", 2)  # 'ferry' is in 5 passages
    qa_engine.store._term_counts.clear()
    s = Searcher(qa_engine)
    rare = s.lexical("chunks_fts", "ferry waitress", 10)
    assert len(full) > 1 and rare == [i for i in full if "waitress" in text(i)]
    common = s.lexical("chunks_fts", "ferry stadium", 10)
    assert common and all("ferry" in text(i) and "stadium" in text(i) for i in common)


@pytest.mark.parametrize(
    ("sentence", "verb", "words", "how"),
    [
        (
            "The trade paper noted in a bulletin Friday that the mill would close in May.",
            "noted ",
            "the mill would close in May.",
            "in a bulletin Friday",
        ),
        ("Ona Pikk said the mill would close.", "said ", "the mill would close.", None),
        # The statement is the quoted words: after the verb comes only its attribution.
        ('"The mill will close," Ona Pikk said in a Monday statement.', "said ", None, None),
        ("“It is over,” the owner told reporters on the quay.", "told reporters ", None, None),
    ],
    ids=["manner-then-that", "plain", "quoted-before-verb", "curly-quoted-before-verb"],
)
def test_reported_words_never_start_with_the_attribution(
    sentence: str, verb: str, words: str | None, how: str | None
) -> None:
    from retrieval.answers.passage_reports import reported_words

    at = sentence.index(verb)
    got = reported_words(sentence, at, at + len(verb))
    if words is None:
        assert got is None
    else:
        assert got == (sentence.index(words), how)


def test_a_who_said_header_names_only_the_speakers_shown(qa_engine: Engine) -> None:
    """Slack fetches 12 answers and shows 3: the header is about those 3."""
    result = qa_engine.ask("who said the council?", limit=12, shown=3)
    first = [a.speaker for a in result.answers[:3] if a.speaker]
    later = {a.speaker for a in result.answers[3:] if a.speaker} - set(first)
    assert later, "the question has more speakers than a page shows"
    named = result.message.split("said by ", 1)[1]
    for name in later:
        assert name not in named, result.message
    assert all(name in named for name in first)
    assert result.speakers == list(dict.fromkeys(first))


def test_a_role_qualifier_must_fit_the_holder_in_the_story(qa_engine: Engine) -> None:
    """'Riverton coach Dana Kell' is no Millbrook coach, though his sentence names Millbrook;
    only the fire chief speaks, so the police chief is nobody."""
    assert qa_engine.ask("what did the Riverton coach say?").speakers == ["Dana Kell"]
    for question in ("what did the Millbrook coach say?", "what did the police chief say?"):
        r = qa_engine.ask(question)
        assert r.abstained and r.answers == [], question
    assert qa_engine.ask("what did the fire chief say?").speakers == ["Ray Odum"]


def test_a_topic_named_in_none_of_the_speakers_articles_is_declined(qa_engine: Engine) -> None:
    r = qa_engine.ask("what did Odum say about Hurricane Zelda?")
    assert r.abstained and r.answers == [] and "none of which mentions Hurricane" in r.message
    assert not qa_engine.ask("what did Odum say about Dock Street?").abstained


def test_who_was_quoted_most_counts_names_not_descriptions(qa_engine: Engine) -> None:
    r = qa_engine.ask("who was quoted most?")
    assert r.speakers and all(n[:1].isupper() for n in r.speakers)
    assert "Also quoted without a name:" in r.message


@pytest.mark.parametrize(
    "question", ['who said "a handshake is all we need"?', 'who said "the block is safe"?']
)
def test_words_in_quote_marks_are_not_answered_by_a_shared_word(
    qa_engine: Engine, question: str
) -> None:
    """Marino's handshake and Odum's block are in their quotes, these words are not."""
    r = qa_engine.ask(question)
    assert r.abstained and r.answers == []


def test_several_speakers_quote_stubs_are_merged_once_a_generation(
    qa_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several names' quotes are merged in text order once per store generation: a prolific
    speaker's tens of thousands of quotes were sorted again on every question."""
    from retrieval.answers.search import Searcher

    s = Searcher(qa_engine)
    names = sorted(s.snapshot.speakers, key=lambda n: -len(s.quote_stubs([n])))[:2]
    merged = s.quote_stubs(names)
    assert len(merged) == sum(len(s.quote_stubs([n])) for n in names) > 2
    assert merged == sorted(merged, key=lambda st: (st.article_id, st.start))
    merged.clear()  # a caller's list is its own
    s.snapshot.stubs.clear()
    monkeypatch.setattr(Searcher, "_load_stubs", lambda *_: pytest.fail("read again"))
    again = Searcher(qa_engine).quote_stubs(names)
    assert again and again == sorted(again, key=lambda st: (st.article_id, st.start))
