"""Plain-text rendering of answers for the terminal (`whosaid ask`, `whosaid chat`)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.commands import HELP_EXAMPLES
from retrieval.types import Answer, AskResult

if TYPE_CHECKING:
    from retrieval.engine import ArticleInfo

_WIDTH = 88


def render_answer(a: Answer, n: int) -> str:
    who = a.speaker or "Unknown speaker"
    if a.role:
        who += f", {a.role}"
    lines = [f"{n}. {who}" + (f" ({a.manner})" if a.manner else "")]
    body = " … ".join(a.fragments) if a.fragments else a.quote
    if a.kind == "indirect":
        body = f"(reported) {body}"
    elif a.kind == "mixed":
        body = f"(partly quoted) {body}"  # the quoted words carry their own marks
    else:
        body = f"\u201c{body}\u201d"
    lines += textwrap.wrap(body, _WIDTH - 6, initial_indent="   > ", subsequent_indent="     ")
    if a.count is not None:
        lines.append(f"   quoted {a.count} time{'s' if a.count != 1 else ''}")
    ref = a.article
    meta = ", ".join(p for p in (ref.source, ref.published) if p)
    title = ref.title or ref.url or ref.id
    lines.append(f"   — {title}" + (f" ({meta})" if meta else "") + f" [{ref.id}]")
    if ref.link or ref.url:
        lines.append(f"     {ref.link or ref.url}")
    return "\n".join(lines)


def render(result: AskResult) -> str:
    """The answer as a person reads it in a terminal."""
    out = [result.message] if result.message else []
    out += [render_answer(a, i) for i, a in enumerate(result.answers, 1)]
    if result.nearest:
        out.append("Closest:")
        out += [render_answer(a, i) for i, a in enumerate(result.nearest, 1)]
    return "\n".join(out)


def render_articles(rows: Sequence[ArticleInfo]) -> str:
    """The indexed articles, a line each (`whosaid articles`, "articles" in the chat)."""
    if not rows:
        return "No articles indexed yet. Try: whosaid index seeds/"
    lines = []
    for a in rows:
        meta = ", ".join(x for x in (a.source, a.published) if x)
        lines.append(
            f"{a.id}  {a.title or a.source_key}"
            + (f" ({meta})" if meta else "")
            + f"  [{a.quotes} quotes, {a.chunks} chunks]"
        )
    return "\n".join(lines)


def render_help() -> str:
    """Usage for the local chat."""
    examples = "\n".join(f"  {e}" for e in HELP_EXAMPLES)
    return (
        "Ask who said what in the indexed articles, for example:\n"
        f"{examples}\n"
        "A follow-up (what else did she say? who else talked about it?) continues the last "
        "answer.\n"
        "articles — list the indexed articles · help — this text · quit (or Ctrl-D) — leave"
    )
