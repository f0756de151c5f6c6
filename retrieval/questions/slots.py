"""A parsed question and the filling of its slots: who it names and what its other words give.

questions.py recognises the shape of a question ("what did X say about Y?", "who said Z?");
the pieces it cuts out go through here: a speaker phrase becomes names (a role with its
qualifier, "anyone from the hospital", "Tanaka and Kline", a group that names nobody), and the
words after the verb become the medium ("in a tweet", "on Morning Joe"), the article ("in the
stadium story") and the topic, with when it was said left out. Apart from the grammars so that
each can be read in one sitting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from retrieval.language.people import DETERMINERS, PRONOUNS, SAME_ROLE_WORDS, TITLE_ROLES
from retrieval.language.tokens import STOP_WORDS, tokens
from retrieval.speakers.directory import SpeakerDirectory, role_parts
from retrieval.types import Intent

__all__ = [
    "MEDIUM_NOUN",
    "WHEN",
    "Mentions",
    "ParsedQuestion",
    "capitalised_tail",
    "content_words",
    "fill_slots",
    "fill_speaker",
    "is_anyone",
    "is_category",
    "is_date_word",
    "is_question",
    "plausible_name",
    "strip_det",
]


class Mentions(Protocol):
    """(speakers, words) -> those quoted in an article that ties them to the words; `acts`:
    the words say what the speaker did ("who designed the bridge"), not which one it is."""

    def __call__(self, names: Sequence[str], words: str, *, acts: bool = False) -> list[str]: ...


@dataclass
class ParsedQuestion:
    """What a question asks for. Empty slots are None; `speakers` may name several people."""

    text: str  # the question as asked (cleaned of control characters)
    intent: Intent = "search"
    speaker_phrase: str | None = None  # "Sen. Cruz", "the spokeswoman", "he"
    speakers: list[str] = field(default_factory=list)  # canonical names resolved
    topic: str | None = None  # "recusal" in "what did X say about recusal?"
    phrase: str | None = None  # the words to find for who_said
    verb: str | None = None  # "called" in "who called it a boondoggle?"
    exact: bool = False  # the phrase was in quote marks
    follow_up: bool = False  # "what else did he say?"
    medium: str | None = None  # "tweet", "reporters", "statement", "Morning Joe"
    unresolved: str | None = None  # a name the question gives that no speaker matches
    article_hint: str | None = None  # "the stadium article"
    anyone: bool = False  # "did anyone mention X?": a topic over every speaker, not a name
    chatter: bool = False  # "thanks!", "hi": nothing to search for
    exclude: list[str] = field(default_factory=list)  # "who disagreed with X?": not X's words
    stance: int = 0  # "who defended X?" +1, "who criticised X?" -1 (retrieval/stance.py)
    # Which speakers are quoted in an article holding some words (given by the caller that
    # has the articles): "the owner of the Herons" is the owner in the story about them.
    mentions: Mentions | None = field(default=None, repr=False, compare=False)

    @property
    def search_text(self) -> str:
        """The words to search passages and quotes with."""
        return self.phrase or self.topic or self.text


_TOPIC = re.compile(
    r"\b(?:about|regarding|concerning|re|over|on\s+the\s+(?:subject|topic|issue|matter)\s+of|"
    r"on|of|with\s+respect\s+to|in\s+response\s+to|to|at|during|after|before|in)\s+"
    r"(?P<topic>.+)$",
    re.I,
)


# "say was her biggest worry": what follows the copula is what was said, whatever it holds.
_SAID_WAS = re.compile(r"^(?:was|is|were|are|would\s+be|will\s+be)\s+(?P<x>.+)$", re.I)


# When it was said is not what it was about: "on Monday", "last week", "in 2023".
_DAYS = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
WHEN = re.compile(
    rf"\b(?:(?:on|last|this|next|past|since|in|during|by)\s+{_DAYS}\b(?:\s+\d{{1,2}})?|"
    r"(?:in|since|during)\s+(?:19|20)\d\d\b|(?:yesterday|today|tonight|recently|lately|so\s+far|"
    r"earlier|this\s+(?:morning|afternoon|evening|week|month|year)|"
    r"(?:last|this|past)\s+(?:night|week|weekend|month|year|few\s+days)|"
    r"(?:a\s+few\s+|two\s+|three\s+)?(?:days|weeks|months|years)\s+ago)\b)",
    re.I,
)
_IN_ARTICLE = re.compile(
    r"\b(?:in|from|across)\s+(?:the|this|that|these|those)\s+(?:(?P<a>[^,;]+?)\s+)?"
    r"(?:articles?|stor(?:y|ies)|pieces?|reports?|coverage)\b"
    r"(?:\s+(?:about|on)\s+(?P<b>.+?))?(?=\s+(?:about|on|regarding)\s|$)",
    re.I,
)
_MEDIA_WORDS = (
    "tweet|tweets|twitter|statement|interview|post|press release|press conference|letter|"
    "speech|op-ed|email|e-mail|memo|video|podcast|briefing|hearing|radio|tv|television|"
    "facebook|instagram"
)
MEDIUM_NOUN = re.compile(
    rf"\b(?:in|on|via|through|during|at)\s+(?:a|an|the|his|her|their|its)?\s*(?:own\s+)?"
    rf"(?P<m>{_MEDIA_WORDS})\b",
    re.I,
)
_MEDIUM_SHOW = re.compile(
    r"\b(?:on|to)\s+(?P<m>(?:[A-Z][\w&'.\-]*|MSNBC|CNN|NPR|NBC|CBS|ABC|PBS|BBC)"
    r"(?:\s+(?:[A-Z][\w&'.\-]*|the|of))*[A-Za-z0-9])",
    re.U,
)


# Written after the topic, only a broadcaster's own name is where it was said.
_BROADCASTER = re.compile(r"MSNBC|CNN|NPR|NBC|CBS|ABC|PBS|BBC|Fox(?:\s+News)?")


_TELL_WHOM = re.compile(
    r"^\s*(?:to\s+)?(?:the\s+)?(?P<m>reporters|journalists|press|[A-Z][\w.&]*(?:\s+[A-Z][\w.&]*)*)"
)


# Subjects that name nobody: "did anyone mention X?" asks every speaker about X.
_ANYONE = {
    "anyone", "anybody", "someone", "somebody", "everyone", "everybody", "people", "folks",
    "no one", "nobody", "others", "other people", "the others", "any of them", "all of them",
    "any of the speakers", "the speakers", "speakers", "sources", "article", "articles",
    "story", "stories", "piece", "report", "reports", "paper", "coverage", "news", "it",
    "anyone else", "anybody else", "somebody else", "someone else", "everyone else",
    "everybody else", "people in the article",
}  # fmt: skip


def is_date_word(word: str) -> bool:
    """'May', 'Monday', 'Sept.': a month or a day, capitalised without naming anything."""
    return re.fullmatch(_DAYS, word.strip(" ,.;:'\"").lower()) is not None


def is_question(text: str) -> bool:
    return bool(
        re.match(r"^(?:what|who|why|how|when|where|which|is|are|did|do|does)\b", text, re.I)
    )


_RELATIVE = re.compile(r"^(?P<head>\S.*?)\s+(?:who|that|which|whose)\s+\S", re.I)
# ... or by what they belong to: "the pastor of the church the fire destroyed"
_OF_WHAT = re.compile(r"^(?P<head>\S.*?)\s+(?:of|for|at|with|from)\s+\S", re.I)
# A described speaker ("the engineers who designed the bridge") may run this long.
_DESCRIBED_MAX = 16


def plausible_name(who: str) -> bool:
    """A speaker slot is short; a long one means the pattern grabbed a clause, unless it is
    a short head with a relative clause describing it ('the engineers who built the dam')."""
    toks = [t for t in tokens(who) if t not in DETERMINERS]
    if not toks or re.search(r"[?!]", who):
        return False
    n = len(who.split())
    if n <= 8:
        return True
    heads = [m.group("head") for m in (_RELATIVE.match(who), _OF_WHAT.match(who)) if m]
    head = min(heads, key=len, default=None)
    if head is None or n > _DESCRIBED_MAX or is_anyone(head):
        return False
    return len(head.split()) <= 4


def strip_det(text: str) -> str:
    text = text.strip(" \"'.,;:")
    return re.sub(r"^(?:the|a|an|his|her|their|its)\s+", "", text, flags=re.I).strip()


def capitalised_tail(words: list[str]) -> str | None:
    tail: list[str] = []
    for w in reversed(words):
        w = w.strip(',;:"')
        if w[:1].isupper() and w.lower() not in STOP_WORDS and w.lower() not in TITLE_ROLES:
            tail.insert(0, w)
        else:
            break
    return " ".join(tail) if tail else None


def content_words(text: str) -> str:
    toks = [t for t in re.findall(r"[^\W_][\w'\-]*", text) if t.lower() not in STOP_WORDS]
    return " ".join(toks)


_MEMBER_OF = re.compile(
    r"^(?:anyone|anybody|someone|somebody|people|everyone|folks|somebody)\s+"
    r"(?:from|at|in|with|of|for|on)\s+(?P<org>.+)$",
    re.I,
)
_QUALIFIED = re.compile(r"^(?P<name>.+?)(?:,\s*|\s+)(?:from|of|at|in|with|who)\s+(?P<q>.+)$", re.I)


def _described_as(names: list[str], words: str, d: SpeakerDirectory) -> list[str]:
    """The names whose roles or aliases hold every content word of a qualifier."""
    want = set(tokens(content_words(words))) - DETERMINERS
    if not want:
        return []
    out = []
    for name in names:
        entry = d.entries[name]
        # a group's name describes it: "Lawyers defending Tessa Brandt"
        own = (name,) if entry.kind == "group" else ()
        have = {t for text in (*entry.roles, *entry.aliases, *own) for t in tokens(text)}
        if want <= have:
            out.append(name)
    return out


def _qualified_role(who: str, d: SpeakerDirectory, mentions: Mentions | None) -> list[str] | None:
    """'the owner of the Herons', "the Herons' owner", 'the spokesman for the governor':
    the holders of the role that the qualifier fits, by their role or alias words or else by
    the articles they are quoted in (`mentions`). [] when the role is held but by nobody the
    qualifier fits ('the governor of Texas', 'the Lakeview coach' when only the other team's
    coach is quoted). None when this is not a role with holders; without `mentions`, also
    when a form without a preposition finds one person by the plain lookup."""
    parts = role_parts(who)
    if parts is None or d.knows(who):
        return None
    head, qualifier, after_of = parts
    holders = d.role_holders(head)
    more = head.split()
    if not holders and len(more) > 1 and d.role_holders(more[-1]):
        # "Iran's supreme leader", "Millbrook's deputy coach": a leader, a coach, whom the
        # words before the role must fit as well (a "House Minority Leader" does not)
        extra = [w for w in more[:-1] if w.lower() not in SAME_ROLE_WORDS]
        head, holders = more[-1], d.role_holders(more[-1])
        qualifier = " ".join([*extra, qualifier])
    if not holders:
        holders = d.groups_called(head)  # "Tessa Brandt's lawyers"
    # "the head coach" asks for the coach, whom a story may only call "Riverton coach"
    qualifier = " ".join(w for w in qualifier.split() if w.lower() not in SAME_ROLE_WORDS)
    if not holders or not content_words(qualifier):
        return None
    fits = _described_as(holders, qualifier, d)
    if fits:
        return fits
    if mentions is not None:
        # The articles decide: "the police chief" is not the fire chief, even when the
        # fire chief is the only chief quoted.
        return mentions(holders, qualifier)
    if not after_of and len(d.resolve(who)) == 1:
        return None
    return [] if after_of else None


def is_anyone(who: str) -> bool:
    """'anyone', 'people', 'the article': nobody in particular."""
    low = re.sub(r"\s+", " ", who.lower()).strip()
    return low in _ANYONE or strip_det(low) in _ANYONE


def is_category(who: str) -> bool:
    """'critics', 'local business owners': a plural common noun, not a name or a role."""
    words = strip_det(who).split()
    return (
        0 < len(words) <= 4
        and who == who.lower()
        and words[-1].endswith("s")
        and not words[-1].endswith("ss")
        and not re.search(r"[^\w\s'\-]", who)
    )


def _known_tail(words: list[str], d: SpeakerDirectory) -> str | None:
    """The longest name (up to three words) ending the phrase that is known as written:
    'riverton quarterback dev okoro' ends with 'dev okoro'; 'the head coach' with no name."""
    for n in range(min(3, len(words) - 1), 0, -1):
        tail = " ".join(words[-n:])
        if d.knows(tail):
            return tail
    return None


def _name_with_job(who: str, d: SpeakerDirectory) -> list[str]:
    """'Ridgefield coach Sam Pellino', 'analyst Mira Castell', 'Ostrander, the envoy': the name
    decides, the job confirms. A one-word name is taken only when the job is in its roles
    ('Ridgefield coach Pellino'); a job that fits some of several namesakes chooses among them."""
    appositive = re.match(r"^(?P<name>[^,]+),\s*(?:the|a|an)\s+(?P<job>[^,]+)$", who, re.I)
    if appositive:
        name, job = appositive.group("name").strip(), appositive.group("job")
    else:
        words = who.split()
        tail = capitalised_tail(words)
        if who == who.lower():
            tail = _known_tail(words, d)  # typed in lower case: the known name it ends with
        if not tail or len(tail.split()) == len(words):
            return []
        name, job = tail, " ".join(words[: len(words) - len(tail.split())])
    names = d.resolve(name)
    fits = _described_as(names, job, d) if content_words(job) else []
    if len(name.split()) < 2:
        head = tokens(job)[-1:]
        return fits or [n for n in names if head and _described_as([n], head[0], d)]
    return fits or names


def fill_speaker(who: str, p: ParsedQuestion, d: SpeakerDirectory) -> None:
    who = who.strip(" ,\"'")
    p.speaker_phrase = who
    if who.lower() in PRONOUNS:
        p.follow_up = True
        return
    member = _MEMBER_OF.match(who)
    if member:  # "anyone from the hospital": whoever speaks for it, else the topic of it
        names = d.resolve(member.group("org"))
        if names:
            p.speakers = names
        else:
            p.anyone = True
        return
    if is_anyone(who):
        p.anyone = True
        return
    role = _qualified_role(who, d, p.mentions)
    names = d.resolve(who) if role is None else role
    if names:
        p.speakers = names
        return
    named = _name_with_job(who, d)
    if named:
        p.speakers = named
        return
    qualified = _QUALIFIED.match(who)
    if qualified:  # "Johnson from the Fifth Ward", "the senator from the Ninth District"
        names = d.resolve(qualified.group("name"))
        fits = _described_as(names, qualified.group("q"), d)
        if re.match(r"^[A-Z][\w'\-]*(?:\s+[A-Z][\w'\-]*)*$", qualified.group("name")):
            fits = fits or names  # a proper name stands even when the rest is not known
        elif names and not fits and p.mentions is not None and _RELATIVE.match(who):
            # "the coach who called the keeper": the coach the articles tie to those words
            fits = p.mentions(names, qualified.group("q"), acts=True)
        if fits:
            p.speakers = fits
            return
    if is_category(who):
        p.anyone = True  # "what did critics say about X?": whoever spoke about X
        return
    parts = [x for x in re.split(r"\s*(?:,|&|\band\b|\bor\b)\s*", who) if x.strip()]
    if len(parts) > 1:  # "Tanaka and Kline"
        found = [d.resolve(part) for part in parts]
        if all(found):
            p.speakers = list(dict.fromkeys(n for names in found for n in names))
            return
        if any(found):
            p.speakers = list(dict.fromkeys(n for names in found for n in names))
            missing = [part for part, names in zip(parts, found, strict=True) if not names]
            p.unresolved = strip_det(missing[0])
            return
    # A role or title with no match ("the governor") is still a name that was not found.
    p.unresolved = re.sub(r"'s?$", "", re.sub(r"^(?:the|a|an)\s+", "", who, flags=re.I))


def fill_slots(verb: str | None, rest: str, p: ParsedQuestion, *, shows: bool = True) -> None:
    """Medium and topic from what follows the verb: ' to reporters about the budget'.

    "on Morning Joe" after a speech verb is where it was said; after "comments" it is the
    topic, so the possessive and "quotes from" forms pass shows=False.
    """
    rest = re.sub(r"\s+", " ", WHEN.sub(" ", rest or "")).strip(" ,")
    art = _IN_ARTICLE.search(rest)
    if art and (art.group("a") or art.group("b")):  # "in the stadium story": its subject
        p.article_hint = strip_det(art.group("a") or art.group("b"))
        rest = (rest[: art.start()] + " " + rest[art.end() :]).strip(" ,")
        if not content_words(rest):
            rest = p.article_hint
    v = (verb or "").lower()
    if v.startswith("tweet"):
        p.medium = "tweet"
    elif v in {"write", "wrote", "written", "post", "posted"}:
        p.medium = p.medium or "statement"
    elif v in {"tell", "told", "telling"}:
        wm = _TELL_WHOM.match(rest)
        if wm:
            p.medium = wm.group("m")
            rest = rest[wm.end() :].strip()
    nm = MEDIUM_NOUN.search(rest)
    if nm:
        word = nm.group("m").lower()
        p.medium = "tweet" if word in {"tweet", "tweets", "twitter"} else word
        rest = (rest[: nm.start()] + rest[nm.end() :]).strip()
    sm = _MEDIUM_SHOW.search(rest) if shows else None
    if sm and sm.start() > 0 and not _BROADCASTER.fullmatch(sm.group("m")):
        sm = None  # "after the loss to Millbrook", "the sanctions on Veloria": the topic
    if sm:
        p.medium = sm.group("m")
        rest = (rest[: sm.start()] + rest[sm.end() :]).strip()
    rest = re.sub(
        r"^(?:anything|something|much|a\s+lot|publicly|recently|ever)\b\s*", "", rest, flags=re.I
    ).strip()
    said = _SAID_WAS.match(rest)
    tm = None if said else _TOPIC.search(rest)
    # "what did Okafor say was her biggest worry as mayor of the city": all of it, not "city"
    topic = said.group("x") if said else tm.group("topic") if tm else rest
    topic = strip_det(topic)
    if topic and content_words(topic):
        p.topic = topic
