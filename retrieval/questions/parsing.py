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

from retrieval.language.people import words
from retrieval.language.tokens import fold, tokens
from retrieval.language.verbs import PLAIN_SAYING_FORMS, QUESTION_VERBS, alternation, inflections
from retrieval.questions.context import ask_everyone, earlier_topic, thread_speakers
from retrieval.questions.phrasing import chatter_reply, fix_typos, is_chatter, question_core
from retrieval.questions.sides import named_side, side_group, who_side
from retrieval.questions.slots import (
    Mentions,
    ParsedQuestion,
    capitalised_tail,
    content_words,
    fill_slots,
    fill_speaker,
    is_anyone,
    is_question,
    plausible_name,
    strip_det,
)
from retrieval.speakers.directory import DirectoryEntry, SpeakerDirectory
from retrieval.types import Context

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
    alternation(inflections(QUESTION_VERBS, ("base", "s", "ed", "ing")))
    + r"|(?:"
    + alternation(inflections({"bring"}, ("base", "s", "ed", "ing")))
    + r")\s+up"
)
# A speaker slot: "the state senator" is one, even though "state" can be a speech verb.
_WHO_SLOT = r"(?P<who>(?:(?:the|a|an|his|her|their|its)\s+)?[^\s].*?)"
_POSSESSIVE_ADJ = (
    r"(?:latest|recent|first|last|full|exact|public|own|main|initial|best|key|strongest|"
    r"most\s+\w+|top|notable|memorable|official|actual|original|biggest)"
)
_POSSESSIVE_NOUNS = (
    "comments?|remarks?|statements?|views?|words|quotes?|response|reaction|position|take|"
    "thoughts|opinion|tweets?|testimony|answer|reply|claims?|stance|argument|message|"
    "criticism|defen[cs]e|denial|explanation|side"
)


def clean_question(question: object) -> str:
    """Control characters out, quote marks folded, whitespace collapsed, length capped."""
    text = question if isinstance(question, str) else ("" if question is None else str(question))
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    text = fold(text)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:MAX_QUESTION_CHARS]


_TRAIL = re.compile(r"[\s?!.,;:]+$")


