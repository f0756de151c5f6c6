"""The "Who said this?" message shortcut: who said the quoted words of any Slack message.

A colleague writes `the mayor called it "a giveaway we cannot afford"`; the shortcut asks
who said the quoted words (each quoted span, up to three) or, when the message quotes
nothing, the whole message. The answers are private, like `/whosaid`'s, with Share buttons.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App

from bot.blocks import Rendered, answer_blocks, cut, notice
from bot.runtime import Runtime, clean_question
from retrieval.types import Context

log = logging.getLogger("whosaid.bot")

CALLBACK_ID = "whosaid_who_said_this"
MAX_SPANS = 3
QUESTION_CHARS = 2000  # as /whosaid: the engine is asked about at most this much
MAX_RESULTS = 12

# A quoted span: curly or straight double quotes, guillemets, low-high quotes, or curly single
# quotes around more than one word (a lone ’ is an apostrophe, not a quote).
_SPANS = re.compile(
    r"“(?P<a>[^“”]+)”|\"(?P<b>[^\"]+)\"|«\s*(?P<c>[^«»]+?)\s*»|„(?P<d>[^„“”]+)[“”]"
    r"|(?<![\w’'])‘(?P<e>[^‘’]*\s[^‘’]*)’(?!\w)"
)


def quoted_spans(text: str, limit: int = MAX_SPANS) -> tuple[list[str], int]:
    """(the first `limit` distinct quoted spans, how many there were in all)."""
    found: list[str] = []
    for match in _SPANS.finditer(text):
        span = " ".join(next(g for g in match.groups() if g is not None).split())
        span = span.strip(" ,.;:!?")  # end punctuation does not change who said it
        if re.search(r"\w", span) and span.lower() not in (s.lower() for s in found):
            found.append(span)
    return found[:limit], len(found)


def _cut_words(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word (no ellipsis: the words are searched)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    return head[:space] if space > limit // 2 else head


def questions_for(text: str) -> tuple[list[str], list[str]]:
    """The questions to ask about a message, and notes for the person (what was cut)."""
    spans, total = quoted_spans(text)
    notes: list[str] = []
    if total > len(spans):
        notes.append(f"The message quotes {total} passages; I looked up the first {len(spans)}.")
    if not spans:
        spans = [text]
    room = QUESTION_CHARS - len('who said ""?')
    questions = []
    for span in spans:
        shown = _cut_words(span, room)
        if len(shown) < len(span):
            notes.append(
                f"The message is long: I looked up its first {len(shown):,} characters "
                f"of {len(span):,}."
            )
        questions.append(f'who said "{shown}"?')
    return questions, notes


class WhoSaidThis:
    """The message shortcut's listener."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def register(self, app: App) -> None:
        app.shortcut(CALLBACK_ID)(self.on_shortcut)

    def on_shortcut(self, ack: Ack, body: dict[str, Any]) -> None:
        ack()
        url = body.get("response_url")
        channel = (body.get("channel") or {}).get("id")
        user = (body.get("user") or {}).get("id")
        message = body.get("message") or {}
        text = clean_question(str(message.get("text") or ""), None)

        def work() -> None:
            if not text:
                self.rt.reply_private(url, channel, user, _nothing(), replace=False)
                return
            questions, notes = questions_for(text)
            for n, question in enumerate(questions):
                result = self.rt.engine.ask(question, context=Context(), limit=MAX_RESULTS)
                answer_id = self.rt.state.save_answer(result, user)
                reply = answer_blocks(
                    result, answer_id=answer_id, shareable=True, echo_question=True
                )
                if n == 0 and notes:
                    reply = _with_notes(reply, notes)
                self.rt.reply_private(url, channel, user, reply, replace=False)
            log.info("answered the message shortcut: %d question(s)", len(questions))

        self.rt.background(
            "who said this",
            work,
            lambda error: self.rt.reply_private(
                url, channel, user, notice(error, ":warning:"), replace=False
            ),
        )


def _with_notes(reply: Rendered, notes: list[str]) -> Rendered:
    note = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": cut(" ".join(notes), 2000)}],
    }
    return Rendered(text=reply.text, blocks=[note, *reply.blocks][:50])


def _nothing() -> Rendered:
    return notice(
        "That message has no text to look up. Use *Who said this?* on a message that "
        "quotes someone.",
        ":grey_question:",
    )
