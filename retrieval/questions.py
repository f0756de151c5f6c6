"""Question understanding: a question becomes an intent plus slots, by rules over its text.

Speakers are matched against a `SpeakerDirectory` (retrieval/directory.py) built from the
index's speakers. Rules, not a model: they are predictable, fast, and safe for any input (the
parser never raises; a question it cannot read becomes a plain search).

People type to a bot as they talk: greetings, "can you tell me", typos of question words and a
question inside a sentence are read through first. A subject that names nobody ("did anyone
mention X?", "what did critics say about X?", "what does the article say about X?") asks the
topic of every speaker, while a group the articles quote ("the White House") stays a speaker.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from retrieval.directory import (
    DETERMINERS,
    PRONOUNS,
    STOP_WORDS,
    TITLES,
    DirectoryEntry,
    SpeakerDirectory,
    fold,
    role_parts,
    tokens,
)
from retrieval.phrasing import chatter_reply, fix_typos, is_chatter, question_core
from retrieval.stance import side_words
from retrieval.types import Context, Intent

__all__ = [
    "DirectoryEntry",
    "ParsedQuestion",
    "SpeakerDirectory",
    "chatter_reply",
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
    "believed|feel|felt|call|called|describe|described|discuss|discussed|address|addressed|"
    "raise|raised|bring\\s+up|brought\\s+up|criticize|criticized|criticise|criticised|"
    "praise|praised|defend|defended|blame|blamed|complain|complained|promise|promised|"
    "ask|asked|acknowledge|acknowledged|note|noted|express|expressed"
)
# A speaker slot: "the state senator" is one, even though "state" can be a speech verb.
_WHO_SLOT = r"(?P<who>(?:(?:the|a|an|his|her|their|its)\s+)?[^\s].*?)"
_MEDIA_WORDS = (
    "tweet|tweets|twitter|statement|interview|post|press release|press conference|letter|"
    "speech|op-ed|email|e-mail|memo|video|podcast|briefing|hearing|radio|tv|television|"
    "facebook|instagram"
)
_POSSESSIVE_ADJ = (
    r"(?:latest|recent|first|last|full|exact|public|own|main|initial|best|key|strongest|"
    r"most\s+\w+|top|notable|memorable|official|actual|original|biggest)"
)
_POSSESSIVE_NOUNS = (
    "comments?|remarks?|statements?|views?|words|quotes?|response|reaction|position|take|"
    "thoughts|opinion|tweets?|testimony|answer|reply|claims?|stance|argument|message|"
    "criticism|defen[cs]e|denial|explanation|side"
)


# (speakers, words) -> those quoted in an article that holds the words
Mentions = Callable[[Sequence[str], str], list[str]]


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
    r"(?:quoted|cited|interviewed)\b(?P<rest>.*)$|"
    r"^(?:who|what)\s+(?:were|are|was|is)\s+(?:the|all\s+the)\s+(?:sources|speakers|people\s+quoted|"
    r"voices|people\s+interviewed)\b(?P<rest2>.*)$",
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
    rf"^how\s+(?:many\s+times|often)\s+(?:was|is|were|did|does|has)\s+{_WHO_SLOT}\s+"
    r"(?:quoted|cited|speak|talk|say\s+anything)\b(?P<rest>.*)$",
    re.I,
)
_WHO = re.compile(
    rf"^(?:who|which\s+(?P<kindword>[a-z]+(?:\s+(?!(?:{_SPEECH_VERBS}|[a-z]+ed)\b)[a-z]+)?))\s+"
    r"(?:(?:has|have|had|did|does|do|would|will)\s+)?(?P<verb>[a-z]+)\b\s*(?P<rest>.*)$",
    re.I,
)
_WHAT_DID = re.compile(
    r"^(?:so\s+|and\s+|ok(?:ay)?,?\s+)?(?:what|which\s+\w+)\s+(?:exactly\s+)?(?:did|does|do|has|have|had|was|is|were|"
    rf"are|would|will)\s+{_WHO_SLOT}\s+(?:(?:have\s+to|had\s+to|got\s+to)\s+)?"
    rf"(?P<verb>{_SPEECH_VERBS})\b(?P<rest>.*)$",
    re.I,
)
_HOW_DID = re.compile(
    rf"^how\s+(?:did|does|has|have|do)\s+{_WHO_SLOT}\s+"
    r"(?P<verb>respond|react|reply|answer|describe|characterize|explain|defend|justify|"
    r"feel|view|see|put\s+it)\b(?P<rest>.*)$",
    re.I,
)
_DID = re.compile(
    rf"^(?:did|has|have|does|do|was|is|were|had)\s+{_WHO_SLOT}\s+(?:ever\s+|actually\s+|really\s+)?"
    rf"(?P<verb>{_SPEECH_VERBS})\b(?P<rest>.*)$",
    re.I,
)
_FROM = re.compile(
    r"^(?:(?:show|give|find|get|list|tell)\s+(?:me\s+)?)?(?:all\s+|any\s+|every\s+|each\s+)?"
    r"(?:of\s+)?(?:the\s+)?"
    r"(?:quotes?|statements?|comments?|remarks?|tweets?|words|anything)\s+(?:from|by|of)\s+"
    rf"{_WHO_SLOT}(?P<rest>\s+(?:about|on|regarding|concerning|in|at|to)\s+.*)?$",
    re.I,
)
_TELL_ME = re.compile(
    rf"^(?:(?:tell|show|give)\s+me|i\s+want\s+to\s+know|do\s+you\s+know)\s+what\s+{_WHO_SLOT}\s+"
    rf"(?P<verb>{_SPEECH_VERBS})\b(?P<rest>.*)$",
    re.I,
)
_POSSESSIVE = re.compile(
    rf"(?P<who>[^\W_][\w.\- ]*?)'s?\s+(?:{_POSSESSIVE_ADJ}\s+)?"
    rf"(?P<noun>{_POSSESSIVE_NOUNS})\b(?P<rest>.*)$",
    re.I,
)
_POSSESSIVE_BARE = re.compile(
    rf"(?P<who>[^\W_][\w.\- ]*?)s\s+(?:{_POSSESSIVE_ADJ}\s+)?"
    rf"(?P<noun>{_POSSESSIVE_NOUNS})\b(?P<rest>.*)$",
    re.I,
)
_POSSESSIVE_NOUN = re.compile(
    rf"(?:'s?|s)\s+(?:{_POSSESSIVE_ADJ}\s+)?(?:{_POSSESSIVE_NOUNS})\b", re.I
)
_QUOTES_ABOUT = re.compile(
    r"^(?:(?:show|give|find|get|list|any|all|some)\s+(?:me\s+)?)?(?:all\s+|any\s+|some\s+)?"
    r"(?:the\s+)?(?:quotes?|statements?|comments?|remarks?|reactions?|responses?|"
    r"what\s+(?:was|is|were|has\s+been|have\s+been|is\s+being|was\s+being)\s+"
    r"(?:said|written|tweeted|posted))\s+(?:about|on|regarding|concerning|over|to)\s+"
    r"(?P<t>.+)$",
    re.I,
)
_QUESTION_WORDS = {
    "what", "which", "how", "was", "is", "were", "are", "did", "does", "do", "has", "have",
    "had", "me", "show", "tell", "give", "find", "get", "about", "on", "for", "to", "and",
    "so", "ok", "okay", "whats", "where", "why", "when", "see",
}  # fmt: skip
_AUX_WORD = re.compile(
    r"^(?:is|was|were|are|be|been|being|has|have|had|did|does|do|will|would|it)\b", re.I
)
_TOPIC = re.compile(
    r"\b(?:about|regarding|concerning|re|over|on\s+the\s+(?:subject|topic|issue|matter)\s+of|"
    r"on|of|with\s+respect\s+to|in\s+response\s+to|to|at|during|after|before|in)\s+"
    r"(?P<topic>.+)$",
    re.I,
)
_LEAD_AUX = re.compile(
    r"^(?:(?:did|does|do|has|have|had|was|is|were|what|so|and|why|when|where|how|whether)\b\s*)+",
    re.I,
)
# When it was said is not what it was about: "on Monday", "last week", "in 2023".
_DAYS = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
_WHEN = re.compile(
    rf"\b(?:(?:on|last|this|next|past|since|in|during|by)\s+{_DAYS}\b(?:\s+\d{{1,2}})?|"
    r"(?:in|since|during)\s+(?:19|20)\d\d\b|(?:yesterday|today|tonight|recently|lately|so\s+far|"
    r"earlier|this\s+(?:morning|afternoon|evening|week|month|year)|"
    r"(?:last|this|past)\s+(?:night|week|weekend|month|year|few\s+days)|"
    r"(?:a\s+few\s+|two\s+|three\s+)?(?:days|weeks|months|years)\s+ago)\b)",
    re.I,
)
_IN_ARTICLE = re.compile(
    r"\b(?:in|from)\s+(?:the|this|that)\s+(?:(?P<a>[^,;]+?)\s+)?(?:article|story|piece|report)"
    r"(?:\s+(?:about|on)\s+(?P<b>.+?))?(?=\s+(?:about|on|regarding)\s|$)",
    re.I,
)
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

_SEARCH_LEAD = re.compile(
    r"^(?:what\s+is\s+(?:the\s+deal|going\s+on|up|the\s+story|the\s+latest|happening)\s+"
    r"(?:with|on|about|in)|(?:tell|show|give)\s+me\s+(?:something\s+|more\s+|everything\s+)?(?:about|on)|"
    r"what\s+about|how\s+about|anything\s+(?:on|about)|(?:any\s+)?(?:news|info|information)\s+"
    r"(?:on|about)|search\s+(?:for\s+)?|look\s+up|find)\s+(?:the\s+)?",
    re.I,
)
_WHETHER = re.compile(
    rf"^(?:whether|if)\s+{_WHO_SLOT}\s+(?:ever\s+|actually\s+|really\s+)?"
    rf"(?P<verb>{_SPEECH_VERBS})\b(?P<rest>.*)$",
    re.I,
)
_EMBEDDED_WHAT = re.compile(
    rf"^what\s+(?:exactly\s+|else\s+)?{_WHO_SLOT}\s+"
    r"(?P<verb>said|says|told|tweeted|wrote|posted|thought|thinks|meant|claimed|argued|"
    r"stated|answered|replied|responded|reported|announced|commented|mentioned|"
    r"testified|insisted|warned|called|described|had\s+to\s+say|has\s+to\s+say)\b(?P<rest>.*)$",
    re.I,
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


# "about it", "mention that": a topic the conversation already named
_TOPIC_PRONOUN = re.compile(
    r"\b(?P<lead>about|on|regarding|mention(?:ed|s)?|discuss(?:ed|es)?|address(?:ed|es)?|"
    r"bring\s+up|brought\s+up|against|for|defend(?:ed|s)?|support(?:ed|s)?|back(?:ed|s)?|"
    r"prais(?:e|ed|es)|criti(?:ci[sz](?:e|ed|es))|oppos(?:e|ed|es)|attack(?:ed|s)?|"
    r"welcom(?:e|ed|es)|reject(?:ed|s)?|condemn(?:ed|s)?)\s+"
    r"(?:it|that|this|them|those|these|the\s+(?:issue|matter|topic))$",
    re.I,
)


def _earlier_topic(body: str, context: Context | None) -> str:
    """'What did Ruiz say about it?' after a question about the levy asks about the levy."""
    if context is None or not context.topic:
        return body
    return _TOPIC_PRONOUN.sub(lambda m: f"{m.group('lead')} {context.topic}", body)


def parse_question(
    question: object,
    directory: SpeakerDirectory | None = None,
    context: Context | None = None,
    mentions: Mentions | None = None,
) -> ParsedQuestion:
    """Read a question into intent and slots. Never raises: odd input becomes a search."""
    text = clean_question(question)
    parsed = ParsedQuestion(text=text, mentions=mentions)
    directory = directory or SpeakerDirectory(())
    body = _unwrap(_TRAIL.sub("", text).strip(" *"))
    body = _TRAIL.sub("", question_core(fix_typos(body))).strip(" *")
    body = re.sub(r"^(who|what)'s\b", r"\1 is", body, flags=re.I)
    body = _earlier_topic(body, context)
    others = re.match(r"^(who|which\s+\w+)\s+else\s+", body, re.I)
    if others:  # "who else talked about X?": X, leaving out who was just shown
        body = f"{others.group(1)} {body[others.end() :]}"
    if not body or not re.search(r"[^\W_]", body):
        parsed.chatter = bool(text.strip())
        return parsed
    if is_chatter(body):
        parsed.chatter = True
        return parsed
    steps = (_follow_up, _who_side, _who_quoted, _who, _what_did, _possessive, _aux_name, _named)
    matched = next((step for step in steps if step(body, parsed, directory)), None)
    _side_group(parsed)
    if others and context is not None:
        parsed.exclude = [*parsed.exclude, *context.speakers]
    if (
        parsed.follow_up
        and matched is not _follow_up
        and (parsed.speaker_phrase or "").lower() in {"they", "them"}
        and not (context is not None and context.speakers)
    ):
        parsed.anyone = True  # "what are they saying about X?" with nobody named before
    if parsed.anyone:
        return _ask_everyone(parsed, directory, context)
    if parsed.follow_up and not parsed.speakers and context is not None:
        parsed.speakers = _thread_speakers(parsed.speaker_phrase, context)
        if parsed.topic is None and parsed.intent == "what_did" and context.topic:
            parsed.topic = None  # "what else" asks for more, not the same topic again
    if parsed.intent == "search" and parsed.unresolved is None:
        parsed.topic = parsed.topic or _SEARCH_LEAD.sub("", body).strip() or body
    return parsed


_SIDE_GROUP = re.compile(
    r"^(?:(?:the|its|their)\s+)?(?:(?P<q1>[^']+?)(?:'s|')\s+)?(?:(?:many|some|other|main|"
    r"fiercest|loudest|biggest|strongest)\s+)?(?P<g>critics|opponents|detractors|skeptics|"
    r"sceptics|naysayers|foes|supporters|backers|proponents|defenders|advocates|champions|"
    r"allies|boosters)(?:\s+(?:of|to)\s+(?P<q2>.+))?$",
    re.I,
)
_FOR_GROUPS = {
    "supporters", "backers", "proponents", "defenders", "advocates", "champions", "allies",
    "boosters",
}  # fmt: skip


def _side_group(p: ParsedQuestion) -> None:
    """'What did critics say about the levy?', 'the levy's supporters', 'opponents of the
    bill': everyone on that side of the topic (answers.py ranks by side), not a speaker."""
    m = _SIDE_GROUP.match((p.speaker_phrase or "").strip())
    if m is None:
        return
    topic = _strip_det(m.group("q1") or m.group("q2") or p.topic or "")
    if not _content(topic):
        return
    p.stance = 1 if m.group("g").lower() in _FOR_GROUPS else -1
    p.intent, p.topic, p.anyone = "search", topic, True