def _no_symbols(text: str) -> str:
    """Emoji and other pictographs out ('🔥 what did the chief say? 🙏'): they ask nothing."""
    text = "".join(" " if unicodedata.category(c) in ("So", "Sk", "Mn") else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


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
    r"^(?:so\s+|and\s+|ok(?:ay)?,?\s+)?(?:what|which\s+\w+|why|when|where)\s+(?:exactly\s+)?"
    r"(?:did|does|do|has|have|had|was|is|were|"
    rf"are|would|will)\s+{_WHO_SLOT}\s+(?:(?:have\s+to|had\s+to|got\s+to)\s+)?"
    rf"(?P<verb>{_SPEECH_VERBS})\b(?P<rest>.*)$",
    re.I,
)
_HOW_DID = re.compile(
    rf"^how\s+(?:did|does|has|have|do)\s+{_WHO_SLOT}\s+"
    r"(?P<verb>respond|react|reply|answer|describe|characterize|characterise|portray|depict|"
    r"explain|defend|justify|feel|view|see|put\s+it)\b(?P<rest>.*)$",
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
    rf"(?P<who>[^\W_][\w.\- ]*?(?:'s\s+[\w.\- ]*?)??)'s?\s+(?:{_POSSESSIVE_ADJ}\s+)?"
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
_APOSTROPHE_NOUN = re.compile(rf"'s?\s+(?:{_POSSESSIVE_ADJ}\s+)?(?:{_POSSESSIVE_NOUNS})\b", re.I)
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
_LEAD_AUX = re.compile(
    r"^(?:(?:did|does|do|has|have|had|was|is|were|what|so|and|why|when|where|how|whether)\b\s*)+",
    re.I,
)
_AUX = re.compile(
    r"^(?:did|does|do|has|have|had|is|was|were|will|would|can|could|should)\s+(?P<rest>.+)$", re.I
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
# "what X said / thinks / warned ...": a reporting verb in the past or the present.
_REPORTED_VERBS = alternation(
    inflections(
        words(
            "say tell tweet write post think mean claim argue state answer reply respond "
            "report announce comment mention testify insist warn call describe"
        ),
        ("s", "ed"),
    )
)
_EMBEDDED_WHAT = re.compile(
    rf"^what\s+(?:exactly\s+|else\s+)?{_WHO_SLOT}\s+"
    rf"(?P<verb>{_REPORTED_VERBS}|had\s+to\s+say|has\s+to\s+say)\b(?P<rest>.*)$",
    re.I,
)


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
    body = _unwrap(_TRAIL.sub("", _no_symbols(text)).strip(" *"))
    body = _TRAIL.sub("", question_core(fix_typos(body))).strip(" *")
    body = re.sub(r"^(who|what)'s\b", r"\1 is", body, flags=re.I)
    body = earlier_topic(body, context)
    others = re.match(r"^(who|which\s+\w+)\s+else\s+", body, re.I)
    if others:  # "who else talked about X?": X, leaving out who was just shown
        body = f"{others.group(1)} {body[others.end() :]}"
    if not body or not re.search(r"[^\W_]", body):
        parsed.chatter = bool(text.strip())
        return parsed
    if is_chatter(body):
        parsed.chatter = True
        return parsed
    if _and_about(body, parsed, directory, context):
        return parsed
    steps = (_follow_up, _who_side, _who_quoted, _who, _what_did, _possessive, _aux_name, _named)
    matched = next((step for step in steps if step(body, parsed, directory)), None)
    side_group(parsed)
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
        return ask_everyone(parsed, directory, context)
    if parsed.follow_up and len(parsed.speakers) > 1 and context is not None:
        # "what else did the chief say?": the chief the thread is about, of all the chiefs
        mine = [n for n in parsed.speakers if n in context.speakers]
        parsed.speakers = mine or parsed.speakers
    if parsed.follow_up and not parsed.speakers and context is not None:
        parsed.speakers = thread_speakers(parsed.speaker_phrase, context)
        if parsed.topic is None and parsed.intent == "what_did" and context.topic:
            parsed.topic = None  # "what else" asks for more, not the same topic again
    if parsed.intent == "search" and parsed.unresolved is None:
        parsed.topic = parsed.topic or _SEARCH_LEAD.sub("", body).strip() or body
    return parsed


# -- steps: each returns True when it has read the question ----------------------------------

_AND_ABOUT = re.compile(
    r"^(?:(?:and|so|but|ok(?:ay)?|also)\s+)*(?:(?:what|how)\s+)?(?:about|on|regarding)\s+"
    r"(?P<t>.+)$",
    re.I,
)


def _and_about(body: str, p: ParsedQuestion, d: SpeakerDirectory, context: Context | None) -> bool:
    """'and about the budget?' in a thread about a speaker: the same speaker on the budget;
    'and what about Okafor?': Okafor on the thread's topic. Without a thread it is a search."""
    m = _AND_ABOUT.match(body)
    if m is None or context is None or not context.speakers:
        return False
    words = m.group("t").strip()
    hits = d.scan(words)
    p.intent, p.follow_up, p.speaker_phrase = "what_did", True, None
    if len(hits) == 1 and (hits[0][0], hits[0][1]) == (0, len(words)):
        p.speakers, p.topic = list(hits[0][2]), context.topic
        p.speaker_phrase = words
        return True
    p.speakers = list(context.speakers)
    p.topic = strip_det(words) or None
    return True


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
        fill_speaker(inner.group("who"), p, d)
        fill_slots(inner.group("verb"), inner.group("rest"), p)
    else:
        rm = re.match(rf"^(?:from|by)\s+{_WHO_SLOT}(?P<rest>\s+(?:about|on)\s+.*)?$", rest, re.I)
        if rm:
            fill_speaker(rm.group("who"), p, d)
            fill_slots(None, rm.group("rest") or "", p)
        else:
            fill_slots(None, rest, p)
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
        fill_speaker(m.group("who"), p, d)
        _fill_quoted_rest(m.group("rest"), p)
        return True
    return False


def _fill_quoted_rest(rest: str, p: ParsedQuestion) -> None:
    rest = rest.strip()
    art = re.search(
        r"\b(?:in|from|across)\s+(?:the\s+|these\s+|those\s+)?(?P<a>.+?)\s+"
        r"(?:articles?|stor(?:y|ies)|pieces?|reports?|coverage)\b",
        rest,
        re.I,
    )
    if art:
        p.article_hint = strip_det(art.group("a"))
        rest = (rest[: art.start()] + rest[art.end() :]).strip()
    t = re.search(r"\b(?:about|on|regarding|concerning|over)\s+(?P<t>.+)$", rest, re.I)
    if t:
        p.topic = strip_det(t.group("t")) or None


_NOT_SPEECH_WHO = {"is", "was", "are", "were", "am"}
# what a "who said ...?" names when it names no words at all
_NO_WORDS = re.compile(
    r"(?:what|anything|something|stuff|things|what\s+exactly)(?:\s+(?:here|so\s+far))?", re.I
)


def _who_side(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    """'who defended the levy?': a side asked of a topic (side_questions.py)."""
    m = _WHO.match(body)
    return m is not None and who_side(m.group("verb"), m.group("rest"), body, p, d)


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
        if p.exclude and about and content_words(about.group("t")):
            p.intent, p.topic = "search", strip_det(about.group("t"))
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
    if verb not in PLAIN_SAYING_FORMS:
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
    topic = strip_det(topic)
    if not content_words(topic):
        return False
    p.intent, p.topic, p.verb = "search", topic, verb
    return True


def _what_did(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    m = _QUOTES_ABOUT.match(body)
    if m and content_words(m.group("t")):
        p.anyone = True  # "quotes about the strike", "what was said about the levy?"
        p.topic = strip_det(m.group("t"))
        return True
    for pat in (_WHAT_DID, _TELL_ME, _HOW_DID, _DID, _WHETHER, _EMBEDDED_WHAT):
        m = pat.match(body)
        if m and _APOSTROPHE_NOUN.search(f"{m.group('who')} {m.group('verb')}"):
            continue  # "what were Rice's comments on X?": the possessive form, read below
        if m and plausible_name(m.group("who")) and not _AUX_WORD.match(m.group("who")):
            p.intent = "what_did"
            fill_speaker(m.group("who"), p, d)
            # "did Rice comment on Hurricane Katrina?": after such a verb "on" gives the topic
            topical = m.group("verb").lower() in _TOPIC_VERBS
            fill_slots(m.group("verb"), m.group("rest"), p, shows=not topical)
            if p.medium and _a_person(p.medium, d):
                # "about the sanctions on Zarif": a person is what it was about, not a show
                p.medium = p.topic = None
                fill_slots(m.group("verb"), m.group("rest"), p, shows=False)
            named_side(m.group("verb"), m.group("rest"), p)
            return True
    m = _FROM.match(body)
    if m and plausible_name(m.group("who")):
        p.intent = "what_did"
        fill_speaker(m.group("who"), p, d)
        fill_slots(None, m.group("rest") or "", p, shows=False)
        return True
    return False


def _a_person(words: str, d: SpeakerDirectory) -> bool:
    names = d.resolve(words)
    return bool(names) and all(d.entries[n].kind == "person" for n in names)


def _possessive(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    # The noun first: the name patterns scan from every word, too slow on long text.
    noun = _POSSESSIVE_NOUN.search(body)
    if noun is None:
        return False
    on = _ON_TOPIC.match(body)
    m = _POSSESSIVE.search(body) if "'" in body else None
    if m and on and m.end("who") > on.end("who") and _speakerish(on):
        return False  # "Veloria on Mr. Quill's post": the possessive is in the topic
    if not m and len(body.split()) <= 30:
        bare = _POSSESSIVE_BARE.search(body)  # "okafors reaction": the apostrophe left out
        if bare and d.resolve(bare.group("who").split()[-1]):
            m = bare
    if not m:
        return False
    words = m.group("who").split()
    lead = [i for i, w in enumerate(words) if w.lower() in _QUESTION_WORDS]
    words = words[lead[-1] + 1 :] if lead else words  # "what was the Alliance's position"
    if words and is_anyone(words[-1]):
        p.anyone = True  # "everyone's reaction to the vote"
        fill_slots(None, m.group("rest"), p, shows=False)
        return True
    # The name is the longest tail of the words before "'s" that the directory knows: all of
    # them read as a speaker phrase ("the BGC analyst", "the state mediator"), else a shorter
    # tail only as written ("so the Alliance"), never a loose match of a last word.
    if words:
        trial = ParsedQuestion(text=p.text, mentions=p.mentions)
        fill_speaker(" ".join(words), trial, d)
        if trial.speakers or (trial.unresolved and not d.scan(" ".join(words))):
            p.intent, p.speaker_phrase = "what_did", trial.speaker_phrase
            p.speakers, p.unresolved = trial.speakers, trial.unresolved
            fill_slots(None, m.group("rest"), p, shows=False)
            if m.group("noun").lower().startswith("tweet"):
                p.medium = "tweet"
            return True
    for n in range(min(6, len(words)), 0, -1):
        tail = " ".join(words[-n:])
        names = d.resolve(tail) if n == len(words) or d.knows(tail) else []
        if names:
            p.intent = "what_did"
            p.speaker_phrase = tail
            p.speakers = names
            fill_slots(None, m.group("rest"), p, shows=False)
            if m.group("noun").lower().startswith("tweet"):
                p.medium = "tweet"
            return True
    caps = capitalised_tail(words)
    if caps:
        p.intent = "what_did"
        p.speaker_phrase = caps
        p.unresolved = caps
        fill_slots(None, m.group("rest"), p, shows=False)
        return True
    return False


_ON_TOPIC = re.compile(
    r"^(?P<who>(?!(?:latest|more|news|updates?|anything|everything|something|reactions?|"
    r"quotes?|comments?|remarks?)\b)[^\s].{0,80}?)\s+(?:on|about|re|regarding)\s+(?P<t>.+)$",
    re.I,
)


_SAYINGS_TAIL = re.compile(
    r"(?:'s)?\s+(?:quotes?|comments?|remarks?|statements?|views|thoughts|words)$", re.I
)


def _speakerish(on: re.Match[str]) -> bool:
    """'Tanaka', 'the Millbrook coach', not 'and', 'so what' or 'more'."""
    words = [w for w in tokens(on.group("who")) if w not in _QUESTION_WORDS]
    return bool(words) and bool(content_words(" ".join(words)))


def _named(body: str, p: ParsedQuestion, d: SpeakerDirectory) -> bool:
    """A question that names a known speaker anywhere: their words, on the rest as topic."""
    on = _ON_TOPIC.match(body)
    if on and not is_question(body) and plausible_name(on.group("who")) and _speakerish(on):
        # "Tanaka on the nurses", "the Millbrook coach on the loss": the words before "on"
        # are the speaker, even when a name the directory knows is in the topic
        who = _SAYINGS_TAIL.sub("", on.group("who"))
        fill_speaker(who, p, d)
        # a known name that is the whole speaker phrase is read by the scan below; one that
        # only qualifies it ("BlackBerry's finance chief") leaves it unknown
        whole = any(
            start == 0 and end >= len(strip_det(who)) for start, end, _ in d.scan(strip_det(who))
        )
        if p.speakers or (p.unresolved and not whole):
            p.intent = "what_did"
            fill_slots(None, on.group("t"), p, shows=False)
            return True
        p.anyone = p.follow_up = False
        p.speaker_phrase = p.unresolved = None
        p.speakers = []
    hits = d.scan(body)
    if hits:
        start, end, names = hits[0]
        p.intent = "what_did"
        p.speaker_phrase = body[start:end]
        p.speakers = list(names)
        rest = (body[:start] + " " + body[end:]).strip()
        rest = re.sub(r"^(?:'s|')(?=\s|$)", "", rest).strip()
        rest = _LEAD_AUX.sub("", rest)
        fill_slots(None, rest, p)
        return True
    on = re.match(rf"^{_WHO_SLOT}\s+(?:on|about|re|regarding)\s+(?P<t>.+)$", body, re.I)
    if on and len(on.group("who").split()) <= 4 and not is_question(body):
        names = d.resolve(on.group("who"))  # "tanaka on the temporary nurses"
        if names:
            p.intent = "what_did"
            p.speaker_phrase = on.group("who")
            p.speakers = names
            fill_slots(None, on.group("t"), p, shows=False)
            return True
    bare = re.sub(
        r"^(?:(?:all|any|every)\s+)?(?:quotes?|comments?|remarks?|statements?)\s+(?:from|by|of)\s+|"
        r"(?:'s)?\s+(?:quotes?|comments?|remarks?|statements?|tweets?)$",
        "",
        body,
        flags=re.I,
    ).strip()
    if len(bare.split()) <= 3 and not is_question(bare):
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
        and not is_question(body)
    ):
        caps = capitalised_tail(words)
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
            side = named_side(words[n], " ".join(words[n + 1 :]), p)
            # "did Okafor support the levy?": her side on the levy, the verb is not the topic
            fill_slots(None, side or " ".join(words[n:]), p)
            return True
    return False


def _unwrap(text: str) -> str:
    """A question wholly inside quote marks loses them; quoted words inside it keep theirs."""
    for mark in ('"', "'"):
        if len(text) > 1 and text[0] == text[-1] == mark and mark not in text[1:-1]:
            return text[1:-1].strip()
    return text.lstrip(mark) if text.count(mark) == 1 and text.startswith(mark) else text
