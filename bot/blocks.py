"""Answers and admin reports as Slack Block Kit, always inside Slack's limits.

Renderers write raw text: `bot.slacktext.outgoing` escapes everything at the moment it is
sent, and only the markup made with `link`, `mention` and `QUOTE_LINE` stays markup. Sizes are
counted as sent (`shown_length`), escapes included.

Slack rejects a message with more than 50 blocks or a section text over 3,000 characters, and
long messages get truncated around 12,000 characters in all. Every renderer here returns a
`Rendered` (blocks plus the `text` fallback notifications and screen readers use) that stays
under those limits: long quotes are cut at a word with "…", and answers beyond one page go
behind a "More" button.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.commands import HELP_EXAMPLES
from bot.slacktext import QUOTE_LINE, link, mention, shown_length
from retrieval.types import Answer, ArticleRef, AskResult

Block = dict[str, Any]

MAX_BLOCKS = 50
SECTION_CHARS = 3000
TOTAL_CHARS = 12_000
FALLBACK_CHARS = 3000
QUOTE_CHARS = 1200  # a quote longer than this is cut: a page of answers stays readable
PAGE_SIZE = 3
MAX_PAGE = 10

SHARE_ACTION = "whosaid_share"
MORE_ACTION = "whosaid_more"
REMOVE_ACTION = "whosaid_admin_remove"

_KIND_NOTE = {"indirect": "reported speech", "mixed": "partly quoted"}


@dataclass(frozen=True)
class Rendered:
    """A message ready for chat.postMessage, a response_url or chat.update."""

    text: str
    blocks: list[Block]


def cut(text: str, limit: int) -> str:
    """Shorten `text` to at most `limit` characters, at a word boundary, ending with "…"."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: max(limit - 1, 0)]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:—-") + "…"


def cut_shown(text: str, limit: int) -> str:
    """Cut `text` so that, escaped as it will be sent, it fits in `limit` characters."""
    budget = limit
    while True:
        out = cut(text, budget)
        over = shown_length(out) - limit
        if over <= 0 or budget <= 1:
            return out
        budget = max(budget - over, 1)


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": t} for t in texts[:10] if t],
    }


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value[:2000],
    }
    if style:
        button["style"] = style
    return button


def _blockquote(text: str) -> str:
    lines = text.splitlines() or [""]
    return "\n".join(QUOTE_LINE + line if line.strip() else QUOTE_LINE for line in lines)


def _said_line(answer: Answer) -> str:
    who = f"*{answer.speaker}*" if answer.speaker else "*Unattributed*"
    parts = [who]
    if answer.role:
        parts.append(answer.role)
    head = ", ".join(parts)
    manner = answer.manner
    if manner:
        head += f" · _{manner}_"
    note = _KIND_NOTE.get(answer.kind)
    if note:
        head += f" ({note})"
    return head


def _shown_quote(answer: Answer) -> str:
    """The words to show: the fragments of a split quote joined by " … ", else the quote."""
    pieces = [f.strip() for f in answer.fragments if f.strip()]
    if len(pieces) > 1:
        return " … ".join(pieces)
    return answer.quote.strip()


def _article_line(ref: ArticleRef) -> str:
    parts = [link(ref.link or ref.url, ref.title or "Untitled article")]
    if ref.source:
        parts.append(ref.source)
    if ref.published:
        parts.append(ref.published)
    return " · ".join(parts)


def _reported(answer: Answer, room: int) -> str | None:
    """Reported speech reads best in its sentence: the article's sentence, the reported words
    in bold. None when the sentence does not hold the words or is too long to show whole."""
    context = answer.context.strip()
    quote = answer.quote.strip()
    at = context.find(quote) if quote else -1
    if at < 0 or shown_length(context) + 2 > room or "*" in context:
        return None
    end = at + len(quote)
    return f"{context[:at]}*{quote}*{context[end:]}"


def answer_section(answer: Answer, quote_chars: int = QUOTE_CHARS) -> list[Block]:
    """One answer: a section (speaker, role, the quote as a block quote) and its source line."""
    head = _said_line(answer)
    room = min(quote_chars, SECTION_CHARS - len(head) - 20)
    reported = _reported(answer, room) if answer.kind == "indirect" else None
    if reported is not None:
        body = reported
    elif answer.kind != "direct":
        # Reported or partly quoted: only the words the article itself quotes carry marks.
        body = cut_shown(_shown_quote(answer), room)
    else:
        body = "“" + cut_shown(_shown_quote(answer), room) + "”"
    extras = [_article_line(answer.article)]
    if answer.count:
        extras.append(f"{answer.count} quote{'s' if answer.count != 1 else ''} in the index")
    if answer.also_in:
        n = len(answer.also_in)
        extras.append(f"also in {n} other article{'s' if n != 1 else ''}")
    return [_section(f"{head}\n{_blockquote(body)}"), _context(" · ".join(extras))]