_ONE_PERSON = {"he", "she", "him", "her", "his", "hers", "it", "this person"}


def _thread_speakers(phrase: str | None, context: Context) -> list[str]:
    """'What else did he say?' after several people sharing a surname continues with the one
    the thread is about (Context.focus); 'they' or no pronoun keeps them all."""
    if (phrase or "").lower() in _ONE_PERSON and context.focus is not None:
        return [context.focus]
    return list(context.speakers)


def _ask_everyone(
    p: ParsedQuestion, d: SpeakerDirectory, context: Context | None
) -> ParsedQuestion:
    """Nobody in particular was named: the topic over every speaker, else who was quoted."""
    p.speakers, p.unresolved, p.follow_up = [], None, False
    if p.topic is None and p.speaker_phrase and _is_category(p.speaker_phrase):
        p.topic = _strip_det(p.speaker_phrase)  # "what did the nurses say?"
    p.intent = "search" if p.topic else "who_quoted"
    topic = p.topic or ""
    hits = d.scan(topic)
    if len(hits) == 1 and (hits[0][0], hits[0][1]) == (0, len(topic)):
        p.exclude = hits[0][2]  # "what did people say about Okafor?": not Okafor's own words
    if context is not None and re.search(r"\b(?:else|other)", p.speaker_phrase or ""):
        p.exclude = [*p.exclude, *context.speakers]  # "did anyone else ...?"
    return p


