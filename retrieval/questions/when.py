"""When a question asks about: "in 2015", "in March 2017", "on March 2", "last week",
"since January", "before 2016", "between June and August", "recently", "latest".

The time is read off the question and the rest is parsed as usual, so "what did Lopez say in
March 2017?" asks what Lopez said, in articles published that month. Dates are read with
dateparser (relative to `today`, preferring the past); the grammar around them is ours. A
who-said question keeps a time inside its phrase ("who said the plant closes in 2030?"): only
a time right after its verb ("who said in 2015 that ...") or before it counts there.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

__all__ = ["When", "read_time"]

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:\.|\b)"
)
_YEAR = r"(?:19|20)\d\d"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
# One date expression: a day, a month (with or without its year), or a year.
_POINT = (
    rf"(?:{_MONTHS}\s+{_DAY}(?:,?\s+{_YEAR})?|{_DAY}\s+(?:of\s+)?{_MONTHS}(?:,?\s+{_YEAR})?|"
    rf"\d{{4}}-\d\d-\d\d|{_MONTHS}(?:\s+(?:of\s+)?{_YEAR})?|{_YEAR})"
)
_RELATIVE = r"(?:last|this|past|previous)\s+(?:week|month|year)|yesterday|today"
_FRAMES = [
    ("between", rf"\bbetween\s+(?P<a>{_POINT}|{_RELATIVE})\s+and\s+(?P<b>{_POINT})"),
    ("since", rf"\bsince\s+(?P<a>{_POINT}|{_RELATIVE})"),
    ("before", rf"\bbefore\s+(?P<a>{_POINT})"),
    ("after", rf"\bafter\s+(?P<a>{_POINT})"),
    (
        "last_n",
        r"\b(?:in\s+)?the\s+(?:last|past)\s+(?P<n>\d{1,3}|two|three|four|six)\s+"
        r"(?P<unit>days?|weeks?|months?|years?)",
    ),
    ("point", rf"\b(?:in|on|during|from|back\s+in)\s+(?P<a>{_POINT})"),
    ("point", rf"\b(?P<a>{_RELATIVE})"),
    ("recent", r"\b(?:recently|lately)\b"),
]
# compiled with the module (which a serving process loads at start), not at its first question
_FRAME_RES = [(kind, re.compile(pattern, re.I)) for kind, pattern in _FRAMES]
_LATEST = re.compile(
    r"\b(?:(?:the\s+)?(?:latest|newest|most\s+recent(?:ly)?|last)\s+"
    r"(?=(?:thing|things|words?|comments?|quotes?|statements?|remarks?)\b)|"
    r"(?:the\s+)?(?:latest|newest|most\s+recent)\b|most\s+recently\b)",
    re.I,
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "six": 6}
_QUOTED = re.compile(r"[\"“”‘’']([^\"“”‘’']{3,})[\"“”‘’']")
RECENT_DAYS = 30
_NEWS_FROM = re.compile(
    r"^(?:what(?:'s|\s+is|\s+are)?|any(?:thing)?)\s+(?:new\s+)?(?:from|by)\s+(?P<who>[^?]+?)\s*\??$",
    re.I,
)


@dataclass
class When:
    """The time a question asks about: a range of publication dates (either end open), and
    whether the newest come first. `rest` is the question without the time words."""

    rest: str
    start: date | None = None
    end: date | None = None
    latest: bool = False
    label: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def bounded(self) -> bool:
        return self.start is not None or self.end is not None

    def holds(self, published: str | None) -> bool:
        """Whether an article published on that day (YYYY-MM-DD) is in range; an undated
        article never is."""
        day = _iso(published)
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def distance(self, published: str | None) -> int:
        """Days from the range to that day (0 inside it); undated articles are farthest."""
        day = _iso(published)
        if day is None:
            return 10**6
        if self.start is not None and day < self.start:
            return (self.start - day).days
        if self.end is not None and day > self.end:
            return (day - self.end).days
        return 0

    def to_json(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def read_time(question: str, today: date, who_said: bool | None = None) -> When:
    """The time a question asks about, and the question without it."""
    text = question
    masked = _mask_quotes(text)
    if who_said is None:
        who_said = bool(re.match(r"\s*(?:who|which)\b", text, re.I))
    when = When(rest=text)
    latest = _LATEST.search(masked)
    if latest:
        when.latest = True
        when.spans.append((latest.start(), latest.end()))
    for kind, pattern in _FRAME_RES:
        for m in pattern.finditer(masked):
            if latest and m.start() < latest.end() and latest.start() < m.end():
                continue  # "most recently" is an order, not a range
            if who_said and not _about_speaking(masked, m.start()):
                continue
            span = _span(kind, m, today)
            if span is None:
                continue
            when.start, when.end, when.label = span
            when.spans.append((m.start(), m.end()))
            break
        if when.bounded:
            break
    if when.label == "recently":
        when.latest = True
    for s, e in sorted(when.spans, reverse=True):
        text = text[:s] + " " + text[e:]
    text = re.sub(r"\s+([?.!,])", r"\1", re.sub(r"\s{2,}", " ", text)).strip(" ,;:")
    news = _NEWS_FROM.match(text)
    if news and when.spans:  # "what's the latest from Lopez?" asks what Lopez said
        text = f"what did {news.group('who')} say?"
    when.rest = text
    return when


def _mask_quotes(text: str) -> str:
    """The question with quoted words blanked (same length): a date inside them is what was
    said, not when."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def _about_speaking(text: str, at: int) -> bool:
    """In a who-said question, a time counts only before the verb of saying or right after
    it: "who said in 2015 that ...", "in 2015, who warned ...", not "who said the plant
    closes in 2030"."""
    verb = re.search(
        r"\b(?:who|which\s+\w+)\s+(?:\w+\s+){0,2}?(\w+(?:ed|id|ld|te|ote))\b", text, re.I
    )
    if verb is None:
        return False
    return at < verb.start() or text[verb.end() : at].strip(" ,") == ""