def _fallback_line(answer: Answer) -> str:
    who = answer.speaker or "Unattributed"
    title = answer.article.title or "an article"
    if answer.kind == "indirect":
        return f"{who} (reported): {cut(answer.context.strip() or answer.quote, 300)} ({title})"
    if answer.kind == "mixed":
        return f"{who} (partly quoted): {cut(_shown_quote(answer), 300)} ({title})"
    return f"{who} said: “{cut(_shown_quote(answer), 300)}” ({title})"


def answer_blocks(
    result: AskResult,
    *,
    start: int = 0,
    page_size: int = PAGE_SIZE,
    answer_id: str | None = None,
    shareable: bool = False,
    echo_question: bool = False,
    shared_by: str | None = None,
    note_rest: bool = True,
) -> Rendered:
    """Render one page of an answer: `page_size` quotes from `start`, then Share/More buttons.

    `answer_id` names the stored result the buttons refer to; without it there are no buttons
    and, unless `note_rest` is False (a page whose next page is already out), a note of how
    many more there are.
    """
    page_size = max(1, min(page_size, MAX_PAGE))
    page = result.answers[start : start + page_size]
    rest = len(result.answers) - (start + len(page))
    blocks: list[Block] = []
    heads: list[str] = []
    if shared_by:
        heads.append(f"{mention(shared_by)} asked: _{cut_shown(result.question, 500)}_")
    elif echo_question:
        heads.append(f"_{cut_shown(result.question, 500)}_")
    if heads:
        blocks.append(_context(*heads))
    if result.abstained or not page:
        message = result.message or "I found nothing on that in the indexed articles."
        blocks.append(_section(":mag: " + cut_shown(message, SECTION_CHARS - 10)))
        if result.nearest and start == 0:  # "Nothing from 2015; the closest is from ..."
            blocks.append(_context("*Closest*"))
            for near in result.nearest[:MAX_PAGE]:
                blocks.extend(answer_section(near, 600))
    elif result.message and start == 0:
        blocks.append(_context(cut_shown(result.message, 500)))
    # Share the budget left between the quotes on this page.
    overhead = sum(_size(b) for b in blocks) + 800
    per_answer = (TOTAL_CHARS - overhead) // max(len(page), 1) - 600
    quote_chars = max(200, min(QUOTE_CHARS, per_answer))
    for answer in page:
        blocks.extend(answer_section(answer, quote_chars))
    buttons: list[Block] = []
    if answer_id and rest > 0:
        label = f"More ({rest})"
        buttons.append(_button(label, MORE_ACTION, f"{answer_id}:{start + len(page)}"))
    elif rest > 0 and note_rest:
        blocks.append(_context(f"…and {rest} more."))
    if answer_id and shareable and page:
        buttons.append(
            _button("Share in channel", SHARE_ACTION, f"{answer_id}:{start}", style="primary")
        )
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    if result.abstained or not page:
        text = result.message or "I found nothing on that in the indexed articles."
    else:
        text = "\n".join(_fallback_line(a) for a in page)
    return _fit(Rendered(text=cut(text, FALLBACK_CHARS), blocks=blocks))


