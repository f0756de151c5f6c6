"""Hard-wrapped text: lines broken at a fixed width, mid-sentence and even mid-name.

Wire copy and plain-text pages often break every line near a fixed width ("... said a
shorter\\nprison term ..."). The parse treats a line break as a paragraph end (the paragraph
component starts a sentence there), which cuts statements and names in two. `unwrap` gives the
parser the text with those breaks as spaces: one character for one, so every offset, and
every quote taken from the original text, stays where it was.
"""

from __future__ import annotations

from itertools import pairwise

# A line that ends one of these has ended its sentence: the break may be a paragraph's end.
_ENDS = tuple(".!?:;\"'\u201d\u2019)]")
_MAX_WIDTH = 100  # wider lines are paragraphs, however regular
_MIN_LINES = 6


def _width(lengths: list[int]) -> int | None:
    """The width a text is wrapped at, or None when it is not hard-wrapped: at least
    `_MIN_LINES` lines, most of them within a few characters of the longest usual line."""
    if len(lengths) < _MIN_LINES:
        return None
    ordered = sorted(lengths)
    width = ordered[int(0.9 * (len(ordered) - 1))]
    if width > _MAX_WIDTH or width < 30:
        return None
    full = sum(1 for n in lengths if width - 20 <= n <= width + 10)
    return width if full >= 0.6 * len(lengths) else None


def unwrap(text: str) -> str:
    """`text` with the line breaks of a hard-wrapped text turned into spaces (same length);
    other texts unchanged. A break stays where its line is short (a paragraph's last line, a
    heading), ends a sentence, or comes before an empty line."""
    lines = text.split("\n")
    width = _width([len(line.rstrip()) for line in lines if line.strip()])
    if width is None:
        return text
    out = list(text)
    changed = 0
    at = 0
    for line, nxt in pairwise(lines):
        at += len(line)
        body = line.rstrip()
        if (
            nxt.strip()
            and body
            and len(body) >= width - 20
            and not body.endswith(_ENDS)
            and nxt.lstrip()[:1] not in "*\u2022"  # a list's next item
        ):
            out[at] = " "
            changed += 1
        at += 1
    # a regular text whose lines all end their sentences was never wrapped
    return "".join(out) if changed >= 0.3 * len(lines) else text