# -- steps: each returns True when it has read the question ----------------------------------


def _follow_up(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    m = _WHAT_ELSE.match(body)
    if not m:
        return False
    rest = m.group("rest").strip(" ,")
    p.follow_up = True
    p.intent = "what_did"
    inner = re.match(
        rf"^(?:did|does|has|have|had|was|is|would)\s+{_WHO_SLOT}\s+"
        rf"(?P<verb>{_SPEECH_VERBS})\b(?P<rest>.*)$",
        rest,
        re.I,
    )
    if inner:
        _fill_speaker(inner.group("who"), p, d)
        _fill_slots(inner.group("verb"), inner.group("rest"), p)
    else:
        rm = re.match(rf"^(?:from|by)\s+{_WHO_SLOT}(?P<rest>\s+(?:about|on)\s+.*)?$", rest, re.I)
        if rm:
            _fill_speaker(rm.group("who"), p, d)
            _fill_slots(None, rm.group("rest") or "", p)
        else:
            _fill_slots(None, rest, p)
    return True


def _who_quoted(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    m = _WHO_QUOTED_2.match(body)
    lead = re.match(r"^who\s+(?:all\s+)?(?P<v>\w+)", body, re.I)
    if m and lead and _who_topic(lead.group("v").lower(), m.group("rest").strip(), p, d):
        return True  # "who commented on the levy?" asks for what they said about it
    m = _WHO_QUOTED.match(body) or m
    saying = re.match(
        r"^\s*(?:as\s+)?(?:saying|to\s+say|to\s+have\s+said)\s+(?P<x>.+)$",
        (m.group("rest") or "") if m and "rest" in m.groupdict() else "",
        re.I,
    )
    if saying:  # "who was quoted saying the levy is a luxury?" is a who-said
        return _who(f"who said {saying.group('x')}", p, d)
    if m:
        p.intent = "who_quoted"
        _fill_quoted_rest(m.group("rest") or m.groupdict().get("rest2") or "", p)
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
# what a "who said ...?" names when it names no words at all
_NO_WORDS = re.compile(
    r"(?:what|anything|something|stuff|things|what\s+exactly)(?:\s+(?:here|so\s+far))?", re.I
)


def _who_side(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    """'who defended the levy?', 'who spoke out against it?', 'who is for the plan?': the
    quotes on the topic that take that side (answers.py ranks by side, not topic alone)."""
    m = _WHO.match(body)
    if not m or re.search(r'["\u201c]', body):
        return False  # quoted words are words to find: "who called it 'a giveaway'?"
    side = side_words(m.group("verb"), m.group("rest"))
    if side is None or not _content(side[1]):
        return False
    p.intent, p.verb, p.stance = "who_said", m.group("verb").lower(), side[0]
    p.phrase = f"{p.verb} {m.group('rest').strip()}"
    p.topic = _side_topic(side[1], p)
    # "who criticised Okafor (on the levy)?": someone other than Okafor
    whom = re.split(r"\s+(?:on|about|over|regarding|for|in)\s+", side[1], maxsplit=1)[0]
    p.exclude = d.resolve(whom)
    return True


def _side_topic(words: str, p: ParsedQuestion) -> str:
    """What a side is taken on: 'the plan to rebuild the pier' whole, less when and where it
    was said ('in a statement' is the medium), and 'X on the levy' is the levy."""
    words = re.sub(r"\s+", " ", _WHEN.sub(" ", words)).strip(" ,")
    nm = _MEDIUM_NOUN.search(words)
    if nm:
        word = nm.group("m").lower()
        p.medium = "tweet" if word in {"tweet", "tweets", "twitter"} else word
        words = (words[: nm.start()] + words[nm.end() :]).strip(" ,")
    about = re.search(r"(?:^|\s)(?:on|about|over|regarding)\s+(?P<t>.+)$", words, re.I)
    if about and _content(about.group("t")):
        words = about.group("t")
    return _strip_det(words)


def _who(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    m = _WHO.match(body)
    if not m:
        return False
    verb = m.group("verb").lower()
    rest = m.group("rest").strip()
    if verb in _NOT_SPEECH_WHO:
        # "who is Diane Okafor?" asks about a person; "who is pushing the story?" a statement.
        names = d.resolve(rest) if rest else []
        if names and len(tokens(rest)) <= 6:
            p.intent = "what_did"
            p.speaker_phrase = rest
            p.speakers = names
            return True
        if not rest:
            return False
    if _who_topic(verb, rest, p, d):
        return True
    if _NO_WORDS.fullmatch(rest.strip(" ?!.")):
        p.intent = "who_quoted"  # "who said what?", "who said anything?": who is quoted
        return True
    p.intent = "who_said"
    p.verb = verb
    phrase = rest
    stance = _STANCE_OBJECT.match(f"{verb} {rest}")
    if stance:  # "who disagreed with Okafor?": someone other than Okafor
        p.exclude = d.resolve(stance.group("obj") or stance.group("obj2"))
        about = re.search(r"\s(?:about|on|over|regarding)\s+(?P<t>.+)$", rest, re.I)
        if p.exclude and about and _content(about.group("t")):
            p.intent, p.topic = "search", _strip_det(about.group("t"))
            return True  # "who disagreed with Raman about the water?": others on the water
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


# Verbs that ask who spoke on a subject, not who said given words.
_TOPIC_VERBS = {
    "talk", "talked", "talks", "speak", "spoke", "speaks", "comment", "commented", "comments",
    "discuss", "discussed", "discusses", "mention", "mentioned", "mentions", "address",
    "addressed", "addresses", "raise", "raised", "raises", "brought", "bring", "weighed",
    "weigh", "touched", "referred", "opined", "remarked",
}  # fmt: skip
_TOPIC_LEAD = re.compile(
    r"^(?:(?:up|in|on|upon|about|of|to|regarding|concerning|over|anything|something|"
    r"publicly|the\s+(?:subject|topic|issue|matter)\s+of)\b\s*)+",
    re.I,
)
_WHAT_ABOUT = re.compile(
    r"^(?:what|anything|something|things|much)\s+(?:at\s+all\s+)?(?:about|on|regarding|concerning|over|"
    r"of)\s+(?P<t>.+)$",
    re.I,
)
_STANCE_OBJECT = re.compile(
    r"^(?:disagree[sd]?|agree[sd]?|argued|sided|clashed|broke|split|differ(?:ed|s)?|took\s+issue|"
    r"respond(?:ed|s)?|replied|reacted|pushed\s+back|hit\s+back|fired\s+back)\s+"
    r"(?:with|to|against|from|at|on)\s+(?P<obj>.+?)(?:\s+(?:about|on|over|regarding)\s+.+)?$|"
    r"^(?:criticized|criticised|criticizes|criticises|attacked|slammed|blasted|blamed|"
    r"praised|defended|backed|supported|opposed|contradicted|rebutted|challenged|"
    r"questioned|accused|mocked|thanked|endorsed)\s+(?P<obj2>.+?)"
    r"(?:\s+(?:about|on|over|for|regarding)\s+.+)?$",
    re.I,
)


def _who_topic(verb: str, rest: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    """'who talked about X?', 'who said what about X?': X's speakers, not words to find."""
    m = _WHAT_ABOUT.match(rest) if verb in {"said", "says", "say"} else None
    if m is None and verb not in _TOPIC_VERBS:
        return False
    if m is None:
        _fill_quoted_rest(rest, p)
        if p.article_hint or not rest.strip():
            p.intent = "who_quoted"  # "who commented in the stadium story?"
            return True
        topic = _TOPIC_LEAD.sub("", rest).strip()
    else:
        topic = m.group("t")
    topic = _strip_det(topic)
    if not _content(topic):
        return False
    p.intent, p.topic, p.verb = "search", topic, verb
    return True


def _what_did(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    m = _QUOTES_ABOUT.match(body)
    if m and _content(m.group("t")):
        p.anyone = True  # "quotes about the strike", "what was said about the levy?"
        p.topic = _strip_det(m.group("t"))
        return True
    for pat in (_WHAT_DID, _TELL_ME, _HOW_DID, _DID, _WHETHER, _EMBEDDED_WHAT):
        m = pat.match(body)
        if m and _plausible_name(m.group("who")) and not _AUX_WORD.match(m.group("who")):
            p.intent = "what_did"
            _fill_speaker(m.group("who"), p, d)
            _fill_slots(m.group("verb"), m.group("rest"), p)
            _named_side(m.group("verb"), m.group("rest"), p)
            return True
    m = _FROM.match(body)
    if m and _plausible_name(m.group("who")):
        p.intent = "what_did"
        _fill_speaker(m.group("who"), p, d)
        _fill_slots(None, m.group("rest") or "", p, shows=False)
        return True
    return False


def _possessive(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    # The noun first: the name patterns scan from every word, too slow on long text.
    noun = _POSSESSIVE_NOUN.search(body)
    if noun is None:
        return False
    m = _POSSESSIVE.search(body) if "'" in body else None
    if not m and len(body.split()) <= 30:
        bare = _POSSESSIVE_BARE.search(body)  # "okafors reaction": the apostrophe left out
        if bare and d.resolve(bare.group("who").split()[-1]):
            m = bare
    if not m:
        return False
    words = m.group("who").split()
    lead = [i for i, w in enumerate(words) if w.lower() in _QUESTION_WORDS]
    words = words[lead[-1] + 1 :] if lead else words  # "what was the Alliance's position"
    if words and _is_anyone(words[-1]):
        p.anyone = True  # "everyone's reaction to the vote"
        _fill_slots(None, m.group("rest"), p, shows=False)
        return True
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
    on = re.match(rf"^{_WHO_SLOT}\s+(?:on|about|re|regarding)\s+(?P<t>.+)$", body, re.I)
    if on and len(on.group("who").split()) <= 4 and not _is_question(body):
        names = d.resolve(on.group("who"))  # "tanaka on the temporary nurses"
        if names:
            p.intent = "what_did"
            p.speaker_phrase = on.group("who")
            p.speakers = names
            _fill_slots(None, on.group("t"), p, shows=False)
            return True
    bare = re.sub(
        r"^(?:(?:all|any|every)\s+)?(?:quotes?|comments?|remarks?|statements?)\s+(?:from|by|of)\s+|"
        r"(?:'s)?\s+(?:quotes?|comments?|remarks?|statements?|tweets?)$",
        "",
        body,
        flags=re.I,
    ).strip()
    if len(bare.split()) <= 3 and not _is_question(bare):
        names = d.resolve(bare)  # a bare name with a typo: "chafetz", "okafor quotes"
        if names:
            p.intent = "what_did"
            p.speaker_phrase = bare
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
            side = _named_side(words[n], " ".join(words[n + 1 :]), p)
            # "did Okafor support the levy?": her side on the levy, the verb is not the topic
            _fill_slots(None, side or " ".join(words[n:]), p)
            return True
    return False


def _named_side(verb: str, rest: str, p: ParsedQuestion) -> str | None:
    """'Did Okafor defend the levy?': her quotes on the levy, and whether they read as that
    side (answers.py says so). What the side is taken on, when there is one."""
    side = side_words(verb, rest) if rest.strip() else None
    if side is None:
        return None
    p.stance = side[0]
    return side[1]


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


_MEMBER_OF = re.compile(
    r"^(?:anyone|anybody|someone|somebody|people|everyone|folks|somebody)\s+"
    r"(?:from|at|in|with|of|for|on)\s+(?P<org>.+)$",
    re.I,
)
_QUALIFIED = re.compile(r"^(?P<name>.+?)(?:,\s*|\s+)(?:from|of|at|in|with|who)\s+(?P<q>.+)$", re.I)


def _described_as(names: list[str], words: str, d: SpeakerDirectory) -> list[str]:
    """The names whose roles or aliases hold every content word of a qualifier."""
    want = set(tokens(_content(words))) - DETERMINERS
    if not want:
        return []
    out = []
    for name in names:
        entry = d.entries[name]
        have = {t for text in (*entry.roles, *entry.aliases) for t in tokens(text)}
        if want <= have:
            out.append(name)
    return out


def _qualified_role(who: str, d: SpeakerDirectory, mentions: Mentions | None) -> list[str] | None:
    """'the owner of the Herons', "the Herons' owner", 'the spokesman for the governor':
    the holders of the role that the qualifier fits, by their role or alias words or else by
    the articles they are quoted in. None when this is not a role with holders, or (for the
    forms without a preposition) when the plain lookup already finds one person; [] when
    'X of Y' names a role whose holders do not fit Y ('the governor of Texas')."""
    parts = role_parts(who)
    if parts is None or d.knows(who):
        return None
    head, qualifier, after_of = parts
    holders = d.role_holders(head)
    if not holders or not _content(qualifier):
        return None
    if not after_of and len(d.resolve(who)) == 1:
        return None
    fits = _described_as(holders, qualifier, d)
    if not fits and mentions is not None:
        fits = mentions(holders, qualifier)
    if fits:
        return fits
    return [] if after_of else None


def _is_anyone(who: str) -> bool:
    """'anyone', 'people', 'the article': nobody in particular."""
    low = re.sub(r"\s+", " ", who.lower()).strip()
    return low in _ANYONE or _strip_det(low) in _ANYONE


def _is_category(who: str) -> bool:
    """'critics', 'local business owners': a plural common noun, not a name or a role."""
    words = _strip_det(who).split()
    return (
        0 < len(words) <= 4
        and who == who.lower()
        and words[-1].endswith("s")
        and not words[-1].endswith("ss")
        and not re.search(r"[^\w\s'\-]", who)
    )


def _fill_speaker(who: str, p: ParsedQuestion, d: SpeakerDirectory) -> None:
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
    if _is_anyone(who):
        p.anyone = True
        return
    role = _qualified_role(who, d, p.mentions)
    names = d.resolve(who) if role is None else role
    if names:
        p.speakers = names
        return
    qualified = _QUALIFIED.match(who)
    if qualified:  # "Johnson from the Fifth Ward", "the senator from the Ninth District"
        names = d.resolve(qualified.group("name"))
        fits = _described_as(names, qualified.group("q"), d)
        if re.match(r"^[A-Z][\w'\-]*(?:\s+[A-Z][\w'\-]*)*$", qualified.group("name")):
            fits = fits or names  # a proper name stands even when the rest is not known
        if fits:
            p.speakers = fits
            return
    if _is_category(who):
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
            p.unresolved = _strip_det(missing[0])
            return
    # A role or title with no match ("the governor") is still a name that was not found.
    p.unresolved = re.sub(r"'s?$", "", re.sub(r"^(?:the|a|an)\s+", "", who, flags=re.I))


def _fill_slots(verb: str | None, rest: str, p: ParsedQuestion, *, shows: bool = True) -> None:
    """Medium and topic from what follows the verb: ' to reporters about the budget'.

    "on Morning Joe" after a speech verb is where it was said; after "comments" it is the
    topic, so the possessive and "quotes from" forms pass shows=False.
    """
    rest = re.sub(r"\s+", " ", _WHEN.sub(" ", rest or "")).strip(" ,")
    art = _IN_ARTICLE.search(rest)
    if art and (art.group("a") or art.group("b")):  # "in the stadium story": its subject
        p.article_hint = _strip_det(art.group("a") or art.group("b"))
        rest = (rest[: art.start()] + " " + rest[art.end() :]).strip(" ,")
        if not _content(rest):
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