def _span(kind: str, m: re.Match[str], today: date) -> tuple[date | None, date | None, str] | None:
    if kind == "recent":
        return today - timedelta(days=RECENT_DAYS), today, "recently"
    if kind == "last_n":
        n = m.group("n")
        count = _NUMBERS.get(n.lower(), 0) if not n.isdigit() else int(n)
        unit = m.group("unit").lower().rstrip("s")
        days = count * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
        return today - timedelta(days=days), today, f"the last {count} {m.group('unit')}"
    a = _point(m.group("a"), today)
    if a is None:
        return None
    if kind == "point":
        if a[0] > today:
            return None  # a future date is what was said, never when
        return a[0], a[1], a[2]
    if kind == "since":
        return a[0], today, f"since {a[2]}"
    if kind == "before":
        return None, a[0] - timedelta(days=1), f"before {a[2]}"
    if kind == "after":
        return a[1] + timedelta(days=1), today, f"after {a[2]}"
    b = _point(m.group("b"), today, year_of=a[0] if not re.search(_YEAR, m.group("b")) else None)
    if b is None or b[1] < a[0]:
        return None
    return a[0], b[1], f"between {a[2]} and {b[2]}"


def _point(text: str, today: date, year_of: date | None = None) -> tuple[date, date, str] | None:
    """The days one expression covers, and how to say it: a day, a month, a year."""
    t = text.strip().rstrip(".").lower()
    rel = _relative(t, today)
    if rel is not None:
        return rel
    if re.fullmatch(_YEAR, t):
        y = int(t)
        return date(y, 1, 1), date(y, 12, 31), t
    month = re.fullmatch(rf"(?P<m>{_MONTHS})(?:\s+(?:of\s+)?(?P<y>{_YEAR}))?", t)
    if month:
        num = _month_number(month.group("m"))
        if num is None:
            return None
        if month.group("y"):
            year = int(month.group("y"))
        elif year_of is not None:
            year = year_of.year
        else:  # the most recent such month
            year = today.year if num <= today.month else today.year - 1
        last = calendar.monthrange(year, num)[1]
        name = calendar.month_name[num]
        label = f"{name} {year}"
        return date(year, num, 1), date(year, num, last), label
    day = _parse_day(text, today, year_of)
    if day is None:
        return None
    return day, day, f"{calendar.month_name[day.month]} {day.day}, {day.year}"


def _relative(t: str, today: date) -> tuple[date, date, str] | None:
    if t == "today":
        return today, today, "today"
    if t == "yesterday":
        y = today - timedelta(days=1)
        return y, y, "yesterday"
    m = re.fullmatch(r"(last|this|past|previous)\s+(week|month|year)", t)
    if m is None:
        return None
    which, unit = m.groups()
    if which == "past":
        days = {"week": 7, "month": 30, "year": 365}[unit]
        return today - timedelta(days=days), today, t
    if unit == "week":
        monday = today - timedelta(days=today.weekday())
        if which == "this":
            return monday, today, t
        return monday - timedelta(days=7), monday - timedelta(days=1), t
    if unit == "month":
        first = today.replace(day=1)
        if which == "this":
            return first, today, t
        prev_last = first - timedelta(days=1)
        return prev_last.replace(day=1), prev_last, t
    if which == "this":
        return date(today.year, 1, 1), today, t
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), t


def _month_number(word: str) -> int | None:
    w = word.lower().rstrip(".")[:3]
    for i in range(1, 13):
        if calendar.month_abbr[i].lower() == w:
            return i
    return None


def _parse_day(text: str, today: date, year_of: date | None) -> date | None:
    import dateparser

    base = datetime.combine(year_of or today, datetime.min.time())
    found = dateparser.parse(
        re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", text),
        languages=["en"],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "past",
            "REQUIRE_PARTS": ["day", "month"],
            "DATE_ORDER": "MDY",
        },
    )
    return found.date() if found is not None else None
