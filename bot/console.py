"""Plain-text rendering of answers for the terminal (`whosaid ask`, `whosaid chat`)."""

from __future__ import annotations

import textwrap

from retrieval.types import Answer, AskResult

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
    if ref.url:
        lines.append(f"     {ref.url}")
    return "\n".join(lines)


def render(result: AskResult) -> str:
    """The answer as a person reads it in a terminal."""
    out = [result.message] if result.message else []
    out += [render_answer(a, i) for i, a in enumerate(result.answers, 1)]
    return "\n".join(out)
