"""Question understanding: a question becomes an intent plus slots, by rules over its text.

Speakers are matched against a `SpeakerDirectory` (retrieval/directory.py) built from the
index's speakers. Rules, not a model: they are predictable, fast, and safe for any input (the
parser never raises; a question it cannot read becomes a plain search).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from retrieval.directory import (
    DETERMINERS,
    PRONOUNS,
    STOP_WORDS,
    TITLES,
    DirectoryEntry,
    SpeakerDirectory,
    fold,
    tokens,
)
from retrieval.types import Context, Intent

__all__ = [
    "DirectoryEntry",
    "ParsedQuestion",
    "SpeakerDirectory",
    "clean_question",
    "parse_question",
]

MAX_QUESTION_CHARS = 2000  # longer questions are parsed on their first part only

_SPEECH_VERBS = (
    "say|said|saying|says|tweet|tweeted|tweeting|post|posted|write|wrote|written|tell|told|"
    "telling|claim|claimed|argue|argued|state|stated|think|thought|mean|meant|report|reported|"
    "respond|responded|announce|announced|comment|commented|answer|answered|reply|replied|"
    "declare|declared|add|added|explain|explained|deny|denied|admit|admitted|confirm|confirmed|"
    "suggest|suggested|insist|insisted|warn|warned|testify|testified|mention|mentioned|"
    "react|reacted|talk|talked|speak|spoke|announce|predict|predicted|want|wanted|believe|"
    "believed|feel|felt|call|called|describe|described"
)
_MEDIA_WORDS = (
    "tweet|tweets|twitter|statement|interview|post|press release|press conference|letter|"
    "speech|op-ed|email|e-mail|memo|video|podcast|briefing|hearing|radio|tv|television|"
    "facebook|instagram"
)
_POSSESSIVE_NOUNS = (
    "comments?|remarks?|statements?|views?|words|quotes?|response|reaction|position|take|"
    "thoughts|opinion|tweets?|testimony|answer|reply|claims?|stance|argument|message|"
    "criticism|defen[cs]e|denial|explanation|side"
)


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
    article_hint: str | None = None  # "the Sessions article"

    @property
    def search_text(self) -> str:
        """The words to search passages and quotes with."""
        return self.phrase or self.topic or self.text


def clean_question(question: object) -> str:
    """Control characters out, quote marks folded, whitespace collapsed, length capped."""
    text = question if isinstance(question, str) else ("" if question is None else str(question))
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    text = fold(text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_QUESTION_CHARS]


_TRAIL = re.compile(r"[\s?!.,;:]+$")
_WHAT_ELSE = re.compile(
    r"^(?:and\s+|so\s+|ok(?:ay)?,?\s+)?(?:what\s+else|anything\s+else|something\s+else|"
    r"(?:tell\s+me\s+)?more|go\s+on|(?:and\s+)?then\s+what)\b(?P<rest>.*)$",
    re.I,
)
_WHO_QUOTED = re.compile(
    r"^(?:who|which\s+(?:people|persons|speakers|officials|sources|politicians|lawmakers))\s+"
    r"(?:was|were|is|are|got|gets|has\s+been|have\s+been|had\s+been|did\s+they|does\s+it)\s+"
    r"(?:quoted|cited|interviewed)\b(?P<rest>.*)$",
    re.I,
)
_WHO_QUOTED_2 = re.compile(
    r"^(?:(?:list|show|name|give|find)\s+(?:me\s+)?(?:all\s+)?(?:of\s+)?(?:the\s+)?"
    r"(?:speakers|people\s+quoted|sources|people\s+who\s+(?:were\s+quoted|spoke))|"
    r"who\s+(?:all\s+)?(?:spoke|commented|talked|weighed\s+in)|"
    r"(?:which|what)\s+(?:people|speakers|sources)\s+(?:spoke|commented|are\s+in))"
    r"\b(?P<rest>.*)$",
    re.I,
)
_HOW_MANY = re.compile(
    r"^how\s+(?:many\s+times|often)\s+(?:was|is|were|did|does|has)\s+(?P<who>.+?)\s+"
    r"(?:quoted|cited|speak|talk|say\s+anything)\b(?P<rest>.*)$",
    re.I,
)
_WHO = re.compile(
    r"^(?:who|which\s+(?P<kindword>[a-z]+(?:\s+[a-z]+)?))\s+"
    r"(?:(?:has|have|had|did|does|do|would|will)\s+)?(?P<verb>[a-z]+)\b\s*(?P<rest>.*)$",
    re.I,
)
_WHAT_DID = re.compile(
    r"^(?:so\s+|and\s+|ok(?:ay)?,?\s+)?(?:what|which\s+\w+)\s+(?:exactly\s+)?(?:did|does|do|has|have|had|was|is|were|"
    r"would|will)\s+(?P<who>.+?)\s+(?:(?:have\s+to|had\s+to|got\s+to)\s+)?"
    rf"(?P<verb>{_SPEECH_VERBS})\b(?P<rest>.*)$",
    re.I,
)
_HOW_DID = re.compile(
    r"^how\s+(?:did|does|has|have|do)\s+(?P<who>.+?)\s+"
    r"(?P<verb>respond|react|reply|answer|describe|characterize|explain|defend|justify|"
    r"feel|view|see|put\s+it)\b(?P<rest>.*)$",
    re.I,
)
_DID = re.compile(
    r"^(?:did|has|have|does|do|was|is|were|had)\s+(?P<who>.+?)\s+(?:ever\s+|actually\s+|really\s+)?"
    rf"(?P<verb>{_SPEECH_VERBS})\b(?P<rest>.*)$",
    re.I,
)
_FROM = re.compile(
    r"^(?:(?:show|give|find|get|list|tell)\s+(?:me\s+)?)?(?:all\s+|any\s+)?(?:the\s+)?"
    r"(?:quotes?|statements?|comments?|remarks?|tweets?|words|anything)\s+(?:from|by|of)\s+"
    r"(?P<who>.+?)(?P<rest>\s+(?:about|on|regarding|concerning|in|at|to)\s+.*)?$",
    re.I,
)
_TELL_ME = re.compile(
    r"^(?:(?:tell|show|give)\s+me|i\s+want\s+to\s+know|do\s+you\s+know)\s+what\s+(?P<who>.+?)\s+"
    rf"(?P<verb>{_SPEECH_VERBS})\b(?P<rest>.*)$",
    re.I,
)
_POSSESSIVE = re.compile(
    rf"(?P<who>[^\W_][\w.\- ]*?)'s?\s+(?:(?:latest|recent|first|last|full|exact|public|"
    rf"own|main|initial)\s+)?(?P<noun>{_POSSESSIVE_NOUNS})\b(?P<rest>.*)$",
    re.I,
)
_TOPIC = re.compile(
    r"\b(?:about|regarding|concerning|re|over|on\s+the\s+(?:subject|topic|issue|matter)\s+of|"
    r"on|of|with\s+respect\s+to|in\s+response\s+to|to|at|during|after|before|in)\s+"
    r"(?P<topic>.+)$",
    re.I,
)
_LEAD_AUX = re.compile(r"^(?:(?:did|does|do|has|have|had|was|is|were|what|so|and)\b\s*)+", re.I)
_MEDIUM_NOUN = re.compile(
    rf"\b(?:in|on|via|through|during|at)\s+(?:a|an|the|his|her|their|its)?\s*(?:own\s+)?"
    rf"(?P<m>{_MEDIA_WORDS})\b",
    re.I,
)
_MEDIUM_SHOW = re.compile(
    r"\b(?:on|to)\s+(?P<m>(?:[A-Z][\w&'.\-]*|MSNBC|CNN|NPR|NBC|CBS|ABC|PBS|BBC)"
    r"(?:\s+(?:[A-Z][\w&'.\-]*|the|of))*[A-Za-z0-9])",
    re.U,
)
_AUX = re.compile(
    r"^(?:did|does|do|has|have|had|is|was|were|will|would|can|could|should)\s+(?P<rest>.+)$", re.I
)
_TELL_WHOM = re.compile(
    r"^\s*(?:to\s+)?(?:the\s+)?(?P<m>reporters|journalists|press|[A-Z][\w.&]*(?:\s+[A-Z][\w.&]*)*)"
)


def parse_question(
    question: object, directory: SpeakerDirectory | None = None, context: Context | None = None
) -> ParsedQuestion:
    """Read a question into intent and slots. Never raises: odd input becomes a search."""
    text = clean_question(question)
    parsed = ParsedQuestion(text=text)
    directory = directory or SpeakerDirectory(())
    body = _unwrap(_TRAIL.sub("", text).strip(" *"))
    body = re.sub(r"^(who|what)'s\b", r"\1 is", body, flags=re.I)
    if not body or not re.search(r"[^\W_]", body):
        return parsed
    for step in (_follow_up, _who_quoted, _who, _what_did, _possessive, _aux_name, _named):
        if step(body, parsed, directory):
            break
    if parsed.follow_up and not parsed.speakers and context is not None:
        parsed.speakers = list(context.speakers)
        if parsed.topic is None and parsed.intent == "what_did" and context.topic:
            parsed.topic = None  # "what else" asks for more, not the same topic again
    if parsed.intent == "search" and parsed.unresolved is None:
        parsed.topic = parsed.topic or body
    return parsed


# -- steps: each returns True when it has read the question ----------------------------------


def _follow_up(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    m = _WHAT_ELSE.match(body)
    if not m:
        return False
    rest = m.group("rest").strip(" ,")
    p.follow_up = True
    p.intent = "what_did"
    inner = re.match(
        rf"^(?:did|does|has|have|had|was|is|would)\s+(?P<who>.+?)\s+"
        rf"(?P<verb>{_SPEECH_VERBS})\b(?P<rest>.*)$",
        rest,
        re.I,
    )
    if inner:
        _fill_speaker(inner.group("who"), p, d)
        _fill_slots(inner.group("verb"), inner.group("rest"), p)
    else:
        rm = re.match(r"^(?:from|by)\s+(?P<who>.+?)(?P<rest>\s+(?:about|on)\s+.*)?$", rest, re.I)
        if rm:
            _fill_speaker(rm.group("who"), p, d)
            _fill_slots(None, rm.group("rest") or "", p)
        else:
            _fill_slots(None, rest, p)
    return True


def _who_quoted(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    m = _WHO_QUOTED.match(body) or _WHO_QUOTED_2.match(body)
    if m:
        p.intent = "who_quoted"
        _fill_quoted_rest(m.group("rest"), p)
        return True
    m = _HOW_MANY.match(body)
    if m:
        p.intent = "who_quoted"
        _fill_speaker(m.group("who"), p, d)
        _fill_quoted_rest(m.group("rest"), p)
        return True
    return False


def _fill_quoted_rest(rest: str, p: ParsedQuestion) -> None:
    rest = rest.strip()
    art = re.search(
        r"\b(?:in|from)\s+(?:the\s+)?(?P<a>.+?)\s+(?:article|story|piece|report)\b", rest, re.I
    )
    if art:
        p.article_hint = _strip_det(art.group("a"))
        rest = (rest[: art.start()] + rest[art.end() :]).strip()
    t = re.search(r"\b(?:about|on|regarding|concerning|over)\s+(?P<t>.+)$", rest, re.I)
    if t:
        p.topic = _strip_det(t.group("t")) or None


_NOT_SPEECH_WHO = {"is", "was", "are", "were", "am"}


def _who(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    m = _WHO.match(body)
    if not m:
        return False
    verb = m.group("verb").lower()
    rest = m.group("rest").strip()
    if verb in _NOT_SPEECH_WHO:
        # "who is Jeff Sessions?" asks about a person; "who is pushing the story?" a statement.
        names = d.resolve(rest) if rest else []
        if names and len(tokens(rest)) <= 6:
            p.intent = "what_did"
            p.speaker_phrase = rest
            p.speakers = names
            return True
        if not rest:
            return False
    p.intent = "who_said"
    p.verb = verb
    phrase = rest
    quoted = re.search(r'"([^"]+)"', phrase) or re.search(r"(?:^|\s)'([^']{2,})'(?:\s|$)", phrase)
    if quoted:
        p.exact = True
        phrase_in = quoted.group(1)
    else:
        phrase_in = phrase
    phrase_in = re.sub(
        r"^(?:that|the\s+(?:words?|phrase|term|line)|this|these\s+words|"
        r"(?:something|anything|things?)\s+(?:about|on|regarding|like))\s*:?\s+",
        "",
        phrase_in.strip(),
        flags=re.I,
    ).strip(" \"'")
    if verb not in {"said", "says", "say", "tweeted", "wrote", "told", "stated", "posted"}:
        phrase_in = phrase_in if quoted else f"{verb} {phrase_in}".strip()
    p.phrase = phrase_in or None
    if p.phrase is None:
        p.intent = "search"
    return True


def _what_did(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    for pat in (_WHAT_DID, _TELL_ME, _HOW_DID, _DID):
        m = pat.match(body)
        if m and _plausible_name(m.group("who")):
            p.intent = "what_did"
            _fill_speaker(m.group("who"), p, d)
            _fill_slots(m.group("verb"), m.group("rest"), p)
            return True
    m = _FROM.match(body)
    if m and _plausible_name(m.group("who")):
        p.intent = "what_did"
        _fill_speaker(m.group("who"), p, d)
        _fill_slots(None, m.group("rest") or "", p, shows=False)
        return True
    return False


def _possessive(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    m = _POSSESSIVE.search(body)
    if not m:
        return False
    words = m.group("who").split()
    # The name is the longest tail of the words before "'s" that the directory knows.
    for n in range(min(6, len(words)), 0, -1):
        tail = " ".join(words[-n:])
        names = d.resolve(tail)
        if names:
            p.intent = "what_did"
            p.speaker_phrase = tail
            p.speakers = names
            _fill_slots(None, m.group("rest"), p, shows=False)
            if m.group("noun").lower().startswith("tweet"):
                p.medium = "tweet"
            return True
    caps = _capitalised_tail(words)
    if caps:
        p.intent = "what_did"
        p.speaker_phrase = caps
        p.unresolved = caps
        _fill_slots(None, m.group("rest"), p, shows=False)
        return True
    return False


def _named(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    """A question that names a known speaker anywhere: their words, on the rest as topic."""
    hits = d.scan(body)
    if hits:
        start, end, names = hits[0]
        p.intent = "what_did"
        p.speaker_phrase = body[start:end]
        p.speakers = list(names)
        rest = (body[:start] + " " + body[end:]).strip()
        rest = re.sub(r"^(?:'s|')(?=\s|$)", "", rest).strip()
        rest = _LEAD_AUX.sub("", rest)
        _fill_slots(None, rest, p)
        return True
    if len(body.split()) <= 3 and not _is_question(body):
        names = d.resolve(body)  # a bare name with a typo: "chafetz"
        if names:
            p.intent = "what_did"
            p.speaker_phrase = body
            p.speakers = names
            return True
    words = body.split()
    if (
        1 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and any(c.islower() for c in body)
        and not _is_question(body)
    ):
        caps = _capitalised_tail(words)
        if caps and len(caps.split()) == len(words):
            p.intent = "what_did"
            p.speaker_phrase = caps
            p.unresolved = caps
            return True
    return False


def _aux_name(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    """'did okafor meet the union?': any verb, when the words after 'did' are a known name."""
    m = _AUX.match(body)
    if not m:
        return False
    words = m.group("rest").split()
    for n in range(min(5, len(words) - 1), 0, -1):
        who = " ".join(words[:n])
        names = d.resolve(who)
        if names:
            p.intent = "what_did"
            p.speaker_phrase = who
            p.speakers = names
            _fill_slots(None, " ".join(words[n:]), p)
            return True
    return False


def _unwrap(text: str) -> str:
    """A question wholly inside quote marks loses them; quoted words inside it keep theirs."""
    for mark in ('"', "'"):
        if len(text) > 1 and text[0] == text[-1] == mark and mark not in text[1:-1]:
            return text[1:-1].strip()
    return text.lstrip(mark) if text.count(mark) == 1 and text.startswith(mark) else text


# -- slot helpers -----------------------------------------------------------------------------


def _is_question(text: str) -> bool:
    return bool(
        re.match(r"^(?:what|who|why|how|when|where|which|is|are|did|do|does)\b", text, re.I)
    )


def _plausible_name(who: str) -> bool:
    """A speaker slot is short; a long one means the pattern grabbed a clause."""
    toks = [t for t in tokens(who) if t not in DETERMINERS]
    return 0 < len(who.split()) <= 8 and bool(toks) and not re.search(r"[?!]", who)


def _strip_det(text: str) -> str:
    text = text.strip(" \"'.,;:")
    return re.sub(r"^(?:the|a|an|his|her|their|its)\s+", "", text, flags=re.I).strip()


def _capitalised_tail(words: list[str]) -> str | None:
    tail: list[str] = []
    for w in reversed(words):
        w = w.strip(',;:"')
        if w[:1].isupper() and w.lower() not in STOP_WORDS and w.lower() not in TITLES:
            tail.insert(0, w)
        else:
            break
    return " ".join(tail) if tail else None


def _content(text: str) -> str:
    toks = [t for t in re.findall(r"[^\W_][\w'\-]*", text) if t.lower() not in STOP_WORDS]
    return " ".join(toks)


def _fill_speaker(who: str, p: ParsedQuestion, d: SpeakerDirectory) -> None:
    who = who.strip(" ,\"'")
    p.speaker_phrase = who
    if who.lower() in PRONOUNS:
        p.follow_up = True
        return
    names = d.resolve(who)
    if names:
        p.speakers = names
        return
    # A role or title with no match ("the governor") is still a name that was not found.
    p.unresolved = re.sub(r"'s?$", "", re.sub(r"^(?:the|a|an)\s+", "", who, flags=re.I))


def _fill_slots(verb: str | None, rest: str, p: ParsedQuestion, *, shows: bool = True) -> None:
    """Medium and topic from what follows the verb: ' to reporters about the budget'.

    "on Morning Joe" after a speech verb is where it was said; after "comments" it is the
    topic, so the possessive and "quotes from" forms pass shows=False.
    """
    rest = re.sub(r"\s+", " ", rest or "").strip(" ,")
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
    nm = _MEDIUM_NOUN.search(rest)
    if nm:
        word = nm.group("m").lower()
        p.medium = "tweet" if word in {"tweet", "tweets", "twitter"} else word
        rest = (rest[: nm.start()] + rest[nm.end() :]).strip()
    sm = _MEDIUM_SHOW.search(rest) if shows else None
    if sm:
        p.medium = sm.group("m")
        rest = (rest[: sm.start()] + rest[sm.end() :]).strip()
    rest = re.sub(
        r"^(?:anything|something|much|a\s+lot|publicly|recently|ever)\b\s*", "", rest, flags=re.I
    ).strip()
    tm = _TOPIC.search(rest)
    topic = tm.group("topic") if tm else rest
    topic = _strip_det(topic)
    if topic and _content(topic):
        p.topic = topic
