"""Messages that ask the bot about itself (help, the article list) rather than who said what."""

from __future__ import annotations

import pytest

from bot.commands import is_article_list, is_help
from bot.console import render_articles, render_help
from retrieval.engine import ArticleInfo


@pytest.mark.parametrize(
    ("text", "listing"),
    [
        ("articles", True),
        ("Articles?", True),
        ("list articles", True),
        ("list the articles", True),
        ("show me all the articles", True),
        ("what articles do you have?", True),
        ("which articles are indexed", True),
        ("which  stories have you read?", True),
        ("sources", True),
        ("which articles mention the levy?", False),
        ("what did the articles say about the levy?", False),
        ("who said the articles were wrong?", False),
        ("what did Okafor say?", False),
    ],
)
def test_article_list_is_the_whole_message(text: str, listing: bool) -> None:
    assert is_article_list(text) is listing


@pytest.mark.parametrize(("text", "usage"), [("help", True), ("", True), ("help me", False)])
def test_help_is_the_whole_message(text: str, usage: bool) -> None:
    assert is_help(text) is usage


def test_chat_renderings_name_the_commands_and_each_article() -> None:
    assert "articles" in render_help() and "quit" in render_help()
    info = ArticleInfo(
        id="abc123",
        source_key="harbor.txt",
        title="Harbor plan approved",
        url=None,
        source="Daily",
        published="2024-01-02",
        chunks=3,
        quotes=5,
        added_at="2024-01-03T00:00:00Z",
    )
    assert render_articles([info]) == (
        "abc123  Harbor plan approved (Daily, 2024-01-02)  [5 quotes, 3 chunks]"
    )
    assert "No articles" in render_articles([])