def _size(block: Block) -> int:
    """Characters of text a block carries (what counts against the message size)."""
    total = 0
    stack: list[Any] = [block]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "text" and isinstance(value, str):
                    total += shown_length(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return total


def message_size(rendered: Rendered) -> int:
    """Characters in the blocks and fallback together."""
    return shown_length(rendered.text) + sum(_size(b) for b in rendered.blocks)


def _fit(rendered: Rendered) -> Rendered:
    """Last guard: drop trailing content blocks until the message is inside Slack's limits."""
    blocks = list(rendered.blocks)
    actions = [b for b in blocks if b.get("type") == "actions"]
    body = [b for b in blocks if b.get("type") != "actions"]

    def total() -> int:
        return shown_length(rendered.text) + sum(_size(b) for b in body + actions)

    while body and (len(body) + len(actions) > MAX_BLOCKS or total() > TOTAL_CHARS):
        body.pop()
    return Rendered(text=rendered.text, blocks=body + actions)


def plain(text: str) -> Rendered:
    """A text-only message (a slash command's first reply)."""
    return Rendered(text=text, blocks=[])


def notice(text: str, emoji: str = ":information_source:") -> Rendered:
    """A one-section message (errors, refusals, progress)."""
    shown = cut_shown(text, SECTION_CHARS - 20)
    return Rendered(text=cut(text, FALLBACK_CHARS), blocks=[_section(f"{emoji} {shown}")])


def help_blocks(command: str = "/whosaid") -> Rendered:
    """Usage with examples for every surface."""
    examples = "\n".join(f"• `{command} {e}`" for e in HELP_EXAMPLES[:2])
    text = (
        "*whosaid* finds who said what in the indexed news articles, word for word.\n"
        f"{examples}\n"
        "• Mention me in a channel: `@whosaid what did the spokeswoman say?` — I answer in "
        "the thread, and follow-ups there (“what else did he say?”) need no mention.\n"
        "• Or send me a direct message.\n"
        f"• `{command} articles` lists the articles I answer from.\n"
        f"Answers to `{command}` are private until you press *Share in channel*."
    )
    return Rendered(
        text="whosaid: ask who said what in the indexed articles, e.g. "
        f"{command} {HELP_EXAMPLES[0]}",
        blocks=[_section(text)],
    )


def admin_help_blocks(command: str = "/whosaid-admin") -> Rendered:
    lines = [
        f"`{command} add URL` — fetch and index an article",
        f"`{command} reindex` — re-extract quotes and re-embed every article",
        f"`{command} remove ID` — remove an article (ids are in `list`)",
        f"`{command} list` — the indexed articles",
        f"`{command} status` — counts of articles, quotes, speakers and vectors",
        f"`{command} follow FEED_URL` — follow an RSS or Atom feed: its articles are indexed",
        f"`{command} unfollow ID` — stop following a feed (ids are in `feeds`)",
        f"`{command} feeds` — the followed feeds, their last poll and error",
        "Or send me a `.txt` or `.html` article file in a direct message.",
    ]
    return Rendered(
        text=f"{command}: add URL, reindex, remove ID, list, status, follow URL, unfollow ID, "
        "feeds, help",
        blocks=[_section("*whosaid admin*\n" + "\n".join(lines))],
    )


def article_list_blocks(
    articles: Sequence[Any], *, limit: int = 40, removable: bool = True
) -> Rendered:
    """The indexed articles, one section each; admins get a Remove button on each."""
    if not articles:
        return notice("No articles are indexed yet. An admin adds them: `/whosaid-admin add URL`.")
    blocks: list[Block] = [_section(f"*{len(articles)} indexed article(s)*")]
    for info in articles[:limit]:
        title = link(info.url, info.title or info.source_key)
        line = f"{title}\n`{info.id}` · {info.quotes} quotes"
        if info.source:
            line += f" · {info.source}"
        if info.published:
            line += f" · {info.published}"
        section = _section(line)
        if removable:
            section["accessory"] = {
                **_button("Remove", REMOVE_ACTION, info.id, style="danger"),
                "confirm": {
                    "title": {"type": "plain_text", "text": "Remove article?"},
                    "text": {"type": "plain_text", "text": cut(info.title or info.id, 200)},
                    "confirm": {"type": "plain_text", "text": "Remove"},
                    "deny": {"type": "plain_text", "text": "Keep"},
                },
            }
        blocks.append(section)
    if len(articles) > limit:
        blocks.append(_context(f"…and {len(articles) - limit} more (`whosaid articles`)."))
    return _fit(Rendered(text=f"{len(articles)} indexed article(s)", blocks=blocks))


def stats_blocks(stats: dict[str, int]) -> Rendered:
    order = ("articles", "chunks", "quotes", "speakers", "vectors", "index_bytes")
    parts = [f"{key.replace('_', ' ')}: *{stats[key]:,}*" for key in order if key in stats]
    return Rendered(
        text="whosaid status: " + ", ".join(p.replace("*", "") for p in parts),
        blocks=[_section(":bar_chart: " + " · ".join(parts))],
    )


def ingest_report_blocks(what: str, report: Any, titles: dict[str, str]) -> Rendered:
    """The result of an add or reindex: what was added, with counts, and what failed."""
    lines: list[str] = []

    def named(ids: Sequence[str]) -> str:
        shown = [f"{titles.get(i) or i} (`{i}`)" for i in ids[:10]]
        more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
        return "; ".join(shown) + more

    if report.added:
        lines.append(f":white_check_mark: Added {len(report.added)}: {named(report.added)}")
    if report.replaced:
        lines.append(
            f":arrows_counterclockwise: Updated {len(report.replaced)}: {named(report.replaced)}"
        )
    if report.unchanged:
        lines.append(f":zzz: Already indexed, unchanged: {named(report.unchanged)}")
    for source, error in report.failed[:10]:
        lines.append(f":x: {cut_shown(source, 300)}: {cut_shown(error, 500)}")
    lines.append(f"{report.quotes:,} quotes, {report.speakers:,} speakers.")
    ok = not report.failed
    head = f"*{what}* {'done' if ok else 'finished with errors'}"
    text = (
        f"{what}: {len(report.added)} added, {len(report.failed)} failed, "
        f"{report.quotes} quotes, {report.speakers} speakers"
    )
    body = cut_shown("\n".join([head, *lines]), SECTION_CHARS)
    return Rendered(text=text, blocks=[_section(body)])
