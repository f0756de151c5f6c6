"""Quote marks paired by scanning characters.

Not by the parser: it does not know which marks open and which close, and one stray mark
must not spoil a whole article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb'
OPEN_DOUBLE = "\u201c\u201e\u00ab"
CLOSE_DOUBLE = "\u201d\u00bb"
SINGLE_MARKS = "'\u2018\u2019"
_MARK = re.compile(f"[{DOUBLE_MARKS}{SINGLE_MARKS}]")
OPENERS_BEFORE = " \t\n([{\u2014\u2013-/:;,"  # a mark after one of these opens a quote
_DECADE = re.compile(r"\d\ds\b")


@dataclass
class QuoteSpan:
    """A quoted stretch; `close_at` is None when the paragraph ran out before a closing mark."""

    open_at: int
    close_at: int | None
    inner_start: int
    inner_end: int
    single: bool = False
    mark: int = 1  # width of the closing mark
    continues: bool = False  # unclosed at paragraph end; the next paragraph reopens it

    @property
    def end(self) -> int:
        """Offset just after the closing mark (or after the inner text when unclosed)."""
        return self.close_at + self.mark if self.close_at is not None else self.inner_end


def _direction(text: str, i: int, width: int = 1) -> str:
    """'open', 'close' or '?' for the straight mark at i, from the characters around it."""
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + width] if i + width < len(text) else "\n"
    opens = before in OPENERS_BEFORE or before in DOUBLE_MARKS or before in SINGLE_MARKS
    closes = after.isspace() or after in ".,;:!?)]}\u2014\u2013-" or after in DOUBLE_MARKS
    if opens and not after.isspace():
        return "open"
    if closes and not before.isspace():
        return "close"
    return "?"


def _single_role(text: str, i: int) -> str:
    """'open', 'close' or 'apostrophe' for a single mark (straight or curly) at i."""
    ch = text[i]
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    if before.isalnum() and after.isalnum():
        return "apostrophe"  # don't, Trump's, rock'n'roll
    if ch == "\u2018" or (ch == "'" and (before in OPENERS_BEFORE or before in DOUBLE_MARKS)):
        if _DECADE.match(text, i + 1) or not after.isalnum():
            return "apostrophe"  # '90s, a lone mark
        return "open"
    if not before.isspace() and (after.isspace() or after in ".,;:!?)]}\u2014" or after == "\n"):
        return "close"
    return "apostrophe"


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in re.finditer(r"\n", text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def scan_quotes(text: str) -> list[QuoteSpan]:
    """Pair the quote marks of `text`, paragraph by paragraph.

    Double marks pair with each other; single marks count as quotes only outside double
    quotes and only when they pair up (otherwise they are apostrophes). A paragraph that ends
    inside a quote keeps it open when the next paragraph starts with an opening mark (the news
    convention for a quote that runs over paragraphs); any other unpaired mark is ignored.
    """
    spans: list[QuoteSpan] = []
    paras = _paragraphs(text)
    for p_index, (ps, pe) in enumerate(paras):
        open_d: int | None = None
        open_w = 1  # width of the opening mark ('' counts as one double mark)
        open_s: int | None = None
        i = ps
        while i < pe:
            m = _MARK.search(text, i, pe)  # only the marks matter: skip to the next one
            if m is None:
                break
            i = m.start()
            ch = text[i]
            width = 2 if text.startswith("''", i) else 1
            if ch in DOUBLE_MARKS or width == 2:
                if ch in OPEN_DOUBLE:
                    d = "open"
                elif ch in CLOSE_DOUBLE:
                    # a closing curly mark typed at the start of a quote still opens it
                    d = "open" if open_d is None and _direction(text, i) == "open" else "close"
                else:
                    d = _direction(text, i, width)
                    if d == "?":
                        d = "close" if open_d is not None else "open"
                if d == "open" and not (
                    open_d is not None and _direction(text, i, width) != "open"
                ):
                    open_d, open_w, open_s = i, width, None
                elif open_d is not None:
                    spans.append(QuoteSpan(open_d, i, open_d + open_w, i, mark=width))
                    open_d = None
                i += width
                continue
            if ch in SINGLE_MARKS and open_d is None:
                role = _single_role(text, i)
                if role == "open" and open_s is None:
                    open_s = i
                elif role == "close" and open_s is not None and i > open_s + 1:
                    spans.append(QuoteSpan(open_s, i, open_s + 1, i, single=True))
                    open_s = None
            i += 1
        if open_d is not None:
            nxt = paras[p_index + 1] if p_index + 1 < len(paras) else None
            reopens = nxt is not None and text[nxt[0] : nxt[1]].lstrip()[:1] in '"\u201c'
            lead = text[ps:open_d].rstrip()
            introduced = not lead or lead[-1] in ",:"
            if reopens or introduced:
                end = _rstrip(text, open_d + open_w, pe)
                spans.append(QuoteSpan(open_d, None, open_d + open_w, end, continues=reopens))
    spans.sort(key=lambda s: s.open_at)
    return [s for s in spans if text[s.inner_start : s.inner_end].strip()]


def inner_quotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the words inside single marks within [start, end): the quotes a
    quoted speaker quotes ('"He said, 'You know me.'"'), apostrophes left out."""
    out: list[tuple[int, int]] = []
    open_s: int | None = None
    for i in range(start, end):
        if text[i] not in SINGLE_MARKS:
            continue
        role = _single_role(text, i)
        if role == "open" and open_s is None:
            open_s = i
        elif role == "close" and open_s is not None and i > open_s + 1:
            out.append((open_s + 1, i))
            open_s = None
    return out
