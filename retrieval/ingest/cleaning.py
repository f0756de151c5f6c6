"""Drop page furniture from an article's text while keeping every story line byte-identical.

Articles pasted or saved from news sites carry lines that are not the article: browser and
cookie notices, image captions and photo credits, "Related:" link lines, share buttons,
bylines, a section label above the headline. Quotes must stay exact substrings of the stored
text and map back to the file, so cleaning only ever removes whole lines: what is kept is
copied unchanged, and `spans` records where each kept run came from.

The rules are general (what furniture looks like on any site), never lines of one article.
A line that reads like reported speech is never taken for a notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.language.people import words
from retrieval.language.verbs import alternation, inflections

Span = tuple[int, int, int]  # (start, end) in the cleaned text, raw_start in the text as read

_WORD = re.compile(r"\S+")
# A line that reports speech is a statement, never page furniture.
_SPEECH = re.compile(
    rf"\b(?:say|{alternation(inflections(words('say tell add ask state'), ('s', 'ed')))}"
    r"|according to)\b",
    re.I,
)
_END_PUNCT = ".!?:;,\"”'’)"

# Browser, JavaScript, cookie and ad-blocker notices.
_NOTICE = re.compile(
    r"is not supported\b.*\bbrowser|optimal experience|best experience\b.*\bbrowser"
    r"|enable javascript|javascript (?:is|must be) (?:disabled|required|not enabled|enabled)"
    r"|(?:update|upgrade) (?:your|to a (?:modern|newer)) browser"
    r"|your browser (?:does not|doesn't|is not|isn't)"
    r"|\bwe use cookies\b|\b(?:this|our) (?:web)?site uses cookies\b|\buses cookies to\b"
    r"|\baccept (?:all )?cookies\b|\bcookie (?:policy|settings|preferences|consent)\b"
    r"|\bad ?blocker\b",
    re.I,
)

# A label that introduces a caption or credit: "Image: ...", "Photo credit: ...".
_CAPTION_LABEL = re.compile(
    r"^(?:image|images|photo|photos|photograph|picture|pictured|caption|credit|"
    r"photo credit|image credit|image source|source image|video|gallery|slideshow)\s*:",
    re.I,
)

_AGENCY = (
    r"Getty Images|Getty|AFP|AP|Reuters|EPA(?:-EFE)?|Shutterstock|Alamy|Bloomberg|"
    r"NurPhoto|Sipa USA|ZUMA(?: Press| Wire)?|Associated Press|The Associated Press|"
    r"Pool|File|Handout|Courtesy"
)
# A photo credit closing a caption, often glued to it: "...on Tuesday.Jane Doe / Getty Images",
# "Photo by Jane Doe/Reuters", "(AP Photo/Jane Doe)", "... via Getty Images".
_CREDIT = re.compile(
    r"(?:\s/\s?(?:[A-Z][\w.&'’-]*)(?:\s+(?:[A-Z][\w.&'’-]*|via|for|of|the|and)){0,4}(?<=[a-zA-Z])"
    rf"|/\s?(?:{_AGENCY})(?:\s+(?:Images|Photos?|via Getty Images))?"
    rf"|\bvia (?:{_AGENCY})(?: Images)?"
    r"|\((?:AP|Reuters|AFP|EPA|Getty)? ?(?:Photo|Image|Pictures?)s?\s*(?:/|by|:)[^()]*\)"
    r"|\((?:Photo|Image)s? (?:by|credit|courtesy)[^()]*\))\s*$"
)

# A line that only points elsewhere: "Related: ...", "Read more: ...", "Watch: ...".
_LINK = re.compile(
    r"^(?:related(?: coverage| stories| articles?| content| video| links?)?|read more|read also"
    r"|also read|read next|more|more from [\w .]+|see also|see more|watch|watch more|watch now"
    r"|listen|recommended|top stories|most read|most popular|trending|editor'?s picks?"
    r"|don'?t miss|must read|sponsored|advertisement|promoted)\s*[:|>»–—-]\s*\S",
    re.I,
)

# Share, subscribe, follow and app prompts.
_PROMPT = re.compile(
    r"^(?:(?:share|post|email|send) (?:this|on|via|to)\b"
    r"|(?:subscribe|sign up|register|join)\b.*\b(?:newsletters?|updates|alerts|subscribe|free"
    r"|today|now|podcast|channel|inbox|briefing|digest)\b"
    r"|follow (?:us|@?[\w.]+) on\b|like us on\b|click here\b|tap here\b"
    r"|(?:get|download) (?:the|our) .*\bapp\b|listen to (?:this|the) (?:article|story)"
    r"|©|copyright\b"
    r"|(?:updated|published|posted|last updated|first published)\b.*\d)",
    re.I,
)
# Cheap tests that let most story lines skip the costlier patterns.
_NOTICE_WORDS = ("browser", "javascript", "cookie", "blocker", "experience")
_CREDIT_MARKS = ("/", "(", "via ")

# Whole lines that are a button or a label of the page, compared lower-cased without
# trailing punctuation.
_BUTTONS = frozenset(
    (
        "advertisement",
        "ad",
        "ads",
        "sponsored",
        "sponsored content",
        "story continues below",
        "story continues below advertisement",
        "continue reading",
        "continue reading below",
        "continue reading the main story",
        "scroll to continue",
        "scroll to continue with content",
        "skip to content",
        "skip to main content",
        "skip navigation",
        "share",
        "share this",
        "share this article",
        "share this story",
        "share on facebook",
        "share on twitter",
        "share on x",
        "share via email",
        "tweet",
        "email",
        "print",
        "copy link",
        "link copied",
        "comments",
        "show comments",
        "view comments",
        "leave a comment",
        "listen to this article",
        "listen",
        "save",
        "bookmark",
        "subscribe",
        "sign in",
        "log in",
        "menu",
        "close",
        "back to top",
        "read more",
        "load more",
        "see more",
        "show more",
        "more stories",
        "recommended",
        "most read",
        "most popular",
        "trending now",
        "up next",
        "next article",
        "previous article",
        "enlarge this image",
        "toggle caption",
        "hide caption",
        "expand image",
    )
)

# A byline: "By Jane Doe", "By Jane Doe and John Roe, Reuters", "By JANE DOE | Staff writer".
_BYLINE = re.compile(
    r"^[Bb][Yy]\s+[A-Z][\w.'’-]*,?(?:\s+(?:[A-Z][\w.'’-]*,?|and|&|\||of|the|for|de|van|von|la|"
    r"staff|writer|reporter|correspondent|editor)){0,10}\s*$"
)


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the first character in the raw text
    end: int  # offset just past the line's content (before "\n")
    stop: int  # offset just past the line's "\n" (== end on the last line without one)
    content: str


def _split_lines(raw: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 1 if raw.startswith("\ufeff") else 0  # a byte order mark is not text
    while pos < len(raw):
        nl = raw.find("\n", pos)
        end = len(raw) if nl < 0 else nl
        stop = len(raw) if nl < 0 else nl + 1
        lines.append(_Line(pos, end, stop, raw[pos:end]))
        pos = stop
    return lines


def _words(line: str) -> int:
    return len(_WORD.findall(line))


def is_furniture(line: str) -> bool:
    """True when one line (without its newline) is page furniture rather than article text."""
    s = " ".join(line.split())
    n = _words(s)
    if not s or n > 60:  # furniture is short; a long line is story
        return False
    low = s.lower()
    if low.rstrip(".:!|>»") in _BUTTONS:
        return True
    if any(w in low for w in _NOTICE_WORDS) and _NOTICE.search(s) and not _SPEECH.search(s):
        return True
    if n <= 40 and _CAPTION_LABEL.match(s):
        return True
    if any(m in s for m in _CREDIT_MARKS) and _CREDIT.search(s):
        return True
    if n <= 30 and _LINK.match(s):
        return True
    if n <= 25 and (_PROMPT.match(s) or "all rights reserved" in low) and not _SPEECH.search(s):
        return True
    return n <= 12 and bool(_BYLINE.match(s)) and not s.endswith(".")


def is_heading(line: str, max_words: int = 20) -> bool:
    """A short line that does not end like a sentence: a headline or a subhead."""
    s = line.strip().lstrip("#").strip()
    if not s or len(s) > 200 or _words(s) > max_words:
        return False
    return not s.endswith((".", ",", ";", ":"))


def _is_kicker(line: str, following: str | None) -> bool:
    """A section label above the headline ("U.S. news", "Politics"): a short label line
    directly followed by a longer heading."""
    s = line.strip()
    if following is None or _words(s) > 3 or s.endswith(tuple(_END_PUNCT)) or s.startswith("#"):
        return False
    return is_heading(following) and _words(following) > _words(s) + 1


def clean_text(raw: str) -> tuple[str, list[Span]]:
    """Remove furniture lines from `raw`; return the stored text and its spans into `raw`.

    Kept lines are copied unchanged; where lines were cut, the blank lines around them
    collapse to one, and leading and trailing whitespace is trimmed. For every span
    (start, end, raw_start): raw[raw_start:raw_start + end - start] == text[start:end].
    """
    lines = _split_lines(raw)
    keep = [not is_furniture(line.content) for line in lines]
    content = [i for i, line in enumerate(lines) if keep[i] and line.content.strip()]
    if len(content) >= 2:
        first, second = content[0], content[1]
        if _is_kicker(lines[first].content, lines[second].content):
            keep[first] = False

    pieces: list[tuple[int, int]] = []  # raw ranges to keep, in order
    blanks: list[_Line] = []  # blank lines since the last kept text line
    dropped = False  # a furniture line was dropped since the last kept text line
    seen_text = False
    for line, kept in zip(lines, keep, strict=True):
        if not kept:
            dropped = True
        elif not line.content.strip():
            blanks.append(line)
        else:
            if seen_text:
                # Where furniture was cut, one blank line stands for the gap: the last one,
                # which touches the next paragraph in the raw text, so the paragraph's
                # first character is not at a span boundary.
                for blank in blanks[-1:] if dropped else blanks:
                    _extend(pieces, blank)
            _extend(pieces, line)
            blanks, dropped, seen_text = [], False, True
    return _assemble(raw, pieces)


def _extend(pieces: list[tuple[int, int]], line: _Line) -> None:
    if pieces and pieces[-1][1] == line.start:
        pieces[-1] = (pieces[-1][0], line.stop)
    else:
        pieces.append((line.start, line.stop))


def _assemble(raw: str, pieces: list[tuple[int, int]]) -> tuple[str, list[Span]]:
    # Trim whitespace at both ends by narrowing the first and last raw ranges.
    while pieces:
        a, b = pieces[0]
        a += len(raw[a:b]) - len(raw[a:b].lstrip())
        if a < b:
            pieces[0] = (a, b)
            break
        pieces.pop(0)
    while pieces:
        a, b = pieces[-1]
        b = a + len(raw[a:b].rstrip())
        if a < b:
            pieces[-1] = (a, b)
            break
        pieces.pop()
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    for a, b in pieces:
        parts.append(raw[a:b])
        spans.append((pos, pos + b - a, a))
        pos += b - a
    return "".join(parts), spans


def to_raw(spans: list[Span], start: int, end: int) -> tuple[int, int] | None:
    """Map a range of the cleaned text to the raw text; None when it crosses a cut.

    The start is looked up in the span that contains it (start-inclusive), the end in the
    span it closes (end-inclusive), so a range that begins right after a cut maps to the
    text after the cut, not to the end of the text before it."""
    raw_start = raw_end = None
    for s, e, r in spans:
        if raw_start is None and s <= start < e:
            raw_start = r + (start - s)
        if s < end <= e:
            raw_end = r + (end - s)
            break
    if raw_start is None or raw_end is None or raw_end - raw_start != end - start:
        return None
    return raw_start, raw_end
