"""Terminal rendering of answers: manner, kinds, article line."""

from __future__ import annotations

import pytest

from bot.console import render
from retrieval.types import Answer, ArticleRef, AskResult

REF = ArticleRef("abc123", "Harbor plan approved", "https://news.example/harbor", "Daily", None)


def _answer(kind: str, quote: str, cue: str | None, how: str | None) -> Answer:
    return Answer(
        speaker="Rita Okafor",
        role="Councilwoman",
        quote=quote,
        fragments=[quote],
        kind=kind,
        cue=cue,
        how=how,
        context=quote,
        article=REF,
        score=0.9,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "cue", "how", "head", "body"),
    [
        ("direct", "said", "in a statement", "(said in a statement)", "\u201cWe won.\u201d"),
        ("direct", "told", "to reporters", "(told reporters)", "\u201cWe won.\u201d"),
        ("indirect", "said", None, "(said)", "(reported) We won."),
        ("mixed", "called", None, "(called)", "(partly quoted) We won."),
        ("direct", None, None, "Councilwoman\n", "\u201cWe won.\u201d"),
    ],
)
def test_render_shows_manner_and_kind(
    kind: str, cue: str | None, how: str | None, head: str, body: str
) -> None:
    result = AskResult(
        "q",
        "what_did",
        ["Rita Okafor"],
        False,
        "Rita Okafor: 1 quote.",
        [_answer(kind, "We won.", cue, how)],
    )
    text = render(result)
    assert text.startswith("Rita Okafor: 1 quote.\n1. Rita Okafor, Councilwoman")
    assert head in text + "\n" and body in text
    assert "Harbor plan approved (Daily) [abc123]" in text and REF.url in text


def test_an_abstention_is_its_message() -> None:
    result = AskResult("q", "who_said", [], True, "Nobody said that.", [])
    assert render(result) == "Nobody said that."
