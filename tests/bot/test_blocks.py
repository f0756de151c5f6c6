"""Block Kit rendering stays inside Slack's limits and shows what the design promises."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import blocks
from bot.blocks import (
    MAX_BLOCKS,
    MORE_ACTION,
    SECTION_CHARS,
    SHARE_ACTION,
    TOTAL_CHARS,
    Rendered,
    cut,
    message_size,
)
from bot.slacktext import escape, outgoing
from bot.state import result_from_dict
from retrieval.engine import ArticleInfo
from retrieval.types import Answer, ArticleRef, AskResult

REF = ArticleRef(
    id="a1",
    title="Harbour council delays vote",
    url="https://news.example/harbour",
    source="Example Tribune",
    published="2024-05-02",
)


def make_answer(quote: str = "We will not rush this.", **kw: object) -> Answer:
    fields: dict[str, object] = {
        "speaker": "Mara Quill",
        "role": "council chair",
        "quote": quote,
        "fragments": [quote],
        "kind": "direct",
        "cue": "said",
        "how": None,
        "context": f'"{quote}" said council chair Mara Quill.',
        "article": REF,
        "score": 0.8,
    }
    fields.update(kw)
    return Answer(**fields)  # type: ignore[arg-type]


def make_result(answers: list[Answer], abstained: bool = False, message: str = "") -> AskResult:
    return AskResult(
        question="what did Quill say?",
        intent="what_did",
        speakers=["Mara Quill"],
        abstained=abstained,
        message=message,
        answers=answers,
    )


def sent(rendered: Rendered) -> Rendered:
    """The message as Slack receives it (escaped on the way out)."""
    return Rendered(**outgoing(rendered.text, rendered.blocks))


def answer_blocks(*args: Any, **kwargs: Any) -> Rendered:
    return sent(blocks.answer_blocks(*args, **kwargs))


def article_list_blocks(*args: Any, **kwargs: Any) -> Rendered:
    return sent(blocks.article_list_blocks(*args, **kwargs))


def help_blocks(*args: Any, **kwargs: Any) -> Rendered:
    return sent(blocks.help_blocks(*args, **kwargs))


def section_texts(rendered: Rendered) -> list[str]:
    return [b["text"]["text"] for b in rendered.blocks if b["type"] == "section"]


def assert_within_limits(rendered: Rendered) -> None:
    assert rendered.text, "the text fallback is always set"
    assert len(rendered.blocks) <= MAX_BLOCKS
    for text in section_texts(rendered):
        assert len(text) <= SECTION_CHARS
    assert message_size(rendered) <= TOTAL_CHARS
    json.dumps(rendered.blocks)  # serialisable as sent


def test_one_section_per_quote_with_speaker_role_and_block_quote() -> None:
    rendered = answer_blocks(make_result([make_answer(), make_answer("The budget is sound.")]))
    texts = section_texts(rendered)
    assert len(texts) == 2
    assert texts[0].startswith("*Mara Quill*, council chair")
    assert "\n>“We will not rush this.”" in texts[0]
    contexts = [b for b in rendered.blocks if b["type"] == "context"]
    line = contexts[-1]["elements"][0]["text"]
    assert "<https://news.example/harbour|Harbour council delays vote>" in line
    assert "Example Tribune" in line and "2024-05-02" in line
    assert "Mara Quill said: “We will not rush this.”" in rendered.text
    assert_within_limits(rendered)


def test_indirect_speech_is_marked_as_reported_and_shown_in_its_sentence() -> None:
    context = "Quill said the vote would wait until June, when the survey is done."
    answer = make_answer("the vote would wait until June", kind="indirect", context=context)
    rendered = answer_blocks(make_result([answer]))
    text = section_texts(rendered)[0]
    assert "(reported speech)" in text
    assert "“" not in text, "reported speech is not shown as a quotation"
    assert ">Quill said *the vote would wait until June*, when the survey is done." in text
    assert f"Mara Quill (reported): {context}" in rendered.text


def test_partly_quoted_speech_is_not_wrapped_in_quotation_marks() -> None:
    quote = 'the harbour plan was "not dead yet" and would return in June'
    answer = make_answer(quote, kind="mixed", context=f"Quill said {quote}.")
    rendered = answer_blocks(make_result([answer]))
    text = section_texts(rendered)[0]
    assert "(partly quoted)" in text
    assert f"\n>{quote}" in text and "“" not in text, "only the article's own marks"
    assert "“" not in rendered.text and "(partly quoted)" in rendered.text


def test_indirect_speech_without_its_sentence_shows_the_words() -> None:
    answer = make_answer("the vote would wait", kind="indirect", context="Unrelated.")
    text = section_texts(answer_blocks(make_result([answer])))[0]
    assert text.endswith("\n>the vote would wait")


def test_split_quote_shows_its_fragments() -> None:
    answer = make_answer(
        'We will wait," she said, "and then decide.',
        fragments=["We will wait,", "and then decide."],
        kind="direct",
    )
    text = section_texts(answer_blocks(make_result([answer])))[0]
    assert "We will wait, … and then decide." in text
    assert "she said" not in text


def test_abstention_says_what_was_looked_for() -> None:
    message = "Ivo Brandt is mentioned in 1 article but not quoted."
    rendered = answer_blocks(make_result([], abstained=True, message=message))
    assert section_texts(rendered) == [":mag: " + message]
    assert rendered.text == message
    assert_within_limits(rendered)


@pytest.mark.parametrize(
    ("length", "count"),
    [(100, 1), (2_900, 1), (10_000, 1), (50_000, 3), (5_000, 12), (200_000, 40)],
    ids=["short", "near-section", "over-section", "huge-page", "many", "absurd"],
)
def test_long_and_many_quotes_stay_inside_limits(length: int, count: int) -> None:
    words = ("word " * (length // 5 + 1))[:length]
    answers = [make_answer(words) for _ in range(count)]
    rendered = answer_blocks(make_result(answers), answer_id="abc123", shareable=True)
    assert_within_limits(rendered)
    for text in section_texts(rendered):
        if length > 1200:
            assert text.endswith("…”"), "a long quote is cut, marked with an ellipsis"
            assert "wor…" not in text, "cut at a word"


def test_more_button_pages_through_results() -> None:
    answers = [make_answer(f"Statement number {i}.") for i in range(7)]
    first = answer_blocks(make_result(answers), answer_id="abc", shareable=True)
    assert len(section_texts(first)) == 3
    actions = next(b for b in first.blocks if b["type"] == "actions")["elements"]
    more = next(e for e in actions if e["action_id"] == MORE_ACTION)
    share = next(e for e in actions if e["action_id"] == SHARE_ACTION)
    assert more["value"] == "abc:3" and more["text"]["text"] == "More (4)"
    assert share["value"] == "abc:0"
    last = answer_blocks(make_result(answers), start=6, answer_id="abc")
    assert len(section_texts(last)) == 1
    assert not [b for b in last.blocks if b["type"] == "actions"], "nothing more to show"


def test_without_an_answer_id_there_are_no_buttons() -> None:
    answers = [make_answer(f"Statement number {i}.") for i in range(5)]
    rendered = answer_blocks(make_result(answers))
    assert not [b for b in rendered.blocks if b["type"] == "actions"]
    assert "…and 2 more." in json.dumps(rendered.blocks, ensure_ascii=False)


def test_hostile_text_cannot_ping_or_break_links() -> None:
    nasty = "<!channel> look at <https://evil.example|this> & more"
    answer = make_answer(
        nasty,
        speaker="<@U999> Bad|Name",
        article=ArticleRef(
            id="x",
            title="Title > with | bars",
            url="javascript:alert(1)",
            source=None,
            published=None,
        ),
    )
    rendered = answer_blocks(make_result([answer]))
    dumped = json.dumps(rendered.blocks)
    assert "<!channel>" not in dumped and "<@U999>" not in dumped
    assert "&lt;!channel&gt;" in dumped and "&amp; more" in dumped
    assert "javascript:" not in dumped, "only http(s) links are made"


def test_shared_answer_names_who_asked_and_has_no_buttons() -> None:
    rendered = answer_blocks(make_result([make_answer()]), shared_by="U0ASKER1")
    assert rendered.blocks[0]["type"] == "context"
    assert "<@U0ASKER1> asked" in rendered.blocks[0]["elements"][0]["text"]
    assert not [b for b in rendered.blocks if b["type"] == "actions"]


def test_cut_is_at_a_word_with_an_ellipsis() -> None:
    assert cut("alpha beta gamma delta", 13) == "alpha beta…"
    assert cut("short", 10) == "short"
    assert len(cut("x" * 100, 10)) == 10
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_help_has_examples_and_fallback() -> None:
    rendered = help_blocks()
    assert "/whosaid what did" in section_texts(rendered)[0]
    assert rendered.text.startswith("whosaid")


def test_article_list_has_remove_buttons_and_fits() -> None:
    infos = [
        ArticleInfo(
            id=f"id{i}",
            title=f"Article {i}",
            url=None,
            source="Src",
            published=None,
            source_key=f"/tmp/{i}.txt",
            chunks=3,
            quotes=i,
            added_at="2024-01-01",
        )
        for i in range(120)
    ]
    rendered = article_list_blocks(infos)
    assert_within_limits(rendered)
    buttons = [b["accessory"] for b in rendered.blocks if "accessory" in b]
    assert buttons and all(b["confirm"] for b in buttons)
    assert "…and 80 more" in json.dumps(rendered.blocks, ensure_ascii=False)


def test_stored_result_round_trips() -> None:
    from dataclasses import asdict

    result = make_result([make_answer(also_in=[REF], count=4)])
    assert result_from_dict(json.loads(json.dumps(asdict(result)))) == result


def test_markup_tokens_cannot_be_forged_by_text() -> None:
    from bot.slacktext import QUOTE_LINE, link, mention, to_mrkdwn

    made = link("https://news.example/a?x=1&y=2", "A <b> & c")
    assert to_mrkdwn(made) == "<https://news.example/a?x=1&amp;y=2|A &lt;b&gt; &amp; c>"
    assert to_mrkdwn(mention("U0ASKER1")) == "<@U0ASKER1>"
    assert to_mrkdwn(mention("<!channel>")) == "someone"
    assert to_mrkdwn(QUOTE_LINE + "a > b") == ">a &gt; b"
    # The token alphabet without the process's secret is only stripped, never markup.
    forged = "\ue000deadbeefLhttps://evil.example\ue001click\ue002"
    assert "<" not in to_mrkdwn(forged) and "\ue000" not in to_mrkdwn(forged)
