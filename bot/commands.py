"""Messages that ask the bot about itself — its usage, the articles it has read — rather than
who said what. Slack and the local chat answer these the same way, without the engine."""

from __future__ import annotations

import re

__all__ = ["HELP_EXAMPLES", "is_article_list", "is_help"]

HELP_EXAMPLES = (
    "what did the mayor say about the budget?",
    "who called the deal “a giveaway”?",
    "what else did he say?",
)


def is_help(question: str) -> bool:
    """The message asks how to use the bot (or is empty, or only says hello)."""
    return question.strip(" ?!.").lower() in {"", "help", "usage", "hi", "hello"}


# "articles", "list the articles", "which articles do you have?" — the whole message asks for
# the list; "which articles mention the levy?" is a question about quotes and is not matched.
_ARTICLE_LIST = re.compile(
    r"(?:(?:please\s+)?(?:list|show(?:\s+me)?)\s+(?:the\s+|all\s+(?:the\s+)?|your\s+)?)?"
    r"(?:(?:what|which)\s+)?(?:indexed\s+)?(?:articles|sources|stories|news\s+articles)"
    r"(?:\s+(?:are\s+(?:indexed|there|loaded)|do\s+you\s+(?:have|know(?:\s+about)?)"
    r"|have\s+you\s+(?:got|read|indexed)|can\s+i\s+ask\s+about|indexed))?",
    re.I,
)


def is_article_list(question: str) -> bool:
    """The message asks which articles are indexed."""
    return _ARTICLE_LIST.fullmatch(" ".join(question.strip(" ?!.").split())) is not None
